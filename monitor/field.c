/* Fields of the table on top of the Lua stack (field.h). */
#include "field.h"

void field_int(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

void field_num(lua_State *L, const char *name, lua_Number v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, name);
}

void field_str(lua_State *L, const char *name, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, name);
}

void field_bool(lua_State *L, const char *name, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, name);
}
