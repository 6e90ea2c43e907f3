/* The hypervisor's own messages on the system console. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <stdint.h>

void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The panic line: LOG_PANIC and the message, the last line of the console,
 * then power-off. scripts/run.sh exits with its own status when it sees it.
 */
#define LOG_PANIC "vitrine: PANIC: "
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* One whole line of VM vm's console, shown as "[name] text". */
void log_line(uint32_t vm, const char *text, size_t len);
/* For output that must not be interleaved with anything: hold, raw..., release. */
void log_hold(void);
void log_raw(const char *s);
void log_release(void);

#endif
