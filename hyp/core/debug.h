/*
 * Debugging a VM the config grants (`debug`), for the monitor
 * (vitrine/debug.h). Nothing here runs unless a session is open: the exit
 * paths reach it only for exceptions that trap to EL2 only in a session.
 */
#ifndef DEBUG_H
#define DEBUG_H

#include <stdint.h>

#include <vitrine/debug.h>

struct vcpu;
struct vm;

struct debug_break {
	uint64_t ipa;
	uint32_t insn; /* what the BRK replaced */
	uint32_t set;
};

/* A hardware breakpoint or watchpoint, the same in each vCPU's debug registers. */
struct debug_hw {
	uint64_t va;
	uint32_t kind; /* enum vt_dbg_hw */
	uint32_t len;  /* bytes watched */
	uint32_t set;
};

struct debug_vm {
	uint32_t attached; /* a session is open: debug exceptions trap to EL2 */
	uint32_t stops;    /* stop events so far; the last one's: */
	uint32_t reason;   /* enum vt_dbg_stop */
	uint32_t vcpu;
	uint64_t pc;
	uint64_t addr; /* a watchpoint's data address */
	struct debug_break breaks[VT_DBG_BREAKS];
	struct debug_hw bps[VT_DBG_HWS], wps[VT_DBG_HWS];
};

struct debug_vcpu {
	uint32_t stop;     /* enum vt_dbg_stop: why it is being held, reported once it is */
	uint32_t last;     /* ... and why it was, last time */
	uint32_t step;     /* run one instruction when it leaves the hold */
	uint32_t stepping; /* left the hold for a step: the next exit that ran it ends it */
	uint32_t saved;    /* held, its EL1 state in arch.dbg_sys: the monitor may touch it */
	uint32_t holds;    /* times it was held with its state saved */
	uint64_t addr;     /* what a watchpoint saw it touch */
	uint64_t step_pc;  /* where the step began */
};

/* A monitor call in [VT_HC_DBG_FIRST, VT_HC_DBG_LAST]: x in, results in x[1..]; -> x0 */
int64_t debug_call(struct vcpu *caller, uint32_t fid, uint64_t *x);
/* v is held (paused at an exit), on its own pCPU: in a session, save its state for the monitor. */
void debug_held(struct vcpu *v);
/*
 * v, paused, exits with its step not begun (an interrupt came first): 1 if
 * it is to go back and run the step, not be held.
 */
int debug_step_again(struct vcpu *v);
/* v parked (off, reset): a step it ran is over, and none carries into its next start. */
void debug_parked(struct vcpu *v);
/*
 * v leaves its hold: put back what the monitor changed, arm a step, or end
 * its session. 1 if a step is armed: v is to be held at its next exit.
 */
int debug_release(struct vcpu *v);
/* On v's pCPU, at an exit: a breakpoint or step of the session stops v and its VM. */
void debug_stopped(struct vcpu *v, uint32_t why);
/* vm was reloaded: its breakpoints are written again over the new image. */
void debug_vm_reset(struct vm *vm);
/* Copy len bytes at vm's ipa (its RAM only) into buf: 0 or VT_DBG_ERR_UNMAPPED. */
int debug_read_ipa(struct vm *vm, uint64_t ipa, void *buf, uint32_t len);

#endif
