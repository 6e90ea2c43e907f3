/* The console's line editor, with history. */
#ifndef EDIT_H
#define EDIT_H

#include <stddef.h>

/*
 * Show prompt and read one edited line into buf (NUL-terminated); its
 * length, or -1 if it was dropped with Ctrl-C.
 */
int edit_readline(const char *prompt, char *buf, size_t size);
/* Show the prompt and the line being edited again (after other output). */
void edit_redraw(void);
/* Print what the system has said (the console ring) above the line being edited. */
void edit_pump(void);

#endif
