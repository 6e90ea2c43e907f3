/* The REPL's line editor on the terminal (tty.c). */
#ifndef VITRINE_TTY_H
#define VITRINE_TTY_H

#include <stddef.h>

/*
 * Show prompt and read one edited line from the terminal on fd 0 into buf;
 * its length, -1 at the end (Ctrl-D on an empty line), -2 if dropped with
 * Ctrl-C. While waiting, when fd other (if >= 0) is readable, on_other(arg)
 * prints above the line.
 */
int tty_readline(const char *prompt, char *buf, size_t size, int other, void (*on_other)(void *),
                 void *arg);

#endif
