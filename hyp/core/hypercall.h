/* Vitrine's own hypercalls (SMCCC vendor-specific hypervisor service). */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdint.h>

struct vcpu;

/* x[0] holds the function ID and x[1..7] the arguments; results replace x[0..3]. */
void hypercall(struct vcpu *v, uint64_t *x);
/* The same with no record: for an exit that found the call class masked, and keeps nothing for it.
 */
void hypercall_quiet(struct vcpu *v, uint64_t *x);

#endif
