/*
 * The console's line editor: a terminal in raw mode (QEMU's serial port)
 * shows nothing itself, so this echoes, edits and recalls lines. Keys:
 * Left/Right (Ctrl-B/F), Home/End (Ctrl-A/E), Backspace, Delete (Ctrl-D),
 * Ctrl-K/U/W kill to end / line / word, Up/Down (Ctrl-P/N) history,
 * Ctrl-C drops the line. Typing at the end of the line is echoed as is, so
 * a transcript of piped input reads like what was typed; other edits
 * redraw the line. Lines the system prints meanwhile appear above it.
 */
#include "edit.h"

#include <stdio.h>
#include <string.h>

#include "console.h"
#include "net.h"
#include "rt.h"

#define EDIT_HISTORY 32
#define EDIT_MAX 256

#define KEY_ESC 0x1b
#define KEY_DEL 0x7f
#define CTRL(c) ((c)&0x1f)

/* Keys that escape sequences stand for, beyond the byte range. */
enum { KEY_UP = 0x100, KEY_DOWN, KEY_RIGHT, KEY_LEFT, KEY_HOME, KEY_END, KEY_DELETE };

static char edit_hist[EDIT_HISTORY][EDIT_MAX];
static unsigned edit_hist_n; /* lines ever added; the last EDIT_HISTORY are kept */

static const char *edit_prompt;
static char *edit_buf;
static size_t edit_len, edit_cur, edit_size;

void edit_pump(void)
{
	if (!con_pending())
		return;
	con_puts("\r\033[K");
	con_pump();
	edit_redraw();
}

/*
 * Wait for a key; print what the system says meanwhile, and serve the
 * network (TCP clients' chunks run from here, one at a time).
 */
static int edit_getc(void)
{
	for (;;) {
		int c = con_key();

		if (c >= 0)
			return c;
		edit_pump();
		net_idle();
		rt_relax();
	}
}

/* ESC [ A, ESC O H, ESC [ 3 ~ ...: the key, or 0 for one not known. */
static int edit_escape(void)
{
	int c = edit_getc(), n = 0;

	if (c != '[' && c != 'O')
		return 0;
	while ((c = edit_getc()) >= '0' && c <= '9')
		n = n * 10 + c - '0';
	switch (c) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'C':
		return KEY_RIGHT;
	case 'D':
		return KEY_LEFT;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case '~':
		return n == 1 || n == 7   ? KEY_HOME
		       : n == 4 || n == 8 ? KEY_END
		       : n == 3           ? KEY_DELETE
		                          : 0;
	default:
		return 0;
	}
}

void edit_redraw(void)
{
	char move[16];

	con_puts("\r");
	con_puts(edit_prompt);
	con_write(edit_buf, edit_len);
	con_puts("\033[K");
	if (edit_cur < edit_len) {
		snprintf(move, sizeof move, "\033[%uD", (unsigned)(edit_len - edit_cur));
		con_puts(move);
	}
}

static void edit_set(const char *s)
{
	edit_len = strlen(s); /* a history line or the draft: shorter than EDIT_MAX */
	if (edit_len > edit_size - 1)
		edit_len = edit_size - 1;
	memcpy(edit_buf, s, edit_len);
	edit_cur = edit_len;
}

/* Delete [from, to) of the line. */
static void edit_cut(size_t from, size_t to)
{
	memmove(edit_buf + from, edit_buf + to, edit_len - to);
	edit_len -= to - from;
	edit_cur = from;
}

static void edit_insert(char c)
{
	if (edit_len == edit_size - 1)
		return;
	memmove(edit_buf + edit_cur + 1, edit_buf + edit_cur, edit_len - edit_cur);
	edit_buf[edit_cur++] = c;
	edit_len++;
	if (edit_cur == edit_len)
		con_putc(c);
	else
		edit_redraw();
}

static void edit_remember(void)
{
	const char *last = edit_hist[(edit_hist_n - 1) % EDIT_HISTORY];

	if (!edit_len ||
	    (edit_hist_n && strlen(last) == edit_len && !memcmp(last, edit_buf, edit_len)))
		return;
	memcpy(edit_hist[edit_hist_n % EDIT_HISTORY], edit_buf, edit_len);
	edit_hist[edit_hist_n % EDIT_HISTORY][edit_len] = 0;
	edit_hist_n++;
}

/* One editing key; 1 when the line is done, -1 when it is dropped. */
static int edit_key(int c, unsigned *back, char *draft)
{
	unsigned kept = edit_hist_n < EDIT_HISTORY ? edit_hist_n : EDIT_HISTORY;

	switch (c) {
	case '\r':
	case '\n':
		return 1;
	case CTRL('C'):
		con_puts("^C");
		edit_len = edit_cur = 0;
		return -1;
	case CTRL('H'):
	case KEY_DEL:
		if (!edit_cur)
			return 0;
		edit_cut(edit_cur - 1, edit_cur);
		if (edit_cur == edit_len) {
			con_puts("\b \b");
			return 0;
		}
		break;
	case CTRL('D'):
	case KEY_DELETE:
		if (edit_cur < edit_len)
			edit_cut(edit_cur, edit_cur + 1);
		break;
	case CTRL('U'):
		edit_cut(0, edit_len);
		break;
	case CTRL('K'):
		edit_len = edit_cur;
		break;
	case CTRL('W'): {
		size_t from = edit_cur;

		while (from && edit_buf[from - 1] == ' ')
			from--;
		while (from && edit_buf[from - 1] != ' ')
			from--;
		edit_cut(from, edit_cur);
		break;
	}
	case CTRL('A'):
	case KEY_HOME:
		edit_cur = 0;
		break;
	case CTRL('E'):
	case KEY_END:
		edit_cur = edit_len;
		break;
	case CTRL('B'):
	case KEY_LEFT:
		edit_cur -= edit_cur > 0;
		break;
	case CTRL('F'):
	case KEY_RIGHT:
		edit_cur += edit_cur < edit_len;
		break;
	case CTRL('P'):
	case KEY_UP:
	case CTRL('N'):
	case KEY_DOWN: {
		int up = c == CTRL('P') || c == KEY_UP;

		if (up ? *back == kept : *back == 0)
			return 0;
		if (*back == 0) { /* leaving the line being typed: keep it to come back to */
			memcpy(draft, edit_buf, edit_len);
			draft[edit_len] = 0;
		}
		*back += up ? 1 : -1u;
		edit_set(*back ? edit_hist[(edit_hist_n - *back) % EDIT_HISTORY] : draft);
		break;
	}
	default:
		if (c >= ' ' && c < KEY_DEL)
			edit_insert((char)c);
		return 0;
	}
	edit_redraw();
	return 0;
}

int edit_readline(const char *prompt, char *buf, size_t size)
{
	static int after_cr;
	static char draft[EDIT_MAX];
	unsigned back = 0; /* how far up the history the line is */
	int done;

	edit_prompt = prompt;
	edit_buf = buf;
	edit_size = size < EDIT_MAX ? size : EDIT_MAX;
	edit_len = edit_cur = 0;
	con_puts(prompt);
	for (;;) {
		int c = edit_getc();

		/* Enter is CR (a terminal) or LF (a pipe); the LF of CR LF is no empty line. */
		if (c == '\n' && after_cr) {
			after_cr = 0;
			continue;
		}
		after_cr = c == '\r';
		if (c == KEY_ESC)
			c = edit_escape();
		if ((done = edit_key(c, &back, draft)) != 0)
			break;
	}
	con_putc('\n');
	buf[edit_len] = 0;
	edit_remember();
	return done < 0 ? -1 : (int)edit_len;
}
