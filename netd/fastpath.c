// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fastpath.c - published ports joined kernel to kernel
 *
 * DOC: Theory of Operation
 * libslirp forwards a published port through its user-mode TCP stack:
 * every byte is copied out of the host socket, segmented into frames,
 * written to the tap, and taken apart again by the namespace's kernel.
 * The fast path skips all of that.  For a forward whose guest address is
 * local to the target namespace, sublet-netd listens on the host socket
 * itself; for each accepted client it asks the namespace helper
 * (nshelper.c) for a socket created inside the namespace, connects it
 * to the guest address and port (the namespace's kernel delivers that
 * locally, over its loopback), and copies between the two sockets, with
 * no user-mode TCP stack in between.  Everything is non-blocking and
 * driven from the main loop's poll set.
 *
 * Per direction: peek at what the source socket holds (MSG_PEEK, up to
 * FP_CHUNK bytes, into one static buffer), send it to the destination,
 * then drop from the source what the destination took (MSG_TRUNC, which
 * copies nothing).  What the destination refuses stays queued in the
 * source socket, and the source's receive window closes when the
 * destination is full, so the sender is held back end to end.  A
 * direction whose last turn moved less than FP_SMALL bytes (requests and
 * responses) reads up to FP_SMALL bytes outright instead, two system
 * calls where the peek takes three; what the destination refuses of such
 * a read is held in the connection, and the source is not read again
 * until it went: FP_SMALL bytes a direction is all the buffering a
 * connection ever has.  While a direction is blocked only its
 * destination is polled (for POLLOUT), otherwise only its source (for
 * POLLIN and POLLRDHUP), so a full destination never spins the loop.  End
 * of file on one side becomes shutdown(SHUT_WR) on the other, so
 * half-closed connections work; when the wait already saw it queued
 * (POLLRDHUP) it is taken in the turn that moves the data before it.
 * The pair is closed when both directions are done.  A failure (reset,
 * refused connect) closes both, with a reset toward the side still open.
 *
 * A connection's first turn does as much as it can: the connect over the
 * namespace's loopback has mostly finished when connect() returns, so
 * what the client sent before it was accepted is passed on at once.
 * While the connect is still under way, send() refuses (EAGAIN) and the
 * bytes are held as for a full destination, until POLLOUT says the
 * connection is up; a failed connect shows as an error on the namespace
 * socket, and the client gets a reset.  No TCP_DEFER_ACCEPT: a server
 * that speaks first must get its banner to a client that has sent
 * nothing.
 *
 * Why a copy and not splice() through a pipe, as this file did before:
 * on the 2-core machine it was measured on, splice() cost more CPU in
 * all (sublet-netd, the client and the server together) than two
 * copies.  Spliced pages stay pinned in the pipe and in the namespace
 * socket until the server reads them, where a copy lets the client's
 * socket free and reuse its pages at once, and splice() handles the data
 * a page at a time on both sides.  With iperf3 through a published port
 * the copy reached 0.92 of host loopback's throughput where splice()
 * reached 0.67 (medians of five interleaved runs), at the same
 * sublet-netd CPU per byte.
 *
 * Source address: a client on the host's loopback (127.0.0.0/8, ::1) is
 * kept (fpaddr.c): the server sees the client's real address.  Any other
 * client address is not local to the namespace, so the namespace picks
 * the source (the guest address itself).  Forwards that must show remote
 * clients' addresses can take libslirp's path ("fastpath": false in
 * add_hostfwd, or --disable-fastpath), which shows them as they are.
 *
 * UDP forwards' flows are fpudp.c's; this file owns the forwards and
 * calls down into it.
 *
 * Memory: forwards and connections are allocated when they start (not
 * per packet) and connections go to a free list when they end; TCP
 * copies through one static buffer.  The forwards and the free list
 * are one struct fp_state, netd->fp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/fpint.h"

/* bytes peeked at once: large copies cost less per byte */
#define FP_CHUNK (1024 * 1024)
/* bytes one direction moves per turn, so that it does not hold the loop */
#define FP_TURN_BYTES (2 * FP_CHUNK)
#define FP_ACCEPT_BATCH 32
/* a direction whose turns move less than this reads it outright */
#define FP_SMALL 512

/**
 * struct fp_dir - one direction of a connection
 * @blocked:	the destination refused data that the source or @hold
 *		still holds
 * @eof:	the source reached end of file
 * @shut:	the destination was shut down for writing
 * @bulk:	the last turn moved FP_SMALL bytes or more: peek
 * @held:	bytes in @hold
 * @hold:	what a small read took that the destination refused
 */
struct fp_dir {
	bool blocked, eof, shut, bulk;
	uint16_t held;
	uint8_t hold[FP_SMALL];
};

/**
 * struct fp_conn - one TCP connection through the fast path
 * @fd:		[0] the host client's socket, [1] the namespace socket
 * @dir:	[0] host to namespace, [1] namespace to host
 * @idx:	poll slots this turn, or -1
 * @next:	next in the forward's list, or the free list
 */
struct fp_conn {
	int fd[2];
	struct fp_dir dir[2];
	int idx[2];
	struct fp_conn *next;
};

/**
 * struct fp_state - the fast path, reached as netd->fp
 * @fwds:	forwards on the fast path, @joined among them
 * @joined:	the forward fp_join() adds to, or NULL before the first
 * @free_conns:	ended connections, for the next ones
 */
struct fp_state {
	struct fp_fwd *fwds;
	struct fp_fwd *joined;
	struct fp_conn *free_conns;
};

/* scratch: what TCP connections are copied through */
static uint8_t xfer[FP_CHUNK];
/**
 * guest_is_local() - is the guest address configured in the namespace?
 * @n:		instance
 * @f:		fast-path forward (guest set)
 *
 * Return: true when a namespace socket can bind to it
 */
static bool guest_is_local(struct netd *n, const struct fp_fwd *f)
{
	struct sockaddr_storage ss = f->guest;
	int fd = nshelper_socket(n->nsh, f->family, SOCK_DGRAM);
	bool ok;

	if (fd < 0)
		return false;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	ok = bind(fd, (struct sockaddr *)&ss, f->glen) == 0;
	close(fd);
	return ok;
}

/**
 * listen_host() - the host socket of a forward
 * @h:		host address and port
 * @hlen:	its length
 * @udp:	UDP (else TCP)
 *
 * Return: the socket, or -errno
 */
static int listen_host(const struct sockaddr_storage *h, socklen_t hlen,
		       bool udp)
{
	int fd, one = 1, e;

	fd = socket(h->ss_family,
		    (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
			    SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (!udp) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* accepted clients inherit it */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	if (h->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)h, hlen) < 0 ||
	    (!udp && listen(fd, SOMAXCONN) < 0)) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/**
 * fp_add() - publish @f on the fast path, if it can take it
 * @n:		instance
 * @f:		the forward (id set)
 *
 * Return: 0 when published, 1 when the fast path cannot take it (the
 * helper is not running, or the guest address is not local to the
 * namespace: libslirp should), or -errno when the host socket failed
 */
int fp_add(struct netd *n, const struct hostfwd *f)
{
	struct sockaddr_storage h;
	socklen_t hlen;
	struct fp_fwd *w;
	int fd;

	if (!nshelper_running(n->nsh))
		return 1;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->id = f->id;
	w->udp = f->udp;
	w->family = f->family;
	w->idx = -1;
	w->glen = fp_sockaddr(f->family, &f->guest, f->guest_port, &w->guest);
	if (!guest_is_local(n, w)) {
		free(w);
		return 1;
	}
	hlen = fp_sockaddr(f->family, &f->host, f->host_port, &h);
	fd = listen_host(&h, hlen, f->udp);
	if (fd < 0) {
		free(w);
		return fd;
	}
	w->fd = fd;
	w->next = n->fp->fwds;
	n->fp->fwds = w;
	return 0;
}

/**
 * conn_close() - close a connection and put it on the free list
 * @n:		instance
 * @c:		connection (unlinked)
 * @reset:	end with a reset instead of a FIN
 */
static void conn_close(struct netd *n, struct fp_conn *c, bool reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int i;

	for (i = 0; i < 2; i++) {
		if (reset && c->fd[i] >= 0)
			setsockopt(c->fd[i], SOL_SOCKET, SO_LINGER, &lg,
				   sizeof(lg));
		poller_drop(&n->poller, c->fd[i]);
	}
	c->next = n->fp->free_conns;
	n->fp->free_conns = c;
}

/**
 * conn_new() - a connection for an accepted client
 * @fp:		fast path
 * @cfd:	the client's socket
 * @nfd:	the namespace socket
 *
 * Return: the connection, or NULL (nothing closed)
 */
static struct fp_conn *conn_new(struct fp_state *fp, int cfd, int nfd)
{
	struct fp_conn *c = fp->free_conns;

	if (c)
		fp->free_conns = c->next;
	else
		c = malloc(sizeof(*c));
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->fd[0] = cfd;
	c->fd[1] = nfd;
	c->idx[0] = c->idx[1] = -1;
	return c;
}

/**
 * fp_join() - copy between two connected TCP sockets both ways
 * @n:		instance
 * @host_fd:	host socket (connected, non-blocking)
 * @ns_fd:	namespace socket (connected, non-blocking)
 *
 * For the outbound fast path (outbound.c): the pair joins a forward of
 * its own that has no host socket (fd -1, which the poller skips) and
 * is served like a published port's connection.
 *
 * Return: 0 (both fds now belong to the fast path), or -ENOMEM (nothing
 * closed)
 */
int fp_join(struct netd *n, int host_fd, int ns_fd)
{
	struct fp_state *fp = n->fp;
	struct fp_fwd *joined = fp->joined;
	struct fp_conn *c;
	int one = 1;

	if (!joined) {
		joined = calloc(1, sizeof(*joined));
		if (!joined)
			return -ENOMEM;
		joined->id = -1;
		joined->fd = -1;
		joined->idx = -1;
		joined->next = fp->fwds;
		fp->fwds = joined;
		fp->joined = joined;
	}
	c = conn_new(fp, host_fd, ns_fd);
	if (!c)
		return -ENOMEM;
	setsockopt(host_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(ns_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->next = joined->conns;
	joined->conns = c;
	return 0;
}

/**
 * pump_bulk() - move what the source holds by peeking at it
 * @c:		connection
 * @d:		0 host to namespace, 1 namespace to host
 *
 * Peeks at the source, sends what it holds to the destination and drops
 * from the source what was sent, until the source has nothing more
 * (EAGAIN, or a peek shorter than the buffer), the destination is full
 * (the rest stays in the source: @c->dir[@d].blocked), or FP_TURN_BYTES
 * moved: the sender keeps writing on the other core meanwhile, so reading
 * again at once finds more and saves a trip through the wait.  The cap
 * keeps one busy connection from holding the loop.
 *
 * Return: bytes moved, or -errno when a socket failed
 */
static ssize_t pump_bulk(struct fp_conn *c, int d)
{
	struct fp_dir *p = &c->dir[d];
	int src = c->fd[d], dst = c->fd[!d];
	size_t turn = 0;
	ssize_t r, w;

	while (!p->eof && turn < FP_TURN_BYTES) {
		r = recv(src, xfer, sizeof(xfer), MSG_DONTWAIT | MSG_PEEK);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (r < 0)
			return -errno;
		if (r == 0) {
			p->eof = true;
			break;
		}
		w = send(dst, xfer, (size_t)r, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		/* TCP's MSG_TRUNC copies nothing into the buffer; passing one
		 * all the same keeps checkers such as valgrind quiet */
		if (w > 0 &&
		    recv(src, xfer, (size_t)w, MSG_DONTWAIT | MSG_TRUNC) != w)
			return -EIO;
		if (w > 0)
			turn += (size_t)w;
		if (w < r) {
			p->blocked = true; /* wait for POLLOUT */
			break;
		}
		/* a short peek emptied the source: what comes next wakes the
		 * loop again, so no peek just to hear EAGAIN */
		if ((size_t)r < sizeof(xfer))
			break;
	}
	return (ssize_t)turn;
}

/**
 * send_held() - send what direction @d holds from a small read
 * @c:		connection
 * @d:		direction
 *
 * What the destination refuses stays held, and @d blocked.
 *
 * Return: bytes sent, or -errno when the destination failed
 */
static ssize_t send_held(struct fp_conn *c, int d)
{
	struct fp_dir *p = &c->dir[d];
	ssize_t w;

	w = send(c->fd[!d], p->hold, p->held, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0 && errno != EAGAIN && errno != EINTR)
		return -errno;
	if (w < 0)
		w = 0;
	p->held -= (uint16_t)w;
	memmove(p->hold, p->hold + w, p->held);
	p->blocked = p->held > 0;
	return w;
}

/**
 * pump_small() - read up to FP_SMALL bytes outright and send them
 * @c:		connection
 * @d:		direction
 *
 * Two system calls where a peek takes three: most messages of a
 * request/response exchange are small.  What the destination refuses is
 * held, at most FP_SMALL bytes a direction, and the source is not read
 * again until it went: back-pressure still reaches the sender.
 *
 * Return: bytes read (FP_SMALL: the source may hold more), or -errno
 */
static ssize_t pump_small(struct fp_conn *c, int d)
{
	struct fp_dir *p = &c->dir[d];
	ssize_t r, w;

	r = recv(c->fd[d], p->hold, FP_SMALL, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (r == 0)
		p->eof = true;
	p->held = (uint16_t)r;
	w = r ? send_held(c, d) : 0;
	return w < 0 ? w : r;
}

/**
 * pump() - move what can move in direction @d
 * @c:		connection
 * @d:		0 host to namespace, 1 namespace to host
 * @fin:	the wait saw the source's end of file queued (POLLRDHUP)
 *
 * First what a small read left held; then, unless the last turn moved
 * FP_SMALL bytes or more, a small read; then, if that filled up or the
 * direction is in bulk, peeks (pump_bulk()).  With @fin, one more small
 * read takes the end of file behind the data now rather than a turn
 * later: a server that answers and closes gets both to the client at
 * once.  End of file on the source becomes shutdown(SHUT_WR) on the
 * destination, once nothing is held; when the other direction is shut
 * already, the close that follows sends the FIN instead.
 *
 * Return: 0, or -errno when a socket failed
 */
static int pump(struct fp_conn *c, int d, bool fin)
{
	struct fp_dir *p = &c->dir[d];
	ssize_t r = 0, b = 0;

	p->blocked = false;
	if (p->held && (r = send_held(c, d)) < 0)
		return (int)r;
	if (!p->blocked && !p->bulk && (r = pump_small(c, d)) < 0)
		return (int)r;
	if (!p->blocked && !p->eof && (p->bulk || r == FP_SMALL) &&
	    (b = pump_bulk(c, d)) < 0)
		return (int)b;
	if (!p->blocked)
		p->bulk = r + b >= FP_SMALL;
	if (fin && !p->blocked && !p->eof && (r = pump_small(c, d)) < 0)
		return (int)r;
	if (p->eof && !p->shut) {
		if (!c->dir[!d].shut)
			shutdown(c->fd[!d], SHUT_WR);
		p->shut = true;
	}
	return 0;
}

/**
 * conn_events() - what to poll on @c's socket @i
 * @c:		connection
 * @i:		0 host side, 1 namespace side
 *
 * Return: poll events (0: leave it out of the poll set)
 */
static short conn_events(const struct fp_conn *c, int i)
{
	short ev = 0;

	if (!c->dir[i].eof && !c->dir[i].blocked)
		ev |= POLLIN | POLLRDHUP; /* source of direction i */
	if (c->dir[!i].blocked)
		ev |= POLLOUT; /* destination of the other direction */
	return ev;
}

/**
 * dir_due() - has direction @d anything to do after the wait?
 * @c:		connection
 * @d:		direction
 * @re:		revents of @c's sockets
 *
 * A blocked direction waits for its destination, any other for its
 * source; peeking at a blocked source again before the destination has
 * room would only copy for nothing.
 *
 * Return: true when pump() should run for @d
 */
static bool dir_due(const struct fp_conn *c, int d, const short re[2])
{
	if (c->dir[d].blocked)
		return re[!d] & (POLLOUT | POLLERR | POLLHUP | POLLNVAL);
	return re[d] & (POLLIN | POLLERR | POLLHUP | POLLNVAL);
}

/**
 * conn_handle() - serve @c after the wait
 * @n:		instance
 * @c:		connection
 *
 * Return: true when @c is finished (the caller closes it), with @reset
 * set when it failed
 */
static bool conn_handle(struct netd *n, struct fp_conn *c, bool *reset)
{
	short re[2];
	int i;

	for (i = 0; i < 2; i++)
		re[i] = poller_revents(&n->poller, c->idx[i]);
	if (!re[0] && !re[1])
		return false;
	*reset = true;
	for (i = 0; i < 2; i++)
		if (dir_due(c, i, re) && pump(c, i, re[i] & POLLRDHUP) < 0)
			return true;
	*reset = false;
	return c->dir[0].shut && c->dir[1].shut;
}

/**
 * accept_one() - accept a client and start its namespace connection
 * @n:		instance
 * @w:		TCP forward
 *
 * Return: 0 when one was taken (or refused), -EAGAIN when none waits or
 * accept() failed (out of fds: the next turn tries again)
 */
static int accept_one(struct netd *n, struct fp_fwd *w)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct fp_conn *c;
	int cfd, nfd;

	cfd = accept4(w->fd, (struct sockaddr *)&peer, &plen,
		      SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) /* a client gone before accept(): try the next one */
		return errno == ECONNABORTED ? 0 : -EAGAIN;
	nfd = nshelper_socket(n->nsh, w->family, SOCK_STREAM);
	if (nfd < 0) {
		warn("fast path: no socket in the namespace: %s",
		     strerror(-nfd));
		close(cfd);
		return 0;
	}
	fp_bind_source(nfd, &peer);
	if (connect(nfd, (struct sockaddr *)&w->guest, w->glen) < 0 &&
	    errno != EINPROGRESS) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(cfd);
		close(nfd);
		return 0;
	}
	c = conn_new(n->fp, cfd, nfd);
	if (!c) {
		close(cfd);
		close(nfd);
		return 0;
	}
	if (pump(c, 0, false) < 0) {
		conn_close(n, c, true);
		return 0;
	}
	c->next = w->conns;
	w->conns = c;
	return 0;
}

/**
 * tcp_handle() - serve a TCP forward's connections and listener
 * @n:		instance
 * @w:		TCP forward
 */
static void tcp_handle(struct netd *n, struct fp_fwd *w)
{
	struct fp_conn **pp = &w->conns, *c;
	bool reset;
	int i;

	while ((c = *pp)) {
		if (conn_handle(n, c, &reset)) {
			*pp = c->next;
			conn_close(n, c, reset);
			continue;
		}
		c->idx[0] = c->idx[1] = -1;
		pp = &c->next;
	}
	if (poller_revents(&n->poller, w->idx))
		for (i = 0; i < FP_ACCEPT_BATCH; i++)
			if (accept_one(n, w) == -EAGAIN)
				break;
}

/**
 * fp_poll_handle() - serve the fast path after the wait
 * @opaque:	instance
 */
static void fp_poll_handle(void *opaque)
{
	struct netd *n = opaque;
	struct fp_fwd *w;

	for (w = n->fp->fwds; w; w = w->next) {
		if (w->udp)
			fpudp_handle(n, w);
		else
			tcp_handle(n, w);
		w->idx = -1;
	}
}

/**
 * fp_poll_fill() - add the fast path's fds to this turn's poll set
 * @opaque:	instance
 */
static void fp_poll_fill(void *opaque)
{
	struct netd *n = opaque;
	struct fp_conn *c;
	struct fp_fwd *w;
	short ev;
	int i;

	for (w = n->fp->fwds; w; w = w->next) {
		w->idx = poller_add(&n->poller, w->fd, POLLIN);
		fpudp_fill(n, w);
		for (c = w->conns; c; c = c->next) {
			for (i = 0; i < 2; i++) {
				ev = conn_events(c, i);
				c->idx[i] = ev ? poller_add(&n->poller,
							    c->fd[i], ev)
					       : -1;
			}
		}
	}
}

/**
 * fp_timeout() - shorten the poll timeout for UDP flows' expiry
 * @opaque:	instance
 * @timeout:	timeout so far, in ms
 *
 * Return: the timeout
 */
static int fp_timeout(void *opaque, int timeout)
{
	struct netd *n = opaque;
	struct fp_fwd *w;

	for (w = n->fp->fwds; w; w = w->next)
		timeout = fpudp_timeout(w, timeout);
	return timeout;
}

static const struct poller_ops fp_ops = {
	.fill = fp_poll_fill,
	.handle = fp_poll_handle,
	.timeout = fp_timeout,
};

/**
 * fp_start() - the fast path's state, served by the main loop
 * @n:		instance
 *
 * Return: 0, or -errno
 */
int fp_start(struct netd *n)
{
	int ret;

	n->fp = calloc(1, sizeof(*n->fp));
	if (!n->fp)
		return -ENOMEM;
	ret = poller_register(&n->poller, &fp_ops, n);
	if (ret < 0)
		fp_free(n);
	return ret;
}

/**
 * fp_free() - at exit: close every socket of the fast path, free it all
 * @n:		instance
 *
 * The sockets close as they would at exit, without a reset.
 */
void fp_free(struct netd *n)
{
	struct fp_state *fp = n->fp;
	struct fp_conn *c;
	struct fp_fwd *w;

	if (!fp)
		return;
	while ((w = fp->fwds)) {
		fp->fwds = w->next;
		while ((c = w->conns)) {
			w->conns = c->next;
			conn_close(n, c, false);
		}
		fpudp_close_all(n, w);
		poller_close(&n->poller, w->fd);
		free(w);
	}
	while ((c = fp->free_conns)) {
		fp->free_conns = c->next;
		free(c);
	}
	free(fp);
	n->fp = NULL;
}

/**
 * fp_remove() - stop publishing forward @id: its host socket closes, and
 * so do its connections and flows
 * @n:		instance
 * @id:		forward id (on the fast path)
 */
void fp_remove(struct netd *n, int id)
{
	struct fp_fwd **pp = &n->fp->fwds, *w;
	struct fp_conn *c;

	while ((w = *pp) && w->id != id)
		pp = &w->next;
	if (!w)
		return;
	*pp = w->next;
	while ((c = w->conns)) {
		w->conns = c->next;
		conn_close(n, c, true);
	}
	fpudp_close_all(n, w);
	poller_close(&n->poller, w->fd);
	free(w);
}
