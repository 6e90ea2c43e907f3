/* The system console: the hypervisor's messages and the VMs' lines, one lock. */
#include "log.h"

#include <stdarg.h>

#include "arch.h"
#include "fmt.h"
#include "pl011.h"
#include "spinlock.h"
#include "string.h"

static struct spinlock log_lock;

static void log_puts(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

void log_line(const char *prefix, const char *text, size_t len)
{
	size_t plen = 0;

	while (prefix[plen])
		plen++;
	spin_lock(&log_lock);
	log_puts("[", 1);
	log_puts(prefix, plen);
	log_puts("] ", 2);
	log_puts(text, len);
	log_puts("\n", 1);
	spin_unlock(&log_lock);
}

void log_hold(void)
{
	spin_lock(&log_lock);
}

void log_raw(const char *s)
{
	log_puts(s, strlen(s));
}

void log_release(void)
{
	spin_unlock(&log_lock);
}

static void log_vprintf(const char *tag, const char *fmt, va_list ap)
{
	char buf[256];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);

	if (n >= (int)sizeof buf)
		n = sizeof buf - 1;
	spin_lock(&log_lock);
	log_puts(tag, strlen(tag));
	log_puts(buf, (size_t)n);
	spin_unlock(&log_lock);
}

void log_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf("vitrine: ", fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf("vitrine: PANIC: ", fmt, ap);
	va_end(ap);
	arch_power_off();
}
