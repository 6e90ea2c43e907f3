/*
 * ns16550a register model, as Linux's 8250 driver programs QEMU virt's
 * (`reg-shift` 0: byte registers 0-7, nothing else in the page): the
 * divisor latches behind LCR.DLAB, line and modem control and the scratch
 * register kept and read back, a 16-byte receive FIFO when FCR turns it on
 * (1 deep otherwise), loopback (MCR.LOOP: what is sent is received, the
 * modem lines follow MCR), and the interrupts in IIR's order: received
 * data at the trigger level, its timeout (raised at once whenever data
 * sits below the level: a real one waits four characters' time) and THR
 * empty, on the level line vuart.c drives. Nothing is ever lost or
 * garbled, so there are no line-status interrupts, and the modem lines
 * never change by themselves. At reset it is as OpenSBI leaves the board's:
 * 115200 8N1 from the 3.6864 MHz clock, FIFOs on, interrupts off.
 */
#include "vuart.h"

#if PLAT_VUART_MODEL == PLAT_VUART_NS16550A

#include <hw/ns16550.h>

#define NS16550_MSR_IDLE (NS16550_MSR_DCD | NS16550_MSR_DSR | NS16550_MSR_CTS) /* as QEMU's */

static int ns16550_fifo_on(const struct vuart_regs *r)
{
	return r->fcr & NS16550_FCR_ENABLE;
}

/* FCR's receive trigger level: 1, 4, 8 or 14 bytes; one without the FIFO. */
static uint32_t ns16550_rx_level(const struct vuart_regs *r)
{
	static const uint8_t level[4] = {1, 4, 8, 14};

	return ns16550_fifo_on(r) ? level[r->fcr >> 6] : 1;
}

/* The interrupt IIR reports: the highest of those pending and enabled. */
static uint8_t ns16550_iir_id(const struct vuart *u)
{
	const struct vuart_regs *r = &u->regs;
	uint32_t n = vuart_rx_count(u);

	if (r->ier & NS16550_IER_RDI && n)
		return n >= ns16550_rx_level(r) ? NS16550_IIR_RDI : NS16550_IIR_TIMEOUT;
	if (r->ier & NS16550_IER_THRI && r->thr_pending)
		return NS16550_IIR_THRI;
	return NS16550_IIR_NONE;
}

int vuart_regs_line(const struct vuart *u)
{
	return ns16550_iir_id(u) != NS16550_IIR_NONE;
}

void vuart_regs_rx_new(struct vuart *u)
{
	(void)u; /* its interrupts follow the FIFO's count alone */
}

void vuart_regs_reset(struct vuart *u)
{
	struct vuart_regs *r = &u->regs;

	r->ier = 0;
	r->lcr = NS16550_LCR_WLEN8;
	r->dll = 2; /* 3686400 / (16 * 115200) */
	r->dlm = 0;
	r->fcr = NS16550_FCR_ENABLE;
	r->mcr = 0;
	r->scr = 0;
	r->thr_pending = 0;
}

/* In loopback the modem inputs are MCR's outputs: DTR to DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD.
 */
static uint8_t ns16550_msr(const struct vuart_regs *r)
{
	if (!(r->mcr & NS16550_MCR_LOOP))
		return NS16550_MSR_IDLE;
	return (uint8_t)((r->mcr & 1) << 5 | (r->mcr & 2) << 3 | (r->mcr & 0xc) << 4);
}

static uint8_t ns16550_read(struct vuart *u, uint64_t offset)
{
	struct vuart_regs *r = &u->regs;
	int dlab = r->lcr & NS16550_LCR_DLAB;
	uint8_t id;

	switch (offset) {
	case NS16550_RBR:
		return dlab ? r->dll : vuart_rx_pop(u);
	case NS16550_IER:
		return dlab ? r->dlm : r->ier;
	case NS16550_IIR:
		id = ns16550_iir_id(u);
		if (id == NS16550_IIR_THRI) /* reading it says so: that one is over */
			r->thr_pending = 0;
		return (uint8_t)(id | (ns16550_fifo_on(r) ? NS16550_IIR_FIFOS : 0));
	case NS16550_LCR:
		return r->lcr;
	case NS16550_MCR:
		return r->mcr;
	case NS16550_LSR:
		return (uint8_t)(NS16550_LSR_THRE | NS16550_LSR_TEMT |
		                 (vuart_rx_count(u) ? NS16550_LSR_DR : 0));
	case NS16550_MSR:
		return ns16550_msr(r);
	default:
		return r->scr;
	}
}

/* FCR: turning the FIFO on or off empties it, as a clear bit does; a FIFO off keeps no level. */
static void ns16550_write_fcr(struct vuart *u, uint8_t value)
{
	struct vuart_regs *r = &u->regs;
	uint8_t fcr = value & NS16550_FCR_ENABLE ? value & NS16550_FCR_KEPT : 0;

	if ((fcr ^ r->fcr) & NS16550_FCR_ENABLE || value & NS16550_FCR_CLEAR_RX)
		vuart_rx_flush(u);
	r->fcr = fcr;
}

/* THR: the byte leaves at once (or comes back, in loopback), and THR is empty again. */
static int ns16550_write_thr(struct vuart *u, uint8_t c)
{
	u->regs.thr_pending = 1;
	if (!(u->regs.mcr & NS16550_MCR_LOOP))
		return c;
	vuart_rx_push(u, c);
	return -1;
}

/* IER: THR is always empty, so enabling its interrupt raises it. */
static void ns16550_write_ier(struct vuart_regs *r, uint8_t value)
{
	value &= NS16550_IER_RDI | NS16550_IER_THRI | NS16550_IER_RLSI | NS16550_IER_MSI;
	if (value & ~r->ier & NS16550_IER_THRI)
		r->thr_pending = 1;
	r->ier = value;
}

int vuart_regs_access(struct vuart *u, uint64_t offset, int write, uint64_t *value)
{
	struct vuart_regs *r = &u->regs;
	int dlab = r->lcr & NS16550_LCR_DLAB;
	uint8_t v = (uint8_t)*value;

	if (!write) {
		*value = ns16550_read(u, offset);
		return -1;
	}
	switch (offset) {
	case NS16550_THR:
		if (!dlab)
			return ns16550_write_thr(u, v);
		r->dll = v;
		break;
	case NS16550_IER:
		if (dlab)
			r->dlm = v;
		else
			ns16550_write_ier(r, v);
		break;
	case NS16550_FCR:
		ns16550_write_fcr(u, v);
		break;
	case NS16550_LCR:
		r->lcr = v;
		break;
	case NS16550_MCR:
		r->mcr = v & NS16550_MCR_KEPT;
		break;
	case NS16550_SCR:
		r->scr = v;
		break;
	}
	return -1; /* LSR and MSR: read-only (a write is a factory test's) */
}

#endif
