/* SMCCC calls from guests (HVC, or SMC trapped): routed by owning entity. */
#ifndef SMCCC_H
#define SMCCC_H

#include <stdint.h>

struct vcpu;

void smccc_call(struct vcpu *v, uint64_t *x);
void vpsci_call(struct vcpu *v, uint64_t *x);
/*
 * The same, writing no call record (hypercall_quiet): for an exit that
 * found the call class masked, so that the call keeps nothing for one.
 */
void smccc_call_quiet(struct vcpu *v, uint64_t *x);
void vpsci_call_quiet(struct vcpu *v, uint64_t *x);

#endif
