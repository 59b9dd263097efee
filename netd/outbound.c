// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * outbound.c - outbound TCP joined kernel to kernel (--outbound-fastpath)
 *
 * DOC: Theory of Operation
 * A TCP connection from the namespace to the host or beyond normally
 * goes through libslirp's TCP stack, which has no window scaling: the
 * namespace's kernel never has more than 64 KiB in flight, and every
 * byte waits for a turn of our loop.  The outbound fast path lets the
 * namespace's kernel talk TCP to a socket of ours in the namespace
 * instead, and hands that socket with a host socket to fastpath.c, which
 * copies between them as it does for published ports.
 *
 * Setup (outsetup.c, before the sandbox) leaves us a listener on
 * 127.0.0.1:P (with -6 also [::1]:P6) in the namespace, an NFQUEUE
 * socket, and the socket that owns the table "ip sublet_netd" (and
 * "ip6 sublet_netd"), whose rules (nfmsg.c) are:
 *
 *   chain out (filter, hook output, priority -200):
 *     oifname TAP, meta l4proto tcp, tcp flags & (syn|ack) == syn,
 *     meta mark 0 -> NFQUEUE num OUT_QUEUE_NUM bypass
 *   chain nat (nat, hook output, priority -100):
 *     meta mark OUT_MARK, meta l4proto tcp -> redirect to :P
 *   chain raw (filter, hook output, priority -300):
 *     meta l4proto tcp, tcp sport P -> accept
 *     oif lo -> notrack
 *
 * The nat chain turns connection tracking on for the whole namespace,
 * and tracking every packet on the loopback costs what the fast path
 * saves: a published port's connection there (fastpath.c) paid for it
 * in every packet, about 5% of its connections per second.  The raw
 * chain leaves the loopback untracked but for the replies of our
 * listener, which the redirect has to undo (the other direction leaves
 * for the tap and is tracked there).  It changes nothing a firewall
 * could see: the table exists only while the namespace has no rules of
 * its own, and goes when they come (outsetup.c watches the ruleset).
 *
 * sublet-netd keeps the table's socket open and never writes to it, so
 * the table goes away when sublet-netd exits, cleanly or killed, and a
 * later SYN leaves through the tap untouched.  Until then, "bypass" lets
 * SYNs through unmarked when nobody reads the queue.
 *
 * This file is the state machine of each queued SYN (a connection's
 * first packet, held by the kernel).  Its destination is mapped as
 * libslirp maps it: the gateway (network+2, fd00::2) is the host's
 * loopback (unless --disable-host-loopback), anything else in the
 * virtual networks (DNS and the rest) stays with libslirp, and any other
 * address is itself.  A non-blocking connect() to it starts, bound to
 * --outbound-addr(6) when given.  Once it connects, the SYN is accepted
 * with OUT_MARK, the nat chain redirects it to P, the listener accepts
 * it, and the accepted socket is matched to the held entry by the
 * guest's address and port and handed with the host socket to
 * fp_join().  When the connect fails or takes OUT_CONNECT_MS, the SYN is
 * accepted unmarked: it goes out of the tap, and libslirp connects and
 * answers as it always does (a refusal becomes a reset).  A retransmitted
 * SYN of a held one is dropped; a connection to P that nothing waits for
 * is reset.  At most OUT_MAX_PENDING SYNs are held; the queue itself is
 * as long and fails open beyond it.
 *
 * NFQUEUE asks for CAP_NET_ADMIN over the namespace's user namespace from
 * both the socket's opener (the setup child) and each sender:
 * sublet-netd binds the queue and sends verdicts itself, which it may
 * when it owns that user namespace.  A verdict that cannot be sent turns
 * the fast path off (its table goes with the socket).  The state lives in
 * one struct out_state; the main loop reaches it through the callbacks
 * registered with the poller.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/nfmsg.h"
#include "netd/outbound.h"

#define OUT_RECV_BATCH 32

/**
 * struct out_pend - a held SYN, or a redirected one not yet accepted
 * @used:	slot in use
 * @marked:	the SYN went on with OUT_MARK: waiting for accept()
 * @id:		the packet's NFQUEUE id
 * @family:	AF_INET or AF_INET6
 * @src:	the guest's address (4 or 16 bytes)
 * @sport:	the guest's port (network order)
 * @fd:		the host socket
 * @idx:	poll slot this turn, or -1
 * @deadline:	netd_now_ms() by which the step must be done
 */
struct out_pend {
	bool used;
	bool marked;
	uint32_t id;
	int family;
	uint8_t src[16];
	uint16_t sport;
	int fd;
	int idx;
	int64_t deadline;
};

/**
 * struct out_state - the outbound fast path
 * @lfd:	listeners on 127.0.0.1:P and [::1]:P6 in the namespace, or -1
 * @qfd:	NFQUEUE socket (in the namespace)
 * @tfd:	the socket that owns the tables
 * @mfd:	the namespace's ruleset notifications
 * @lidx:	@lfd's poll slots this turn, or -1
 * @qidx:	@qfd's poll slot this turn, or -1
 * @midx:	@mfd's poll slot this turn, or -1
 * @seq:	netlink sequence counter of @qfd
 * @pend:	held SYNs
 */
struct out_state {
	int lfd[2], qfd, tfd, mfd;
	int lidx[2], qidx, midx;
	uint32_t seq;
	struct out_pend pend[OUT_MAX_PENDING];
};

static void outbound_poll_fill(void *opaque);
static void outbound_poll_handle(void *opaque);
static int outbound_timeout(void *opaque, int timeout);

static const struct poller_ops outbound_ops = {
	.fill = outbound_poll_fill,
	.handle = outbound_poll_handle,
	.timeout = outbound_timeout,
};

/**
 * outbound_start() - --outbound-fastpath: tables, listeners, sockets
 * @n:		instance (tap up)
 *
 * Before the sandbox.  Until outbound_bind() binds the queue, SYNs pass
 * it unmarked (bypass).  Failures print one line and leave outbound TCP
 * to libslirp.
 *
 * Return: 0 (also when the fast path is off)
 */
int outbound_start(struct netd *n)
{
	struct out_state *st;
	struct out_socks s;
	int i;

	if (!n->o->outbound_fastpath)
		return 0;
	st = malloc(sizeof(*st));
	if (!st) {
		out_off(ENOMEM, "state");
		return 0;
	}
	*st = (struct out_state){ .lfd = { -1, -1 },
				  .qfd = -1,
				  .tfd = -1,
				  .mfd = -1,
				  .lidx = { -1, -1 },
				  .qidx = -1,
				  .midx = -1 };
	for (i = 0; i < OUT_MAX_PENDING; i++)
		st->pend[i] = (struct out_pend){ .fd = -1, .idx = -1 };
	n->out = st;
	if (poller_register(&n->poller, &outbound_ops, n) < 0) {
		out_off(ENOSPC, "main loop");
		return 0;
	}
	if (out_setup(n->o, &s) < 0)
		return 0;
	st->lfd[0] = s.lfd[0];
	st->lfd[1] = s.lfd[1];
	st->qfd = s.qfd;
	st->tfd = s.tfd;
	st->mfd = s.mfd;
	fcntl(st->mfd, F_SETFL, fcntl(st->mfd, F_GETFL) | O_NONBLOCK);
	debug("outbound fast path: listeners 127.0.0.1:%u, [::1]:%u", s.port,
	      s.port6);
	return 0;
}

/**
 * outbound_bind() - bind the queue, with the rights sublet-netd runs with
 * @n:		instance
 *
 * After the sandbox, before seccomp: sublet-netd itself configures the
 * queue and sends every verdict, so a refusal here (EPERM: no
 * CAP_NET_ADMIN over the namespace's user namespace, which
 * --enable-sandbox drops) means the verdicts would be refused too; the
 * fast path is then off, its tables gone with their socket.
 */
void outbound_bind(struct netd *n)
{
	struct out_state *st = n->out;
	int ret;

	if (!st || st->qfd < 0)
		return;
	ret = out_queue_bind(st->qfd, &st->seq);
	if (ret < 0) {
		out_off(-ret, n->o->enable_sandbox
				      ? "NFQUEUE (--enable-sandbox)"
				      : "NFQUEUE");
		outbound_stop(n);
		return;
	}
	fcntl(st->qfd, F_SETFL, fcntl(st->qfd, F_GETFL) | O_NONBLOCK);
}

/**
 * pend_close() - free a slot, closing its host socket (with a reset)
 * @n:		instance
 * @p:		slot
 */
static void pend_close(struct netd *n, struct out_pend *p)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (p->fd >= 0) {
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		poller_close(&n->poller, p->fd);
	}
	*p = (struct out_pend){ .fd = -1, .idx = -1 };
}

/**
 * outbound_stop() - close everything: the tables go with their socket
 * @n:		instance
 */
void outbound_stop(struct netd *n)
{
	struct out_state *st = n->out;
	int i;

	if (!st)
		return;
	for (i = 0; i < OUT_MAX_PENDING; i++) {
		struct out_pend *p = &st->pend[i];

		/* a held SYN goes on unmarked, past every rule, to libslirp */
		if (p->used && !p->marked && st->qfd >= 0)
			out_verdict_send(st->qfd, &st->seq, p->id, NF_ACCEPT,
					 false);
		if (p->used)
			pend_close(n, p);
	}
	poller_close(&n->poller, steal_fd(&st->lfd[0]));
	poller_close(&n->poller, steal_fd(&st->lfd[1]));
	poller_close(&n->poller, steal_fd(&st->qfd));
	poller_close(&n->poller, steal_fd(&st->mfd));
	if (st->tfd >= 0)
		close(st->tfd);
	st->tfd = -1;
}

/**
 * outbound_on() - is the outbound fast path on (so far)?
 * @n:		instance
 *
 * Return: true when its queue socket is open
 */
bool outbound_on(const struct netd *n)
{
	return n->out && n->out->qfd >= 0;
}

/**
 * outbound_hand_over() - at exit: the sockets whose close takes the
 * tables down go to the namespace helper (nshelper_keep())
 * @n:		instance
 */
void outbound_hand_over(struct netd *n)
{
	struct out_state *st = n->out;

	if (!st)
		return;
	nshelper_keep(n->nsh, st->tfd);
	nshelper_keep(n->nsh, st->qfd);
	/* the ruleset watch too: its release waits on the kernel as long */
	nshelper_keep(n->nsh, st->mfd);
}

/**
 * outbound_free() - at exit: close everything and free the state
 * @n:		instance
 */
void outbound_free(struct netd *n)
{
	outbound_stop(n);
	free(n->out);
	n->out = NULL;
}

/**
 * verdict() - let a queued packet go on, or drop it
 * @n:		instance
 * @id:		packet id
 * @v:		NF_ACCEPT or NF_DROP
 * @mark:	set OUT_MARK (redirect it to the listener)
 *
 * A verdict that cannot be sent turns the fast path off.
 */
static void verdict(struct netd *n, uint32_t id, uint32_t v, bool mark)
{
	struct out_state *st = n->out;
	int ret = out_verdict_send(st->qfd, &st->seq, id, v, mark);

	if (ret < 0) {
		out_off(-ret, "verdict");
		outbound_stop(n);
	}
}

/**
 * in_vnet6() - is @a in libslirp's IPv6 network, fd00::/64?
 * @a:		address
 *
 * Return: true when it is
 */
static bool in_vnet6(const struct in6_addr *a)
{
	static const uint8_t pfx[8] = { 0xfd, 0 };

	return !memcmp(a->s6_addr, pfx, sizeof(pfx));
}

/**
 * host_addr() - where libslirp would connect for a guest's destination
 * @o:		options
 * @family:	AF_INET or AF_INET6
 * @dst:	destination address (4 or 16 bytes)
 * @port:	destination port (network order)
 * @sa:		the host address, written
 *
 * The gateway (network+2, fd00::2) is the host's loopback unless
 * --disable-host-loopback; the rest of the virtual network (DNS
 * included) and addresses no host socket should reach stay with libslirp.
 *
 * Return: the length of @sa, or 0 for libslirp
 */
static socklen_t host_addr(const struct netd_opts *o, int family,
			   const uint8_t *dst, uint16_t port,
			   struct sockaddr_storage *sa)
{
	struct sockaddr_in6 *s6 = (void *)sa;
	struct sockaddr_in *s4 = (void *)sa;
	struct in6_addr a6, gw6 = { .s6_addr = { 0xfd, [15] = 2 } };
	struct in_addr a4;
	uint32_t d;

	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		memcpy(&a4, dst, 4);
		d = ntohl(a4.s_addr);
		if ((a4.s_addr & o->vnetmask.s_addr) == o->vnetwork.s_addr) {
			if (a4.s_addr != netd_addr(o, 2).s_addr ||
			    o->disable_host_loopback)
				return 0;
			a4.s_addr = htonl(INADDR_LOOPBACK);
		} else if (IN_MULTICAST(d) || d == INADDR_BROADCAST || !d ||
			   (d >> 24) == 127) {
			return 0;
		}
		s4->sin_family = AF_INET;
		s4->sin_addr = a4;
		s4->sin_port = port;
		return sizeof(*s4);
	}
	memcpy(&a6, dst, 16);
	if (in_vnet6(&a6)) {
		if (!IN6_ARE_ADDR_EQUAL(&a6, &gw6) || o->disable_host_loopback)
			return 0;
		a6 = in6addr_loopback;
	} else if (IN6_IS_ADDR_MULTICAST(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		   IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) ||
		   IN6_IS_ADDR_V4MAPPED(&a6)) {
		return 0;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = a6;
	s6->sin6_port = port;
	return sizeof(*s6);
}

/**
 * host_connect() - start a non-blocking connect() to @sa
 * @o:		options (--outbound-addr, --outbound-addr6)
 * @sa:		host address
 * @len:	its length
 *
 * Return: the socket, or -errno
 */
static int host_connect(const struct netd_opts *o,
			const struct sockaddr_storage *sa, socklen_t len)
{
	struct sockaddr_storage b = { 0 };
	socklen_t blen = 0;
	int fd, e;

	if (sa->ss_family == AF_INET && o->have_outbound) {
		memcpy(&b, &o->outbound, sizeof(o->outbound));
		((struct sockaddr_in *)&b)->sin_port = 0;
		blen = sizeof(o->outbound);
	} else if (sa->ss_family == AF_INET6 && o->have_outbound6) {
		memcpy(&b, &o->outbound6, sizeof(o->outbound6));
		((struct sockaddr_in6 *)&b)->sin6_port = 0;
		blen = sizeof(o->outbound6);
	}
	fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (blen && bind(fd, (struct sockaddr *)&b, blen) < 0)
		goto fail;
	if (connect(fd, (const struct sockaddr *)sa, len) < 0 &&
	    errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	return -e;
}

/**
 * pend_find() - the slot of the guest's address and port
 * @st:		state
 * @family:	AF_INET or AF_INET6
 * @src:	guest address (4 or 16 bytes)
 * @sport:	guest port (network order)
 *
 * Return: the slot, or NULL
 */
static struct out_pend *pend_find(struct out_state *st, int family,
				  const uint8_t *src, uint16_t sport)
{
	size_t alen = family == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < OUT_MAX_PENDING; i++)
		if (st->pend[i].used && st->pend[i].family == family &&
		    st->pend[i].sport == sport &&
		    !memcmp(st->pend[i].src, src, alen))
			return &st->pend[i];
	return NULL;
}

/**
 * pend_free() - an unused slot
 * @st:		state
 *
 * Return: the slot, or NULL when all are held
 */
static struct out_pend *pend_free(struct out_state *st)
{
	int i;

	for (i = 0; i < OUT_MAX_PENDING; i++)
		if (!st->pend[i].used)
			return &st->pend[i];
	return NULL;
}

/**
 * syn_parse() - the family, addresses and ports of a queued SYN
 * @pkt:	the packet from its IP header
 * @len:	bytes in @pkt
 * @p:		family, src and sport written
 * @dst:	destination address, written (4 or 16 bytes)
 * @dport:	destination port (network order), written
 *
 * Return: true for a TCP packet of either family without IPv6 extension
 * headers
 */
static bool syn_parse(const uint8_t *pkt, size_t len, struct out_pend *p,
		      uint8_t dst[16], uint16_t *dport)
{
	struct tcphdr th;
	size_t hl;

	if (len >= 20 && pkt[0] >> 4 == 4 && pkt[9] == IPPROTO_TCP) {
		p->family = AF_INET;
		hl = (size_t)(pkt[0] & 0xf) * 4;
		memcpy(p->src, pkt + 12, 4);
		memcpy(dst, pkt + 16, 4);
	} else if (len >= 40 && pkt[0] >> 4 == 6 && pkt[6] == IPPROTO_TCP) {
		p->family = AF_INET6;
		hl = 40;
		memcpy(p->src, pkt + 8, 16);
		memcpy(dst, pkt + 24, 16);
	} else {
		return false;
	}
	if (hl < 20 || len < hl + sizeof(th))
		return false;
	memcpy(&th, pkt + hl, sizeof(th));
	p->sport = th.source;
	*dport = th.dest;
	return true;
}

/**
 * syn_take() - decide what to do with a queued SYN
 * @n:		instance
 * @id:		packet id
 * @pkt:	the packet from its IP header (OUT_COPY_RANGE bytes at most)
 * @len:	bytes in @pkt
 */
static void syn_take(struct netd *n, uint32_t id, const uint8_t *pkt,
		     size_t len)
{
	struct out_state *st = n->out;
	struct out_pend q = { .fd = -1, .idx = -1 }, *p;
	struct sockaddr_storage sa;
	uint8_t dst[16];
	uint16_t dport;
	socklen_t salen;

	if (!syn_parse(pkt, len, &q, dst, &dport) ||
	    (q.family == AF_INET6 && st->lfd[1] < 0))
		goto fallback;
	p = pend_find(st, q.family, q.src, q.sport);
	if (p) { /* a retransmission: the first is still held, or redirected */
		verdict(n, id, p->marked ? NF_ACCEPT : NF_DROP, false);
		return;
	}
	p = pend_free(st);
	salen = host_addr(n->o, q.family, dst, dport, &sa);
	if (!p || !salen)
		goto fallback;
	q.fd = host_connect(n->o, &sa, salen);
	if (q.fd < 0)
		goto fallback; /* libslirp tries, and answers the guest */
	q.used = true;
	q.id = id;
	q.deadline = netd_now_ms() + OUT_CONNECT_MS;
	*p = q;
	return;
fallback:
	verdict(n, id, NF_ACCEPT, false);
}

/**
 * monitor_read() - read the namespace's ruleset notifications
 * @n:		instance
 *
 * A change to a table not ours means the namespace manages its own
 * firewall, whose rules must see every packet as the namespace sent it:
 * our redirect would hide a connection's destination from them.  The
 * fast path then turns off whole (held SYNs go on unmarked, the tables
 * go with their socket).  Notifications lost (ENOBUFS) count as such a
 * change.
 */
static void monitor_read(struct netd *n)
{
	struct out_state *st = n->out;
	static char buf[16384];
	char what[128], why[200];
	struct nlmsghdr *nlh;
	ssize_t r;
	int len;

	while (st->mfd >= 0) {
		r = recv(st->mfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			out_off(r < 0 ? errno : EIO, "nftables notifications");
			outbound_stop(n);
			return;
		}
		len = (int)r;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (!nfmsg_foreign(nlh, what, sizeof(what)))
				continue;
			snprintf(why, sizeof(why),
				 "the namespace changed rules of its own (%s)",
				 what);
			out_off_why("nftables", why);
			outbound_stop(n);
			return;
		}
	}
}

/**
 * queue_read() - take the SYNs waiting on the queue socket
 * @n:		instance
 *
 * An error message there is a verdict the kernel refused: the fast path
 * turns off (held SYNs are dropped with the socket; their retries go to
 * libslirp).  The ruleset notifications are read first: a change
 * committed before a SYN was queued is then seen before the SYN is.
 */
static void queue_read(struct netd *n)
{
	struct out_state *st = n->out;
	static char buf[16384];
	const struct nlmsgerr *e;
	struct nlmsghdr *nlh;
	const uint8_t *pkt;
	uint32_t id;
	size_t plen;
	ssize_t r;
	int i, len;

	for (i = 0; i < OUT_RECV_BATCH && st->qfd >= 0; i++) {
		monitor_read(n);
		if (st->qfd < 0)
			return;
		r = recv(st->qfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r < 0) { /* ENOBUFS: lost ones come again as retries */
			debug("outbound: queue: %s", strerror(errno));
			continue;
		}
		len = (int)r;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len) && st->qfd >= 0;
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				e = mnl_nlmsg_get_payload(nlh);
				if (e->error) {
					out_off(-e->error, "verdict");
					outbound_stop(n);
				}
			} else if (nfmsg_packet_parse(nlh, &id, &pkt, &plen)) {
				if (pkt)
					syn_take(n, id, pkt, plen);
				else
					verdict(n, id, NF_ACCEPT, false);
			}
		}
	}
}

/**
 * pend_connected() - a held SYN's host connect() finished (or failed)
 * @n:		instance
 * @p:		slot
 */
static void pend_connected(struct netd *n, struct out_pend *p)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e) {
		verdict(n, p->id, NF_ACCEPT, false);
		pend_close(n, p);
		return;
	}
	p->marked = true;
	p->deadline = netd_now_ms() + OUT_ACCEPT_MS;
	verdict(n, p->id, NF_ACCEPT, true);
}

/**
 * accept_one() - accept a redirected connection and join it
 * @n:		instance
 * @lfd:	listener
 *
 * Return: 0 when one was taken, -EAGAIN when none waits
 */
static int accept_one(struct netd *n, int lfd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct out_pend *p = NULL;
	int fd;

	fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == ECONNABORTED ? 0 : -EAGAIN;
	if (peer.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (void *)&peer;

		p = pend_find(n->out, AF_INET, (uint8_t *)&s4->sin_addr,
			      s4->sin_port);
	} else if (peer.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&peer;

		p = pend_find(n->out, AF_INET6, s6->sin6_addr.s6_addr,
			      s6->sin6_port);
	}
	if (p && p->marked && fp_join(n, p->fd, fd) == 0) {
		*p = (struct out_pend){ .fd = -1, .idx = -1 };
		return 0;
	}
	if (p && p->marked)
		pend_close(n, p);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return 0;
}

/**
 * outbound_poll_fill() - add the fast path's fds to this turn's poll set
 * @opaque:	instance
 */
static void outbound_poll_fill(void *opaque)
{
	struct netd *n = opaque;
	struct out_state *st = n->out;
	int i;

	st->lidx[0] = st->lidx[1] = st->qidx = st->midx = -1;
	if (st->qfd < 0)
		return;
	st->qidx = poller_add(&n->poller, st->qfd, POLLIN);
	st->midx = poller_add(&n->poller, st->mfd, POLLIN);
	for (i = 0; i < 2; i++)
		if (st->lfd[i] >= 0)
			st->lidx[i] =
				poller_add(&n->poller, st->lfd[i], POLLIN);
	for (i = 0; i < OUT_MAX_PENDING; i++) {
		struct out_pend *p = &st->pend[i];

		p->idx = p->used && !p->marked
				 ? poller_add(&n->poller, p->fd, POLLOUT)
				 : -1;
	}
}

/**
 * outbound_poll_handle() - serve the fast path after the wait
 * @opaque:	instance
 */
static void outbound_poll_handle(void *opaque)
{
	struct netd *n = opaque;
	struct out_state *st = n->out;
	int64_t now = netd_now_ms();
	int i;

	if (st->mfd >= 0 && poller_revents(&n->poller, st->midx))
		monitor_read(n);
	for (i = 0; i < OUT_MAX_PENDING && st->qfd >= 0; i++) {
		struct out_pend *p = &st->pend[i];

		if (!p->used)
			continue;
		if (poller_revents(&n->poller, p->idx))
			pend_connected(n, p);
		else if (now >= p->deadline && !p->marked) {
			verdict(n, p->id, NF_ACCEPT, false); /* to libslirp */
			pend_close(n, p);
		} else if (now >= p->deadline) {
			pend_close(n, p);
		}
	}
	for (i = 0; i < 2; i++)
		if (poller_revents(&n->poller, st->lidx[i]))
			while (st->lfd[i] >= 0 &&
			       accept_one(n, st->lfd[i]) == 0)
				;
	if (st->qfd >= 0 && poller_revents(&n->poller, st->qidx))
		queue_read(n);
}

/**
 * outbound_timeout() - shorten the poll timeout for held SYNs
 * @opaque:	instance
 * @timeout:	timeout so far, in ms (-1: none)
 *
 * Return: the timeout
 */
static int outbound_timeout(void *opaque, int timeout)
{
	struct netd *n = opaque;
	struct out_state *st = n->out;
	int64_t now, left;
	int i;

	if (st->qfd < 0) /* off (or never on): nothing is held */
		return timeout;
	now = netd_now_ms();
	for (i = 0; i < OUT_MAX_PENDING; i++) {
		if (!st->pend[i].used)
			continue;
		left = st->pend[i].deadline - now;
		if (left < 0)
			left = 0;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	return timeout;
}
