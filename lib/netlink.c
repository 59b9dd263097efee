// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink.c - small rtnetlink requests: links, addresses, routes
 *
 * DOC: Theory of Operation
 * Bringing up an interface inside a fresh network namespace takes a few
 * requests: set a link up with an MTU and MAC, add an address, add a
 * route.  Each helper builds one request in a stack buffer, sends it on a
 * NETLINK_ROUTE socket with NLM_F_ACK and reads the kernel's answer, so the
 * caller gets 0 or the kernel's -errno for that one request.  No library:
 * the requests are a few attributes each, and every program that needs
 * them (sublet-netd, the runtime) can link this file without new deps.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/netlink.h"

#define NL_BUF 512

/**
 * struct nl_req - one request being built
 * @nh:		header
 * @buf:	room for the family header and attributes
 */
struct nl_req {
	struct nlmsghdr nh;
	char buf[NL_BUF];
};

/**
 * netlink_open() - open a NETLINK_ROUTE socket in the current netns
 *
 * Return: the socket (O_CLOEXEC), or -errno
 */
int netlink_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/**
 * nl_put() - append one attribute to @r
 * @r:		request
 * @type:	attribute type
 * @data:	payload
 * @len:	payload length
 *
 * Return: 0, or -ENOBUFS
 */
static int nl_put(struct nl_req *r, unsigned short type, const void *data,
		  size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);
	struct rtattr *rta = (struct rtattr *)((char *)r + off);

	if (off + RTA_SPACE(len) > sizeof(*r))
		return -ENOBUFS;
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return 0;
}

/**
 * nl_talk() - send @r and wait for the kernel's acknowledgement
 * @nl:		netlink socket
 * @r:		request (nlmsg_len filled in)
 *
 * Return: 0, or the kernel's -errno
 */
static int nl_talk(int nl, struct nl_req *r)
{
	static uint32_t seq;
	char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *h;
	ssize_t n;

	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++seq;
	if (send(nl, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != r->nh.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
		}
	}
}

/**
 * netlink_link_set() - set a link's MAC, MTU and up flag
 * @nl:		netlink socket
 * @ifindex:	interface index
 * @up:		1 to set up, 0 to set down, -1 to leave as is
 * @mtu:	MTU, or 0 to leave as is
 * @mac:	six-byte MAC, or NULL to leave as is
 *
 * Return: 0, or -errno
 */
int netlink_link_set(int nl, int ifindex, int up, unsigned int mtu,
		     const uint8_t *mac)
{
	struct nl_req r = { 0 };
	struct ifinfomsg *ifi = NLMSG_DATA(&r.nh);
	int ret = 0;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	r.nh.nlmsg_type = RTM_NEWLINK;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (up >= 0) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
	}
	if (mtu)
		ret = nl_put(&r, IFLA_MTU, &mtu, sizeof(mtu));
	if (!ret && mac)
		ret = nl_put(&r, IFLA_ADDRESS, mac, 6);
	return ret ? ret : nl_talk(nl, &r);
}

/**
 * addr_len() - size of an address of @family
 * @family:	AF_INET or AF_INET6
 *
 * Return: 4, 16, or 0 for another family
 */
static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

/**
 * netlink_addr_add() - add @addr/@prefix to an interface
 * @nl:		netlink socket
 * @ifindex:	interface index
 * @family:	AF_INET or AF_INET6
 * @addr:	struct in_addr or struct in6_addr
 * @prefix:	prefix length
 * @flags:	IFA_F_* flags (IFA_F_NODAD for an IPv6 address usable at once)
 *
 * Return: 0, or -errno (-EEXIST if already there)
 */
int netlink_addr_add(int nl, int ifindex, int family, const void *addr,
		     unsigned int prefix, unsigned int flags)
{
	struct nl_req r = { 0 };
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.nh);
	size_t len = addr_len(family);
	int ret;

	if (!len || prefix > len * 8)
		return -EINVAL;
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_flags = (unsigned char)flags;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	ret = nl_put(&r, IFA_LOCAL, addr, len);
	if (!ret)
		ret = nl_put(&r, IFA_ADDRESS, addr, len);
	if (!ret && flags > 0xff)
		ret = nl_put(&r, IFA_FLAGS, &flags, sizeof(flags));
	if (!ret && family == AF_INET && prefix < 31) {
		uint32_t a, bcast;

		memcpy(&a, addr, 4);
		bcast = htonl(ntohl(a) | (0xffffffffu >> prefix));
		ret = nl_put(&r, IFA_BROADCAST, &bcast, 4);
	}
	return ret ? ret : nl_talk(nl, &r);
}

/**
 * netlink_route_add() - add a route to @dst/@prefix via @gw on @ifindex
 * @nl:		netlink socket
 * @ifindex:	interface index
 * @family:	AF_INET or AF_INET6
 * @dst:	destination, or NULL for the default route
 * @prefix:	destination prefix length (0 for the default route)
 * @gw:		gateway, or NULL for a directly connected route
 *
 * Return: 0, or -errno
 */
int netlink_route_add(int nl, int ifindex, int family, const void *dst,
		      unsigned int prefix, const void *gw)
{
	struct nl_req r = { 0 };
	struct rtmsg *rt = NLMSG_DATA(&r.nh);
	size_t len = addr_len(family);
	uint32_t oif = (uint32_t)ifindex;
	int ret;

	if (!len || prefix > len * 8 || (prefix && !dst))
		return -EINVAL;
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(*rt));
	r.nh.nlmsg_type = RTM_NEWROUTE;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rt->rtm_family = (unsigned char)family;
	rt->rtm_dst_len = (unsigned char)prefix;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rt->rtm_type = RTN_UNICAST;
	ret = nl_put(&r, RTA_OIF, &oif, sizeof(oif));
	if (!ret && dst && prefix)
		ret = nl_put(&r, RTA_DST, dst, len);
	if (!ret && gw)
		ret = nl_put(&r, RTA_GATEWAY, gw, len);
	return ret ? ret : nl_talk(nl, &r);
}
