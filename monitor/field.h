/*
 * Setting a field of the table on top of the Lua stack: the one idiom every
 * binding (the *_view.c files) repeats.
 */
#ifndef FIELD_H
#define FIELD_H

#include "lua.h"

void field_int(lua_State *L, const char *name, lua_Integer v);
void field_num(lua_State *L, const char *name, lua_Number v);
void field_str(lua_State *L, const char *name, const char *v);
void field_bool(lua_State *L, const char *name, int v);

#endif
