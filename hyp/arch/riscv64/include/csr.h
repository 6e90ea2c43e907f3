/* Control and status registers of RV64 with the H extension, as the hypervisor (and the riscv64
 * test guests) use them. */
#ifndef CSR_H
#define CSR_H

#define csr_read(csr)                                                                              \
	({                                                                                         \
		unsigned long v_;                                                                  \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_)::"memory");                           \
		v_;                                                                                \
	})
#define csr_write(csr, v)                                                                          \
	__asm__ volatile("csrw " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")
#define csr_clear(csr, v)                                                                          \
	__asm__ volatile("csrc " #csr ", %0" ::"rK"((unsigned long)(v)) : "memory")

/* An instruction of the H extension, which GCC 12's -march does not name (binutils knows it). */
#define H_INSN(insn) ".option push\n.option arch, +h\n" insn "\n.option pop"

/* sstatus */
#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_FS_INITIAL (1ul << 13)

/* hstatus */
#define HSTATUS_SPV (1ul << 7)
#define HSTATUS_SPVP (1ul << 8)

/* Interrupts (sip, sie, hvip, hideleg), by cause number. */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT 10

/* scause: the interrupt bit, and the exceptions the hypervisor handles itself. */
#define CAUSE_IRQ (1ul << 63)
#define CAUSE_ECALL_VS 10
#define CAUSE_FETCH_GUEST_PAGE 20
#define CAUSE_LOAD_GUEST_PAGE 21
#define CAUSE_VIRTUAL_INSN 22
#define CAUSE_STORE_GUEST_PAGE 23

/*
 * What the guest handles itself (hedeleg): misaligned accesses, access and
 * page faults of its own stage, illegal instructions, breakpoints, and
 * ecalls from VU-mode. Guest-page faults and VS ecalls stay here.
 */
#define HEDELEG_GUEST                                                                              \
	((1ul << 0) | (1ul << 1) | (1ul << 2) | (1ul << 3) | (1ul << 4) | (1ul << 5) |             \
	 (1ul << 6) | (1ul << 7) | (1ul << 8) | (1ul << 12) | (1ul << 13) | (1ul << 15))
#define HIDELEG_GUEST ((1ul << IRQ_VS_SOFT) | (1ul << IRQ_VS_TIMER) | (1ul << IRQ_VS_EXT))

#define HCOUNTEREN_TM (1ul << 1) /* guests read `time`, and no other counter */

/* satp and hgatp */
#define SATP_SV39 (8ul << 60)
#define HGATP_SV39X4 (8ul << 60)
#define HGATP_VMID_SHIFT 44

#endif
