// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * outsetup.c - the outbound fast path's sockets, tables and queue
 *
 * DOC: Theory of Operation
 * Everything the outbound fast path (outbound.c) needs from the
 * namespace's netfilter is set up here, before the main loop, and the
 * verdicts the main loop sends later go through here too.
 *
 * out_setup(), before the sandbox: a forked child joins the target's
 * user and network namespaces (with its capabilities there), makes a
 * listener on 127.0.0.1:P (port 0, so the kernel picks P; with -6 also
 * one on [::1]), a NETLINK_NETFILTER socket for NFQUEUE, and a second one
 * on which it installs, in one nf_tables batch (nfmsg.c), the table
 * "ip sublet_netd" (and with -6 "ip6 sublet_netd" for the [::1]
 * listener), replacing old ones.  The table carries NFT_TABLE_F_OWNER: it
 * lives exactly as long as the netlink socket that made it.  A third
 * netlink socket subscribes to the namespace's ruleset notifications and
 * then lists its tables: a table that is not ours means the namespace
 * has a firewall of its own, and the fast path stays off (outbound.c
 * turns it off when one comes later).  The child
 * sends its sockets to sublet-netd over a socketpair (lib/fdpass.h), each
 * with a struct out_reply, or one reply with the errno and what failed,
 * and exits.
 *
 * out_queue_bind(), after the sandbox and before seccomp: sublet-netd
 * binds the queue itself, asking for the first OUT_COPY_RANGE bytes of
 * each packet, at most OUT_MAX_PENDING held, and fail-open beyond.
 *
 * Both wait for the kernel's acknowledgements (nl_acks()), with a
 * timeout; a packet queued meanwhile goes on unmarked, to libslirp.
 * Every failure prints the one line of out_off() and leaves outbound TCP
 * to libslirp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "netd/nfmsg.h"
#include "netd/outbound.h"

#define OUT_COPY_RANGE 80
#define OUT_NL_TIMEOUT_S 2

/**
 * struct out_reply - what the setup child sends with each socket
 * @err:	0, or a positive errno
 * @port:	the IPv4 listener's port P
 * @port6:	the IPv6 listener's port, when @v6
 * @v6:		an IPv6 listener and table too (a fifth socket follows)
 * @msg:	what failed, when @err
 * @why:	why, when @err and it says more than strerror(@err)
 */
struct out_reply {
	int err;
	uint16_t port;
	uint16_t port6;
	bool v6;
	char msg[160];
	char why[200];
};

/**
 * out_verdict_send() - let a queued packet go on, or drop it
 * @fd:		queue socket
 * @seq:	sequence counter
 * @id:		packet id
 * @v:		NF_ACCEPT or NF_DROP
 * @mark:	set OUT_MARK (redirect it to the listener)
 *
 * The kernel reports a refused verdict later, as an error message on @fd.
 *
 * Return: 0, or -errno when it could not be sent
 */
int out_verdict_send(int fd, uint32_t *seq, uint32_t id, uint32_t v, bool mark)
{
	char buf[128];
	ssize_t len;

	len = nfmsg_verdict(buf, sizeof(buf), seq, OUT_QUEUE_NUM, id, v,
			    mark ? OUT_MARK : 0);
	if (len < 0)
		return (int)len;
	return send(fd, buf, (size_t)len, 0) < 0 ? -errno : 0;
}

/**
 * nl_recv() - one read of netlink replies, waiting OUT_NL_TIMEOUT_S at most
 * @fd:		netlink socket
 * @buf:	where the replies go
 * @size:	size of @buf
 *
 * Return: the bytes read, or -errno (-EIO when the socket was closed)
 */
static int nl_recv(int fd, char *buf, size_t size)
{
	struct timeval tv = { .tv_sec = OUT_NL_TIMEOUT_S };
	ssize_t r;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	do
		r = recv(fd, buf, size, 0);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r < 0 ? -errno : -EIO;
	return (int)r;
}

/**
 * nl_acks() - wait for @count acknowledgements on netlink socket @fd
 * @fd:		netlink socket (blocking)
 * @seq:	sequence counter, for the verdicts
 * @count:	messages sent with NLM_F_ACK
 *
 * A packet queued meanwhile (the queue socket, once bound) goes on
 * unmarked, to libslirp.
 *
 * Return: 0, or the first error (-errno)
 */
static int nl_acks(int fd, uint32_t *seq, unsigned int count)
{
	char buf[8192];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	const uint8_t *pkt;
	uint32_t id;
	size_t plen;
	int len;

	while (count) {
		if ((len = nl_recv(fd, buf, sizeof(buf))) < 0)
			return len;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nfmsg_packet_parse(nlh, &id, &pkt, &plen))
				out_verdict_send(fd, seq, id, NF_ACCEPT, false);
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error)
				return e->error;
			if (count)
				count--;
		}
	}
	return 0;
}

/**
 * table_install() - replace our tables in the current namespace
 * @fd:		NETLINK_NETFILTER socket that will own the tables
 * @tap:	tap device name
 * @port:	the IPv4 listener's port
 * @port6:	the IPv6 listener's port, or 0 for no IPv6 table
 *
 * Return: 0, or -errno
 */
static int table_install(int fd, const char *tap, uint16_t port, uint16_t port6)
{
	static char buf[16384];
	struct nfmsg_table_args a = { .tap = tap,
				      .queue = OUT_QUEUE_NUM,
				      .mark = OUT_MARK,
				      .port = port,
				      .port6 = port6 };
	uint32_t seq = 0;
	ssize_t len;

	len = nfmsg_table(buf, sizeof(buf), &seq, &a);
	if (len < 0)
		return (int)len;
	if (send(fd, buf, (size_t)len, 0) < 0)
		return -errno;
	return nl_acks(fd, &seq, NFMSG_TABLE_ACKS(port6));
}

/**
 * listener_open() - listen on 127.0.0.1 or ::1, port chosen by the kernel
 * @family:	AF_INET or AF_INET6
 * @port:	the port, written
 *
 * Return: the socket, or -errno
 */
static int listener_open(int family, uint16_t *port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr *a = family == AF_INET ? (void *)&a4 : (void *)&a6;
	socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);
	int fd, e, one = 1;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, a, len) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, a, &len) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	*port = ntohs(family == AF_INET ? a4.sin_port : a6.sin6_port);
	return fd;
}

/**
 * child_fail() - report a failure to the parent and exit
 * @sock:	socket to the parent
 * @e:		positive errno
 * @what:	what failed
 * @why:	why, or NULL for strerror(@e)
 */
static void __attribute__((noreturn))
child_fail(int sock, int e, const char *what, const char *why)
{
	struct out_reply r = { .err = e };

	snprintf(r.msg, sizeof(r.msg), "%s", what);
	if (why)
		snprintf(r.why, sizeof(r.why), "%s", why);
	if (write(sock, &r, sizeof(r)) < 0)
		_exit(2);
	_exit(1);
}

/**
 * dump_foreign() - read a table dump's replies: is any table not ours?
 * @fd:		netlink socket the dump was asked on
 * @what:	the first foreign table, written when there is one
 * @size:	size of @what
 *
 * Return: 0 when every table is ours, -EEXIST when one is not, or -errno
 */
static int dump_foreign(int fd, char *what, size_t size)
{
	char buf[8192];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	int len;

	for (;;) {
		if ((len = nl_recv(fd, buf, sizeof(buf))) < 0)
			return len;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nfmsg_foreign(nlh, what, size))
				return -EEXIST;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			e = mnl_nlmsg_get_payload(nlh);
			if (nlh->nlmsg_type == NLMSG_ERROR && e->error)
				return e->error;
		}
	}
}

/**
 * monitor_open() - watch the namespace's ruleset, which must be ours alone
 * @what:	a foreign table, written when there is one
 * @size:	size of @what
 *
 * Subscribes to nf_tables' notifications first, then lists the tables,
 * so that a table made meanwhile shows in one or the other.
 *
 * Return: the socket, -EEXIST when a table not ours is there, or -errno
 */
static int monitor_open(char *what, size_t size)
{
	unsigned int grp = NFNLGRP_NFTABLES;
	uint32_t seq = 0;
	char buf[256];
	ssize_t len;
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	ret = setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			 sizeof(grp));
	len = nfmsg_tables_dump(buf, sizeof(buf), &seq);
	if (ret < 0 || len < 0 || send(fd, buf, (size_t)len, 0) < 0)
		ret = len < 0 ? (int)len : -errno;
	else
		ret = dump_foreign(fd, what, size);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/**
 * setup_child() - in the namespaces: listener, queue socket, table
 * @o:		options
 * @userns:	user namespace to join, or -1
 * @netns:	network namespace to join
 * @sock:	socket to the parent
 */
static void __attribute__((noreturn))
setup_child(const struct netd_opts *o, int userns, int netns, int sock)
{
	struct out_reply r = { 0 };
	char what[128], why[200];
	int fds[5], i, ret;

	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		child_fail(sock, errno, "cannot join the user namespace", NULL);
	if (setns(netns, CLONE_NEWNET) < 0)
		child_fail(sock, errno, "cannot join the network namespace",
			   NULL);
	fds[0] = listener_open(AF_INET, &r.port);
	if (fds[0] < 0)
		child_fail(sock, -fds[0], "listener", NULL);
	for (i = 1; i < 3; i++) {
		fds[i] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_NETFILTER);
		if (fds[i] < 0)
			child_fail(sock, errno, "netfilter netlink socket",
				   NULL);
	}
	/* IPv6 when the namespace has it: else IPv6 stays with libslirp */
	fds[4] = o->enable_ipv6 ? listener_open(AF_INET6, &r.port6) : -1;
	r.v6 = fds[4] >= 0;
	ret = table_install(fds[2], o->tapname, r.port, r.v6 ? r.port6 : 0);
	if (ret < 0)
		child_fail(sock, -ret, "nftables table " NFMSG_TABLE, NULL);
	fds[3] = monitor_open(what, sizeof(what));
	if (fds[3] == -EEXIST) {
		snprintf(why, sizeof(why),
			 "the namespace has rules of its own (%s)", what);
		child_fail(sock, EEXIST, "nftables", why);
	}
	if (fds[3] < 0)
		child_fail(sock, -fds[3], "nftables notifications", NULL);
	for (i = 0; i < (r.v6 ? 5 : 4); i++)
		if (fd_send(sock, fds[i], &r, sizeof(r)) < 0)
			_exit(2);
	_exit(0);
}

/**
 * out_queue_bind() - bind the queue and ask for headers only
 * @fd:		NFQUEUE socket (blocking)
 * @seq:	sequence counter
 *
 * Return: 0, or -errno
 */
int out_queue_bind(int fd, uint32_t *seq)
{
	char buf[1024];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t len;

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	len = nfmsg_queue_config(buf, sizeof(buf), seq, OUT_QUEUE_NUM,
				 OUT_COPY_RANGE, OUT_MAX_PENDING);
	if (len < 0)
		return (int)len;
	if (send(fd, buf, (size_t)len, 0) < 0)
		return -errno;
	return nl_acks(fd, seq, NFMSG_QUEUE_CONFIG_ACKS);
}

/**
 * out_off() - print the one line saying why the fast path is off
 * @e:		positive errno
 * @what:	what failed
 */
void out_off(int e, const char *what)
{
	out_off_why(what, strerror(e));
}

/**
 * out_off_why() - print the one line saying why the fast path is off
 * @what:	what failed
 * @why:	why
 */
void out_off_why(const char *what, const char *why)
{
	warn("outbound fast path off: %s: %s; outbound TCP through libslirp",
	     what, why);
}

/**
 * out_setup() - fork the setup child and take its sockets
 * @o:		options
 * @s:		listeners, queue socket, table socket and ports, written on
 *		success
 *
 * Return: 0, or -errno (the one line printed)
 */
int out_setup(const struct netd_opts *o, struct out_socks *s)
{
	_cleanup_close_ int netns = -1, userns = -1, s0 = -1;
	struct out_reply rep, *r = &rep;
	int i, n = 4, status, ret = 0, fds[5];
	pid_t pid;

	netns = ns_open_netns(o);
	if (netns < 0 || ns_open_userns(o, &userns) < 0)
		return -EINVAL;
	pid = fork_with_socket(&s0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		setup_child(o, userns, netns, s0);
	for (i = 0; i < 5; i++)
		fds[i] = -1;
	for (i = 0; i < n && !ret; i++) {
		memset(r, 0, sizeof(*r));
		ret = fd_recv(s0, &fds[i], r, sizeof(*r));
		if (ret >= 0 && !r->err) {
			ret = 0;
			n = r->v6 ? 5 : 4;
		} else if (r->err) {
			r->msg[sizeof(r->msg) - 1] =
				r->why[sizeof(r->why) - 1] = 0;
			out_off_why(r->msg,
				    r->why[0] ? r->why : strerror(r->err));
			ret = -r->err;
		} else {
			out_off(-ret, "setup child");
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret < 0) {
		for (i = 0; i < 5; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return ret;
	}
	*s = (struct out_socks){ .lfd = { fds[0], fds[4] },
				 .qfd = fds[1],
				 .tfd = fds[2],
				 .mfd = fds[3],
				 .port = r->port,
				 .port6 = r->port6 };
	return 0;
}
