/*
 * The Lua table `dbg`: debugging a VM the config grants (`debug`) through
 * the monitor-only calls of vitrine/debug.h. A VM is named by id or name,
 * a vCPU by its number (0 if left out); an address is a VA of that vCPU,
 * or an IPA where the space argument says "ipa". Breakpoint callbacks live
 * in the registry, by VM and IPA, and run from dbg.wait.
 */
#include "debug_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "lauxlib.h"
#include "rt.h"
#include "syspage.h"
#include "timer.h"
#include <vitrine/debug.h>

#define DV_READ_LIMIT 0x10000 /* bytes one dbg.read may ask for */
#define DV_WAIT_MS 5000

static const char *const dv_stops[VT_DBG_STOP_COUNT] = VT_DBG_STOP_NAMES;
#define DV_SYS_NAME(name) #name,
const char *const debug_sys_names[VT_DBG_SYS_COUNT] = {VT_DBG_SYSREGS(DV_SYS_NAME)};
#undef DV_SYS_NAME
static const char dv_callbacks_key = 0; /* registry: {[vm] = {[ipa] = function}} */
static const char dv_seen_key = 0;      /* registry: {[vm] = stop count its last dbg.cont left} */

const char *debug_why(int64_t r)
{
	switch (r) {
	case VT_ERR_DENIED:
		return "refused: the VM is not granted `debug` in the config, not running, or not "
		       "attached (dbg.attach)";
	case SMCCC_INVALID_PARAMETER:
		return "invalid argument: no such VM, vCPU, register or breakpoint, or no room for "
		       "another";
	case VT_DBG_ERR_RUNNING:
		return "the vCPU is not stopped (dbg.stop)";
	case VT_DBG_ERR_UNMAPPED:
		return "not mapped to the VM's RAM";
	case SMCCC_NOT_SUPPORTED:
		return "not supported (a stage-1 granule other than 4 KiB?)";
	default:
		return "unexpected answer";
	}
}

/* One call, x[0] the function; a Lua error saying why if it fails, unless soft lets it through. */
static int64_t dv_call(lua_State *L, uint64_t *x, const char *what, int soft)
{
	int64_t r;

	rt_hvc_regs(x);
	r = (int64_t)x[0];
	if (r < 0 && !(soft && r == VT_DBG_ERR_UNMAPPED))
		return luaL_error(L, "dbg.%s: %s (%d)", what, debug_why(r), (int)r);
	return r;
}

/* nil, and which address is not the VM's RAM. */
static int dv_unmapped(lua_State *L, uint64_t addr)
{
	char msg[80];

	snprintf(msg, sizeof msg, "0x%llx: %s", (unsigned long long)addr,
	         debug_why(VT_DBG_ERR_UNMAPPED));
	luaL_pushfail(L);
	lua_pushstring(L, msg);
	return 2;
}

static uint32_t dv_vm(lua_State *L, int idx)
{
	return syspage_find_vm(L, syspage_get(L), idx);
}

/* The stop count a dbg.wait on vm looks past (a dbg.cont's), or none (-1); read once. */
static void dv_seen_set(lua_State *L, uint32_t vm, lua_Integer stops)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &dv_seen_key);
	if (stops < 0)
		lua_pushnil(L);
	else
		lua_pushinteger(L, stops);
	lua_rawseti(L, -2, vm);
	lua_pop(L, 1);
}

static lua_Integer dv_seen_take(lua_State *L, uint32_t vm)
{
	lua_Integer stops = -1;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &dv_seen_key);
	if (lua_rawgeti(L, -1, vm) == LUA_TNUMBER)
		stops = lua_tointeger(L, -1);
	lua_pop(L, 2);
	dv_seen_set(L, vm, -1);
	return stops;
}

/* The vCPU argument at idx (0 when absent). */
static uint64_t dv_vcpu(lua_State *L, int idx)
{
	lua_Integer n = luaL_optinteger(L, idx, 0);

	luaL_argcheck(L, n >= 0 && n < VT_DBG_IPA, idx, "not a vCPU number");
	return (uint64_t)n;
}

/* The address space at idx: "ipa", else a vCPU's VAs. */
static uint64_t dv_space(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		luaL_argcheck(L, !strcmp(lua_tostring(L, idx), "ipa"), idx, "\"ipa\" or a vCPU");
		return VT_DBG_IPA;
	}
	return dv_vcpu(L, idx);
}

/* A register's number from its name: x0..x30, sp, pc, cpsr, an EL1 system register, v0lo..v31hi,
 * fpsr, fpcr. */
static uint32_t dv_reg_number(lua_State *L, int idx)
{
	const char *name = luaL_checkstring(L, idx);
	char *end;
	unsigned long n;

	if (name[0] == 'x' && name[1] >= '0' && name[1] <= '9') {
		n = strtoul(name + 1, &end, 10);
		if (!*end && n < 31)
			return (uint32_t)n;
	}
	if (name[0] == 'v' && name[1] >= '0' && name[1] <= '9') { /* v0lo .. v31hi */
		n = strtoul(name + 1, &end, 10);
		if (n < 32 && (!strcmp(end, "lo") || !strcmp(end, "hi")))
			return VT_DBG_REG_V + 2 * (uint32_t)n + (end[0] == 'h');
	}
	if (!strcmp(name, "fpsr"))
		return VT_DBG_REG_FPSR;
	if (!strcmp(name, "fpcr"))
		return VT_DBG_REG_FPCR;
	if (!strcmp(name, "sp"))
		return VT_DBG_REG_SP;
	if (!strcmp(name, "pc"))
		return VT_DBG_REG_PC;
	if (!strcmp(name, "cpsr"))
		return VT_DBG_REG_CPSR;
	for (uint32_t i = 0; i < VT_DBG_SYS_COUNT; i++)
		if (!strcmp(name, debug_sys_names[i]))
			return VT_DBG_REG_SYS + i;
	return (uint32_t)luaL_argerror(L, idx, "no such register");
}

static uint64_t dv_reg_get(lua_State *L, uint32_t vm, uint64_t vcpu, uint32_t n)
{
	uint64_t x[8] = {VT_HC_DBG_REG, vm, vcpu, n};

	dv_call(L, x, "reg", 0);
	return x[1];
}

/* dbg.attach(vm): open a session; the VM stops. */
static int dv_attach(lua_State *L)
{
	uint64_t x[8] = {VT_HC_DBG_ATTACH, dv_vm(L, 1)};

	dv_call(L, x, "attach", 0);
	return 0;
}

/* dbg.detach(vm): every breakpoint out, the session ends, the VM runs on. */
static int dv_detach(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t x[8] = {VT_HC_DBG_DETACH, vm};

	dv_call(L, x, "detach", 0);
	dv_seen_set(L, vm, -1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &dv_callbacks_key);
	lua_pushnil(L);
	lua_rawseti(L, -2, vm);
	return 0;
}

static void dv_status_table(lua_State *L, const uint64_t *x)
{
	lua_newtable(L);
	field_int(L, "stops", (lua_Integer)x[1]);
	field_str(L, "reason", x[2] < VT_DBG_STOP_COUNT ? dv_stops[x[2]] : "?");
	field_int(L, "vcpu", (lua_Integer)x[3]);
	field_int(L, "pc", (lua_Integer)x[4]);
	field_bool(L, "stopped", x[5] != 0);
	if (x[2] == VT_DBG_STOP_WATCH)
		field_int(L, "addr", (lua_Integer)x[6]);
}

/* dbg.status(vm): {stops, reason, vcpu, pc, stopped}: the last stop, and whether it is stopped. */
static int dv_status(lua_State *L)
{
	uint64_t x[8] = {VT_HC_DBG_STATUS, dv_vm(L, 1)};

	dv_call(L, x, "status", 0);
	dv_status_table(L, x);
	return 1;
}

/* dbg.regs(vm [, vcpu]): every register by name. */
static int dv_regs(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t vcpu = dv_vcpu(L, 2);
	char name[8];

	lua_newtable(L);
	for (uint32_t n = 0; n < 31; n++) {
		snprintf(name, sizeof name, "x%u", (unsigned)n);
		field_int(L, name, (lua_Integer)dv_reg_get(L, vm, vcpu, n));
	}
	field_int(L, "sp", (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_SP));
	field_int(L, "pc", (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_PC));
	field_int(L, "cpsr", (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_CPSR));
	for (uint32_t i = 0; i < VT_DBG_SYS_COUNT; i++)
		field_int(L, debug_sys_names[i],
		          (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_SYS + i));
	for (uint32_t i = 0; i < 64; i++) {
		snprintf(name, sizeof name, "v%u%s", (unsigned)i / 2, i % 2 ? "hi" : "lo");
		field_int(L, name, (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_V + i));
	}
	field_int(L, "fpsr", (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_FPSR));
	field_int(L, "fpcr", (lua_Integer)dv_reg_get(L, vm, vcpu, VT_DBG_REG_FPCR));
	return 1;
}

/* dbg.reg(vm, name [, vcpu]): one register. */
static int dv_reg(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1), n = dv_reg_number(L, 2);

	lua_pushinteger(L, (lua_Integer)dv_reg_get(L, vm, dv_vcpu(L, 3), n));
	return 1;
}

/* dbg.setreg(vm, name, value [, vcpu]) */
static int dv_setreg(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1), n = dv_reg_number(L, 2);
	uint64_t x[8] = {VT_HC_DBG_REG, vm, dv_vcpu(L, 4), n, 1, (uint64_t)luaL_checkinteger(L, 3)};

	dv_call(L, x, "setreg", 0);
	return 0;
}

/* dbg.read(vm, addr, len [, space]): the bytes as a string, or nil and why if unmapped. */
static int dv_read(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t addr = (uint64_t)luaL_checkinteger(L, 2), space = dv_space(L, 4);
	lua_Integer len = luaL_checkinteger(L, 3);
	luaL_Buffer b;

	luaL_argcheck(L, len >= 0 && len <= DV_READ_LIMIT, 3, "0 to 64 KiB");
	luaL_buffinit(L, &b);
	for (lua_Integer off = 0, n; off < len; off += n) {
		uint64_t x[8];

		n = len - off < VT_DBG_READ_MAX ? len - off : VT_DBG_READ_MAX;
		x[0] = VT_HC_DBG_READ;
		x[1] = vm;
		x[2] = space;
		x[3] = addr + (uint64_t)off;
		x[4] = (uint64_t)n;
		if (dv_call(L, x, "read", 1) < 0)
			return dv_unmapped(L, addr + (uint64_t)off);
		luaL_addlstring(&b, (const char *)&x[1], (size_t)n);
	}
	luaL_pushresult(&b);
	return 1;
}

/* dbg.write(vm, addr, bytes [, space]): true, or nil and why if unmapped. */
static int dv_write(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t addr = (uint64_t)luaL_checkinteger(L, 2), space = dv_space(L, 4);
	size_t len;
	const char *s = luaL_checklstring(L, 3, &len);

	for (size_t off = 0, n; off < len; off += n) {
		uint64_t x[8] = {VT_HC_DBG_WRITE, vm, space, addr + off};

		n = len - off < VT_DBG_WRITE_MAX ? len - off : VT_DBG_WRITE_MAX;
		x[4] = n;
		memcpy(&x[5], s + off, n);
		if (dv_call(L, x, "write", 1) < 0)
			return dv_unmapped(L, addr + off);
	}
	lua_pushboolean(L, 1);
	return 1;
}

/* dbg.translate(vm, va [, vcpu]): the IPA, or nil and why. */
static int dv_translate(lua_State *L)
{
	uint64_t x[8] = {VT_HC_DBG_TRANSLATE, dv_vm(L, 1), dv_vcpu(L, 3),
	                 (uint64_t)luaL_checkinteger(L, 2)};

	if (dv_call(L, x, "translate", 1) < 0) {
		luaL_pushfail(L);
		lua_pushstring(L, debug_why(VT_DBG_ERR_UNMAPPED));
		return 2;
	}
	lua_pushinteger(L, (lua_Integer)x[1]);
	return 1;
}

/* The callbacks of VM vm, pushed (created if need be). */
static void dv_callbacks(lua_State *L, uint32_t vm)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &dv_callbacks_key);
	if (lua_rawgeti(L, -1, vm) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, vm);
	}
	lua_remove(L, -2);
}

/* Set (set 1) or take out a breakpoint at the address at index 2: its IPA. */
static uint64_t dv_break(lua_State *L, uint32_t vm, uint64_t space, int set)
{
	uint64_t x[8] = {VT_HC_DBG_BREAK, vm, space, (uint64_t)luaL_checkinteger(L, 2),
	                 (uint64_t)set};

	dv_call(L, x, set ? "brk" : "unbrk", 0);
	return x[1];
}

/* dbg.brk(vm, addr [, fn [, space]]): a software breakpoint; fn(status) runs when dbg.wait sees it.
 */
static int dv_brk(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t ipa;

	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TFUNCTION);
	ipa = dv_break(L, vm, dv_space(L, 4), 1);
	dv_callbacks(L, vm);
	lua_pushvalue(L, 3);
	lua_rawseti(L, -2, (lua_Integer)ipa);
	lua_pushinteger(L, (lua_Integer)ipa);
	return 1;
}

/* dbg.unbrk(vm, addr [, space]): the original instruction back. */
static int dv_unbrk(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t ipa = dv_break(L, vm, dv_space(L, 3), 0);

	dv_callbacks(L, vm);
	lua_pushnil(L);
	lua_rawseti(L, -2, (lua_Integer)ipa);
	return 0;
}

/* Set (set 1) or remove a hardware breakpoint or watchpoint (enum vt_dbg_hw kind). */
static int dv_hw(lua_State *L, uint32_t kind, int set, uint64_t len, const char *what)
{
	uint64_t x[8] = {VT_HC_DBG_HW,  dv_vm(L, 1), kind, (uint64_t)luaL_checkinteger(L, 2),
	                 (uint64_t)set, len};

	dv_call(L, x, what, 0);
	return 0;
}

/* dbg.hwbrk(vm, va), dbg.unhwbrk(vm, va): a breakpoint in the debug registers, memory untouched. */
static int dv_hwbrk(lua_State *L)
{
	return dv_hw(L, VT_DBG_HW_EXEC, 1, 4, "hwbrk");
}

static int dv_unhwbrk(lua_State *L)
{
	return dv_hw(L, VT_DBG_HW_EXEC, 0, 4, "unhwbrk");
}

static uint32_t dv_watch_kind(lua_State *L, int idx)
{
	static const char *const kinds[] = {"store", "load", "access", NULL};

	return VT_DBG_HW_STORE + (uint32_t)luaL_checkoption(L, idx, "store", kinds);
}

/* dbg.watch(vm, va, len [, "store"|"load"|"access"]), dbg.unwatch(vm, va [, kind]) */
static int dv_watch(lua_State *L)
{
	lua_Integer len = luaL_checkinteger(L, 3);

	luaL_argcheck(L, len >= 1 && len <= 8, 3, "1 to 8 bytes");
	return dv_hw(L, dv_watch_kind(L, 4), 1, (uint64_t)len, "watch");
}

static int dv_unwatch(lua_State *L)
{
	return dv_hw(L, dv_watch_kind(L, 3), 0, 1, "unwatch");
}

/* One step of vcpu: x[0] < 0 if refused, else x[1] the reason it stopped, x[2] its PC. */
static int64_t debug_step_once(uint32_t vm, uint64_t vcpu, uint64_t *x)
{
	x[0] = VT_HC_DBG_STEP;
	x[1] = vm;
	x[2] = vcpu;
	rt_hvc_regs(x);
	return (int64_t)x[0];
}

static void dv_step_once(lua_State *L, uint32_t vm, uint64_t vcpu, uint64_t *x)
{
	int64_t r = debug_step_once(vm, vcpu, x);

	if (r < 0)
		luaL_error(L, "dbg.step: %s (%d)", debug_why(r), (int)r);
}

/*
 * If held vcpu stands on a breakpoint, take it out for one step (x: its
 * result) and put it back: a BRK where it stands would stop it again at
 * once. 1 if it stepped, 0 if not, < 0 if a call failed.
 */
int64_t debug_step_off(uint32_t vm, uint64_t vcpu, uint64_t *x)
{
	uint64_t pc[8] = {VT_HC_DBG_REG, vm, vcpu, VT_DBG_REG_PC},
	         t[8] = {VT_HC_DBG_TRANSLATE, vm, vcpu};
	uint64_t b[8] = {VT_HC_DBG_BREAK, vm, VT_DBG_IPA};
	int64_t r;

	rt_hvc_regs(pc);
	if ((int64_t)pc[0] < 0) /* not held: off */
		return 0;
	t[3] = pc[1];
	rt_hvc_regs(t);
	if ((int64_t)t[0] < 0)
		return 0;
	b[3] = t[1];
	rt_hvc_regs(b); /* takes out the one there, if there is one */
	if ((int64_t)b[0] != 0)
		return 0;
	if ((r = debug_step_once(vm, vcpu, x)) < 0)
		return r;
	b[0] = VT_HC_DBG_BREAK;
	b[1] = vm;
	b[2] = VT_DBG_IPA;
	b[3] = t[1];
	b[4] = 1;
	rt_hvc_regs(b);
	return (int64_t)b[0] < 0 ? (int64_t)b[0] : 1;
}

static int dv_step_off(lua_State *L, uint32_t vm, uint64_t vcpu, uint64_t *x)
{
	int64_t r = debug_step_off(vm, vcpu, x);

	if (r < 0)
		return luaL_error(L, "dbg.step: %s (%d)", debug_why(r), (int)r);
	return (int)r;
}

int64_t debug_cont(uint32_t vm, uint32_t nr_vcpus, uint64_t *stops)
{
	uint64_t x[8];
	int64_t r;

	for (uint32_t c = 0; c < nr_vcpus; c++)
		if ((r = debug_step_off(vm, c, x)) < 0)
			return r;
	x[0] = VT_HC_DBG_STATUS; /* a hardware stop would stop it again where it is: a step, */
	x[1] = vm;               /* which leaves them out, first */
	rt_hvc_regs(x);
	if ((int64_t)x[0] < 0)
		return (int64_t)x[0];
	if (x[5] && (x[2] == VT_DBG_STOP_HW || x[2] == VT_DBG_STOP_WATCH) &&
	    (r = debug_step_once(vm, x[3], x)) < 0)
		return r;
	x[0] = VT_HC_DBG_STATUS; /* stopped still: nothing moves the count till the resume */
	x[1] = vm;
	rt_hvc_regs(x);
	if ((int64_t)x[0] < 0)
		return (int64_t)x[0];
	*stops = x[1];
	x[0] = VT_HC_VM_RESUME;
	x[1] = vm;
	rt_hvc_regs(x);
	return (int64_t)x[0];
}

/* dbg.step(vm [, vcpu]): one instruction (over a breakpoint it stands on) -> reason, pc */
static int dv_step(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t vcpu = dv_vcpu(L, 2), x[8];

	dv_seen_set(L, vm, -1); /* its stop is told here, not to a dbg.wait */
	if (!dv_step_off(L, vm, vcpu, x))
		dv_step_once(L, vm, vcpu, x);
	lua_pushstring(L, x[1] < VT_DBG_STOP_COUNT ? dv_stops[x[1]] : "?");
	lua_pushinteger(L, (lua_Integer)x[2]);
	return 2;
}

/* dbg.stop(vm): stop it where it is; returns once every vCPU is held. */
static int dv_stop(lua_State *L)
{
	uint64_t x[8] = {VT_HC_VM_PAUSE, dv_vm(L, 1)};

	dv_seen_set(L, (uint32_t)x[1], -1);
	dv_call(L, x, "stop", 0);
	return 0;
}

/* dbg.cont(vm): every stopped vCPU steps off a breakpoint it stands on, then the VM runs on. */
static int dv_cont(lua_State *L)
{
	const struct vt_sys *s = syspage_get(L);
	uint32_t vm = syspage_find_vm(L, s, 1), nr = 0;
	uint64_t stops;
	int64_t r;

	for (uint32_t k = 0; k < s->nr_vcpus; k++)
		nr += s->vcpus[k].vm == vm;
	if ((r = debug_cont(vm, nr, &stops)) < 0)
		return luaL_error(L, "dbg.cont: %s (%d)", debug_why(r), (int)r);
	dv_seen_set(L, vm, (lua_Integer)stops);
	return 0;
}

/*
 * dbg.wait(vm [, ms]): the next stop (a breakpoint or step) as dbg.status
 * gives it, or nil after ms (5000): the next after the last dbg.cont, even
 * if it came before the wait began, else the next from now. A breakpoint's
 * callback runs first; if it returns true, the VM continues and the wait
 * goes on.
 */
static int dv_wait(lua_State *L)
{
	uint32_t vm = dv_vm(L, 1);
	uint64_t until =
	    timer_now() + (uint64_t)luaL_optinteger(L, 2, DV_WAIT_MS) * timer_freq() / 1000;
	uint64_t x[8] = {VT_HC_DBG_STATUS, vm}, seen;
	lua_Integer cont = dv_seen_take(L, vm);

	dv_call(L, x, "wait", 0);
	seen = cont >= 0 ? (uint64_t)cont : x[1];
	for (;;) {
		uint64_t t[8];

		x[0] = VT_HC_DBG_STATUS;
		x[1] = vm;
		dv_call(L, x, "wait", 0);
		if (x[1] == seen || !x[5]) {
			if (timer_now() > until) {
				luaL_pushfail(L);
				return 1;
			}
			rt_relax();
			continue;
		}
		seen = x[1];
		dv_status_table(L, x);
		t[0] = VT_HC_DBG_TRANSLATE;
		t[1] = vm;
		t[2] = x[3];
		t[3] = x[4];
		if (x[2] != VT_DBG_STOP_BREAK || dv_call(L, t, "wait", 1) < 0)
			return 1;
		dv_callbacks(L, vm);
		if (lua_rawgeti(L, -1, (lua_Integer)t[1]) != LUA_TFUNCTION) {
			lua_pop(L, 2);
			return 1;
		}
		lua_pushvalue(L, -3);
		lua_call(L, 1, 1);
		if (!lua_toboolean(L, -1)) {
			lua_pop(L, 2);
			return 1;
		}
		lua_pop(L, 3);
		lua_pushcfunction(L, dv_cont);
		lua_pushinteger(L, vm);
		lua_call(L, 1, 0);
		seen = (uint64_t)dv_seen_take(L, vm); /* its steps off breakpoints are not news */
	}
}

static const luaL_Reg dv_lib[] = {
    {"attach", dv_attach},
    {"detach", dv_detach},
    {"status", dv_status},
    {"regs", dv_regs},
    {"reg", dv_reg},
    {"setreg", dv_setreg},
    {"read", dv_read},
    {"write", dv_write},
    {"translate", dv_translate},
    {"brk", dv_brk},
    {"unbrk", dv_unbrk},
    {"step", dv_step},
    {"stop", dv_stop},
    {"cont", dv_cont},
    {"wait", dv_wait},
    {"hwbrk", dv_hwbrk},
    {"unhwbrk", dv_unhwbrk},
    {"watch", dv_watch},
    {"unwatch", dv_unwatch},
    {NULL, NULL},
};

void debug_view_open(lua_State *L)
{
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &dv_callbacks_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &dv_seen_key);
	luaL_newlib(L, dv_lib);
	lua_setglobal(L, "dbg");
}
