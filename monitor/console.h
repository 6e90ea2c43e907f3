/* The system console the monitor owns: the UART, and the console ring it prints. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

#include "lua.h"

void con_init(void);
/* Output on the UART; "\n" becomes CR LF. */
void con_putc(char c);
void con_write(const char *s, size_t n);
void con_puts(const char *s);
/* A key typed, or -1 if none is waiting (never blocks). */
int con_key(void);
/* Give back one key that con_key returned: the next con_key returns it. */
void con_unget(int c);
/* Has the hypervisor or another VM written lines not yet printed? */
int con_pending(void);
/* Print them, as "[vm] line" or the hypervisor's own text. */
void con_pump(void);
/* The Lua table `console`: attach, stats, poke. */
void con_open(lua_State *L);

#endif
