/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - small rtnetlink requests: links, addresses, routes
 */
#ifndef SUBLET_NETLINK_H
#define SUBLET_NETLINK_H

#include <stdint.h>

int netlink_open(void);
int netlink_link_set(int nl, int ifindex, int up, unsigned int mtu,
		     const uint8_t *mac);
int netlink_addr_add(int nl, int ifindex, int family, const void *addr,
		     unsigned int prefix, unsigned int flags);
int netlink_route_add(int nl, int ifindex, int family, const void *dst,
		      unsigned int prefix, const void *gw);

#endif /* SUBLET_NETLINK_H */
