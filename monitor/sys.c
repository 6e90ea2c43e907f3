/*
 * The picolibc glue the monitor needs: stdout and stderr on the PL011
 * through con_putc (or a TCP client's socket while its chunk runs), no stdin stream (the REPL reads
 * the UART itself), TLS set-up, and the POSIX calls picolibc's stdio, signal and time code refer
 * to. There is no file system, process or clock here: each of those fails with ENOSYS rather than
 * pretending.
 */
#define _DEFAULT_SOURCE /* sbrk */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <picotls.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include "console.h"
#include "rt.h"

/* Defined by monitor/monitor.ld. */
extern char __tls_base[], __heap_start[];

static void (*sys_out)(void *ctx, char c);
static void *sys_out_ctx;

void sys_set_output(void (*put)(void *ctx, char c), void *ctx)
{
	sys_out = put;
	sys_out_ctx = ctx;
}

static int sys_put(char c, FILE *f)
{
	(void)f;
	if (sys_out)
		sys_out(sys_out_ctx, c);
	else
		con_putc(c);
	return (unsigned char)c;
}

/* Lua reads stdin only for dofile()/loadfile() without a name: say there is none. */
static int sys_get(FILE *f)
{
	(void)f;
	return _FDEV_ERR;
}

static FILE sys_console = FDEV_SETUP_STREAM(sys_put, sys_get, NULL, _FDEV_SETUP_RW);

FILE *const stdin = &sys_console;
FILE *const stdout = &sys_console;
FILE *const stderr = &sys_console;

void sys_init(void)
{
	/* errno is thread-local: TPIDR_EL0 must point at a TLS block before any libc call. */
	_set_tls(__tls_base);
}

size_t sys_heap_used(void)
{
	return (size_t)((char *)sbrk(0) - __heap_start);
}

static int sys_enosys(void)
{
	errno = ENOSYS;
	return -1;
}

int open(const char *path, int flags, ...)
{
	(void)path;
	(void)flags;
	return sys_enosys();
}

int close(int fd)
{
	(void)fd;
	return sys_enosys();
}

ssize_t read(int fd, void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	return sys_enosys();
}

ssize_t write(int fd, const void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	return sys_enosys();
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd;
	(void)off;
	(void)whence;
	return sys_enosys();
}

pid_t getpid(void)
{
	return sys_enosys();
}

int kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return sys_enosys();
}

clock_t times(struct tms *t)
{
	(void)t;
	return (clock_t)sys_enosys();
}

/* time() asks this: with an error, time(NULL) is -1 and Lua's seeds only mix in addresses. */
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	(void)tv;
	(void)tz;
	return sys_enosys();
}

/* exit() and abort() end here: the partition has nowhere to return to, so it powers off. */
void _exit(int status)
{
	printf("monitor: exit(%d): powering off\n", status);
	fflush(stdout);
	rt_system_off();
}
