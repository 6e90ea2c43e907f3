/*
 * The ns16550a UART's registers and bits (National Semiconductor PC16550D),
 * as the hypervisor's driver, its emulation and the guests use them: byte
 * offsets from the UART's base (`reg-shift` 0, as QEMU's riscv64 `virt`).
 */
#ifndef HW_NS16550_H
#define HW_NS16550_H

#define NS16550_RBR 0 /* receive buffer (read, DLAB 0) */
#define NS16550_THR 0 /* transmit holding (write, DLAB 0) */
#define NS16550_DLL 0 /* divisor latch, low byte (DLAB 1) */
#define NS16550_IER 1 /* DLAB 0 */
#define NS16550_DLM 1 /* divisor latch, high byte (DLAB 1) */
#define NS16550_IIR 2 /* read */
#define NS16550_FCR 2 /* write */
#define NS16550_LCR 3
#define NS16550_MCR 4
#define NS16550_LSR 5
#define NS16550_MSR 6
#define NS16550_SCR 7
#define NS16550_REGS 8

#define NS16550_IER_RDI 0x01  /* received data available (and its timeout) */
#define NS16550_IER_THRI 0x02 /* transmit holding register empty */
#define NS16550_IER_RLSI 0x04 /* receiver line status */
#define NS16550_IER_MSI 0x08  /* modem status */

#define NS16550_IIR_NONE 0x01 /* no interrupt pending */
#define NS16550_IIR_THRI 0x02
#define NS16550_IIR_RDI 0x04
#define NS16550_IIR_TIMEOUT 0x0c /* data below the trigger level, none read for a while */
#define NS16550_IIR_FIFOS 0xc0   /* the FIFOs are on */

#define NS16550_FCR_ENABLE 0x01
#define NS16550_FCR_CLEAR_RX 0x02
#define NS16550_FCR_CLEAR_TX 0x04
#define NS16550_FCR_KEPT 0xc9 /* enable, DMA mode, the receive trigger level (bits 6-7) */

#define NS16550_LCR_WLEN8 0x03
#define NS16550_LCR_DLAB 0x80

#define NS16550_MCR_OUT2 0x08
#define NS16550_MCR_LOOP 0x10
#define NS16550_MCR_KEPT 0x1f

#define NS16550_LSR_DR 0x01   /* data ready */
#define NS16550_LSR_THRE 0x20 /* room to transmit */
#define NS16550_LSR_TEMT 0x40 /* all sent */

#define NS16550_MSR_CTS 0x10
#define NS16550_MSR_DSR 0x20
#define NS16550_MSR_DCD 0x80

#endif
