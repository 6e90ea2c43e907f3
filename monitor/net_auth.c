/*
 * The handshake every TCP connection goes through before a service sees
 * it (vitrine/netauth.h; docs/hardening.md, "The network console"). The monitor sends
 *
 *     vitrine-auth SERVICE NONCE          (NONCE: 64 hex digits, auth.c)
 *
 * and the client answers with one line, HMAC-SHA-256(secret, nonce ||
 * SERVICE) in 64 hex digits. Right: "vitrine-auth ok", and the connection
 * is the service's (net_service.h). Wrong, or no answer within
 * NET_AUTH_MS: "vitrine-auth refused: WHY", and it is closed.
 *
 * Pending handshakes have their own small table, not the services'
 * slots, so connections that never answer cannot lock clients out: when
 * it is full, the oldest is dropped for the newcomer. Their PCBs have
 * lwIP's lowest priority, so lwIP, short of PCBs, kills them first.
 */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "net_service.h"
#include "timer.h"

#define NET_PENDING 4
#define NET_AUTH_LINE 72 /* an answer: 64 hex digits, maybe a CR */

struct net_pending {
	struct tcp_pcb *pcb; /* NULL: the slot is free */
	const struct net_service *svc;
	unsigned id;
	uint64_t since; /* counter time it connected */
	size_t len;
	uint8_t nonce[VT_AUTH_NONCE];
	char line[NET_AUTH_LINE];
};

static struct net_pending net_pending[NET_PENDING];
static unsigned net_conn_ids; /* connections so far: each one's id */

/* The slot lets the connection go (callbacks off); the caller has the pcb. */
static struct tcp_pcb *net_auth_release(struct net_pending *w)
{
	struct tcp_pcb *pcb = w->pcb;

	w->pcb = NULL;
	if (pcb)
		net_callbacks(pcb, NULL, NULL, NULL, NULL);
	return pcb;
}

void net_callbacks(struct tcp_pcb *pcb, void *arg, tcp_recv_fn recv, tcp_err_fn err,
                   tcp_sent_fn sent)
{
	tcp_arg(pcb, arg);
	tcp_recv(pcb, recv);
	tcp_err(pcb, err);
	tcp_sent(pcb, sent);
}

err_t net_close(struct tcp_pcb *pcb)
{
	net_callbacks(pcb, NULL, NULL, NULL, NULL);
	if (tcp_close(pcb) == ERR_OK)
		return ERR_OK;
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* Say line (if any), then close: ERR_ABRT if it had to be aborted (for lwIP's callbacks). */
static err_t net_auth_close(struct tcp_pcb *pcb, const char *line)
{
	if (*line)
		tcp_write(pcb, line, (u16_t)strlen(line), TCP_WRITE_FLAG_COPY);
	return net_close(pcb);
}

static err_t net_auth_refuse(struct net_pending *w, const char *why)
{
	char line[96];

	snprintf(line, sizeof line, VT_AUTH_REFUSED "%s\n", why);
	return net_auth_close(net_auth_release(w), line);
}

static void net_auth_err(void *arg, err_t err)
{
	struct net_pending *w = arg;

	(void)err;
	if (w)
		w->pcb = NULL; /* lwIP has freed it */
}

/* Is the line the answer to this connection's challenge? */
static int net_auth_answered(const struct net_pending *w)
{
	uint8_t mac[VT_AUTH_MAC];
	size_t len = w->len;

	if (len && w->line[len - 1] == '\r')
		len--;
	if (vt_auth_unhex(w->line, len, mac, VT_AUTH_MAC))
		return 0;
	return auth_check(w->nonce, w->svc->name, mac);
}

/* Authenticated: the service takes the connection, and what came after the answer. */
static err_t net_auth_pass(struct net_pending *w, struct pbuf *rest)
{
	static const char ok[] = VT_AUTH_OK "\n";
	const struct net_service *svc = w->svc;
	unsigned id = w->id;
	struct tcp_pcb *pcb = net_auth_release(w);
	const char *why;

	tcp_setprio(pcb, TCP_PRIO_NORMAL);
	tcp_write(pcb, ok, sizeof ok - 1, 0);
	why = svc->start(pcb, id);
	if (why) {
		if (rest) {
			tcp_recved(pcb, rest->tot_len); /* all read: a FIN, not a RST */
			pbuf_free(rest);
		}
		return net_auth_close(pcb, why);
	}
	tcp_output(pcb);
	return rest ? svc->recv(pcb->callback_arg, pcb, rest, ERR_OK) : ERR_OK;
}

static err_t net_auth_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_pending *w = arg;
	u16_t used = 0;
	int end = 0;

	(void)err;
	if (!w || !p) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return w ? net_auth_close(net_auth_release(w), "") : ERR_OK;
	}
	while (used < p->tot_len && !end) {
		char c = (char)pbuf_get_at(p, used++);

		if (c == '\n')
			end = 1;
		else if (w->len < sizeof w->line)
			w->line[w->len++] = c;
	}
	tcp_recved(pcb, used);
	if (!end && w->len < sizeof w->line) {
		pbuf_free(p);
		return ERR_OK;
	}
	if (!end || !net_auth_answered(w)) {
		tcp_recved(pcb, p->tot_len - used); /* all read: the refusal is not cut by a RST */
		pbuf_free(p);
		return net_auth_refuse(w, "wrong answer to the challenge (is the secret right?)");
	}
	if (used == p->tot_len) {
		pbuf_free(p);
		p = NULL;
	} else {
		p = pbuf_free_header(p, used);
	}
	return net_auth_pass(w, p);
}

err_t net_auth_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	const struct net_service *svc = arg;
	struct net_pending *w = NULL, *oldest = &net_pending[0];
	char line[sizeof VT_AUTH_HELLO + VT_AUTH_SERVICE_MAX + 2 * VT_AUTH_NONCE + 2];
	int n;

	if (err != ERR_OK || !pcb || !svc)
		return ERR_VAL;
	for (int i = 0; i < NET_PENDING && !w; i++) {
		if (!net_pending[i].pcb)
			w = &net_pending[i];
		else if (net_pending[i].since < oldest->since)
			oldest = &net_pending[i];
	}
	if (!w) {
		w = oldest;
		net_auth_refuse(w, "too many connections waiting to authenticate");
	}
	w->pcb = pcb;
	w->svc = svc;
	w->id = ++net_conn_ids;
	w->since = timer_now();
	w->len = 0;
	auth_nonce(w->nonce);
	tcp_setprio(pcb, TCP_PRIO_MIN);
	net_callbacks(pcb, w, net_auth_recv, net_auth_err, NULL);
	n = snprintf(line, sizeof line, VT_AUTH_HELLO "%s ", svc->name);
	for (size_t i = 0; i < VT_AUTH_NONCE; i++)
		n += snprintf(line + n, sizeof line - (size_t)n, "%02x", w->nonce[i]);
	line[n++] = '\n';
	tcp_write(pcb, line, (u16_t)n, TCP_WRITE_FLAG_COPY);
	tcp_output(pcb);
	return ERR_OK;
}

void net_auth_poll(void)
{
	uint64_t limit = timer_freq() / 1000 * NET_AUTH_MS;

	for (int i = 0; i < NET_PENDING; i++)
		if (net_pending[i].pcb && timer_now() - net_pending[i].since > limit) {
			char why[40];

			snprintf(why, sizeof why, "no answer within %d s", NET_AUTH_MS / 1000);
			net_auth_refuse(&net_pending[i], why);
		}
}

static int net_auth_peer(unsigned slot, struct net_peer *p)
{
	const struct net_pending *w = &net_pending[slot];

	if (w->pcb)
		*p = (struct net_peer){w->id, w->svc->name, w->pcb, 0, w->since};
	return w->pcb != NULL;
}

static void net_auth_kick(unsigned slot)
{
	net_auth_refuse(&net_pending[slot], "closed from the monitor's UART console");
}

/* A handshake's slot is not a struct net_conn: its own peer says what it holds. */
const struct net_peers net_auth_peers = {NET_PENDING, NULL, 0, NULL, net_auth_peer, net_auth_kick};
