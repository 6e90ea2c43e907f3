/* SMCCC calls from guests (HVC, or SMC trapped): routed by owning entity. */
#ifndef SMCCC_H
#define SMCCC_H

#include <stdint.h>

struct vcpu;

void smccc_call(struct vcpu *v, uint64_t *x);
void vpsci_call(struct vcpu *v, uint64_t *x);

#endif
