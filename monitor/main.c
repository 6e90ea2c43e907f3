/*
 * The monitor partition: a Lua 5.4 console on the system's PL011, which
 * it owns (console.c). Reads an edited line (edit.c), runs it, prints the
 * results or the error, and carries on. Like the standalone lua, a line is first tried as
 * `return <line>` so that expressions print their values, and a chunk left
 * incomplete at the end of a line (`function f()`) continues on the next.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "edit.h"
#include "lauxlib.h"
#include "lua.h"
#include "lualib.h"
#include "rt.h"
#include "sys.h"
#include "timer.h"
#include "cache_view.h"
#include "irq_view.h"
#include "pmu_view.h"
#include "trace_view.h"
#include "vm_view.h"

#define MON_LINE 256   /* one console line, as typed */
#define MON_CHUNK 4096 /* lines of one incomplete chunk, joined */
/* rt's 16 KiB boot stack is too small for Lua's parser and C calls (up to 200 deep). */
#define MON_STACK (256 * 1024)

/* Defined by monitor/monitor.ld. */
extern char __image_start[], __image_end[];

static uint8_t mon_stack[MON_STACK] __attribute__((aligned(16)));
static char mon_chunk[MON_CHUNK];
static size_t mon_chunk_len;

/*
 * While a chunk runs, every MON_WATCH Lua instructions: has Ctrl-C been
 * typed? Another key is kept for the next prompt (the rest waits in the
 * UART). What the system printed meanwhile comes out here too.
 */
#define MON_WATCH 100000

static void mon_watch(lua_State *L, lua_Debug *ar)
{
	int c = con_key();

	(void)ar;
	if (c == 0x03)
		luaL_error(L, "interrupted (Ctrl-C)");
	if (c >= 0)
		con_unget(c);
	if (con_pending()) {
		fflush(stdout);
		con_pump();
	}
}

/* vitrine.poweroff(): the partition's last words (its sizes), then PSCI SYSTEM_OFF. */
static int mon_poweroff(lua_State *L)
{
	size_t bytes;

	lua_gc(L, LUA_GCCOLLECT);
	bytes = (size_t)lua_gc(L, LUA_GCCOUNT) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB);
	printf("monitor: image %u KiB, Lua state uses %u KiB after a full collection, "
	       "heap top %u KiB\n",
	       (unsigned)(((uintptr_t)__image_end - (uintptr_t)__image_start + 1023) / 1024),
	       (unsigned)((bytes + 1023) / 1024), (unsigned)((sys_heap_used() + 1023) / 1024));
	fflush(stdout);
	rt_system_off();
	return 0;
}

/* vitrine.now(): the virtual counter; vitrine.freq(): its ticks per second (rt's timer.h). */
static int mon_now(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)timer_now());
	return 1;
}

static int mon_freq(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)timer_freq());
	return 1;
}

static const luaL_Reg mon_vitrine[] = {
    {"poweroff", mon_poweroff},
    {"now", mon_now},
    {"freq", mon_freq},
    {NULL, NULL},
};

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

/* Runs the chunk collected so far; returns 0 if it needs more lines. */
static int mon_run(lua_State *L)
{
	int status = mon_load(L, mon_chunk, mon_chunk_len);

	if (status < 0)
		return 0;
	if (status == LUA_OK) {
		lua_pushcfunction(L, mon_msghandler);
		lua_insert(L, 1);
		lua_sethook(L, mon_watch, LUA_MASKCOUNT, MON_WATCH);
		status = lua_pcall(L, 0, LUA_MULTRET, 1);
		lua_sethook(L, NULL, 0, 0);
		lua_remove(L, 1);
	}
	if (status == LUA_OK)
		mon_print_results(L);
	else
		printf("%s\n", lua_tostring(L, -1));
	fflush(stdout);
	lua_settop(L, 0);
	return 1;
}

static lua_State *mon_lua(void)
{
	/* No io, os, package or debug: there is no file system or process here. */
	static const luaL_Reg libs[] = {
	    {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
	    {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
	    {LUA_UTF8LIBNAME, luaopen_utf8},
	};
	lua_State *L = luaL_newstate();

	if (!L) {
		con_puts("monitor: no memory for a Lua state\n");
		rt_system_off();
	}
	for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	luaL_newlib(L, mon_vitrine);
	lua_setglobal(L, "vitrine");
	trace_view_open(L);
	vm_view_open(L);
	irq_view_open(L);
	con_open(L);
	cache_view_open(L);
	pmu_view_open(L);
	return L;
}

/* `console NAME` (not Lua: two names in a row) is console.attach('NAME'). */
static int mon_command(lua_State *L, const char *line)
{
	char name[40], extra;

	if (sscanf(line, " console %39s %c", name, &extra) != 1)
		return 0;
	lua_getglobal(L, "console");
	lua_getfield(L, -1, "attach");
	if (name[strspn(name, "0123456789")]) /* `console 1` is VM 1 */
		lua_pushstring(L, name);
	else
		lua_pushinteger(L, atoi(name));
	if (lua_pcall(L, 1, 0, 0) != LUA_OK)
		printf("%s\n", lua_tostring(L, -1));
	fflush(stdout);
	lua_settop(L, 0);
	return 1;
}

static void mon_repl(void) __attribute__((noreturn));
static void mon_repl(void)
{
	lua_State *L = mon_lua();
	char line[MON_LINE];

	con_init();
	con_pump(); /* what the hypervisor said before the monitor started */
	printf("monitor: %s console; vitrine.poweroff() ends it, `console VM` shows one VM\n",
	       LUA_RELEASE);
	fflush(stdout);
	for (;;) {
		int n = edit_readline(mon_chunk_len ? "lua>> " : "lua> ", line, sizeof line);

		if (n < 0 || (!mon_chunk_len && mon_command(L, line))) {
			mon_chunk_len = 0; /* Ctrl-C drops an unfinished chunk too */
			continue;
		}
		/* Lines of one chunk are joined with newlines, so line numbers stay right. */
		if (mon_chunk_len + !!mon_chunk_len + (size_t)n > sizeof mon_chunk) {
			printf("monitor: chunk longer than %d bytes, dropped\n", MON_CHUNK);
			mon_chunk_len = 0;
			continue;
		}
		if (mon_chunk_len)
			mon_chunk[mon_chunk_len++] = '\n';
		memcpy(mon_chunk + mon_chunk_len, line, (size_t)n);
		mon_chunk_len += (size_t)n;
		if (mon_run(L))
			mon_chunk_len = 0;
	}
}

void main(uint64_t arg)
{
	(void)arg;
	sys_init();
	/* The REPL never returns (vitrine.poweroff() ends the partition): no way back needed. */
	__asm__ volatile("mov sp, %0\n\tbr %1" ::"r"(mon_stack + sizeof mon_stack), "r"(mon_repl)
	                 : "memory");
	__builtin_unreachable();
}
