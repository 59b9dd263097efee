// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * outbound.c - outbound TCP joined kernel to kernel (--outbound-fastpath)
 *
 * DOC: Theory of Operation
 * A TCP connection from the namespace to the host or beyond normally
 * goes through libslirp's TCP stack, which has no window scaling: the
 * namespace's kernel never has more than 64 KiB in flight, and every
 * byte waits for a turn of our loop.  The outbound fast path lets the
 * namespace's kernel talk TCP to a socket of ours in the namespace
 * instead, and joins that socket to a host socket with fastpath.c's
 * splice machinery, as published ports are.
 *
 * Setup, before the sandbox: a forked child joins the target's user and
 * network namespaces (with its capabilities there), makes a listener on
 * 127.0.0.1:P (port 0, so the kernel picks P; with -6 also one on [::1]),
 * a NETLINK_NETFILTER socket for NFQUEUE, and a second one on which it
 * installs, in one nf_tables batch, the table "ip sublet_netd" (and with
 * -6 the same "ip6 sublet_netd" for the [::1] listener), replacing old
 * ones:
 *
 *   chain out (filter, hook output, priority -200):
 *     oifname TAP, meta l4proto tcp, tcp flags & (syn|ack) == syn,
 *     meta mark 0 -> NFQUEUE num OUT_QUEUE_NUM bypass
 *   chain nat (nat, hook output, priority -100):
 *     meta mark OUT_MARK, meta l4proto tcp -> redirect to :P
 *
 * Kernels built without CONFIG_NFT_QUEUE have no native nft queue
 * expression, so the queue is the xtables NFQUEUE target (revision 3)
 * through nft_compat, which such kernels may still have.
 * The table carries NFT_TABLE_F_OWNER: it lives exactly as long as the
 * netlink socket that made it.  The child hands its sockets to
 * sublet-netd and exits; sublet-netd keeps the table's socket open and
 * never writes to it, so the table goes away when sublet-netd exits,
 * cleanly or killed, and a later SYN leaves through the tap untouched.
 * Until then, "bypass" lets SYNs through unmarked when nobody reads the
 * queue.  Any failure on the way prints one line and leaves outbound TCP
 * to libslirp.
 *
 * For each queued SYN (a connection's first packet, held by the kernel),
 * the destination is mapped as libslirp maps it: the gateway (network+2,
 * fd00::2) is the host's loopback (unless --disable-host-loopback),
 * anything else in the virtual networks (DNS and the rest) stays with
 * libslirp, and any other address is itself.  A non-blocking connect()
 * to it starts, bound to --outbound-addr(6) when given.  Once it connects, the SYN is accepted
 * with OUT_MARK, the nat chain redirects it to P, the listener accepts
 * it, and the accepted socket is matched to the held entry by the
 * guest's address and port and handed with the host socket to
 * fp_join().  When the connect fails or takes OUT_CONNECT_MS, the SYN is
 * accepted unmarked: it goes out of the tap, and libslirp connects and
 * answers as it always does (a refusal becomes a reset).  A retransmitted
 * SYN of a held one is dropped; a connection to P that nothing waits for
 * is reset.  At most OUT_MAX_PENDING SYNs are held; the queue itself is
 * as long and fails open beyond it.
 *
 * NFQUEUE asks for CAP_NET_ADMIN over the namespace's user namespace from
 * both the socket's opener (the child) and each sender: sublet-netd
 * configures the queue and sends verdicts itself, which it may when it
 * owns that user namespace.  A verdict that cannot be sent turns the fast
 * path off (its table goes with the socket).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/outbound.h"

#define OUT_TABLE "sublet_netd"
#define OUT_COPY_RANGE 80
#define OUT_NL_TIMEOUT_S 2
#define OUT_RECV_BATCH 32

/**
 * struct out_reply - what the setup child sends with each socket
 * @err:	0, or a positive errno
 * @port:	the IPv4 listener's port P
 * @port6:	the IPv6 listener's port, when @v6
 * @v6:		an IPv6 listener and table too (a fourth socket follows)
 * @msg:	what failed, when @err
 */
struct out_reply {
	int err;
	uint16_t port;
	uint16_t port6;
	bool v6;
	char msg[160];
};

/**
 * struct out_pend - a held SYN, or a redirected one not yet accepted
 * @used:	slot in use
 * @marked:	the SYN went on with OUT_MARK: waiting for accept()
 * @id:		the packet's NFQUEUE id
 * @family:	AF_INET or AF_INET6
 * @src:	the guest's address (4 or 16 bytes)
 * @sport:	the guest's port (network order)
 * @fd:		the host socket
 * @idx:	poll slot this turn, or -1
 * @deadline:	netd_now_ms() by which the step must be done
 */
struct out_pend {
	bool used;
	bool marked;
	uint32_t id;
	int family;
	uint8_t src[16];
	uint16_t sport;
	int fd;
	int idx;
	int64_t deadline;
};

/**
 * struct out_state - the outbound fast path
 * @lfd:	listeners on 127.0.0.1:P and [::1]:P6 in the namespace, or -1
 * @qfd:	NFQUEUE socket (in the namespace)
 * @tfd:	the socket that owns the tables
 * @lidx:	@lfd's poll slots this turn, or -1
 * @qidx:	@qfd's poll slot this turn, or -1
 * @pend:	held SYNs
 */
struct out_state {
	int lfd[2], qfd, tfd;
	int lidx[2], qidx;
	struct out_pend pend[OUT_MAX_PENDING];
};

static struct out_state st = { .lfd = { -1, -1 }, .qfd = -1, .tfd = -1 };

/**
 * nf_msg() - start a nfnetlink message in a batch
 * @b:		batch
 * @type:	message type, subsystem included
 * @flags:	flags besides NLM_F_REQUEST
 * @family:	nfgenmsg family
 * @res_id:	nfgenmsg res_id (host order)
 *
 * Return: the message, to add attributes to
 */
static struct nlmsghdr *nf_msg(struct mnl_nlmsg_batch *b, uint16_t type,
			       uint16_t flags, uint8_t family, uint16_t res_id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
	struct nfgenmsg *g;
	static uint32_t seq;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
	return nlh;
}

/**
 * nft_msg() - start an nf_tables message for our table
 * @b:		batch
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @type:	NFT_MSG_*
 * @flags:	flags besides NLM_F_REQUEST and NLM_F_ACK
 *
 * Return: the message, the table's name already in it
 */
static struct nlmsghdr *nft_msg(struct mnl_nlmsg_batch *b, uint8_t family,
				uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nf_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | type,
				      flags | NLM_F_ACK, family, 0);

	/* NFTA_TABLE_NAME, NFTA_CHAIN_TABLE and NFTA_RULE_TABLE are all 1 */
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, OUT_TABLE);
	return nlh;
}

/**
 * nfq_attr_cb() - collect an NFQUEUE message's attributes
 * @a:		attribute
 * @data:	table of NFQA_MAX + 1 pointers
 *
 * Return: MNL_CB_OK
 */
static int nfq_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type <= NFQA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

/**
 * packet_parse() - the id and payload of a queued packet's message
 * @nlh:	a message from the queue socket
 * @id:		the packet id, written
 * @pkt:	its payload (from the IP header), or NULL, written
 * @len:	the payload's length, written
 *
 * Return: true when @nlh is a queued packet
 */
static bool packet_parse(const struct nlmsghdr *nlh, uint32_t *id,
			 const uint8_t **pkt, size_t *len)
{
	const struct nlattr *tb[NFQA_MAX + 1] = { 0 };
	const struct nfqnl_msg_packet_hdr *ph;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET))
		return false;
	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), nfq_attr_cb, tb);
	if (!tb[NFQA_PACKET_HDR] ||
	    mnl_attr_get_payload_len(tb[NFQA_PACKET_HDR]) < sizeof(*ph))
		return false;
	ph = mnl_attr_get_payload(tb[NFQA_PACKET_HDR]);
	*id = ntohl(ph->packet_id);
	*pkt = tb[NFQA_PAYLOAD] ? mnl_attr_get_payload(tb[NFQA_PAYLOAD]) : NULL;
	*len = tb[NFQA_PAYLOAD] ? mnl_attr_get_payload_len(tb[NFQA_PAYLOAD])
				: 0;
	return true;
}

/**
 * verdict_send() - let a queued packet go on, or drop it
 * @fd:		queue socket
 * @id:		packet id
 * @v:		NF_ACCEPT or NF_DROP
 * @mark:	set OUT_MARK (redirect it to the listener)
 *
 * The kernel reports a refused verdict later, as an error message on @fd.
 *
 * Return: 0, or -errno when it could not be sent
 */
static int verdict_send(int fd, uint32_t id, uint32_t v, bool mark)
{
	char buf[128];
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	struct nfqnl_msg_verdict_hdr vh = { .verdict = htonl(v),
					    .id = htonl(id) };
	struct nlmsghdr *nlh;
	int ret = 0;

	nlh = nf_msg(b, (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT, 0,
		     AF_UNSPEC, OUT_QUEUE_NUM);
	mnl_attr_put(nlh, NFQA_VERDICT_HDR, sizeof(vh), &vh);
	if (mark)
		mnl_attr_put_u32(nlh, NFQA_MARK, htonl(OUT_MARK));
	if (send(fd, nlh, nlh->nlmsg_len, 0) < 0)
		ret = -errno;
	mnl_nlmsg_batch_stop(b);
	return ret;
}

/**
 * nl_acks() - wait for @count acknowledgements on netlink socket @fd
 * @fd:		netlink socket (blocking)
 * @count:	messages sent with NLM_F_ACK
 *
 * A packet queued meanwhile (the queue socket, once bound) goes on
 * unmarked, to libslirp.
 *
 * Return: 0, or the first error (-errno)
 */
static int nl_acks(int fd, unsigned int count)
{
	struct timeval tv = { .tv_sec = OUT_NL_TIMEOUT_S };
	char buf[8192];
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	const uint8_t *pkt;
	uint32_t id;
	size_t plen;
	ssize_t r;
	int len;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (count) {
		r = recv(fd, buf, sizeof(buf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		len = (int)r;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (packet_parse(nlh, &id, &pkt, &plen))
				verdict_send(fd, id, NF_ACCEPT, false);
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
 * put_data() - a nested NFTA_DATA_VALUE attribute
 * @nlh:	message
 * @type:	attribute holding it
 * @data:	bytes
 * @len:	their length
 */
static void put_data(struct nlmsghdr *nlh, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, NFTA_DATA_VALUE, len, data);
	mnl_attr_nest_end(nlh, nest);
}

/**
 * struct expr_nest - the open attributes of an expression being written
 * @elem:	its NFTA_LIST_ELEM
 * @data:	its NFTA_EXPR_DATA
 */
struct expr_nest {
	struct nlattr *elem, *data;
};

/**
 * expr_begin() - start expression @name in a rule's NFTA_RULE_EXPRESSIONS
 * @nlh:	rule message
 * @name:	expression type ("meta", "cmp", ...)
 *
 * Return: the nests for expr_end(); the caller adds the data attributes
 */
static struct expr_nest expr_begin(struct nlmsghdr *nlh, const char *name)
{
	struct expr_nest x;

	x.elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, name);
	x.data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	return x;
}

/**
 * expr_end() - close an expression started by expr_begin()
 * @nlh:	rule message
 * @x:		its nests
 */
static void expr_end(struct nlmsghdr *nlh, struct expr_nest x)
{
	mnl_attr_nest_end(nlh, x.data);
	mnl_attr_nest_end(nlh, x.elem);
}

/**
 * expr_cmp_eq() - "register 1 == DATA"
 * @nlh:	rule message, inside NFTA_RULE_EXPRESSIONS
 * @data:	value
 * @len:	its length
 */
static void expr_cmp_eq(struct nlmsghdr *nlh, const void *data, size_t len)
{
	struct expr_nest x = expr_begin(nlh, "cmp");

	mnl_attr_put_u32(nlh, NFTA_CMP_SREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_CMP_OP, htonl(NFT_CMP_EQ));
	put_data(nlh, NFTA_CMP_DATA, data, len);
	expr_end(nlh, x);
}

/**
 * expr_meta_cmp() - "meta KEY == DATA" as two expressions
 * @nlh:	rule message, inside NFTA_RULE_EXPRESSIONS
 * @key:	NFT_META_*
 * @data:	value as the register holds it
 * @len:	its length
 */
static void expr_meta_cmp(struct nlmsghdr *nlh, uint32_t key, const void *data,
			  size_t len)
{
	struct expr_nest x;

	x = expr_begin(nlh, "meta");
	mnl_attr_put_u32(nlh, NFTA_META_KEY, htonl(key));
	mnl_attr_put_u32(nlh, NFTA_META_DREG, htonl(NFT_REG_1));
	expr_end(nlh, x);
	expr_cmp_eq(nlh, data, len);
}

/**
 * expr_syn_only() - "tcp flags & (syn|ack) == syn"
 * @nlh:	rule message, inside NFTA_RULE_EXPRESSIONS
 */
static void expr_syn_only(struct nlmsghdr *nlh)
{
	uint8_t mask = TH_SYN | TH_ACK, zero = 0, syn = TH_SYN;
	struct expr_nest x;

	x = expr_begin(nlh, "payload");
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_BASE,
			 htonl(NFT_PAYLOAD_TRANSPORT_HEADER));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_OFFSET, htonl(13));
	mnl_attr_put_u32(nlh, NFTA_PAYLOAD_LEN, htonl(1));
	expr_end(nlh, x);
	x = expr_begin(nlh, "bitwise");
	mnl_attr_put_u32(nlh, NFTA_BITWISE_SREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_BITWISE_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_BITWISE_LEN, htonl(1));
	put_data(nlh, NFTA_BITWISE_MASK, &mask, 1);
	put_data(nlh, NFTA_BITWISE_XOR, &zero, 1);
	expr_end(nlh, x);
	expr_cmp_eq(nlh, &syn, 1);
}

/**
 * expr_nfqueue() - the xtables NFQUEUE target, with bypass
 * @nlh:	rule message, inside NFTA_RULE_EXPRESSIONS
 */
static void expr_nfqueue(struct nlmsghdr *nlh)
{
	union {
		struct xt_NFQ_info_v3 v3;
		uint64_t aligned; /* XT_ALIGN()ed size */
	} info = { .v3 = { .queuenum = OUT_QUEUE_NUM,
			   .queues_total = 1,
			   .flags = NFQ_FLAG_BYPASS } };
	struct expr_nest x;

	x = expr_begin(nlh, "target");
	mnl_attr_put_strz(nlh, NFTA_TARGET_NAME, "NFQUEUE");
	mnl_attr_put_u32(nlh, NFTA_TARGET_REV, htonl(3));
	mnl_attr_put(nlh, NFTA_TARGET_INFO, sizeof(info), &info);
	expr_end(nlh, x);
}

/**
 * expr_redirect() - "redirect to :@port"
 * @nlh:	rule message, inside NFTA_RULE_EXPRESSIONS
 * @port:	port (host order)
 */
static void expr_redirect(struct nlmsghdr *nlh, uint16_t port)
{
	uint16_t p = htons(port);
	struct expr_nest x;

	x = expr_begin(nlh, "immediate");
	mnl_attr_put_u32(nlh, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_1));
	put_data(nlh, NFTA_IMMEDIATE_DATA, &p, sizeof(p));
	expr_end(nlh, x);
	x = expr_begin(nlh, "redir");
	mnl_attr_put_u32(nlh, NFTA_REDIR_REG_PROTO_MIN, htonl(NFT_REG_1));
	mnl_attr_put_u32(nlh, NFTA_REDIR_FLAGS,
			 htonl(NF_NAT_RANGE_PROTO_SPECIFIED));
	expr_end(nlh, x);
}

/**
 * put_chain() - a base chain on the output hook
 * @b:		batch
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @name:	chain name
 * @type:	"filter" or "nat"
 * @prio:	hook priority
 */
static void put_chain(struct mnl_nlmsg_batch *b, uint8_t family,
		      const char *name, const char *type, int32_t prio)
{
	struct nlmsghdr *nlh =
		nft_msg(b, family, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	struct nlattr *hook;

	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, name);
	hook = mnl_attr_nest_start(nlh, NFTA_CHAIN_HOOK);
	mnl_attr_put_u32(nlh, NFTA_HOOK_HOOKNUM, htonl(NF_INET_LOCAL_OUT));
	mnl_attr_put_u32(nlh, NFTA_HOOK_PRIORITY, htonl((uint32_t)prio));
	mnl_attr_nest_end(nlh, hook);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_TYPE, type);
	mnl_attr_put_u32(nlh, NFTA_CHAIN_POLICY, htonl(NF_ACCEPT));
	mnl_nlmsg_batch_next(b);
}

/**
 * rule_begin() - start a rule in chain @chain
 * @b:		batch
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @chain:	chain name
 * @exprs:	NFTA_RULE_EXPRESSIONS nest, written
 *
 * Return: the message
 */
static struct nlmsghdr *rule_begin(struct mnl_nlmsg_batch *b, uint8_t family,
				   const char *chain, struct nlattr **exprs)
{
	struct nlmsghdr *nlh = nft_msg(b, family, NFT_MSG_NEWRULE,
				       NLM_F_CREATE | NLM_F_APPEND);

	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	*exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	return nlh;
}

/**
 * put_table() - our table of one family, its chains and rules
 * @b:		batch
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @ifname:	tap device name, IFNAMSIZ bytes
 * @port:	the listener's port for this family
 */
static void put_table(struct mnl_nlmsg_batch *b, uint8_t family,
		      const char ifname[IFNAMSIZ], uint16_t port)
{
	uint32_t zero = 0, mark = OUT_MARK;
	uint8_t tcp = IPPROTO_TCP;
	struct nlmsghdr *nlh;
	struct nlattr *ex;

	/* create-if-missing, delete, create: drops an old table of ours */
	nft_msg(b, family, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	mnl_nlmsg_batch_next(b);
	nft_msg(b, family, NFT_MSG_DELTABLE, 0);
	mnl_nlmsg_batch_next(b);
	nlh = nft_msg(b, family, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	mnl_attr_put_u32(nlh, NFTA_TABLE_FLAGS, htonl(NFT_TABLE_F_OWNER));
	mnl_nlmsg_batch_next(b);
	put_chain(b, family, "out", "filter", -200);
	put_chain(b, family, "nat", "nat", -100);
	nlh = rule_begin(b, family, "out", &ex);
	expr_meta_cmp(nlh, NFT_META_OIFNAME, ifname, IFNAMSIZ);
	expr_meta_cmp(nlh, NFT_META_L4PROTO, &tcp, 1);
	expr_syn_only(nlh);
	expr_meta_cmp(nlh, NFT_META_MARK, &zero, sizeof(zero));
	expr_nfqueue(nlh);
	mnl_attr_nest_end(nlh, ex);
	mnl_nlmsg_batch_next(b);
	nlh = rule_begin(b, family, "nat", &ex);
	expr_meta_cmp(nlh, NFT_META_MARK, &mark, sizeof(mark));
	expr_meta_cmp(nlh, NFT_META_L4PROTO, &tcp, 1);
	expr_redirect(nlh, port);
	mnl_attr_nest_end(nlh, ex);
	mnl_nlmsg_batch_next(b);
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
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	char ifname[IFNAMSIZ] = { 0 };
	ssize_t w;

	snprintf(ifname, sizeof(ifname), "%s", tap);
	nf_msg(b, NFNL_MSG_BATCH_BEGIN, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	mnl_nlmsg_batch_next(b);
	put_table(b, NFPROTO_IPV4, ifname, port);
	if (port6)
		put_table(b, NFPROTO_IPV6, ifname, port6);
	nf_msg(b, NFNL_MSG_BATCH_END, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	mnl_nlmsg_batch_next(b);
	w = send(fd, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0);
	mnl_nlmsg_batch_stop(b);
	if (w < 0)
		return -errno;
	/* per table: three table, two chain, two rule messages */
	return nl_acks(fd, port6 ? 14 : 7);
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
 */
static void __attribute__((noreturn))
child_fail(int sock, int e, const char *what)
{
	struct out_reply r = { .err = e };

	snprintf(r.msg, sizeof(r.msg), "%s", what);
	if (write(sock, &r, sizeof(r)) < 0)
		_exit(2);
	_exit(1);
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
	int fds[4], i, ret;

	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		child_fail(sock, errno, "cannot join the user namespace");
	if (setns(netns, CLONE_NEWNET) < 0)
		child_fail(sock, errno, "cannot join the network namespace");
	fds[0] = listener_open(AF_INET, &r.port);
	if (fds[0] < 0)
		child_fail(sock, -fds[0], "listener");
	for (i = 1; i < 3; i++) {
		fds[i] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
				NETLINK_NETFILTER);
		if (fds[i] < 0)
			child_fail(sock, errno, "netfilter netlink socket");
	}
	/* IPv6 when the namespace has it: else IPv6 stays with libslirp */
	fds[3] = o->enable_ipv6 ? listener_open(AF_INET6, &r.port6) : -1;
	r.v6 = fds[3] >= 0;
	ret = table_install(fds[2], o->tapname, r.port, r.v6 ? r.port6 : 0);
	if (ret < 0)
		child_fail(sock, -ret, "nftables table " OUT_TABLE);
	for (i = 0; i < (r.v6 ? 4 : 3); i++)
		if (fd_send(sock, fds[i], &r, sizeof(r)) < 0)
			_exit(2);
	_exit(0);
}

/**
 * queue_config() - bind the queue and ask for headers only
 * @fd:		NFQUEUE socket (blocking)
 *
 * Return: 0, or -errno
 */
static int queue_config(int fd)
{
	static char buf[1024];
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params par = {
		.copy_range = htonl(OUT_COPY_RANGE),
		.copy_mode = NFQNL_COPY_PACKET,
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	uint16_t type = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_CONFIG;
	struct nlmsghdr *nlh;
	ssize_t w;

	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	nlh = nf_msg(b, type, NLM_F_ACK, AF_UNSPEC, OUT_QUEUE_NUM);
	mnl_attr_put(nlh, NFQA_CFG_CMD, sizeof(cmd), &cmd);
	mnl_nlmsg_batch_next(b);
	nlh = nf_msg(b, type, NLM_F_ACK, AF_UNSPEC, OUT_QUEUE_NUM);
	mnl_attr_put(nlh, NFQA_CFG_PARAMS, sizeof(par), &par);
	mnl_attr_put_u32(nlh, NFQA_CFG_QUEUE_MAXLEN, htonl(OUT_MAX_PENDING));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_nlmsg_batch_next(b);
	w = send(fd, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b), 0);
	mnl_nlmsg_batch_stop(b);
	if (w < 0)
		return -errno;
	return nl_acks(fd, 2);
}

/**
 * off() - print the one line saying why the fast path is off
 * @e:		positive errno
 * @what:	what failed
 */
static void off(int e, const char *what)
{
	warn("outbound fast path off: %s: %s; outbound TCP through libslirp",
	     what, strerror(e));
}

/**
 * setup_run() - fork the setup child and take its sockets
 * @o:		options
 * @fds:	IPv4 listener, queue socket, table socket, IPv6 listener or
 *		-1, written on success
 * @r:		the child's reply (ports), written on success
 *
 * Return: 0, or -errno (the one line printed)
 */
static int setup_run(const struct netd_opts *o, int fds[4], struct out_reply *r)
{
	_cleanup_close_ int netns = -1, userns = -1, s0 = -1;
	int i, n = 3, status, ret = 0;
	pid_t pid;

	netns = ns_open_netns(o);
	if (netns < 0 || ns_open_userns(o, &userns) < 0)
		return -EINVAL;
	pid = fork_with_socket(&s0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		setup_child(o, userns, netns, s0);
	for (i = 0; i < 4; i++)
		fds[i] = -1;
	for (i = 0; i < n && !ret; i++) {
		memset(r, 0, sizeof(*r));
		ret = fd_recv(s0, &fds[i], r, sizeof(*r));
		if (ret >= 0 && !r->err) {
			ret = 0;
			n = r->v6 ? 4 : 3;
		} else if (r->err) {
			off(r->err, r->msg);
			ret = -r->err;
		} else {
			off(-ret, "setup child");
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret < 0) {
		for (i = 0; i < 4; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	return ret;
}

static const struct poller_ops outbound_ops;

/**
 * outbound_start() - --outbound-fastpath: tables, listeners, sockets
 * @n:		instance (tap up)
 *
 * Before the sandbox.  Until outbound_bind() binds the queue, SYNs pass
 * it unmarked (bypass).  Failures print one line and leave outbound TCP
 * to libslirp.
 *
 * Return: 0 (also when the fast path is off)
 */
int outbound_start(struct netd *n)
{
	struct out_reply r = { 0 };
	int fds[4], i;

	st.lidx[0] = st.lidx[1] = st.qidx = -1;
	for (i = 0; i < OUT_MAX_PENDING; i++)
		st.pend[i] = (struct out_pend){ .fd = -1, .idx = -1 };
	if (!n->o->outbound_fastpath)
		return 0;
	if (poller_register(&n->poller, &outbound_ops, n) < 0) {
		off(ENOSPC, "main loop");
		return 0;
	}
	if (setup_run(n->o, fds, &r) < 0)
		return 0;
	st.lfd[0] = fds[0];
	st.qfd = fds[1];
	st.tfd = fds[2];
	st.lfd[1] = fds[3];
	debug("outbound fast path: listeners 127.0.0.1:%u, [::1]:%u", r.port,
	      r.port6);
	return 0;
}

/**
 * outbound_bind() - bind the queue, with the rights sublet-netd runs with
 * @n:		instance
 *
 * After the sandbox, before seccomp: sublet-netd itself configures the
 * queue and sends every verdict, so a refusal here (EPERM: no
 * CAP_NET_ADMIN over the namespace's user namespace, which
 * --enable-sandbox drops) means the verdicts would be refused too; the
 * fast path is then off, its tables gone with their socket.
 */
void outbound_bind(struct netd *n)
{
	int ret;

	if (st.qfd < 0)
		return;
	ret = queue_config(st.qfd);
	if (ret < 0) {
		off(-ret, n->o->enable_sandbox ? "NFQUEUE (--enable-sandbox)"
					       : "NFQUEUE");
		outbound_stop(n);
		return;
	}
	fcntl(st.qfd, F_SETFL, fcntl(st.qfd, F_GETFL) | O_NONBLOCK);
}

/**
 * pend_close() - free a slot, closing its host socket (with a reset)
 * @n:		instance
 * @p:		slot
 */
static void pend_close(struct netd *n, struct out_pend *p)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (p->fd >= 0) {
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		poller_close(&n->poller, p->fd);
	}
	*p = (struct out_pend){ .fd = -1, .idx = -1 };
}

/**
 * outbound_stop() - close everything: the tables go with their socket
 * @n:		instance
 */
void outbound_stop(struct netd *n)
{
	int i;

	for (i = 0; i < OUT_MAX_PENDING; i++)
		if (st.pend[i].used)
			pend_close(n, &st.pend[i]);
	poller_close(&n->poller, steal_fd(&st.lfd[0]));
	poller_close(&n->poller, steal_fd(&st.lfd[1]));
	poller_close(&n->poller, steal_fd(&st.qfd));
	if (st.tfd >= 0)
		close(st.tfd);
	st.tfd = -1;
}

/**
 * verdict() - let a queued packet go on, or drop it
 * @n:		instance
 * @id:		packet id
 * @v:		NF_ACCEPT or NF_DROP
 * @mark:	set OUT_MARK (redirect it to the listener)
 *
 * A verdict that cannot be sent turns the fast path off.
 */
static void verdict(struct netd *n, uint32_t id, uint32_t v, bool mark)
{
	int ret = verdict_send(st.qfd, id, v, mark);

	if (ret < 0) {
		off(-ret, "verdict");
		outbound_stop(n);
	}
}

/**
 * in_vnet6() - is @a in libslirp's IPv6 network, fd00::/64?
 * @a:		address
 *
 * Return: true when it is
 */
static bool in_vnet6(const struct in6_addr *a)
{
	static const uint8_t pfx[8] = { 0xfd, 0 };

	return !memcmp(a->s6_addr, pfx, sizeof(pfx));
}

/**
 * host_addr() - where libslirp would connect for a guest's destination
 * @o:		options
 * @family:	AF_INET or AF_INET6
 * @dst:	destination address (4 or 16 bytes)
 * @port:	destination port (network order)
 * @sa:		the host address, written
 *
 * The gateway (network+2, fd00::2) is the host's loopback unless
 * --disable-host-loopback; the rest of the virtual network (DNS
 * included) and addresses no host socket should reach stay with libslirp.
 *
 * Return: the length of @sa, or 0 for libslirp
 */
static socklen_t host_addr(const struct netd_opts *o, int family,
			   const uint8_t *dst, uint16_t port,
			   struct sockaddr_storage *sa)
{
	struct sockaddr_in6 *s6 = (void *)sa;
	struct sockaddr_in *s4 = (void *)sa;
	struct in6_addr a6, gw6 = { .s6_addr = { 0xfd, [15] = 2 } };
	struct in_addr a4;
	uint32_t d;

	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		memcpy(&a4, dst, 4);
		d = ntohl(a4.s_addr);
		if ((a4.s_addr & o->vnetmask.s_addr) == o->vnetwork.s_addr) {
			if (a4.s_addr != netd_addr(o, 2).s_addr ||
			    o->disable_host_loopback)
				return 0;
			a4.s_addr = htonl(INADDR_LOOPBACK);
		} else if (IN_MULTICAST(d) || d == INADDR_BROADCAST || !d ||
			   (d >> 24) == 127) {
			return 0;
		}
		s4->sin_family = AF_INET;
		s4->sin_addr = a4;
		s4->sin_port = port;
		return sizeof(*s4);
	}
	memcpy(&a6, dst, 16);
	if (in_vnet6(&a6)) {
		if (!IN6_ARE_ADDR_EQUAL(&a6, &gw6) || o->disable_host_loopback)
			return 0;
		a6 = in6addr_loopback;
	} else if (IN6_IS_ADDR_MULTICAST(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
		   IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6) ||
		   IN6_IS_ADDR_V4MAPPED(&a6)) {
		return 0;
	}
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = a6;
	s6->sin6_port = port;
	return sizeof(*s6);
}

/**
 * host_connect() - start a non-blocking connect() to @sa
 * @o:		options (--outbound-addr, --outbound-addr6)
 * @sa:		host address
 * @len:	its length
 *
 * Return: the socket, or -errno
 */
static int host_connect(const struct netd_opts *o,
			const struct sockaddr_storage *sa, socklen_t len)
{
	struct sockaddr_storage b = { 0 };
	socklen_t blen = 0;
	int fd, e;

	if (sa->ss_family == AF_INET && o->have_outbound) {
		memcpy(&b, &o->outbound, sizeof(o->outbound));
		((struct sockaddr_in *)&b)->sin_port = 0;
		blen = sizeof(o->outbound);
	} else if (sa->ss_family == AF_INET6 && o->have_outbound6) {
		memcpy(&b, &o->outbound6, sizeof(o->outbound6));
		((struct sockaddr_in6 *)&b)->sin6_port = 0;
		blen = sizeof(o->outbound6);
	}
	fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (blen && bind(fd, (struct sockaddr *)&b, blen) < 0)
		goto fail;
	if (connect(fd, (const struct sockaddr *)sa, len) < 0 &&
	    errno != EINPROGRESS)
		goto fail;
	return fd;
fail:
	e = errno;
	close(fd);
	return -e;
}

/**
 * pend_find() - the slot of the guest's address and port
 * @family:	AF_INET or AF_INET6
 * @src:	guest address (4 or 16 bytes)
 * @sport:	guest port (network order)
 *
 * Return: the slot, or NULL
 */
static struct out_pend *pend_find(int family, const uint8_t *src,
				  uint16_t sport)
{
	size_t alen = family == AF_INET ? 4 : 16;
	int i;

	for (i = 0; i < OUT_MAX_PENDING; i++)
		if (st.pend[i].used && st.pend[i].family == family &&
		    st.pend[i].sport == sport &&
		    !memcmp(st.pend[i].src, src, alen))
			return &st.pend[i];
	return NULL;
}

/**
 * pend_free() - an unused slot
 *
 * Return: the slot, or NULL when all are held
 */
static struct out_pend *pend_free(void)
{
	int i;

	for (i = 0; i < OUT_MAX_PENDING; i++)
		if (!st.pend[i].used)
			return &st.pend[i];
	return NULL;
}

/**
 * syn_parse() - the family, addresses and ports of a queued SYN
 * @pkt:	the packet from its IP header
 * @len:	bytes in @pkt
 * @p:		family, src and sport written
 * @dst:	destination address, written (4 or 16 bytes)
 * @dport:	destination port (network order), written
 *
 * Return: true for a TCP packet of either family without IPv6 extension
 * headers
 */
static bool syn_parse(const uint8_t *pkt, size_t len, struct out_pend *p,
		      uint8_t dst[16], uint16_t *dport)
{
	struct tcphdr th;
	size_t hl;

	if (len >= 20 && pkt[0] >> 4 == 4 && pkt[9] == IPPROTO_TCP) {
		p->family = AF_INET;
		hl = (size_t)(pkt[0] & 0xf) * 4;
		memcpy(p->src, pkt + 12, 4);
		memcpy(dst, pkt + 16, 4);
	} else if (len >= 40 && pkt[0] >> 4 == 6 && pkt[6] == IPPROTO_TCP) {
		p->family = AF_INET6;
		hl = 40;
		memcpy(p->src, pkt + 8, 16);
		memcpy(dst, pkt + 24, 16);
	} else {
		return false;
	}
	if (hl < 20 || len < hl + sizeof(th))
		return false;
	memcpy(&th, pkt + hl, sizeof(th));
	p->sport = th.source;
	*dport = th.dest;
	return true;
}

/**
 * syn_take() - decide what to do with a queued SYN
 * @n:		instance
 * @id:		packet id
 * @pkt:	the packet from its IP header (OUT_COPY_RANGE bytes at most)
 * @len:	bytes in @pkt
 */
static void syn_take(struct netd *n, uint32_t id, const uint8_t *pkt,
		     size_t len)
{
	struct out_pend q = { .fd = -1, .idx = -1 }, *p;
	struct sockaddr_storage sa;
	uint8_t dst[16];
	uint16_t dport;
	socklen_t salen;

	if (!syn_parse(pkt, len, &q, dst, &dport) ||
	    (q.family == AF_INET6 && st.lfd[1] < 0))
		goto fallback;
	p = pend_find(q.family, q.src, q.sport);
	if (p) { /* a retransmission: the first is still held, or redirected */
		verdict(n, id, p->marked ? NF_ACCEPT : NF_DROP, false);
		return;
	}
	p = pend_free();
	salen = host_addr(n->o, q.family, dst, dport, &sa);
	if (!p || !salen)
		goto fallback;
	q.fd = host_connect(n->o, &sa, salen);
	if (q.fd < 0)
		goto fallback; /* libslirp tries, and answers the guest */
	q.used = true;
	q.id = id;
	q.deadline = netd_now_ms() + OUT_CONNECT_MS;
	*p = q;
	return;
fallback:
	verdict(n, id, NF_ACCEPT, false);
}

/**
 * queue_read() - take the SYNs waiting on the queue socket
 * @n:		instance
 *
 * An error message there is a verdict the kernel refused: the fast path
 * turns off (held SYNs are dropped with the socket; their retries go to
 * libslirp).
 */
static void queue_read(struct netd *n)
{
	static char buf[16384];
	const struct nlmsgerr *e;
	struct nlmsghdr *nlh;
	const uint8_t *pkt;
	uint32_t id;
	size_t plen;
	ssize_t r;
	int i, len;

	for (i = 0; i < OUT_RECV_BATCH && st.qfd >= 0; i++) {
		r = recv(st.qfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r < 0) { /* ENOBUFS: lost ones come again as retries */
			debug("outbound: queue: %s", strerror(errno));
			continue;
		}
		len = (int)r;
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, len) && st.qfd >= 0;
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				e = mnl_nlmsg_get_payload(nlh);
				if (e->error) {
					off(-e->error, "verdict");
					outbound_stop(n);
				}
			} else if (packet_parse(nlh, &id, &pkt, &plen)) {
				if (pkt)
					syn_take(n, id, pkt, plen);
				else
					verdict(n, id, NF_ACCEPT, false);
			}
		}
	}
}

/**
 * pend_connected() - a held SYN's host connect() finished (or failed)
 * @n:		instance
 * @p:		slot
 */
static void pend_connected(struct netd *n, struct out_pend *p)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e) {
		verdict(n, p->id, NF_ACCEPT, false);
		pend_close(n, p);
		return;
	}
	p->marked = true;
	p->deadline = netd_now_ms() + OUT_ACCEPT_MS;
	verdict(n, p->id, NF_ACCEPT, true);
}

/**
 * accept_one() - accept a redirected connection and join it
 * @n:		instance
 * @lfd:	listener
 *
 * Return: 0 when one was taken, -EAGAIN when none waits
 */
static int accept_one(struct netd *n, int lfd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct out_pend *p = NULL;
	int fd;

	fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == ECONNABORTED ? 0 : -EAGAIN;
	if (peer.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (void *)&peer;

		p = pend_find(AF_INET, (uint8_t *)&s4->sin_addr, s4->sin_port);
	} else if (peer.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&peer;

		p = pend_find(AF_INET6, s6->sin6_addr.s6_addr, s6->sin6_port);
	}
	if (p && p->marked && fp_join(n, p->fd, fd) == 0) {
		*p = (struct out_pend){ .fd = -1, .idx = -1 };
		return 0;
	}
	if (p && p->marked)
		pend_close(n, p);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return 0;
}

/**
 * outbound_poll_fill() - add the fast path's fds to this turn's poll set
 * @opaque:	instance
 */
static void outbound_poll_fill(void *opaque)
{
	struct netd *n = opaque;
	int i;

	st.lidx[0] = st.lidx[1] = st.qidx = -1;
	if (st.qfd < 0)
		return;
	st.qidx = poller_add(&n->poller, st.qfd, POLLIN);
	for (i = 0; i < 2; i++)
		if (st.lfd[i] >= 0)
			st.lidx[i] = poller_add(&n->poller, st.lfd[i], POLLIN);
	for (i = 0; i < OUT_MAX_PENDING; i++) {
		struct out_pend *p = &st.pend[i];

		p->idx = p->used && !p->marked
				 ? poller_add(&n->poller, p->fd, POLLOUT)
				 : -1;
	}
}

/**
 * outbound_poll_handle() - serve the fast path after the wait
 * @opaque:	instance
 */
static void outbound_poll_handle(void *opaque)
{
	struct netd *n = opaque;
	int64_t now = netd_now_ms();
	int i;

	for (i = 0; i < OUT_MAX_PENDING && st.qfd >= 0; i++) {
		struct out_pend *p = &st.pend[i];

		if (!p->used)
			continue;
		if (poller_revents(&n->poller, p->idx))
			pend_connected(n, p);
		else if (now >= p->deadline && !p->marked) {
			verdict(n, p->id, NF_ACCEPT, false); /* to libslirp */
			pend_close(n, p);
		} else if (now >= p->deadline) {
			pend_close(n, p);
		}
	}
	for (i = 0; i < 2; i++)
		if (poller_revents(&n->poller, st.lidx[i]))
			while (st.lfd[i] >= 0 && accept_one(n, st.lfd[i]) == 0)
				;
	if (st.qfd >= 0 && poller_revents(&n->poller, st.qidx))
		queue_read(n);
}

/**
 * outbound_timeout() - shorten the poll timeout for held SYNs
 * @opaque:	instance
 * @timeout:	timeout so far, in ms (-1: none)
 *
 * Return: the timeout
 */
static int outbound_timeout(void *opaque, int timeout)
{
	int64_t now, left;
	int i;

	(void)opaque;
	if (st.qfd < 0) /* off (or never on): nothing is held */
		return timeout;
	now = netd_now_ms();
	for (i = 0; i < OUT_MAX_PENDING; i++) {
		if (!st.pend[i].used)
			continue;
		left = st.pend[i].deadline - now;
		if (left < 0)
			left = 0;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	return timeout;
}

static const struct poller_ops outbound_ops = {
	.fill = outbound_poll_fill,
	.handle = outbound_poll_handle,
	.timeout = outbound_timeout,
};
