/*
 * The monitor's debugger calls (vitrine/debug.h). A session stops the VM;
 * each held vCPU saves its EL1 state on its own pCPU (debug_held), where
 * the monitor's pCPU reads and writes it and the register frame, and puts
 * it back when it runs again (debug_release). Guest memory is reached one
 * page at a time through this pCPU's window, mapped for the access and
 * unmapped at once: RAM regions only, never a device.
 */
#include "debug.h"

#include <string.h>

#include "arch.h"
#include "color.h"
#include "cpu.h"
#include "trace.h"
#include "vm.h"

#define DEBUG_PAGE 0x1000ull
#define DEBUG_STEP_MS 100
#define DEBUG_STEP_WAKE_MS 1000 /* one that never leaves its hold: the call returns anyway */

/* The physical address of vm's RAM at ipa, and how many bytes follow it in the same page. */
static int debug_ipa_pa(const struct vm *vm, uint64_t ipa, uint64_t *pa)
{
	for (uint32_t i = 0; i < vm->cfg->nr_regions; i++) {
		const struct cfg_region *r = &vm->cfg->regions[i];

		if (r->kind == CFG_REGION_RAM && ipa - r->ipa < r->size) {
			*pa = color_pa(r, ipa - r->ipa);
			return 0;
		}
	}
	return VT_DBG_ERR_UNMAPPED;
}

/* One page's part of an access: mapped, copied, cleaned to where an MMU-off guest sees it. */
static void debug_copy_page(uint64_t pa, uint8_t *buf, uint32_t len, int write)
{
	uint8_t *page = arch_window_map(pa & ~(DEBUG_PAGE - 1), DEBUG_PAGE);
	uint8_t *p = page + (pa & (DEBUG_PAGE - 1));

	arch_dcache_clean(p, len);
	if (write) {
		memcpy(p, buf, len);
		arch_dcache_clean(p, len);
	} else {
		memcpy(buf, p, len);
	}
	arch_window_unmap(page, DEBUG_PAGE);
}

/* Bytes up to the next page boundary from addr, at most len. */
static uint32_t debug_piece(uint64_t addr, uint32_t len)
{
	uint64_t room = DEBUG_PAGE - (addr & (DEBUG_PAGE - 1));

	return room < len ? (uint32_t)room : len;
}

/* All of [ipa, ipa+len) or nothing: every page is checked before any byte moves. */
static int debug_copy_ipa(struct vm *vm, uint64_t ipa, uint8_t *buf, uint32_t len, int write)
{
	uint64_t pa;

	for (uint32_t off = 0; off < len; off += debug_piece(ipa + off, len - off))
		if (ipa + off < ipa || debug_ipa_pa(vm, ipa + off, &pa))
			return VT_DBG_ERR_UNMAPPED;
	for (uint32_t off = 0, n; off < len; off += n) {
		n = debug_piece(ipa + off, len - off);
		debug_ipa_pa(vm, ipa + off, &pa);
		debug_copy_page(pa, buf + off, n, write);
	}
	return 0;
}

int debug_read_ipa(struct vm *vm, uint64_t ipa, void *buf, uint32_t len)
{
	return debug_copy_ipa(vm, ipa, buf, len, 0);
}

/* A held vCPU whose state the monitor may touch: only between debug_held and its release. */
static int debug_stopped_vcpu(const struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_PAUSED &&
	       __atomic_load_n(&v->debug.saved, __ATOMIC_ACQUIRE);
}

/*
 * A VA through v's stage 1, page by page, or an IPA as it is (space
 * VT_DBG_IPA): then copied, all or nothing. A write over a breakpoint
 * becomes what the breakpoint restores; the BRK stays in memory.
 */
static int debug_copy(struct vm *vm, uint64_t space, uint64_t addr, uint8_t *buf, uint32_t len,
                      int write)
{
	uint64_t ipa[2];
	uint32_t n = debug_piece(addr, len);
	int err = 0;

	if (space != VT_DBG_IPA && (space >= vm->nr_vcpus || !debug_stopped_vcpu(vm->vcpus[space])))
		return space >= vm->nr_vcpus ? SMCCC_INVALID_PARAMETER : VT_DBG_ERR_RUNNING;
	ipa[0] = addr;
	ipa[1] = addr + n;
	if (space != VT_DBG_IPA) {
		err = arch_debug_translate(vm->vcpus[space], addr, &ipa[0]);
		if (!err && n < len)
			err = arch_debug_translate(vm->vcpus[space], addr + n, &ipa[1]);
	}
	if (err)
		return err;
	if (n < len) { /* a second page: checked before the first is touched */
		uint64_t pa;

		if (debug_ipa_pa(vm, ipa[1], &pa))
			return VT_DBG_ERR_UNMAPPED;
	}
	err = debug_copy_ipa(vm, ipa[0], buf, n, write);
	if (!err && n < len)
		err = debug_copy_ipa(vm, ipa[1], buf + n, len - n, write);
	for (uint32_t p = 0; !err && p < 2; p++) {
		uint32_t from = p ? n : 0, to = p ? len : n;

		for (uint32_t i = 0; i < VT_DBG_BREAKS; i++) {
			struct debug_break *b = &vm->debug.breaks[i];
			uint32_t brk = arch_debug_break_insn();

			for (uint32_t k = 0; b->set && k < 4; k++) {
				uint64_t at = b->ipa + k - ipa[p];

				if (at >= to - from)
					continue;
				if (write) {
					((uint8_t *)&b->insn)[k] = buf[from + at];
					debug_copy_ipa(vm, b->ipa + k, (uint8_t *)&brk + k, 1, 1);
				} else {
					buf[from + at] = ((uint8_t *)&b->insn)[k];
				}
			}
		}
	}
	if (!err && write)
		arch_icache_invalidate();
	return err;
}

/* Place or take out one software breakpoint at ipa. */
static int debug_break(struct vm *vm, uint64_t ipa, int set)
{
	struct debug_break *free = NULL;
	uint32_t brk = arch_debug_break_insn();

	if (ipa & 3)
		return SMCCC_INVALID_PARAMETER;
	for (uint32_t i = 0; i < VT_DBG_BREAKS; i++) {
		struct debug_break *b = &vm->debug.breaks[i];

		if (b->set && b->ipa == ipa) {
			if (set)
				return 0;
			b->set = 0;
			debug_copy_ipa(vm, ipa, (uint8_t *)&b->insn, 4, 1);
			arch_icache_invalidate();
			return 0;
		}
		if (!b->set && !free)
			free = b;
	}
	if (!set)
		return SMCCC_INVALID_PARAMETER;
	if (!free)
		return SMCCC_INVALID_PARAMETER;
	if (debug_copy_ipa(vm, ipa, (uint8_t *)&free->insn, 4, 0) ||
	    debug_copy_ipa(vm, ipa, (uint8_t *)&brk, 4, 1))
		return VT_DBG_ERR_UNMAPPED;
	arch_icache_invalidate();
	free->ipa = ipa;
	free->set = 1;
	return 0;
}

static void debug_unbreak_all(struct vm *vm)
{
	for (uint32_t i = 0; i < VT_DBG_HWS; i++)
		vm->debug.bps[i].set = vm->debug.wps[i].set = 0;
	for (uint32_t i = 0; i < VT_DBG_BREAKS; i++)
		if (vm->debug.breaks[i].set)
			debug_break(vm, vm->debug.breaks[i].ipa, 0);
}

/* Wait until every held vCPU of vm has saved its state. */
static void debug_wait_saved(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];

		arch_cpu_wake(v->pcpu); /* one held before the session: save it now */
		while (__atomic_load_n(&v->held, __ATOMIC_ACQUIRE) &&
		       __atomic_load_n(&v->state, __ATOMIC_ACQUIRE) == VCPU_PAUSED &&
		       !__atomic_load_n(&v->debug.saved, __ATOMIC_ACQUIRE))
			arch_cpu_relax();
	}
}

static int debug_attach(struct vm *vm)
{
	if (__atomic_load_n(&vm->debug.attached, __ATOMIC_ACQUIRE))
		return 0;
	spin_lock(&vm->lock);
	vm->debug.reason = VT_DBG_STOP_NONE; /* a past session's stop is not this one's */
	spin_unlock(&vm->lock);
	__atomic_store_n(&vm->debug.attached, 1, __ATOMIC_RELEASE);
	if (!vm->paused && vm_pause(vm)) {
		__atomic_store_n(&vm->debug.attached, 0, __ATOMIC_RELEASE);
		return VT_ERR_DENIED;
	}
	debug_wait_saved(vm);
	return 0;
}

/* Every vCPU goes through a hold, where it sees the session over and stops trapping. */
static int debug_detach(struct vm *vm)
{
	int stopped = vm->paused || !vm_pause(vm); /* not, if it is down: nothing runs */

	debug_unbreak_all(vm);
	__atomic_store_n(&vm->debug.attached, 0, __ATOMIC_RELEASE);
	if (stopped)
		vm_resume(vm);
	return 0;
}

static int debug_reg(struct vcpu *v, uint64_t *x)
{
	uint64_t *slot = arch_debug_reg(v, (uint32_t)x[3]);

	if (!slot)
		return SMCCC_INVALID_PARAMETER;
	if (x[4] && arch_debug_reg_check((uint32_t)x[3], x[5]))
		return SMCCC_INVALID_PARAMETER;
	if (x[4])
		*slot = x[5];
	x[1] = *slot;
	return 0;
}

static uint64_t debug_ms(void)
{
	return arch_counter() / (arch_counter_freq() / 1000);
}

/*
 * Hold v where it is instead of finishing its step: 1 if it had not left its
 * hold yet (then it never will for this step), 0 if it runs the step and is
 * to be made to exit (it ends as a pause, not a step: a WFI, say).
 */
static int debug_step_cancel(struct vm *vm, struct vcpu *v)
{
	int kept;

	spin_lock(&vm->lock);
	kept = v->state == VCPU_RUNNING; /* once it left, the step made it PAUSED */
	if (kept)
		v->debug.step = 0;
	else
		__atomic_store_n(&v->debug.stepping, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&v->state, VCPU_PAUSED, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	if (!kept)
		arch_ipi_send(v->pcpu);
	return kept;
}

/*
 * Run v alone for one instruction: back once it is held again. The time
 * allowed (DEBUG_STEP_MS) counts from when it left its hold, not from the
 * call: a pCPU that its host runs late is no reason to call the step
 * anything but a step.
 */
static int debug_step(struct vm *vm, struct vcpu *v, uint64_t *x)
{
	uint32_t holds = __atomic_load_n(&v->debug.holds, __ATOMIC_ACQUIRE);
	uint64_t until = 0, start = debug_ms();
	int late = 0;

	v->debug.step = 1;
	spin_lock(&vm->lock);
	__atomic_store_n(&v->state, VCPU_RUNNING, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);
	arch_cpu_wake(v->pcpu);
	while (__atomic_load_n(&v->debug.holds, __ATOMIC_ACQUIRE) == holds) {
		uint32_t s = __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);

		if (s != VCPU_RUNNING && s != VCPU_PAUSED)
			return VT_DBG_ERR_RUNNING; /* off, or its VM reset meanwhile */
		if (!until && !__atomic_load_n(&v->debug.saved, __ATOMIC_ACQUIRE))
			until = debug_ms() + DEBUG_STEP_MS; /* it left its hold */
		if (!late &&
		    (until ? debug_ms() > until : debug_ms() > start + DEBUG_STEP_WAKE_MS)) {
			late = 1;
			if (debug_step_cancel(vm, v)) {
				x[1] = VT_DBG_STOP_PAUSE;
				x[2] = *arch_debug_reg(v, VT_DBG_REG_PC);
				return 0;
			}
		}
		arch_cpu_relax();
	}
	x[1] = v->debug.last;
	x[2] = *arch_debug_reg(v, VT_DBG_REG_PC);
	return 0;
}

static int debug_status(struct vm *vm, uint64_t *x)
{
	spin_lock(&vm->lock);
	x[1] = vm->debug.stops;
	x[2] = vm->debug.reason;
	x[3] = vm->debug.vcpu;
	x[4] = vm->debug.pc;
	x[5] = vm->paused;
	x[6] = vm->debug.addr;
	spin_unlock(&vm->lock);
	return 0;
}

/* Set or remove a hardware breakpoint or watchpoint: each vCPU loads them as it leaves its hold. */
static int debug_hw(struct vm *vm, const uint64_t *x)
{
	uint32_t kind = (uint32_t)x[2], n = arch_debug_hw_slots(kind != VT_DBG_HW_EXEC);
	struct debug_hw *set = kind == VT_DBG_HW_EXEC ? vm->debug.bps : vm->debug.wps, *free = NULL;
	uint64_t va = x[3], len = kind == VT_DBG_HW_EXEC ? 4 : x[5];

	if (kind >= VT_DBG_HW_COUNT || (kind == VT_DBG_HW_EXEC && va & 3) || len == 0 ||
	    (va & 7) + len > 8)
		return SMCCC_INVALID_PARAMETER;
	if (!vm->paused)
		return VT_DBG_ERR_RUNNING;
	for (uint32_t i = 0; i < n; i++) {
		if (set[i].set && set[i].va == va && set[i].kind == kind) {
			set[i].set = x[4] != 0;
			set[i].len = (uint32_t)len;
			return 0;
		}
		if (!set[i].set && !free)
			free = &set[i];
	}
	if (!x[4] || !free)
		return SMCCC_INVALID_PARAMETER;
	*free = (struct debug_hw){.va = va, .kind = kind, .len = (uint32_t)len, .set = 1};
	return 0;
}

/* The calls on a stopped vCPU, or on memory through one. */
static int debug_on_vcpu(struct vm *vm, uint32_t fid, uint64_t *x)
{
	uint8_t bytes[VT_DBG_READ_MAX] = {0};
	struct vcpu *v = x[2] < vm->nr_vcpus ? vm->vcpus[x[2]] : NULL;
	int err;

	switch (fid) {
	case VT_HC_DBG_READ:
	case VT_HC_DBG_WRITE:
		if (x[4] == 0 ||
		    x[4] > (fid == VT_HC_DBG_READ ? VT_DBG_READ_MAX : VT_DBG_WRITE_MAX))
			return SMCCC_INVALID_PARAMETER;
		if (fid == VT_HC_DBG_WRITE)
			memcpy(bytes, &x[5], x[4]);
		err = debug_copy(vm, x[2], x[3], bytes, (uint32_t)x[4], fid == VT_HC_DBG_WRITE);
		if (!err && fid == VT_HC_DBG_READ)
			memcpy(&x[1], bytes, VT_DBG_READ_MAX);
		return err;
	case VT_HC_DBG_BREAK:
		x[1] = x[3];
		if (x[2] == VT_DBG_IPA)
			return debug_break(vm, x[1], x[4] != 0);
	}
	if (!v)
		return SMCCC_INVALID_PARAMETER;
	if (!debug_stopped_vcpu(v))
		return VT_DBG_ERR_RUNNING;
	switch (fid) {
	case VT_HC_DBG_BREAK: /* by VA: where v's stage 1 puts it */
		err = arch_debug_translate(v, x[3], &x[1]);
		return err ? err : debug_break(vm, x[1], x[4] != 0);
	case VT_HC_DBG_REG:
		return debug_reg(v, x);
	case VT_HC_DBG_TRANSLATE:
		return arch_debug_translate(v, x[3], &x[1]);
	default: /* VT_HC_DBG_STEP */
		return debug_step(vm, v, x);
	}
}

int64_t debug_call(struct vcpu *caller, uint32_t fid, uint64_t *x)
{
	struct vm *vm;

	if (caller->vm->id != cfg_system.monitor_vm)
		return VT_ERR_DENIED;
	if (x[1] >= vm_count || x[1] == caller->vm->id)
		return SMCCC_INVALID_PARAMETER;
	vm = &vm_table[x[1]];
	if (!(vm->cfg->flags & CFG_VM_DEBUG))
		return VT_ERR_DENIED;
	if (fid == VT_HC_DBG_ATTACH)
		return debug_attach(vm);
	if (!__atomic_load_n(&vm->debug.attached, __ATOMIC_ACQUIRE))
		return VT_ERR_DENIED;
	if (fid == VT_HC_DBG_DETACH)
		return debug_detach(vm);
	if (fid == VT_HC_DBG_STATUS)
		return debug_status(vm, x);
	if (fid == VT_HC_DBG_HW)
		return debug_hw(vm, x);
	return debug_on_vcpu(vm, fid, x);
}

void debug_held(struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (!__atomic_load_n(&vm->debug.attached, __ATOMIC_ACQUIRE) || v->debug.saved)
		return;
	arch_debug_save(v);
	v->debug.step = 0;
	/* An exit that emulated the stepped instruction (MMIO, a trapped register) ends the step
	 * too. */
	if (__atomic_exchange_n(&v->debug.stepping, 0, __ATOMIC_ACQ_REL) && !v->debug.stop)
		v->debug.stop = VT_DBG_STOP_STEP;
	v->debug.last = v->debug.stop ? v->debug.stop : VT_DBG_STOP_PAUSE;
	if (v->debug.stop) {
		uint64_t pc = *arch_debug_reg(v, VT_DBG_REG_PC);

		spin_lock(&vm->lock);
		vm->debug.stops++;
		vm->debug.reason = v->debug.stop;
		vm->debug.vcpu = v->id;
		vm->debug.pc = pc;
		vm->debug.addr = v->debug.addr;
		spin_unlock(&vm->lock);
		trace_vcpu(VT_CLASS_STATE, VT_EV_VCPU_STATE, v, VCPU_PAUSED, pc, v->debug.stop);
		v->debug.stop = VT_DBG_STOP_NONE;
	}
	__atomic_store_n(&v->debug.saved, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&v->debug.holds, 1, __ATOMIC_RELEASE);
}

int debug_step_again(struct vcpu *v)
{
	return __atomic_load_n(&v->debug.stepping, __ATOMIC_ACQUIRE) && !v->debug.stop &&
	       !v->debug.saved && *arch_debug_reg(v, VT_DBG_REG_PC) == v->debug.step_pc;
}

void debug_parked(struct vcpu *v)
{
	__atomic_store_n(&v->debug.stepping, 0, __ATOMIC_RELEASE);
}

int debug_release(struct vcpu *v)
{
	int on = __atomic_load_n(&v->vm->debug.attached, __ATOMIC_ACQUIRE);
	int step = on && v->debug.step;

	if (!v->debug.saved)
		return 0;
	arch_debug_restore(v, on, step);
	v->debug.step = 0;
	v->debug.step_pc = *arch_debug_reg(v, VT_DBG_REG_PC);
	__atomic_store_n(&v->debug.stepping, step, __ATOMIC_RELEASE);
	__atomic_store_n(&v->debug.saved, 0, __ATOMIC_RELEASE);
	return step;
}

/*
 * Only this vCPU is held if its VM is stopped already (a step); else the
 * others are asked to stop too, not waited for: two vCPUs may stop at
 * once, each asking for the other.
 */
void debug_stopped(struct vcpu *v, uint32_t why)
{
	v->debug.stop = why;
	vm_pause_nowait(v->vm);
}

/*
 * Each breakpoint back in, over the reloaded image's instruction: a
 * debugger cannot be told that its breakpoints went (GDB's protocol has
 * no word for it), and one early in the boot code catches the new start.
 */
void debug_vm_reset(struct vm *vm)
{
	uint32_t brk;

	if (!(vm->cfg->flags & CFG_VM_DEBUG))
		return; /* no breakpoints: only a granted VM has any */
	brk = arch_debug_break_insn();
	for (uint32_t i = 0; i < VT_DBG_BREAKS; i++) {
		struct debug_break *b = &vm->debug.breaks[i];

		if (b->set && (debug_copy_ipa(vm, b->ipa, (uint8_t *)&b->insn, 4, 0) ||
		               debug_copy_ipa(vm, b->ipa, (uint8_t *)&brk, 4, 1)))
			b->set = 0; /* cannot happen: its memory stays the VM's */
	}
	arch_icache_invalidate();
}
