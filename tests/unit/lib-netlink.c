// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-netlink.c - unit tests for lib/netlink.c, in a fresh netns */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/netlink.h"
#include "tests/unit/tap.h"

/**
 * has_addr() - does interface @name carry IPv4 address @text?
 * @name:	interface
 * @text:	dotted address
 *
 * Return: 1 if so
 */
static int has_addr(const char *name, const char *text)
{
	struct ifaddrs *ifa, *i;
	char buf[INET_ADDRSTRLEN];
	int found = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, name))
			continue;
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)i->ifa_addr)->sin_addr, buf,
			  sizeof(buf));
		found |= !strcmp(buf, text);
	}
	freeifaddrs(ifa);
	return found;
}

/**
 * make_tap() - create tap device t0 in the current netns
 *
 * Return: its fd, or -1
 */
static int make_tap(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	strcpy(ifr.ifr_name, "t0");
	if (fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int main(void)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };
	struct in_addr a, gw, net;
	struct in6_addr a6;
	struct ifreq ifr = { 0 };
	int nl, lo, t0, tap, s;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		printf("1..0 # SKIP cannot create user+net namespaces: %s\n",
		       strerror(errno));
		return 0;
	}
	nl = netlink_open();
	ok(nl >= 0, "netlink_open");
	lo = (int)if_nametoindex("lo");
	is_int(netlink_link_set(nl, lo, 1, 0, NULL), 0, "lo up");
	inet_pton(AF_INET, "10.9.0.1", &a);
	is_int(netlink_addr_add(nl, lo, AF_INET, &a, 24, 0), 0,
	       "address on lo");
	ok(has_addr("lo", "10.9.0.1"), "lo has 10.9.0.1");
	is_int(netlink_addr_add(nl, lo, AF_INET, &a, 24, 0), -EEXIST,
	       "the same address twice is -EEXIST");
	is_int(netlink_addr_add(nl, 9999, AF_INET, &a, 24, 0), -ENODEV,
	       "no such interface is -ENODEV");
	is_int(netlink_addr_add(nl, lo, AF_INET, &a, 33, 0), -EINVAL,
	       "prefix 33 refused");
	is_int(netlink_addr_add(nl, lo, AF_UNIX, &a, 8, 0), -EINVAL,
	       "unknown family refused");

	inet_pton(AF_INET6, "fd00::100", &a6);
	is_int(netlink_addr_add(nl, lo, AF_INET6, &a6, 64, IFA_F_NODAD), 0,
	       "IPv6 address without DAD");

	tap = make_tap();
	ok(tap >= 0, "tap device created");
	t0 = (int)if_nametoindex("t0");
	is_int(netlink_link_set(nl, t0, -1, 9000, mac), 0, "t0 MTU and MAC");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(ifr.ifr_name, "t0");
	ioctl(s, SIOCGIFMTU, &ifr);
	is_int(ifr.ifr_mtu, 9000, "t0 MTU is 9000");
	ioctl(s, SIOCGIFHWADDR, &ifr);
	ok(!memcmp(ifr.ifr_hwaddr.sa_data, mac, 6), "t0 MAC is set");
	inet_pton(AF_INET, "10.7.0.100", &a);
	is_int(netlink_addr_add(nl, t0, AF_INET, &a, 24, 0), 0,
	       "address on t0");
	is_int(netlink_link_set(nl, t0, 1, 0, NULL), 0, "t0 up");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ok(ifr.ifr_flags & IFF_UP, "t0 is up");
	inet_pton(AF_INET, "10.7.0.2", &gw);
	is_int(netlink_route_add(nl, t0, AF_INET, NULL, 0, &gw), 0,
	       "default route via 10.7.0.2");
	is_int(netlink_route_add(nl, t0, AF_INET, NULL, 0, &gw), -EEXIST,
	       "the same route twice is -EEXIST");
	inet_pton(AF_INET, "192.168.5.0", &net);
	is_int(netlink_route_add(nl, t0, AF_INET, &net, 24, &gw), 0,
	       "route to 192.168.5.0/24");
	inet_pton(AF_INET, "10.99.0.2", &gw);
	is_int(netlink_route_add(nl, t0, AF_INET, &net, 25, &gw), -ENETUNREACH,
	       "a gateway off the link is -ENETUNREACH");
	is_int(netlink_route_add(nl, t0, AF_INET, NULL, 8, &gw), -EINVAL,
	       "a prefix without a destination refused");
	is_int(netlink_link_set(nl, t0, 0, 0, NULL), 0, "t0 down");
	ioctl(s, SIOCGIFFLAGS, &ifr);
	ok(!(ifr.ifr_flags & IFF_UP), "t0 is down");
	close(s);
	close(tap);
	close(nl);
	return done_testing();
}
