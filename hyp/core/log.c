/*
 * The system console: the hypervisor's messages and the VMs' lines, one
 * lock. While a monitor VM runs it owns the UART, and lines go to the
 * console ring for it to print; otherwise (no monitor, the monitor down,
 * a panic) they go to the UART, after whatever the monitor left unread.
 */
#include "log.h"

#include <stdarg.h>

#include <vitrine/conring.h>

#include "arch.h"
#include "conring.h"
#include "fmt.h"
#include "uart.h"
#include "spinlock.h"
#include "string.h"
#include "vm.h"

#define LOG_MSG_MAX 256

static struct spinlock log_lock;

static void log_puts(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

/*
 * One record as the UART shows it: the hypervisor's text as it is; a VM's
 * line after "[name] ", its control bytes made visible (fmt_visible), so it
 * stays on its own line and cannot pass for the hypervisor's or another's.
 */
static void log_to_uart(uint32_t src, const char *text, size_t len)
{
	const char *name;

	if (src >= vm_count) {
		log_puts(text, len);
		return;
	}
	name = vm_table[src].cfg->name;
	log_puts("[", 1);
	log_puts(name, strlen(name));
	log_puts("] ", 2);
	fmt_visible(text, len, log_puts);
	log_puts("\n", 1);
}

/* Under log_lock. */
static void log_emit(uint32_t src, const char *text, size_t len)
{
	if (conring_owned()) {
		conring_put(src, text, len);
		return;
	}
	conring_drain(log_to_uart);
	log_to_uart(src, text, len);
}

void log_line(uint32_t vm, const char *text, size_t len)
{
	spin_lock(&log_lock);
	log_emit(vm, text, len);
	spin_unlock(&log_lock);
}

void log_hold(void)
{
	spin_lock(&log_lock);
	conring_drain(log_to_uart);
}

void log_raw(const char *s)
{
	log_puts(s, strlen(s));
}

void log_release(void)
{
	spin_unlock(&log_lock);
}

/* tag and the message in buf, cut to fit; its length. */
static size_t log_format(char *buf, size_t size, const char *tag, const char *fmt, va_list ap)
{
	size_t t = strlen(tag);
	int n;

	memcpy(buf, tag, t);
	n = fmt_vsnprintf(buf + t, size - t, fmt, ap);
	if (n >= (int)(size - t))
		n = (int)(size - t) - 1;
	return t + (size_t)n;
}

void log_printf(const char *fmt, ...)
{
	char buf[LOG_MSG_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_format(buf, sizeof buf, "vitrine: ", fmt, ap);
	va_end(ap);
	spin_lock(&log_lock);
	log_emit(VT_CON_HYP, buf, n);
	spin_unlock(&log_lock);
}

/*
 * The panic line goes to the UART, whoever owns it, after what the monitor
 * left unread, on a line of its own (the monitor may have left one
 * unfinished). The lock is never released: nothing the hypervisor or a VM
 * says comes after it, which is how scripts/run.sh tells a panic from a
 * clean power-off (log.h).
 */
void panic(const char *fmt, ...)
{
	char buf[LOG_MSG_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_format(buf, sizeof buf - 1, LOG_PANIC, fmt, ap);
	va_end(ap);
	if (buf[n - 1] != '\n')
		buf[n++] = '\n';
	spin_lock(&log_lock);
	conring_drain(log_to_uart);
	log_puts("\n", 1);
	log_puts(buf, n);
	arch_power_off();
}
