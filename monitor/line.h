/*
 * Line editing without I/O, shared by the two consoles that edit lines:
 * the monitor's (edit.c, on the serial port) and the vitrine client's
 * (tools/vitrine/edit.c, on a host terminal). Keys: Left/Right
 * (Ctrl-B/F), Home/End (Ctrl-A/E), Backspace, Delete (Ctrl-D on a
 * non-empty line), Ctrl-K/U/W kill to end / line / word, Up/Down
 * (Ctrl-P/N) history, Ctrl-C drops the line. The caller reads the bytes,
 * turns escape sequences into keys with line_escape, and draws what
 * line_key says changed.
 */
#ifndef LINE_H
#define LINE_H

#include <stddef.h>

#define LINE_BYTES 256 /* bytes a line can hold, its NUL included */

/* Keys that escape sequences stand for, beyond the byte range. */
enum { LINE_UP = 0x100, LINE_DOWN, LINE_RIGHT, LINE_LEFT, LINE_HOME, LINE_END, LINE_DELETE };

/* What line_key did, for the caller to show. */
enum line_result {
	LINE_NONE,      /* nothing changed */
	LINE_ECHO,      /* the key's character was added at the end: print it */
	LINE_RUBOUT,    /* the last character was erased at the end: "\b \b" */
	LINE_REDRAW,    /* anything else changed: draw the line again */
	LINE_DONE,      /* Enter: the line is complete */
	LINE_DROPPED,   /* Ctrl-C: the line is dropped (emptied) */
	LINE_EMPTY_EOF, /* Ctrl-D on an empty line */
};

/* The lines entered, the last `cap` of them kept (storage the caller owns). */
struct line_history {
	char (*lines)[LINE_BYTES];
	unsigned cap;
	unsigned n; /* lines ever added */
};

struct line {
	char *buf; /* the caller's, size bytes (at most LINE_BYTES are used) */
	size_t size, len, cur;
	unsigned back;          /* how far up the history the line shown is; 0: the one typed */
	char draft[LINE_BYTES]; /* the line typed, kept while history is shown */
};

/* Start editing an empty line in buf. */
void line_start(struct line *l, char *buf, size_t size);
/* Apply one key (a byte, or LINE_* from line_escape). */
enum line_result line_key(struct line *l, struct line_history *h, int key);
/*
 * After ESC: the key of the sequence (ESC [ A, ESC O H, ESC [ 3 ~ ...),
 * or 0 for one not known; next(arg) gives its bytes, -1 at the end.
 */
int line_escape(int (*next)(void *arg), void *arg);
/* NUL-terminate the finished line and add it to h (not if empty or a repeat). */
void line_finish(struct line *l, struct line_history *h);

#endif
