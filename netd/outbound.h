/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outbound.h - outbound TCP joined kernel to kernel
 */
#ifndef SUBLET_NETD_OUTBOUND_H
#define SUBLET_NETD_OUTBOUND_H

#include "netd/netd.h"

/* the NFQUEUE number and the packet mark, both only in the namespace */
#define OUT_QUEUE_NUM 28745
#define OUT_MARK 0x53424c54u
/* SYNs held while their host connect() runs; beyond it, libslirp */
#define OUT_MAX_PENDING 64
/* how long a host connect() may take before libslirp gets the SYN */
#define OUT_CONNECT_MS 1000
/* how long a redirected SYN may take to reach the listener */
#define OUT_ACCEPT_MS 3000

/**
 * struct out_socks - what the setup child made in the namespace
 * @lfd:	listeners on 127.0.0.1:@port and [::1]:@port6, or -1
 * @qfd:	NFQUEUE socket (blocking, not bound yet)
 * @tfd:	the socket that owns the tables
 * @mfd:	subscribed to the namespace's ruleset notifications
 * @port:	the IPv4 listener's port
 * @port6:	the IPv6 listener's port, or 0
 */
struct out_socks {
	int lfd[2];
	int qfd;
	int tfd;
	int mfd;
	uint16_t port;
	uint16_t port6;
};

/* outsetup.c */
int out_setup(const struct netd_opts *o, struct out_socks *s);
int out_queue_bind(int fd, uint32_t *seq);
int out_verdict_send(int fd, uint32_t *seq, uint32_t id, uint32_t v, bool mark);
void out_off(int e, const char *what);
void out_off_why(const char *what, const char *why);

/* outbound.c */
int outbound_start(struct netd *n);
void outbound_bind(struct netd *n);
void outbound_stop(struct netd *n);
void outbound_free(struct netd *n);
void outbound_hand_over(struct netd *n);
bool outbound_on(const struct netd *n);

#endif /* SUBLET_NETD_OUTBOUND_H */
