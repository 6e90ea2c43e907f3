/* The system console the monitor owns: the UART, and the console ring it prints. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>

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

/* One record of the console ring: a VM's line, or the hypervisor's text. */
#define CON_REC_MAX 512 /* as hyp/core/conring.c cuts them */
struct con_rec {
	uint32_t src; /* VM id, or VT_CON_HYP */
	uint32_t len;
	char text[CON_REC_MAX];
};

/* The next record, or 0 if there is none (a ring that makes no sense is skipped). */
int con_next(struct con_rec *r);
/* Tell the hypervisor what con_next consumed. */
void con_done(void);
/* Print a record: "[vm] line" with control bytes shown (prefix), or raw. */
void con_show(const struct con_rec *r, int prefix);

struct con_ring_stats {
	uint64_t written, read, lost, bad_positions;
};
void con_ring_stats(struct con_ring_stats *st);
/* Write a reader position the hypervisor must refuse (for its test). */
void con_poke_tail(uint64_t pos);

/* The Lua table `console` (console_view.c): attach, stats, poke. */
void con_open(lua_State *L);

#endif
