/*
 * The REPL's line editor, on a terminal in raw mode: Left/Right (Ctrl-B/F),
 * Home/End (Ctrl-A/E), Backspace, Delete, Ctrl-K/U kill to the end / the
 * line, Up/Down history, Ctrl-C drops the line, Ctrl-D leaves on an empty
 * line. Output from the other side while a line is edited (fd other)
 * appears above it. No readline: a few escape sequences are all it takes.
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "edit.h"

#define VE_HISTORY 100
#define VE_MAX 256

static char ve_hist[VE_HISTORY][VE_MAX];
static unsigned ve_hist_n; /* lines ever added; the last VE_HISTORY are kept */

struct ve {
	const char *prompt;
	char *buf;
	size_t len, cur, size;
};

static void ve_redraw(const struct ve *e)
{
	printf("\r%s%.*s\033[K", e->prompt, (int)e->len, e->buf);
	if (e->len > e->cur)
		printf("\033[%zuD", e->len - e->cur);
	fflush(stdout);
}

static int ve_byte(void)
{
	unsigned char c;

	return read(0, &c, 1) == 1 ? c : -1;
}

/* After ESC: the key an escape sequence stands for ('A'..'D', 'H', 'F', '3' for Delete), or 0. */
static int ve_escape(void)
{
	int c = ve_byte(), n = 0;

	if (c != '[' && c != 'O')
		return 0;
	while ((c = ve_byte()) >= '0' && c <= '9')
		n = n * 10 + c - '0';
	if (c == '~')
		return n == 1 || n == 7 ? 'H' : n == 4 || n == 8 ? 'F' : n == 3 ? '3' : 0;
	return c;
}

static void ve_set(struct ve *e, const char *s)
{
	e->len = strlen(s) < e->size - 1 ? strlen(s) : e->size - 1;
	memcpy(e->buf, s, e->len);
	e->cur = e->len;
}

/* One key; 1 when the line is done, -1 for Ctrl-D on an empty line, -2 for Ctrl-C, else 0. */
static int ve_key(struct ve *e, int c, unsigned *h)
{
	if (c == 0x1b)
		c = ve_escape() | 0x100;
	if (c == 0x04) { /* Ctrl-D: leave on an empty line, else Delete */
		if (!e->len)
			return -1;
		c = 0x100 | '3';
	}
	switch (c) {
	case '\r':
	case '\n':
		return 1;
	case 0x03:
		return -2;
	case 0x100 | '3':
		if (e->cur < e->len)
			memmove(e->buf + e->cur, e->buf + e->cur + 1, --e->len - e->cur);
		break;
	case 0x7f:
	case 0x08:
		if (e->cur) {
			memmove(e->buf + e->cur - 1, e->buf + e->cur, e->len - e->cur);
			e->cur--;
			e->len--;
		}
		break;
	case 0x02:
	case 0x100 | 'D':
		e->cur -= e->cur > 0;
		break;
	case 0x06:
	case 0x100 | 'C':
		e->cur += e->cur < e->len;
		break;
	case 0x01:
	case 0x100 | 'H':
		e->cur = 0;
		break;
	case 0x05:
	case 0x100 | 'F':
		e->cur = e->len;
		break;
	case 0x0b:
		e->len = e->cur;
		break;
	case 0x15:
		e->len = e->cur = 0;
		break;
	case 0x10:
	case 0x100 | 'A':
		if (*h > 0 && ve_hist_n - (*h - 1) <= VE_HISTORY)
			ve_set(e, ve_hist[--*h % VE_HISTORY]);
		break;
	case 0x0e:
	case 0x100 | 'B':
		if (*h < ve_hist_n) {
			++*h;
			if (*h == ve_hist_n)
				ve_set(e, "");
			else
				ve_set(e, ve_hist[*h % VE_HISTORY]);
		}
		break;
	default:
		if (c >= 0x20 && c < 0x7f && e->len + 1 < e->size) {
			memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
			e->buf[e->cur++] = (char)c;
			e->len++;
		}
	}
	return 0;
}

int ve_readline(const char *prompt, char *buf, size_t size, int other, void (*on_other)(void *),
                void *arg)
{
	struct termios saved, raw;
	struct ve e = {prompt, buf, 0, 0, size < VE_MAX ? size : VE_MAX};
	unsigned h = ve_hist_n;
	int rc = 0;

	if (tcgetattr(0, &saved))
		return -1;
	raw = saved;
	raw.c_iflag &= ~(unsigned)(ICRNL | IXON | BRKINT | INPCK | ISTRIP);
	raw.c_lflag &= ~(unsigned)(ECHO | ICANON | ISIG | IEXTEN);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(0, TCSAFLUSH, &raw);
	ve_redraw(&e);
	while (!rc) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = other, .events = POLLIN}};
		int c;

		if (poll(p, other >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (other >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			printf("\r\033[K");
			fflush(stdout);
			on_other(arg);
			ve_redraw(&e);
			continue;
		}
		c = ve_byte();
		rc = c < 0 ? -1 : ve_key(&e, c, &h);
		if (!rc)
			ve_redraw(&e);
	}
	tcsetattr(0, TCSAFLUSH, &saved);
	printf("\r\n");
	fflush(stdout);
	buf[e.len] = '\0';
	if (rc == 1 && e.len) {
		memcpy(ve_hist[ve_hist_n % VE_HISTORY], buf, e.len + 1);
		ve_hist_n++;
	}
	return rc == 1 ? (int)e.len : rc;
}
