/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fpint.h - what the fast path's files share: a forward, a UDP flow, and
 * the address and UDP helpers fastpath.c calls down into
 */
#ifndef SUBLET_NETD_FPINT_H
#define SUBLET_NETD_FPINT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "netd/netd.h"

struct fp_conn;

/**
 * struct fp_flow - one UDP client
 * @peer:	the client's address
 * @plen:	its length
 * @fd:		namespace socket that sends to the guest
 * @idx:	poll slot this turn, or -1
 * @last:	netd_now_ms() of the last datagram
 * @next:	next in the forward's list
 */
struct fp_flow {
	struct sockaddr_storage peer;
	socklen_t plen;
	int fd;
	int idx;
	int64_t last;
	struct fp_flow *next;
};

/**
 * struct fp_fwd - one published port on the fast path
 * @id:		the forward's id
 * @udp:	UDP (else TCP)
 * @family:	AF_INET or AF_INET6
 * @fd:		host socket (listening for TCP)
 * @idx:	poll slot this turn, or -1
 * @guest:	guest address and port
 * @glen:	its length
 * @conns:	TCP connections
 * @flows:	UDP flows
 * @nflows:	entries in @flows
 * @next:	next forward
 */
struct fp_fwd {
	int id;
	bool udp;
	int family;
	int fd;
	int idx;
	struct sockaddr_storage guest;
	socklen_t glen;
	struct fp_conn *conns;
	struct fp_flow *flows;
	size_t nflows;
	struct fp_fwd *next;
};

/* fpaddr.c */
socklen_t fp_sockaddr(int family, const struct in6_addr *addr, uint16_t port,
		      struct sockaddr_storage *ss);
void fp_bind_source(int fd, const struct sockaddr_storage *peer);

/* fpudp.c */
void fpudp_fill(struct netd *n, struct fp_fwd *w);
void fpudp_handle(struct netd *n, struct fp_fwd *w);
int fpudp_timeout(const struct fp_fwd *w, int timeout);
void fpudp_close_all(struct netd *n, struct fp_fwd *w);

#endif /* SUBLET_NETD_FPINT_H */
