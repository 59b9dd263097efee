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

int outbound_start(struct netd *n);
void outbound_bind(struct netd *n);
void outbound_stop(struct netd *n);

#endif /* SUBLET_NETD_OUTBOUND_H */
