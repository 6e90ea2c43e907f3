/* Test-and-test-and-set lock: short critical sections between a few pCPUs. */
#ifndef SPINLOCK_H
#define SPINLOCK_H

#include "arch_inline.h"

struct spinlock {
	unsigned locked;
};

static inline void spin_lock(struct spinlock *l)
{
	for (;;) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			arch_cpu_relax();
		if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
			return;
	}
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
