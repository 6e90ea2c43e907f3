/* Line editing without I/O (line.h). */
#include "line.h"

#include <string.h>

#define LINE_CTRL(c) ((c)&0x1f)
#define LINE_DEL 0x7f

void line_start(struct line *l, char *buf, size_t size)
{
	l->buf = buf;
	l->size = size < LINE_BYTES ? size : LINE_BYTES;
	l->len = l->cur = 0;
	l->back = 0;
}

static void line_set(struct line *l, const char *s)
{
	size_t n = strlen(s);

	l->len = n < l->size - 1 ? n : l->size - 1;
	memcpy(l->buf, s, l->len);
	l->cur = l->len;
}

/* Delete [from, to) of the line. */
static void line_cut(struct line *l, size_t from, size_t to)
{
	memmove(l->buf + from, l->buf + to, l->len - to);
	l->len -= to - from;
	l->cur = from;
}

static enum line_result line_insert(struct line *l, char c)
{
	if (l->len == l->size - 1)
		return LINE_NONE;
	memmove(l->buf + l->cur + 1, l->buf + l->cur, l->len - l->cur);
	l->buf[l->cur++] = c;
	l->len++;
	return l->cur == l->len ? LINE_ECHO : LINE_REDRAW;
}

/* Up (up) or Down the history; the typed line is kept in draft meanwhile. */
static enum line_result line_recall(struct line *l, const struct line_history *h, int up)
{
	unsigned kept = h->n < h->cap ? h->n : h->cap;

	if (up ? l->back == kept : l->back == 0)
		return LINE_NONE;
	if (l->back == 0) {
		memcpy(l->draft, l->buf, l->len);
		l->draft[l->len] = 0;
	}
	l->back += up ? 1 : -1u;
	line_set(l, l->back ? h->lines[(h->n - l->back) % h->cap] : l->draft);
	return LINE_REDRAW;
}

enum line_result line_key(struct line *l, struct line_history *h, int key)
{
	switch (key) {
	case '\r':
	case '\n':
		return LINE_DONE;
	case LINE_CTRL('C'):
		l->len = l->cur = 0;
		return LINE_DROPPED;
	case LINE_CTRL('H'):
	case LINE_DEL:
		if (!l->cur)
			return LINE_NONE;
		line_cut(l, l->cur - 1, l->cur);
		return l->cur == l->len ? LINE_RUBOUT : LINE_REDRAW;
	case LINE_CTRL('D'): /* Delete, but on an empty line the end of input */
	case LINE_DELETE:
		if (key != LINE_DELETE && !l->len)
			return LINE_EMPTY_EOF;
		if (l->cur < l->len)
			line_cut(l, l->cur, l->cur + 1);
		break;
	case LINE_CTRL('U'):
		line_cut(l, 0, l->len);
		break;
	case LINE_CTRL('K'):
		l->len = l->cur;
		break;
	case LINE_CTRL('W'): {
		size_t from = l->cur;

		while (from && l->buf[from - 1] == ' ')
			from--;
		while (from && l->buf[from - 1] != ' ')
			from--;
		line_cut(l, from, l->cur);
		break;
	}
	case LINE_CTRL('A'):
	case LINE_HOME:
		l->cur = 0;
		break;
	case LINE_CTRL('E'):
	case LINE_END:
		l->cur = l->len;
		break;
	case LINE_CTRL('B'):
	case LINE_LEFT:
		l->cur -= l->cur > 0;
		break;
	case LINE_CTRL('F'):
	case LINE_RIGHT:
		l->cur += l->cur < l->len;
		break;
	case LINE_CTRL('P'):
	case LINE_UP:
		return line_recall(l, h, 1);
	case LINE_CTRL('N'):
	case LINE_DOWN:
		return line_recall(l, h, 0);
	default:
		return key >= ' ' && key < LINE_DEL ? line_insert(l, (char)key) : LINE_NONE;
	}
	return LINE_REDRAW;
}

int line_escape(int (*next)(void *arg), void *arg)
{
	int c = next(arg), n = 0;

	if (c != '[' && c != 'O')
		return 0;
	while ((c = next(arg)) >= '0' && c <= '9')
		n = n * 10 + c - '0';
	switch (c) {
	case 'A':
		return LINE_UP;
	case 'B':
		return LINE_DOWN;
	case 'C':
		return LINE_RIGHT;
	case 'D':
		return LINE_LEFT;
	case 'H':
		return LINE_HOME;
	case 'F':
		return LINE_END;
	case '~':
		return n == 1 || n == 7   ? LINE_HOME
		       : n == 4 || n == 8 ? LINE_END
		       : n == 3           ? LINE_DELETE
		                          : 0;
	default:
		return 0;
	}
}

void line_finish(struct line *l, struct line_history *h)
{
	const char *last = h->lines[(h->n - 1) % h->cap];

	l->buf[l->len] = 0;
	if (!l->len || (h->n && !strcmp(last, l->buf)))
		return;
	memcpy(h->lines[h->n % h->cap], l->buf, l->len + 1);
	h->n++;
}
