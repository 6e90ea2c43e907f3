/*
 * The system console, owned by the monitor: the platform UART is passed
 * through to it (its driver: con_uart.h), and the hypervisor's messages and the other VMs' lines
 * arrive through the console ring (vitrine/conring.h), which this file
 * prints in the hypervisor's own format ("[name] line", control bytes
 * shown: fmt_visible). `console.attach` shows one VM's lines alone, raw,
 * and types what is typed into its UART.
 *
 * The ring and the system page are read-only here and written by the
 * hypervisor: every length and id read from them is checked before use.
 */
#include "console.h"

#include <stdio.h>
#include <string.h>

#include <vitrine/abi.h>
#include <vitrine/config.h>
#include <vitrine/conring.h>
#include <vitrine/sysview.h>

#include "../hyp/lib/fmt.h" /* not on the path: hyp/lib/string.h would hide picolibc's */
#include "con_uart.h"
#include "syspage.h"

#define con_hdr ((const volatile struct vt_con *)(uintptr_t)CFG_MONITOR_CON_IPA)
#define con_data ((const volatile uint8_t *)(uintptr_t)(CFG_MONITOR_CON_IPA + 4096))
#define con_ctl ((volatile struct vt_mon_ctl *)(uintptr_t)CFG_MONITOR_CTL_IPA)

static uint64_t con_pos;   /* ring bytes consumed; mirrored in con_ctl->con_tail */
static int con_ring_ok;    /* the ring is there and sane */
static int con_typed = -1; /* a key read ahead by con_unget */

void con_putc(char c)
{
	if (c == '\n')
		con_putc('\r');
	con_uart_put((uint8_t)c);
}

void con_write(const char *s, size_t n)
{
	while (n--)
		con_putc(*s++);
}

void con_puts(const char *s)
{
	con_write(s, strlen(s));
}

int con_key(void)
{
	int c = con_typed;

	if (c >= 0) {
		con_typed = -1;
		return c;
	}
	return con_uart_get();
}

void con_unget(int c)
{
	con_typed = c;
}

void con_init(void)
{
	uint64_t head = con_hdr->head, tail = con_ctl->con_tail;

	con_ring_ok = con_hdr->magic == VT_CON_MAGIC && con_hdr->size == VT_CON_DATA;
	/* After a restart of the monitor, go on where the last one stopped. */
	con_pos = tail <= head && head - tail <= VT_CON_DATA ? tail : head;
}

/* The next record, or 0 if there is none (or the ring makes no sense: then skip it all). */
int con_next(struct con_rec *r)
{
	uint64_t head = __atomic_load_n(&con_hdr->head, __ATOMIC_ACQUIRE);
	uint8_t h[sizeof(struct vt_con_rec)];
	struct vt_con_rec rec;

	if (!con_ring_ok || head - con_pos < sizeof rec)
		return 0;
	for (uint32_t i = 0; i < sizeof rec; i++)
		h[i] = con_data[(con_pos + i) & (VT_CON_DATA - 1)];
	memcpy(&rec, h, sizeof rec);
	if (head - con_pos > VT_CON_DATA || rec.len > CON_REC_MAX ||
	    rec.len > head - con_pos - sizeof rec) {
		con_pos = head;
		return 0;
	}
	for (uint32_t i = 0; i < rec.len; i++)
		r->text[i] = (char)con_data[(con_pos + sizeof rec + i) & (VT_CON_DATA - 1)];
	r->src = rec.src;
	r->len = rec.len;
	con_pos += sizeof rec + rec.len;
	return 1;
}

void con_done(void)
{
	__atomic_store_n(&con_ctl->con_tail, con_pos, __ATOMIC_RELEASE);
}

/*
 * VM id's name from the system page, checked; NULL if there is no such VM.
 * Read in place, not through syspage_get: names are written once at boot,
 * and a refresh hypercall for every printed line would cost an exit each.
 */
static const char *con_vm_name(uint32_t id, char *buf, size_t size)
{
	const volatile struct vt_sys *s = (const volatile struct vt_sys *)CFG_MONITOR_SYS_IPA;

	if (s->magic != VT_SYS_MAGIC || id >= s->nr_vms || id >= VT_SYS_VMS)
		return NULL;
	for (size_t i = 0; i < size; i++)
		if (i == size - 1 || i == sizeof s->vms[id].name ||
		    !(buf[i] = s->vms[id].name[i])) {
			buf[i] = 0;
			break;
		}
	return buf;
}

void con_show(const struct con_rec *r, int prefix)
{
	char name[40];

	if (r->src == VT_CON_HYP) {
		con_write(r->text, r->len);
		return;
	}
	if (prefix) {
		con_putc('[');
		con_puts(con_vm_name(r->src, name, sizeof name) ? name : "?");
		con_puts("] ");
		fmt_visible(r->text, r->len, con_write); /* as the hypervisor shows it (log.c) */
	} else {
		con_write(r->text, r->len); /* attached: the VM's own terminal, raw */
	}
	con_putc('\n');
}

int con_pending(void)
{
	return con_ring_ok && __atomic_load_n(&con_hdr->head, __ATOMIC_ACQUIRE) != con_pos;
}

void con_pump(void)
{
	static struct con_rec r;

	while (con_next(&r))
		con_show(&r, 1);
	con_done(); /* also mends a position someone poked */
}

void con_ring_stats(struct con_ring_stats *st)
{
	st->written = con_hdr->head;
	st->read = con_pos;
	st->lost = con_hdr->lost;
	st->bad_positions = con_hdr->bad_tail;
}

void con_poke_tail(uint64_t pos)
{
	con_ctl->con_tail = pos;
}
