/*
 * The ENTER folded into an EXIT (include/vitrine/trace_fold.h): what the hypervisor writes
 * (vt_fold_run, vt_fold_b) and what every reader rebuilds (vt_unfold), and
 * the parser's check of a folded run (dump_fold_check). One PASS/FAIL line
 * per check.
 */
#include <stdio.h>

#include "vtrace.h"

static int tf_failed;

static void tf_check(const char *name, int ok)
{
	printf("%s trace/fold-%s\n", ok ? "PASS" : "FAIL", name);
	tf_failed |= !ok;
}

/* An EXIT of VM 2 vCPU 1 (HVC) at ts, its guest entered at last (or VT_ENTER_NONE), as written. */
static struct vt_record tf_exit(uint64_t ts, uint64_t last)
{
	return (struct vt_record){.ts = ts,
	                          .event = VT_EV_EXIT,
	                          .vm = 2,
	                          .vcpu = 1,
	                          .a = 0x16,
	                          .b = vt_fold_b(0x5a000000, vt_fold_run(ts, last)),
	                          .c = 0x40001234};
}

/* out is that EXIT as format 1 had it: same ids and payload, b the bare ESR. */
static int tf_is_exit(const struct vt_record *out, uint64_t ts)
{
	return out->ts == ts && out->event == VT_EV_EXIT && out->vm == 2 && out->vcpu == 1 &&
	       out->a == 0x16 && out->b == 0x5a000000 && out->c == 0x40001234;
}

int main(void)
{
	struct vt_record out[2], r = tf_exit(1000000, 999000), other;
	uint32_t n = vt_unfold(&r, VT_VERSION, out);

	/* The ENTER comes first, at the exit's time minus the run, same VM and vCPU, no payload. */
	tf_check("rebuilt-enter", n == 2 && out[0].ts == 999000 && out[0].event == VT_EV_ENTER &&
	                              out[0].vm == 2 && out[0].vcpu == 1 && out[0].a == 0 &&
	                              out[0].b == 0 && out[0].c == 0 &&
	                              tf_is_exit(&out[1], 1000000));
	r = tf_exit(1000000, 1000000); /* re-entered and out again within one tick */
	tf_check("run-zero", vt_unfold(&r, VT_VERSION, out) == 2 && out[0].ts == 1000000 &&
	                         tf_is_exit(&out[1], 1000000));
	/* No entry since the vCPU started: nothing folded, the EXIT alone, even near time 0. */
	r = tf_exit(1000000, VT_ENTER_NONE);
	tf_check("none", (uint32_t)(r.b >> 32) == VT_RUN_NONE &&
	                     vt_unfold(&r, VT_VERSION, out) == 1 && tf_is_exit(&out[0], 1000000) &&
	                     vt_fold_run(0, VT_ENTER_NONE) == VT_RUN_NONE &&
	                     vt_fold_run(1ull << 56, VT_ENTER_NONE) == VT_RUN_NONE);
	/* The longest run that folds, and the first that does not: the writer then records the
	 * ENTER itself (the hypervisor's trace_enter_unfolded) and the EXIT says none. */
	r = tf_exit(10ull << 32, (10ull << 32) - 0xfffffffe);
	tf_check("longest", vt_unfold(&r, VT_VERSION, out) == 2 &&
	                        out[0].ts == (10ull << 32) - 0xfffffffe &&
	                        tf_is_exit(&out[1], 10ull << 32));
	r = tf_exit(10ull << 32, (10ull << 32) - 0xffffffff);
	tf_check("fallback-too-long",
	         vt_fold_run(r.ts, (10ull << 32) - 0xffffffff) == VT_RUN_NONE &&
	             vt_unfold(&r, VT_VERSION, out) == 1 && tf_is_exit(&out[0], 10ull << 32));
	/* An explicit ENTER record (the fallback) and other records pass as they are. */
	other = (struct vt_record){.ts = 5, .event = VT_EV_ENTER, .vm = 2, .vcpu = 1};
	tf_check("explicit-enter", vt_unfold(&other, VT_VERSION, out) == 1 && out[0].ts == 5 &&
	                               out[0].event == VT_EV_ENTER && out[0].vm == 2);
	other = (struct vt_record){.ts = 7,
	                           .event = VT_EV_INJECT,
	                           .vm = 2,
	                           .vcpu = 1,
	                           .a = 27,
	                           .b = 0xffffffff0000001bull};
	tf_check("other-events",
	         vt_unfold(&other, VT_VERSION, out) == 1 && out[0].b == other.b && out[0].a == 27);
	/* Format 1: b is the whole ESR, nothing folded, whatever its high half holds. */
	r = tf_exit(1000000, 999000);
	tf_check("format-1", vt_unfold(&r, VT_VERSION_UNFOLDED, out) == 1 && out[0].b == r.b &&
	                         dump_fold_check(&r, VT_VERSION_UNFOLDED, 2000000) == NULL);
	/* The parser's checks: the rebuilt ENTER may not go before time 0 or the previous record.
	 */
	tf_check("check",
	         dump_fold_check(&r, VT_VERSION, 999000) == NULL &&
	             dump_fold_check(&r, VT_VERSION, 999001) != NULL &&
	             dump_fold_check(
	                 &(struct vt_record){.ts = 10, .event = VT_EV_EXIT, .b = vt_fold_b(0, 11)},
	                 VT_VERSION, 0) != NULL);
	return tf_failed;
}
