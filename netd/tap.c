// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.c - create the tap device inside the target's namespaces
 *
 * DOC: Theory of Operation
 * The tap device must live in the target network namespace while
 * sublet-netd itself stays in the host's, where its sockets reach the
 * world.  A forked child does the namespace work: it joins the target's
 * user namespace (only when it differs from ours; setns() needs a
 * single-threaded caller, which a fresh child is), then its network
 * namespace, opens /dev/net/tun as IFF_TAP|IFF_NO_PI, and with -c brings
 * up lo and the tap (MTU, MAC, cidr+100, default route via cidr+2) with
 * lib/netlink.c.  It sends the tap fd back over a socketpair with
 * fd_send(), with the tap's MAC address, and exits.  A failure comes back as a struct tap_reply
 * without an fd, carrying the errno and a one-line message that the
 * parent prints.
 *
 * While the child works, the published-port fast path's helper
 * (nshelper.c) is started into the same namespaces: the two join them
 * at the same time.  A helper that could not start is reported only once
 * the tap is there, so that a tap failure stays the one line printed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "lib/netlink.h"
#include "netd/fastpath.h"
#include "netd/netd.h"

/**
 * struct tap_reply - what the child sends back
 * @err:	0, or a positive errno
 * @mac:	the tap's MAC address, on success
 * @msg:	what failed, when @err
 * @whole:	@msg already holds strerror(@err): print it as it is
 */
struct tap_reply {
	int err;
	uint8_t mac[6];
	char msg[240];
	bool whole;
};

/**
 * child_fail() - send a failure to the parent and exit
 * @sock:	socket to the parent
 * @e:		positive errno
 * @fmt:	message
 */
static void __attribute__((noreturn, format(printf, 3, 4)))
child_fail(int sock, int e, const char *fmt, ...)
{
	struct tap_reply r = { .err = e };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
	va_end(ap);
	if (write(sock, &r, sizeof(r)) < 0)
		_exit(2);
	_exit(1);
}

/**
 * child_fail_as() - child_fail() in slirp4netns 1.2's words: "WHAT:
 * strerror(@e) (DETAIL)", WHAT being the call it names (its perror())
 * @sock:	socket to the parent
 * @e:		positive errno
 * @what:	the call, e.g. "setns(CLONE_NEWNET)"
 * @fmt:	our detail
 */
static void __attribute__((noreturn, format(printf, 4, 5)))
child_fail_as(int sock, int e, const char *what, const char *fmt, ...)
{
	struct tap_reply r = { .err = e, .whole = true };
	char detail[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(r.msg, sizeof(r.msg), "%s: %s (%s)", what, strerror(e),
		 detail);
	if (write(sock, &r, sizeof(r)) < 0)
		_exit(2);
	_exit(1);
}

/**
 * tap_open() - create the tap device @name in the current netns
 * @name:	interface name
 * @what:	on failure, the call that failed, as slirp4netns names it
 *
 * Return: the tap fd, or -errno
 */
static int tap_open(const char *name, const char **what)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	*what = "open(\"/dev/net/tun\")";
	if (fd < 0)
		return -errno;
	*what = "ioctl(TUNSETIFF)";
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/**
 * configure() - -c: lo up; tap MTU, MAC, address, up; default route
 * @o:		options
 * @sock:	socket to the parent, for failures
 */
static void configure(const struct netd_opts *o, int sock)
{
	struct in_addr guest = netd_addr(o, 100), gw = netd_addr(o, 2);
	int lo = (int)if_nametoindex("lo");
	int tap = (int)if_nametoindex(o->tapname);
	int nl = netlink_open(), ret;

	if (nl < 0)
		child_fail(sock, -nl, "netlink socket");
	if (!lo || !tap)
		child_fail(sock, ENODEV, "no interface %s",
			   lo ? o->tapname : "lo");
	ret = netlink_link_set(nl, lo, 1, 0, NULL);
	if (ret < 0)
		child_fail(sock, -ret, "cannot set lo up");
	ret = netlink_link_set(nl, tap, -1, o->mtu,
			       o->have_mac ? o->mac : NULL);
	if (ret < 0)
		child_fail(sock, -ret, "cannot set %s MTU %u / MAC", o->tapname,
			   o->mtu);
	ret = netlink_addr_add(nl, tap, AF_INET, &guest, o->prefix, 0);
	if (ret < 0)
		child_fail(sock, -ret, "cannot add %s/%u to %s",
			   inet_ntoa(guest), o->prefix, o->tapname);
	if (o->enable_ipv6) {
		struct in6_addr guest6;

		inet_pton(AF_INET6, NETD_IP6_GUEST, &guest6);
		ret = netlink_addr_add(nl, tap, AF_INET6, &guest6, 64,
				       IFA_F_NODAD);
		if (ret < 0)
			child_fail(sock, -ret,
				   "cannot add " NETD_IP6_GUEST "/64 to %s",
				   o->tapname);
	}
	ret = netlink_link_set(nl, tap, 1, 0, NULL);
	if (ret < 0)
		child_fail(sock, -ret, "cannot set %s up", o->tapname);
	ret = netlink_route_add(nl, tap, AF_INET, NULL, 0, &gw);
	if (ret < 0)
		child_fail(sock, -ret, "cannot add default route via %s",
			   inet_ntoa(gw));
	close(nl);
}

/**
 * tap_mac() - read the MAC address of interface @name
 * @name:	interface
 * @mac:	six bytes, left as they are on failure
 */
static void tap_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (s >= 0 && ioctl(s, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (s >= 0)
		close(s);
}

/**
 * tap_child() - join the namespaces, create (and configure) the tap
 * @o:		options
 * @userns:	user namespace to join, or -1
 * @netns:	network namespace to join
 * @sock:	socket to the parent
 */
static void __attribute__((noreturn))
tap_child(const struct netd_opts *o, int userns, int netns, int sock)
{
	struct tap_reply r = { 0 };
	const char *what;
	int fd;

	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		child_fail_as(sock, errno, "setns(CLONE_NEWUSER)",
			      "cannot join user namespace %s",
			      o->userns_path ? o->userns_path : "of the PID");
	if (setns(netns, CLONE_NEWNET) < 0) {
		if (o->netns_is_path)
			child_fail_as(sock, errno, "setns(CLONE_NEWNET)",
				      "cannot join network namespace %s",
				      o->target);
		child_fail_as(sock, errno, "setns(CLONE_NEWNET)",
			      "cannot join the network namespace of PID %d",
			      (int)o->pid);
	}
	fd = tap_open(o->tapname, &what);
	if (fd < 0)
		child_fail_as(sock, -fd, what, "cannot create tap device %s",
			      o->tapname);
	if (o->configure)
		configure(o, sock);
	tap_mac(o->tapname, r.mac);
	if (fd_send(sock, fd, &r, sizeof(r)) < 0)
		_exit(2);
	_exit(0);
}

/**
 * tap_setup() - create the tap device in the target namespace, and
 * start the namespace helper meanwhile
 * @n:		instance: n->tapfd (non-blocking, O_CLOEXEC) and, unless
 *		--disable-fastpath, n->nsh written on success (n->nsh also
 *		when the tap failed: netd_free() stops it)
 * @mac:	the tap's MAC address, written on success
 *
 * Return: 0, or -errno (message printed)
 */
int tap_setup(struct netd *n, uint8_t mac[6])
{
	const struct netd_opts *o = n->o;
	_cleanup_close_ int netns = -1, userns = -1, s0 = -1;
	struct tap_reply r = { 0 };
	int fd = -1, status, ret, helper = 0;
	pid_t pid;

	netns = ns_open_netns(o);
	if (netns < 0)
		return netns;
	ret = ns_open_userns(o, &userns);
	if (ret < 0)
		return ret;
	pid = fork_with_socket(&s0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		tap_child(o, userns, netns, s0);
	/* the fast path's helper joins the same namespaces meanwhile */
	if (!o->disable_fastpath)
		helper = nshelper_start(userns, netns, o->enable_seccomp,
					&n->nsh);
	ret = fd_recv(s0, &fd, &r, sizeof(r)); /* a failure has no fd */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (fd >= 0 && !r.err) {
		n->tapfd = fd;
		memcpy(mac, r.mac, 6);
		if (helper < 0)
			warn("published ports through libslirp only: namespace helper: %s",
			     strerror(-helper));
		return 0;
	}
	if (fd >= 0)
		close(fd);
	if (r.err && r.whole)
		err("%s", r.msg);
	else if (r.err)
		err_errno(r.err, "%s", r.msg);
	if (r.err)
		return -r.err;
	err("tap setup failed: %s", ret < 0 ? strerror(-ret) : "no reply");
	return ret < 0 ? ret : -EIO;
}
