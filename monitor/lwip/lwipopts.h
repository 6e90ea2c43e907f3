/*
 * lwIP 2.1 options for the monitor (the `monitor/lwip/` port directory:
 * this file and arch/cc.h; lwIP itself is fetched at build time). NO_SYS:
 * no threads, the raw API only, the main loop calls sys_check_timeouts().
 * IPv4, ARP, ICMP (ping) and TCP; no UDP, DHCP or DNS (the address is
 * static, monitor/net.c). Every pool is static, so the network's memory
 * is fixed at link time (README, "Network console"):
 *   lwIP heap (tcp_write copies, ARP queue)  MEM_SIZE         256 KiB
 *   received frames (PBUF_POOL)              64 x 1.6 KiB  ~ 100 KiB
 *   TCP PCBs and segments                    20 + 256      ~  16 KiB
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS 1
#define LWIP_TIMERS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* IRQ handlers never touch lwIP (vnet.c) */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_SINGLE_NETIF 1

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 0
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0

#define MEM_ALIGNMENT 8
#define MEM_SIZE (256 * 1024)
/* The stream's segments reference its buffers (net_stream.c): 4 x TCP_SND_QUEUELEN, and more. */
#define MEMP_NUM_PBUF 160
#define MEMP_NUM_TCP_PCB 22       /* 8 console + 4 stream + 2 gdb clients, refusals, TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 3 /* console, stream, gdb */
#define MEMP_NUM_TCP_SEG 256
#define PBUF_POOL_SIZE 64

/* A multiple of 8, so that copying a segment's data out of a client's aligned buffer goes word by
 * word. */
#define TCP_MSS 1456
/* What a client may send before the monitor reads it: its input ring holds this much. */
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 0 /* out-of-order segments are dropped (retransmitted), not held */
#define LWIP_TCP_KEEPALIVE 0

#define LWIP_CHKSUM_ALGORITHM 3 /* 32 bits at a time */
#define LWIP_STATS 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

#endif
