/*
 * The REPL's Lua side, shared by the UART console (main.c) and the TCP
 * console (net_console.c): the state every console gets, and how a chunk
 * is run. Like the standalone lua, a chunk is first tried as
 * `return <chunk>` so that expressions print their values.
 */
#include "repl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_view.h"
#include "console.h"
#include "debug_view.h"
#include "irq_view.h"
#include "lauxlib.h"
#include "lualib.h"
#include "net.h"
#include "pmu_view.h"
#include "rt.h"
#include "trace_view.h"
#include "vitrine_view.h"
#include "vm_view.h"

/* Errors that are not strings still print: through __tostring, or by their type. */
static int mon_msghandler(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TSTRING)
		return 1;
	if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
		return 1;
	lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	return 1;
}

static void mon_print_results(lua_State *L)
{
	int n = lua_gettop(L);

	if (!n)
		return;
	luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
	lua_getglobal(L, "print");
	lua_insert(L, 1);
	if (lua_pcall(L, n, 0, 0) != LUA_OK)
		printf("error calling 'print' (%s)\n", lua_tostring(L, -1));
}

/* A syntax error at the end of the input: the chunk is not finished yet. */
static int mon_incomplete(lua_State *L, int status)
{
	static const char eof[] = "<eof>";
	size_t len;
	const char *msg;

	if (status != LUA_ERRSYNTAX)
		return 0;
	msg = lua_tolstring(L, -1, &len);
	return len >= sizeof eof - 1 && !strcmp(msg + len - (sizeof eof - 1), eof);
}

/*
 * Compiles the chunk, as an expression first. Returns LUA_OK with the
 * function on the stack, -1 if the chunk is incomplete, or an error status
 * with the message on the stack.
 */
static int mon_load(lua_State *L, const char *chunk, size_t len)
{
	int status;

	lua_pushliteral(L, "return ");
	lua_pushlstring(L, chunk, len);
	lua_concat(L, 2);
	status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=console");
	lua_remove(L, -2);
	if (status == LUA_OK)
		return status;
	lua_pop(L, 1);
	status = luaL_loadbuffer(L, chunk, len, "=console");
	if (mon_incomplete(L, status)) {
		lua_pop(L, 1);
		return -1;
	}
	return status;
}

/* The state's allocator: the C heap, mem->cap bytes (+ mem->slack) at most. */
static void *repl_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct repl_mem *mem = ud;
	void *p;

	if (!ptr)
		osize = 0; /* then osize is the kind of object, not a size */
	if (!nsize) {
		free(ptr);
		mem->used -= osize;
		return NULL;
	}
	if (nsize > osize && mem->used + (nsize - osize) > mem->cap + mem->slack)
		return NULL; /* Lua collects and retries, then raises "not enough memory" */
	p = realloc(ptr, nsize);
	if (p)
		mem->used = mem->used - osize + nsize;
	return p;
}

static void repl_slack(lua_State *L, size_t slack)
{
	void *ud;

	lua_getallocf(L, &ud);
	((struct repl_mem *)ud)->slack = slack;
}

int repl_run(lua_State *L, const char *chunk, size_t len, lua_Hook hook)
{
	int status = mon_load(L, chunk, len);

	if (status < 0)
		return REPL_MORE;
	if (status == LUA_OK) {
		lua_pushcfunction(L, mon_msghandler);
		lua_insert(L, 1);
		lua_sethook(L, hook, LUA_MASKCOUNT, REPL_WATCH);
		repl_slack(L, 0);
		status = lua_pcall(L, 0, LUA_MULTRET, 1);
		repl_slack(L, REPL_SLACK);
		lua_sethook(L, NULL, 0, 0);
		lua_remove(L, 1);
	}
	if (status == LUA_OK)
		mon_print_results(L);
	else
		printf("%s\n", lua_tostring(L, -1));
	fflush(stdout);
	lua_settop(L, 0);
	return status == LUA_OK ? REPL_RAN : REPL_FAILED;
}

/* Opens the libraries inside a protected call: a state short of memory fails, not panics. */
static int repl_open(lua_State *L)
{
	/* No io, os, package or debug: there is no file system or process here. */
	static const luaL_Reg libs[] = {
	    {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
	    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
	    {LUA_UTF8LIBNAME, luaopen_utf8},
	};

	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	vitrine_view_open(L);
	trace_view_open(L);
	vm_view_open(L);
	irq_view_open(L);
	con_open(L);
	cache_view_open(L);
	pmu_view_open(L);
	debug_view_open(L);
	net_open(L);
	return 0;
}

/* An error outside any protected call: a bug here, not in the user's chunk. */
static int repl_panic(lua_State *L)
{
	con_puts("monitor: Lua panic: ");
	con_puts(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(no message)");
	con_puts("\n");
	rt_system_off();
}

lua_State *repl_state(struct repl_mem *mem)
{
	lua_State *L;

	mem->slack = REPL_SLACK;
	L = lua_newstate(repl_alloc, mem);
	if (!L)
		return NULL;
	memset(lua_getextraspace(L), 0, LUA_EXTRASPACE); /* a console's own pointer, or NULL */
	lua_atpanic(L, repl_panic);
	lua_pushcfunction(L, repl_open);
	if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
		lua_close(L);
		return NULL;
	}
	return L;
}
