// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fpudp.c - UDP forwards of the published-port fast path
 *
 * DOC: Theory of Operation
 * One namespace socket per client address and port (a flow); datagrams
 * from the client are sent on it to the guest, and whatever comes back
 * to it goes back from the host socket to that client.  The socket is
 * not connected: a server may answer from another of its addresses (a
 * loopback client is answered from 127.0.0.1).  A loopback client's
 * address is kept as for TCP (fpaddr.c).  A flow ends after
 * FP_UDP_IDLE_MS without traffic, and there are at most FP_UDP_FLOWS per
 * forward.
 *
 * fastpath.c owns the forwards and calls this file for their flows: to
 * add them to the poll set, serve them, bound the wait by the nearest
 * expiry, and close them.  Datagrams go through one static buffer of the
 * largest UDP payload; flows are allocated when they start, not per
 * datagram.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netd/fastpath.h"
#include "netd/fpint.h"

#define FP_UDP_BATCH 64

/* scratch: what datagrams are copied through (the largest UDP payload) */
static uint8_t dgram[65536];

/**
 * flow_close() - end a UDP flow
 * @n:		instance
 * @w:		its forward
 * @fl:		flow (unlinked)
 */
static void flow_close(struct netd *n, struct fp_fwd *w, struct fp_flow *fl)
{
	poller_close(&n->poller, fl->fd);
	free(fl);
	w->nflows--;
}

/**
 * flow_get() - the flow of a UDP client, started if new
 * @n:		instance
 * @w:		UDP forward
 * @peer:	the client's address
 * @plen:	its length
 *
 * Return: the flow, or NULL
 */
static struct fp_flow *flow_get(struct netd *n, struct fp_fwd *w,
				const struct sockaddr_storage *peer,
				socklen_t plen)
{
	struct fp_flow *fl;
	int fd;

	for (fl = w->flows; fl; fl = fl->next)
		if (fl->plen == plen && !memcmp(&fl->peer, peer, plen))
			return fl;
	if (w->nflows >= FP_UDP_FLOWS)
		return NULL;
	fd = nshelper_socket(n->nsh, w->family, SOCK_DGRAM);
	if (fd < 0)
		return NULL;
	fp_bind_source(fd, peer);
	fl = calloc(1, sizeof(*fl));
	if (!fl) {
		close(fd);
		return NULL;
	}
	memcpy(&fl->peer, peer, plen);
	fl->plen = plen;
	fl->fd = fd;
	fl->idx = -1;
	fl->next = w->flows;
	w->flows = fl;
	w->nflows++;
	return fl;
}

/**
 * udp_from_host() - datagrams from clients into their flows
 * @n:		instance
 * @w:		UDP forward
 * @now:	netd_now_ms()
 */
static void udp_from_host(struct netd *n, struct fp_fwd *w, int64_t now)
{
	struct sockaddr_storage peer;
	struct fp_flow *fl;
	socklen_t plen;
	ssize_t r;
	int i;

	for (i = 0; i < FP_UDP_BATCH; i++) {
		plen = sizeof(peer);
		r = recvfrom(w->fd, dgram, sizeof(dgram), MSG_DONTWAIT,
			     (struct sockaddr *)&peer, &plen);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r < 0)
			continue;
		fl = flow_get(n, w, &peer, plen);
		if (!fl)
			continue;
		fl->last = now;
		sendto(fl->fd, dgram, (size_t)r, MSG_DONTWAIT,
		       (struct sockaddr *)&w->guest, w->glen);
	}
}

/**
 * udp_to_host() - replies on a flow back to its client
 * @w:		UDP forward
 * @fl:		flow
 * @now:	netd_now_ms()
 */
static void udp_to_host(struct fp_fwd *w, struct fp_flow *fl, int64_t now)
{
	ssize_t r;
	int i;

	for (i = 0; i < FP_UDP_BATCH; i++) {
		r = recv(fl->fd, dgram, sizeof(dgram), MSG_DONTWAIT);
		if (r < 0 && errno == EAGAIN)
			return;
		if (r < 0)
			continue; /* an ICMP error from the namespace */
		fl->last = now;
		sendto(w->fd, dgram, (size_t)r, MSG_DONTWAIT,
		       (struct sockaddr *)&fl->peer, fl->plen);
	}
}

/**
 * fpudp_handle() - serve a UDP forward after the wait, expire idle flows
 * @n:		instance
 * @w:		UDP forward
 */
void fpudp_handle(struct netd *n, struct fp_fwd *w)
{
	int64_t now = netd_now_ms();
	struct fp_flow **pp = &w->flows, *fl;

	for (fl = w->flows; fl; fl = fl->next)
		if (poller_revents(&n->poller, fl->idx))
			udp_to_host(w, fl, now);
	if (poller_revents(&n->poller, w->idx))
		udp_from_host(n, w, now);
	while ((fl = *pp)) {
		if (now - fl->last >= FP_UDP_IDLE_MS) {
			*pp = fl->next;
			flow_close(n, w, fl);
			continue;
		}
		fl->idx = -1;
		pp = &fl->next;
	}
}

/**
 * fpudp_fill() - add a UDP forward's flows to this turn's poll set
 * @n:		instance
 * @w:		UDP forward
 */
void fpudp_fill(struct netd *n, struct fp_fwd *w)
{
	struct fp_flow *fl;

	for (fl = w->flows; fl; fl = fl->next)
		fl->idx = poller_add(&n->poller, fl->fd, POLLIN);
}

/**
 * fpudp_timeout() - shorten the poll timeout to a flow's expiry
 * @w:		UDP forward
 * @timeout:	timeout so far, in ms, or -1
 *
 * Return: the timeout
 */
int fpudp_timeout(const struct fp_fwd *w, int timeout)
{
	int64_t now = netd_now_ms(), left;
	struct fp_flow *fl;

	for (fl = w->flows; fl; fl = fl->next) {
		left = fl->last + FP_UDP_IDLE_MS - now;
		if (left < 0)
			left = 0;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	return timeout;
}

/**
 * fpudp_close_all() - close every flow of a UDP forward
 * @n:		instance
 * @w:		UDP forward
 */
void fpudp_close_all(struct netd *n, struct fp_fwd *w)
{
	struct fp_flow *fl;

	while ((fl = w->flows)) {
		w->flows = fl->next;
		flow_close(n, w, fl);
	}
}
