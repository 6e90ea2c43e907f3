#include "smccc.h"

#include <vitrine/abi.h>

#include "hypercall.h"

#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3f)
#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STD 4 /* PSCI lives here */
#define SMCCC_OWNER_VENDOR_HYP 6

/* recorded: a constant, smccc_call's 1 or smccc_call_quiet's 0. */
static inline __attribute__((always_inline)) void smccc_do(struct vcpu *v, uint64_t *x,
                                                           int recorded)
{
	uint32_t fid = (uint32_t)x[0];

	if (!(fid >> 31)) { /* yielding calls: none offered */
		x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	switch (SMCCC_OWNER(fid)) {
	case SMCCC_OWNER_ARCH:
		if (fid == SMCCC_VERSION)
			x[0] = 0x10001; /* SMCCC 1.1 */
		else if (fid == SMCCC_ARCH_FEATURES)
			x[0] = (uint32_t)x[1] == SMCCC_VERSION ? SMCCC_OK
			                                       : (uint64_t)SMCCC_NOT_SUPPORTED;
		else
			x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
		break;
	case SMCCC_OWNER_STD:
		if (recorded)
			vpsci_call(v, x);
		else
			vpsci_call_quiet(v, x);
		break;
	case SMCCC_OWNER_VENDOR_HYP:
		if (recorded)
			hypercall(v, x);
		else
			hypercall_quiet(v, x);
		break;
	default:
		x[0] = (uint64_t)SMCCC_NOT_SUPPORTED;
	}
}

void smccc_call(struct vcpu *v, uint64_t *x)
{
	smccc_do(v, x, 1);
}

void smccc_call_quiet(struct vcpu *v, uint64_t *x)
{
	smccc_do(v, x, 0);
}
