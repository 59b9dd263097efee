/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfmsg.h - nftables and NFQUEUE netlink messages for the outbound fast path
 */
#ifndef SUBLET_NETD_NFMSG_H
#define SUBLET_NETD_NFMSG_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the name of our nftables table, in both families */
#define NFMSG_TABLE "sublet_netd"
/* messages asking for an ack in nfmsg_table(): three table, three chain
 * and four rule messages per family */
#define NFMSG_TABLE_ACKS(v6) ((v6) ? 20 : 10)
/* the raw chain's priority: before connection tracking's (-200) */
#define NFMSG_RAW_PRIO (-300)
/* the loopback device's index, the same in every network namespace */
#define NFMSG_LOOPBACK_IFINDEX 1u
/* messages asking for an ack in nfmsg_queue_config() */
#define NFMSG_QUEUE_CONFIG_ACKS 2

/**
 * struct nfmsg_table_args - what the outbound tables are made of
 * @tap:	the tap device's name (at most IFNAMSIZ - 1 bytes are used)
 * @queue:	NFQUEUE number the out chain queues to
 * @mark:	packet mark the nat chain redirects
 * @port:	the IPv4 listener's port (host order)
 * @port6:	the IPv6 listener's port, or 0 for no IPv6 table
 */
struct nfmsg_table_args {
	const char *tap;
	uint16_t queue;
	uint32_t mark;
	uint16_t port;
	uint16_t port6;
};

ssize_t nfmsg_table(void *buf, size_t size, uint32_t *seq,
		    const struct nfmsg_table_args *a);
ssize_t nfmsg_queue_config(void *buf, size_t size, uint32_t *seq,
			   uint16_t queue, uint32_t copy_range,
			   uint32_t maxlen);
ssize_t nfmsg_verdict(void *buf, size_t size, uint32_t *seq, uint16_t queue,
		      uint32_t id, uint32_t verdict, uint32_t mark);
ssize_t nfmsg_tables_dump(void *buf, size_t size, uint32_t *seq);
bool nfmsg_foreign(const struct nlmsghdr *nlh, char *what, size_t size);
bool nfmsg_packet_parse(const struct nlmsghdr *nlh, uint32_t *id,
			const uint8_t **pkt, size_t *len);

#endif /* SUBLET_NETD_NFMSG_H */
