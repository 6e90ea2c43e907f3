/*
 * The Arm PL011 UART's registers and bits (PrimeCell UART, r1p5 TRM), as
 * the hypervisor's driver, its emulation, the monitor and the guests use
 * them: offsets from the UART's base.
 */
#ifndef HW_PL011_H
#define HW_PL011_H

#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_ILPR 0x020
#define PL011_IBRD 0x024
#define PL011_FBRD 0x028
#define PL011_LCR_H 0x02c
#define PL011_CR 0x030
#define PL011_IFLS 0x034
#define PL011_IMSC 0x038
#define PL011_RIS 0x03c
#define PL011_MIS 0x040
#define PL011_ICR 0x044
#define PL011_DMACR 0x048
#define PL011_PERIPHID0 0xfe0 /* peripheral IDs 0-3, then PrimeCell IDs 0-3, a byte a word */

#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

#define PL011_LCR_H_FEN (1u << 4)
#define PL011_LCR_H_WLEN8 (3u << 5)

#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE (1u << 8)
#define PL011_CR_RXE (1u << 9)

/* Interrupt bits of IMSC, RIS, MIS and ICR. */
#define PL011_INT_RX (1u << 4)
#define PL011_INT_TX (1u << 5)
#define PL011_INT_RT (1u << 6)
#define PL011_INT_ALL 0x7ffu

#endif
