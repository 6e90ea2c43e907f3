/*
 * A config's lines and their words: what the parser reads before it judges
 * anything. Quotes and comments are handled here.
 */
#include <string.h>

#include "vmconfig.h"

/*
 * Reads one line (without its newline) into buf, keeping at most
 * VMC_LINE_MAX - 1 bytes. Returns false at end of file.
 */
bool cfgw_read(FILE *f, char *buf, bool *long_line, bool *binary)
{
	size_t n = 0;
	int ch;

	*long_line = *binary = false;
	while ((ch = getc(f)) != EOF && ch != '\n') {
		if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f)
			*binary = true;
		if (n < VMC_LINE_MAX - 1)
			buf[n++] = (char)ch;
		else
			*long_line = true;
	}
	buf[n] = 0;
	return ch != EOF || n || *long_line;
}

/*
 * Splits buf in place into words separated by blanks; a word may be "in
 * quotes" (blanks and '#' are its own, no escapes), and '#' outside them
 * starts a comment. Returns the number of words, -1 (and said) for an
 * unterminated quote or a quote inside a word.
 */
int cfgw_split(const struct vmc_config *c, int line, char *buf, char **tok, bool *quoted)
{
	int n = 0;
	char *p = buf;

	for (;;) {
		p += strspn(p, " \t\r");
		if (!*p || *p == '#')
			return n;
		quoted[n] = *p == '"';
		if (quoted[n]) {
			char *end = strchr(++p, '"');

			if (!end) {
				vmc_error(c, line, NULL, NULL, NULL, "unterminated quote");
				return -1;
			}
			*end = 0;
			tok[n++] = p;
			p = end + 1;
			if (*p && !strchr(" \t\r#", *p))
				goto inside;
			continue;
		}
		tok[n++] = p;
		p += strcspn(p, " \t\r#\"");
		if (*p == '"')
			goto inside;
		if (*p == '#') {
			*p = 0;
			return n;
		}
		if (*p)
			*p++ = 0;
	}
inside:
	vmc_error(c, line, NULL, NULL, NULL, "a quote inside a word (quote the whole word)");
	return -1;
}
