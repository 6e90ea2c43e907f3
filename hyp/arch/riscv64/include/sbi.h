/*
 * The Supervisor Binary Interface: what the hypervisor asks of OpenSBI, and
 * the extensions it answers for its guests (vsbi.c). Extension IDs in a7,
 * function IDs in a6, error in a0 and value in a1.
 */
#ifndef SBI_H
#define SBI_H

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E

#define SBI_SUCCESS 0
#define SBI_ERR_FAILED (-1)
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_INVALID_ADDRESS (-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

#define SBI_HSM_START 0
#define SBI_HSM_STOP 1
#define SBI_HSM_STATUS 2
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
#define SBI_HSM_START_PENDING 2

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_WARM_REBOOT 2

#ifndef __ASSEMBLER__
struct sbi_ret {
	long error;
	long value;
};

static inline struct sbi_ret sbi_call(unsigned long ext, unsigned long fid, unsigned long a0,
                                      unsigned long a1, unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
	return (struct sbi_ret){(long)r0, (long)r1};
}

#endif /* __ASSEMBLER__ */

#endif
