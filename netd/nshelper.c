// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nshelper.c - a helper process that opens sockets inside the namespace
 *
 * DOC: Theory of Operation
 * The published-port fast path (fastpath.c) needs sockets that live in
 * the target's network namespace while sublet-netd itself stays in the
 * host's.  A socket belongs to the namespace it was created in for its
 * whole life, whoever uses it later, so only socket() itself has to run
 * there: bind(), connect(), send(), recv() and close() work from anywhere.
 *
 * nshelper_start() forks, before the sandbox and seccomp, a helper that
 * joins the target's user namespace (when it differs from ours) and
 * network namespace exactly as the tap child does, drops every
 * capability (no_new_privs; with --enable-seccomp also sublet-netd's
 * syscall allowlist), closes every other fd, and then serves requests on
 * a SOCK_SEQPACKET socketpair: each request names a family, a socket type
 * and a count, and the reply is one message carrying that many new
 * sockets (SCM_RIGHTS), or fewer and the errno of the socket() that
 * failed.  The helper dies with
 * sublet-netd (PR_SET_PDEATHSIG) and exits when its socket closes.
 *
 * nshelper_socket() hands out sockets made ahead, kept per family and
 * type, and never waits for the helper while it has one: when a kind is
 * down to NS_LOW spares it sends a request for the rest of NS_BATCH and
 * goes on, and the reply (which names its kind) is taken, without
 * waiting, by a later call.  Only a kind with no spare at all, its first
 * socket or a burst that used up a batch before the reply came, waits
 * for a reply, as the connection path then must.  A socket is the
 * namespace's from socket() on, however long it waits.
 * Stream sockets come with the options every fast-path connection sets
 * (TCP_NODELAY, IP_BIND_ADDRESS_NO_PORT), so that the connection path
 * does not spend a system call on each.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/sandbox.h"

#define NS_BATCH 16
/* spares of a kind at which the next batch is asked for */
#define NS_LOW (NS_BATCH / 2)

/**
 * struct ns_req - a request to the helper
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 * @count:	how many sockets (1 to NS_BATCH)
 */
struct ns_req {
	int family;
	int type;
	int count;
};

/**
 * struct ns_reply - the helper's answer; the sockets ride along with it
 * @family:	the request's family
 * @type:	and socket type
 * @n:		sockets sent
 * @err:	errno of the socket() that failed when @n is short, or 0
 */
struct ns_reply {
	int family;
	int type;
	int n;
	int err;
};

/* control buffer for a reply's sockets */
union ns_cmsg {
	char buf[CMSG_SPACE(sizeof(int) * NS_BATCH)];
	struct cmsghdr align;
};

/**
 * struct ns_spare - sockets made ahead of need, of one family and type
 * @n:		how many
 * @asked:	a request for more is on its way
 * @err:	what the last reply said when it brought none, or 0
 * @fd:		the sockets, @n of them
 */
struct ns_spare {
	int n;
	bool asked;
	int err;
	int fd[NS_BATCH];
};

/**
 * struct nshelper - the helper, reached as netd->nsh
 * @sock:	socket to the helper
 * @spares:	sockets made ahead, [AF_INET6?][SOCK_DGRAM?]
 */
struct nshelper {
	int sock;
	struct ns_spare spares[2][2];
};

/**
 * stream_opts() - what every fast-path TCP socket wants, set here, off
 * the connection path
 * @fd:		a new stream socket
 *
 * TCP_NODELAY: a copy passes on what it is given at once.
 * IP_BIND_ADDRESS_NO_PORT: the bind() that keeps a loopback client's
 * address (fpaddr.c) leaves the port to connect().  Best effort.
 */
static void stream_opts(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
}

/**
 * reply_send() - send @n sockets and what became of the rest
 * @sock:	socket to sublet-netd
 * @q:		the request answered
 * @fd:		the sockets
 * @n:		how many (0 to NS_BATCH)
 * @err:	errno of the socket() that failed, or 0
 *
 * Return: 0, or -errno
 */
static int reply_send(int sock, const struct ns_req *q, const int *fd, int n,
		      int err)
{
	struct ns_reply r = {
		.family = q->family, .type = q->type, .n = n, .err = err
	};
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	union ns_cmsg u;
	struct cmsghdr *c;

	if (n) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(c), fd, sizeof(int) * (size_t)n);
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/**
 * serve_batch() - make the sockets a request asks for and send them
 * @sock:	socket to sublet-netd
 * @q:		the request (count 1 to NS_BATCH)
 *
 * Exits when sublet-netd cannot be answered.
 */
static void serve_batch(int sock, const struct ns_req *q)
{
	int fd[NS_BATCH], n, e = 0;

	for (n = 0; n < q->count; n++) {
		fd[n] = socket(q->family,
			       q->type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd[n] < 0) {
			e = errno;
			break;
		}
		if (q->type == SOCK_STREAM)
			stream_opts(fd[n]);
	}
	if (reply_send(sock, q, fd, n, e) < 0)
		_exit(1);
	while (n)
		close(fd[--n]);
}

/**
 * req_recv() - the next request, and the fd sent with it, if any
 * @sock:	socket to sublet-netd
 * @q:		the request, written
 * @fd:		the fd, or -1, written
 *
 * Return: bytes of the request, or -errno
 */
static ssize_t req_recv(int sock, struct ns_req *q, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = q, .iov_len = sizeof(*q) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t r;

	*fd = -1;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return r;
}

/**
 * helper_serve() - answer requests until the socket closes
 * @sock:	socket to sublet-netd
 *
 * A request of count 0 with an fd is nshelper_keep()'s: the fd is held
 * until the helper exits.
 */
static void __attribute__((noreturn)) helper_serve(int sock)
{
	struct ns_req q;
	ssize_t r;
	int fd;

	for (;;) {
		r = req_recv(sock, &q, &fd);
		if (r == sizeof(q) && q.count == 0 && fd >= 0)
			continue;
		if (fd >= 0)
			close(fd);
		if (r != sizeof(q) || q.count < 1 || q.count > NS_BATCH)
			_exit(0);
		serve_batch(sock, &q);
	}
}

/**
 * helper_main() - join the namespaces and serve
 * @userns:	user namespace to join, or -1
 * @netns:	network namespace to join
 * @sock:	socket to sublet-netd
 * @parent:	sublet-netd's pid
 * @seccomp:	apply sublet-netd's seccomp allowlist
 */
static void __attribute__((noreturn))
helper_main(int userns, int netns, int sock, pid_t parent, bool seccomp)
{
	int e = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		e = errno;
	if (!e && setns(netns, CLONE_NEWNET) < 0)
		e = errno;
	if (dup2(sock, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
	/* socket() needs no capability: keep none, and the allowlist */
	if (!e && sandbox_drop_caps(-1) < 0)
		e = EPERM;
	if (!e && seccomp && seccomp_apply() < 0)
		e = EPERM;
	if (send(3, &e, sizeof(e), 0) < 0 || e)
		_exit(1);
	helper_serve(3);
}

/**
 * nshelper_start() - fork the helper into the target's namespaces
 * @userns:	user namespace to join, or -1 to stay in ours
 * @netns:	the target's network namespace
 * @seccomp:	--enable-seccomp: the helper applies the same allowlist
 * @hp:		the helper, written on success
 *
 * Return: 0, or -errno (the fast path is then off)
 */
int nshelper_start(int userns, int netns, bool seccomp, struct nshelper **hp)
{
	_cleanup_close_ int s0 = -1;
	pid_t parent = getpid(), pid;
	struct nshelper *h;
	int e = 0;

	pid = fork_with_socket(&s0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		helper_main(userns, netns, s0, parent, seccomp);
	if (recv(s0, &e, sizeof(e), 0) != sizeof(e))
		return -EIO;
	if (e)
		return -e;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sock = steal_fd(&s0);
	*hp = h;
	return 0;
}

/**
 * spare_of() - the spares of one kind
 * @h:		helper
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 *
 * Return: the spares, or NULL for any other kind
 */
static struct ns_spare *spare_of(struct nshelper *h, int family, int type)
{
	if ((family != AF_INET && family != AF_INET6) ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM))
		return NULL;
	return &h->spares[family == AF_INET6][type == SOCK_DGRAM];
}

/**
 * ask() - request the sockets a kind lacks of NS_BATCH
 * @h:		helper
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 * @s:		its spares (nothing asked yet)
 *
 * Return: 0, or -errno
 */
static int ask(struct nshelper *h, int family, int type, struct ns_spare *s)
{
	struct ns_req q = { .family = family,
			    .type = type,
			    .count = NS_BATCH - s->n };

	if (send(h->sock, &q, sizeof(q), MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    sizeof(q))
		return -errno;
	s->asked = true;
	return 0;
}

/**
 * take_reply() - one reply of the helper, its sockets into their spares
 * @h:		helper
 * @flags:	0 to wait for it, or MSG_DONTWAIT
 *
 * The control buffer holds NS_BATCH sockets, all a reply carries; any
 * beyond NS_BATCH of a kind (none are asked for) are closed.
 *
 * Return: 0, or -errno (-EAGAIN: none there yet)
 */
static int take_reply(struct nshelper *h, int flags)
{
	struct ns_reply r = { 0 };
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	union ns_cmsg u;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct ns_spare *s;
	struct cmsghdr *c;
	int fd[NS_BATCH], n = 0, i;
	ssize_t got;

	do
		got = recvmsg(h->sock, &msg, MSG_CMSG_CLOEXEC | flags);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fd, CMSG_DATA(c), sizeof(int) * (size_t)n);
	}
	s = got == sizeof(r) ? spare_of(h, r.family, r.type) : NULL;
	for (i = 0; i < n; i++)
		if (s && s->n < NS_BATCH)
			s->fd[s->n++] = fd[i];
		else
			close(fd[i]);
	if (!s)
		return -EIO;
	s->asked = false;
	s->err = n ? 0 : r.err ? r.err : EIO;
	return 0;
}

/**
 * nshelper_socket() - a new socket inside the target's network namespace
 * @h:		helper, or NULL when it is not running
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 *
 * A spare when there is one; the next batch is asked for at NS_LOW
 * spares and taken in later, without waiting.  With none left, waits for
 * the helper.
 *
 * Return: the socket (non-blocking, close-on-exec), or -errno
 */
int nshelper_socket(struct nshelper *h, int family, int type)
{
	struct ns_spare *s;
	int ret;

	if (!h)
		return -ENOTCONN;
	s = spare_of(h, family, type);
	if (!s)
		return -EAFNOSUPPORT;
	if (s->asked)
		take_reply(h, MSG_DONTWAIT); /* not there yet: later */
	while (!s->n) {
		if (!s->asked && (ret = ask(h, family, type, s)) < 0)
			return ret;
		if ((ret = take_reply(h, 0)) < 0)
			return ret;
		if (!s->asked && !s->n)
			return -s->err;
	}
	ret = s->fd[--s->n];
	if (s->n <= NS_LOW && !s->asked)
		ask(h, family, type, s); /* best effort: the next call asks */
	return ret;
}

/**
 * nshelper_running() - is the helper there?
 * @h:		helper, or NULL
 *
 * Return: true when nshelper_socket() can be asked
 */
bool nshelper_running(const struct nshelper *h)
{
	return h != NULL;
}

/**
 * nshelper_keep() - let the helper hold @fd until it exits
 * @h:		helper, or NULL
 * @fd:		an fd of ours
 *
 * For sublet-netd's exit: closing the last reference to the tap, or to
 * a socket that owns an nftables table, is where the kernel takes the
 * device or the table down, tens of milliseconds of sublet-netd's exit.
 * Held by the helper, which exits right after sublet-netd, they go
 * down after sublet-netd has exited.
 *
 * Return: 0, or -errno
 */
int nshelper_keep(struct nshelper *h, int fd)
{
	struct ns_req q = { 0 };

	if (!h || fd < 0)
		return -ENOTCONN;
	return fd_send(h->sock, fd, &q, sizeof(q));
}

/**
 * nshelper_free() - at exit: close the spares and the helper's socket
 * (the helper exits when it closes), free the state
 * @h:		helper, or NULL
 */
void nshelper_free(struct nshelper *h)
{
	int i, j;

	if (!h)
		return;
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			while (h->spares[i][j].n)
				close(h->spares[i][j].fd[--h->spares[i][j].n]);
	close(h->sock);
	free(h);
}
