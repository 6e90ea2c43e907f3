/*
 * The console's line editor: a terminal in raw mode (QEMU's serial port)
 * shows nothing itself, so this echoes, edits and recalls lines, with the
 * keys of line.h. Typing at the end of the line is echoed as is, so a
 * transcript of piped input reads like what was typed; other edits redraw
 * the line. Lines the system prints meanwhile appear above it.
 */
#include "edit.h"

#include <stdio.h>
#include <string.h>

#include "console.h"
#include "line.h"
#include "net.h"
#include "rt.h"

#define EDIT_HISTORY 32

static char edit_hist_lines[EDIT_HISTORY][LINE_BYTES];
static struct line_history edit_hist = {edit_hist_lines, EDIT_HISTORY, 0};

static const char *edit_prompt;
static struct line edit_line;

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

static int edit_next(void *arg)
{
	(void)arg;
	return edit_getc();
}

void edit_redraw(void)
{
	char move[16];

	con_puts("\r");
	con_puts(edit_prompt);
	con_write(edit_line.buf, edit_line.len);
	con_puts("\033[K");
	if (edit_line.cur < edit_line.len) {
		snprintf(move, sizeof move, "\033[%uD", (unsigned)(edit_line.len - edit_line.cur));
		con_puts(move);
	}
}

int edit_readline(const char *prompt, char *buf, size_t size)
{
	static int after_cr;
	enum line_result r = LINE_NONE;

	edit_prompt = prompt;
	line_start(&edit_line, buf, size);
	con_puts(prompt);
	while (r != LINE_DONE && r != LINE_DROPPED) {
		int c = edit_getc();

		/* Enter is CR (a terminal) or LF (a pipe); the LF of CR LF is no empty line. */
		if (c == '\n' && after_cr) {
			after_cr = 0;
			continue;
		}
		after_cr = c == '\r';
		if (c == 0x1b)
			c = line_escape(edit_next, NULL);
		switch (r = line_key(&edit_line, &edit_hist, c)) {
		case LINE_ECHO:
			con_putc(buf[edit_line.cur - 1]);
			break;
		case LINE_RUBOUT:
			con_puts("\b \b");
			break;
		case LINE_REDRAW:
			edit_redraw();
			break;
		case LINE_DROPPED:
			con_puts("^C");
			break;
		default: /* nothing, Enter, or Ctrl-D on an empty line (no end here) */
			break;
		}
	}
	con_putc('\n');
	line_finish(&edit_line, &edit_hist);
	return r == LINE_DROPPED ? -1 : (int)edit_line.len;
}
