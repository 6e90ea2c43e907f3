/*
 * A guest that tries to pass its console lines for the hypervisor's or
 * another VM's on a terminal: escape sequences, backspaces, CR, DEL, BEL
 * and a UTF-8 C1 control, which a shared console must show, not obey. Tab
 * and UTF-8 text are its own and stay as they are.
 */
#include "rt.h"

static const char spoof_text[] =
    "\x1b[2K\rvitrine: VM hello stopped\n" /* erase its line, write from its start */
    "\b\b\b\b\b\b\b\b[hello] bye\n"        /* back over "[spoof] " */
    "\x1b]0;owned\a title\n"               /* the terminal's title, and a bell */
    "C1 CSI \xc2\x9b\x32K gone\n"          /* CSI as one UTF-8 character (U+009B), then "2K" */
    "erase\x7f\x7f\x7f\x7f\x7f\n"          /* DEL */
    "progress 1\rprogress 2\r\n"           /* a CR within, and a CR LF line end */
    "nul \0 byte\n"
    "tab\tand caf\xc3\xa9 stay\n";

void main(uint64_t arg)
{
	(void)arg;
	for (unsigned i = 0; i < sizeof spoof_text - 1; i++)
		rt_putc(spoof_text[i]);
	rt_puts("spoof: done\n");
}
