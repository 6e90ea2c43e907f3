/*
 * The REPL's line editor, on a terminal in raw mode, with the keys of the
 * monitor's line.h (the same editing, shared); Ctrl-D on an empty line
 * leaves. Output from the other side while a line is edited (fd other)
 * appears above it. No readline: a few escape sequences are all it takes.
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "tty.h"
#include "line.h"

#define VE_HISTORY 100

static char ve_hist_lines[VE_HISTORY][LINE_BYTES];
static struct line_history ve_hist = {ve_hist_lines, VE_HISTORY, 0};

static void ve_redraw(const char *prompt, const struct line *l)
{
	printf("\r%s%.*s\033[K", prompt, (int)l->len, l->buf);
	if (l->len > l->cur)
		printf("\033[%zuD", l->len - l->cur);
	fflush(stdout);
}

static int ve_byte(void *arg)
{
	unsigned char c;

	(void)arg;
	return read(0, &c, 1) == 1 ? c : -1;
}

int tty_readline(const char *prompt, char *buf, size_t size, int other, void (*on_other)(void *),
                 void *arg)
{
	struct termios saved, raw;
	struct line l;
	enum line_result r = LINE_NONE;
	int c = 0;

	if (tcgetattr(0, &saved))
		return -1;
	raw = saved;
	raw.c_iflag &= ~(unsigned)(ICRNL | IXON | BRKINT | INPCK | ISTRIP);
	raw.c_lflag &= ~(unsigned)(ECHO | ICANON | ISIG | IEXTEN);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(0, TCSAFLUSH, &raw);
	line_start(&l, buf, size);
	ve_redraw(prompt, &l);
	while (c >= 0 && r != LINE_DONE && r != LINE_DROPPED && r != LINE_EMPTY_EOF) {
		struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = other, .events = POLLIN}};

		if (poll(p, other >= 0 ? 2 : 1, -1) < 0)
			continue;
		if (other >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			printf("\r\033[K");
			fflush(stdout);
			on_other(arg);
			ve_redraw(prompt, &l);
			continue;
		}
		if ((c = ve_byte(NULL)) == 0x1b)
			c = line_escape(ve_byte, NULL);
		if (c >= 0 && (r = line_key(&l, &ve_hist, c)) != LINE_NONE)
			ve_redraw(prompt, &l);
	}
	tcsetattr(0, TCSAFLUSH, &saved);
	printf("\r\n");
	fflush(stdout);
	line_finish(&l, &ve_hist);
	if (c < 0 || r == LINE_EMPTY_EOF)
		return -1;
	return r == LINE_DROPPED ? -2 : (int)l.len;
}
