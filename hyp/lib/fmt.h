/*
 * A small vsnprintf: %c %s %d %i %u %x %p %%, with l/ll/z, width, '0' and '-';
 * and fmt_visible, a console line with its control bytes shown.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * s[0..len) written through put as a shared console shows a VM's line:
 * control bytes other than tab in caret notation (ESC "^[", BS "^H", CR
 * "^M", DEL "^?") and the UTF-8 C1 controls U+0080-U+009F as cat -v shows
 * them ("M-^[" for CSI), so that no line can move the cursor, erase what
 * is shown or pass for another's; everything else, UTF-8 included, as is.
 */
void fmt_visible(const char *s, size_t len, void (*put)(const char *s, size_t n));

#endif
