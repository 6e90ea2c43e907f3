/*
 * The trace stream over TCP (port 5556): each client gets its own struct
 * stream (stream.h), started when it connects. Whenever its socket has
 * room, net_stream_poll asks stream_fill for frames and queues them. TCP
 * sends them from where they were filled (tcp_write without a copy), so
 * filled bytes stay in the client's buffer until acknowledged: the buffer
 * is a ring of two regions (a bip buffer: `a`, the oldest bytes, and `b`,
 * from the buffer's start once the end is used), each fill contiguous, and
 * an acknowledgement frees from the front. Bytes filled but not yet taken
 * by TCP wait their turn, so a frame is never lost or cut. At most one
 * fill per client per call: the console is never stalled by a stream.
 * What a stream client sends is ignored. A client gets here only once it
 * authenticated (net_auth.c); one that takes nothing of what waits for it
 * for NET_IDLE_MS is dropped, by an abort: its bytes are then free at once.
 */
#include <string.h>

#include "lwip/tcp.h"
#include "net.h"
#include "net_service.h"
#include "stream.h"
#include "timer.h"

#define NET_STREAMS 4
#define NET_STREAM_FILL TCP_SND_BUF /* a fill as large as the socket takes */
/* What TCP holds unacknowledged, a fill, and what the end of the buffer may leave unused. */
#define NET_STREAM_BUF (2 * TCP_SND_BUF + NET_STREAM_MIN)
#define NET_STREAM_MIN 512 /* no fill for less room than this: frames are not tiny */

struct net_stream {
	struct net_conn conn; /* first; last: when it last took data, or had none waiting */
	struct stream s;
	size_t a_start, a_end; /* the oldest bytes in use: buf[a_start, a_end) */
	size_t b_end;          /* then buf[0, b_end), if the buffer wrapped */
	size_t off, len;       /* filled bytes not yet given to TCP: buf[off, off + len) */
	_Alignas(
	    8) uint8_t buf[NET_STREAM_BUF]; /* aligned: records are peeked in place (stream.c) */
};

static struct net_stream net_streams[NET_STREAMS];
static struct net_stream_stats net_stream_counts;

/* Aborted, not closed: a closing socket would go on sending from the buffer. */
static void net_stream_close(struct net_stream *n)
{
	if (!n->conn.pcb)
		return;
	net_callbacks(n->conn.pcb, NULL, NULL, NULL, NULL);
	tcp_abort(n->conn.pcb);
	n->conn.pcb = NULL;
}

static void net_stream_err(void *arg, err_t err)
{
	(void)err;
	net_conn_lost(arg);
}

static err_t net_stream_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)err;
	if (!p) {
		if (!arg)
			return ERR_OK;
		net_stream_close(arg);
		return ERR_ABRT;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

/* Where the next fill goes, and how much fits there contiguously: after a, or after b. */
static size_t net_stream_space(struct net_stream *n, size_t *at)
{
	if (n->b_end || n->a_start > NET_STREAM_BUF - n->a_end) {
		*at = n->b_end; /* b, begun if the buffer's start has more room than its end */
		return n->a_start - n->b_end;
	}
	*at = n->a_end;
	return NET_STREAM_BUF - n->a_end;
}

/* A fill of len bytes at at (net_stream_space) joins the bytes in use. */
static void net_stream_filled(struct net_stream *n, size_t at, size_t len)
{
	if (at == n->a_end && !n->b_end)
		n->a_end += len;
	else
		n->b_end = at + len;
	n->off = at;
	n->len = len;
}

/* TCP acknowledged len bytes: they are free, from the front. */
static void net_stream_acked(struct net_stream *n, size_t len)
{
	while (len) {
		size_t k = n->a_end - n->a_start < len ? n->a_end - n->a_start : len;

		n->a_start += k;
		len -= k;
		if (n->a_start == n->a_end) { /* a is done: b, if any, is the oldest now */
			n->a_start = 0;
			n->a_end = n->b_end;
			n->b_end = 0;
			if (!n->a_end)
				break;
		}
	}
}

static void net_stream_push(struct net_stream *n)
{
	size_t room, at, space;

	if (!n->conn.pcb)
		return;
	room = tcp_sndbuf(n->conn.pcb);
	space = net_stream_space(n, &at);
	if (!n->len && room >= NET_STREAM_MIN && space >= NET_STREAM_MIN &&
	    tcp_sndqueuelen(n->conn.pcb) < TCP_SND_QUEUELEN - 2) {
		size_t want = room < NET_STREAM_FILL ? room : NET_STREAM_FILL, len;

		if (want > space)
			want = space;
		len = stream_fill(&n->s, n->buf + at, want);
		if (len > want)
			len = 0; /* an encoder that overran: nothing sane to send */
		if (len) {
			net_stream_filled(n, at, len);
			net_stream_counts.fills++;
		} else {
			net_stream_counts.empty++;
		}
	} else if (!n->len) {
		net_stream_counts.full++;
	}
	if (!n->len)
		return;
	if (room > n->len)
		room = n->len;
	if (!room || tcp_write(n->conn.pcb, n->buf + n->off, (u16_t)room, 0) != ERR_OK) {
		net_stream_counts.full++;
		return; /* kept for the next call */
	}
	n->off += room;
	n->len -= room;
	tcp_output(n->conn.pcb);
}

/* Acknowledged data made room: send more now rather than at the next loop. */
static err_t net_stream_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct net_stream *n = arg;

	(void)pcb;
	if (n) {
		n->conn.last = timer_now();
		net_stream_acked(n, len);
		net_stream_push(n);
	}
	return ERR_OK;
}

static const char *net_stream_start(struct tcp_pcb *pcb, unsigned id)
{
	for (int i = 0; i < NET_STREAMS; i++) {
		struct net_stream *n = &net_streams[i];

		if (n->conn.pcb)
			continue;
		memset(&n->s, 0, sizeof n->s);
		stream_start(&n->s);
		n->a_start = n->a_end = n->b_end = n->off = n->len = 0;
		net_conn_open(&n->conn, pcb, id);
		net_callbacks(pcb, n, net_stream_recv, net_stream_err, net_stream_sent);
		net_stream_push(n);
		return NULL;
	}
	return "monitor: too many trace stream clients\n";
}

const struct net_stream_stats *net_stream_stats(void)
{
	return &net_stream_counts;
}

const struct net_service net_stream = {"stream", NET_STREAM_PORT, net_stream_start,
                                       net_stream_recv};

void net_stream_poll(void)
{
	uint64_t idle = timer_freq() / 1000 * NET_IDLE_MS;

	for (int i = 0; i < NET_STREAMS; i++) {
		struct net_stream *n = &net_streams[i];

		net_stream_push(n);
		if (!n->conn.pcb)
			continue;
		if (!n->len && !n->conn.pcb->unsent && !n->conn.pcb->unacked)
			n->conn.last = timer_now(); /* nothing waits for it: not idle, just quiet */
		else if (timer_now() - n->conn.last > idle)
			net_stream_close(n);
	}
}

static void net_stream_kick(unsigned slot)
{
	net_stream_close(&net_streams[slot]);
}

const struct net_peers net_stream_peers = {NET_STREAMS, net_streams, sizeof(net_streams[0]),
                                           &net_stream, NULL,        net_stream_kick};
