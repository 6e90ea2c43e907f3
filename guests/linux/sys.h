/*
 * The Linux programs' one way into the kernel: arm64 system calls, raw (the
 * programs are freestanding: no libc), and the numbers and flags they use
 * (asm-generic's).
 */
#ifndef LINUX_SYS_H
#define LINUX_SYS_H

#define SYS_openat 56
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_mmap 222
#define AT_FDCWD (-100)
#define O_WRONLY 01
#define O_RDWR 02
#define O_SYNC 04010000
#define PROT_RW 3
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20

/* System call nr with up to six arguments: the result, or -errno. */
static inline long sys_call(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
	                 : "memory");
	return x0;
}

#endif
