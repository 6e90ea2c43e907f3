/*
 * lwIP's port header for the monitor: picolibc provides the standard
 * headers lwIP wants; diagnostics go to the UART directly (never through
 * stdout, which may be a TCP client's while its chunk runs).
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <stdint.h>

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t net_rand(void);

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
		net_diag x;                                                                        \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) net_assert(x, __FILE__, __LINE__)
#define LWIP_RAND() net_rand()
#define LWIP_ERRNO_STDINCLUDE 1

#endif
