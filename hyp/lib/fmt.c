/*
 * Shared by the hypervisor, the guest runtime and the monitor; freestanding, no
 * floating point. Output is always NUL-terminated; the return value is the
 * length the full output would have had, as in C's snprintf.
 */
#include "fmt.h"

#include <stdint.h>

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void fmt_put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_put(o, c);
}

static void fmt_str(struct fmt_out *o, const char *s, int width, int left)
{
	int n = 0;

	while (s[n])
		n++;
	if (!left)
		fmt_pad(o, ' ', width - n);
	for (int i = 0; i < n; i++)
		fmt_put(o, s[i]);
	if (left)
		fmt_pad(o, ' ', width - n);
}

static void fmt_num(struct fmt_out *o, uint64_t v, int neg, unsigned base, int width, char pad,
                    int left)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		width--;
	if (neg && pad == '0')
		fmt_put(o, '-');
	if (!left)
		fmt_pad(o, pad, width - n);
	if (neg && pad != '0')
		fmt_put(o, '-');
	for (int i = n; i;)
		fmt_put(o, tmp[--i]);
	if (left)
		fmt_pad(o, ' ', width - n);
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		int width = 0, left = 0, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			fmt_put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			left = 1;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			fmt_put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			fmt_str(&o, s ? s : "(null)", width, left);
			break;
		}
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long long) : va_arg(ap, int);

			fmt_num(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, width, pad,
			        left);
			break;
		}
		case 'u':
		case 'x': {
			uint64_t v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);

			fmt_num(&o, v, 0, *fmt == 'u' ? 10 : 16, width, pad, left);
			break;
		}
		case 'p':
			fmt_put(&o, '0');
			fmt_put(&o, 'x');
			fmt_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, width, pad, left);
			break;
		case '\0':
			fmt--;
			break;
		default:
			fmt_put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Is s[i] (of len) the first byte of a C1 control in UTF-8 (0xc2 0x80-0x9f)? */
static int fmt_c1(const char *s, size_t len, size_t i)
{
	return (unsigned char)s[i] == 0xc2 && i + 1 < len &&
	       ((unsigned char)s[i + 1] & 0xe0) == 0x80;
}

void fmt_visible(const char *s, size_t len, void (*put)(const char *s, size_t n))
{
	size_t done = 0; /* s[done..i) is shown as it is, in one put */

	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)s[i];
		char caret[2] = {'^', 0};

		if (b == '\t' || (b >= 0x20 && b != 0x7f && !fmt_c1(s, len, i)))
			continue;
		put(s + done, i - done);
		if (b == 0xc2) {
			put("M-", 2);
			b = (unsigned char)s[++i] & 0x7f;
		}
		caret[1] = (char)(b ^ 0x40);
		put(caret, 2);
		done = i + 1;
	}
	put(s + done, len - done);
}
