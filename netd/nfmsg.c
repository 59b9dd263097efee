// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfmsg.c - nftables and NFQUEUE netlink messages for the outbound fast path
 *
 * DOC: Theory of Operation
 * The outbound fast path (outbound.c) talks to the namespace's netfilter
 * in three kinds of netlink message, all built here into a buffer the
 * caller gives, and sent by the caller:
 *
 * - nfmsg_table(): one nf_tables batch that replaces our table of each
 *   family with the chains and rules outbound.c describes (an "out"
 *   filter chain that queues the tap's outgoing SYNs, a "nat" chain that
 *   redirects the marked ones to our listener, a "raw" chain that keeps
 *   the rest of the loopback's traffic out of connection tracking);
 * - nfmsg_queue_config(): binding the NFQUEUE and asking for the first
 *   bytes of each packet only, failing open when the queue is full;
 * - nfmsg_verdict(): a packet's verdict, with or without the mark.
 *
 * nfmsg_packet_parse() reads the one message the queue sends us, a
 * queued packet.  nfmsg_tables_dump() asks for the namespace's tables,
 * and nfmsg_foreign() tells, from a reply or a ruleset notification,
 * whether anyone but us has firewall rules there.
 *
 * Nothing here does I/O or allocates, so the verdict, sent once per
 * outbound SYN, costs no more than filling a stack buffer, and every
 * message can be checked in a unit test without a namespace.  Each
 * builder checks every header and attribute against the buffer's size
 * (libmnl's _check() variants) and returns -EMSGSIZE, having written
 * nothing past the buffer, when it does not fit; it writes every byte of
 * what it returns, padding included, whatever the buffer held before.  Each message takes the
 * next sequence number from the caller's counter.
 *
 * The queue is the xtables NFQUEUE target (revision 3) through
 * nft_compat, not nft's native queue expression: kernels built without
 * CONFIG_NFT_QUEUE lack the latter and may still have the former.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>

#include "netd/nfmsg.h"

/**
 * struct nfw - a buffer being filled with netlink messages
 * @buf:	the buffer
 * @size:	its size
 * @len:	bytes of finished messages
 * @nlh:	the message being written, or NULL
 * @seq:	the caller's sequence counter
 * @full:	something did not fit: the rest is skipped
 */
struct nfw {
	char *buf;
	size_t size;
	size_t len;
	struct nlmsghdr *nlh;
	uint32_t *seq;
	bool full;
};

/**
 * room() - bytes left for the message being written
 * @w:		writer (a message open)
 *
 * Return: its size limit, for libmnl's _check() calls
 */
static size_t room(const struct nfw *w)
{
	return w->size - w->len;
}

/**
 * msg_begin() - start a nfnetlink message
 * @w:		writer
 * @type:	message type, subsystem included
 * @flags:	flags besides NLM_F_REQUEST
 * @family:	nfgenmsg family
 * @res_id:	nfgenmsg res_id (host order)
 */
static void msg_begin(struct nfw *w, uint16_t type, uint16_t flags,
		      uint8_t family, uint16_t res_id)
{
	struct nfgenmsg *g;

	w->nlh = NULL;
	if (w->full ||
	    room(w) < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))) {
		w->full = true;
		return;
	}
	w->nlh = mnl_nlmsg_put_header(w->buf + w->len);
	w->nlh->nlmsg_type = type;
	w->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	w->nlh->nlmsg_seq = ++*w->seq;
	g = mnl_nlmsg_put_extra_header(w->nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
}

/**
 * msg_end() - finish the message being written
 * @w:		writer
 */
static void msg_end(struct nfw *w)
{
	if (!w->full && w->nlh)
		w->len += w->nlh->nlmsg_len;
	w->nlh = NULL;
}

/**
 * put() - add an attribute to the message being written
 * @w:		writer
 * @type:	attribute type
 * @len:	payload length
 * @data:	payload
 */
static void put(struct nfw *w, uint16_t type, size_t len, const void *data)
{
	char *tail;

	if (w->full)
		return;
	tail = mnl_nlmsg_get_payload_tail(w->nlh);
	if (!mnl_attr_put_check(w->nlh, room(w), type, len, data)) {
		w->full = true;
		return;
	}
	/* libmnl before 1.0.5 leaves the padding as the buffer held it */
	memset(tail + MNL_ATTR_HDRLEN + len, 0, MNL_ALIGN(len) - len);
}

/**
 * put_u32() - add a big-endian 32-bit attribute
 * @w:		writer
 * @type:	attribute type
 * @v:		value (host order)
 */
static void put_u32(struct nfw *w, uint16_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	put(w, type, sizeof(be), &be);
}

/**
 * put_str() - add a NUL-terminated string attribute
 * @w:		writer
 * @type:	attribute type
 * @s:		string
 */
static void put_str(struct nfw *w, uint16_t type, const char *s)
{
	put(w, type, strlen(s) + 1, s);
}

/**
 * nest_begin() - open a nested attribute
 * @w:		writer
 * @type:	attribute type
 *
 * Return: the nest for nest_end(), or NULL when it did not fit
 */
static struct nlattr *nest_begin(struct nfw *w, uint16_t type)
{
	struct nlattr *a = NULL;

	if (!w->full) {
		a = mnl_attr_nest_start_check(w->nlh, room(w), type);
		w->full = !a;
	}
	return a;
}

/**
 * nest_end() - close a nested attribute
 * @w:		writer
 * @a:		nest_begin()'s return
 */
static void nest_end(struct nfw *w, struct nlattr *a)
{
	if (!w->full && a)
		mnl_attr_nest_end(w->nlh, a);
}

/**
 * put_data() - a nested NFTA_DATA_VALUE attribute
 * @w:		writer
 * @type:	attribute holding it
 * @data:	bytes
 * @len:	their length
 */
static void put_data(struct nfw *w, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nest = nest_begin(w, type);

	put(w, NFTA_DATA_VALUE, len, data);
	nest_end(w, nest);
}

/**
 * finish() - the result of a builder
 * @w:		writer
 *
 * Return: the bytes written, or -EMSGSIZE when they did not fit
 */
static ssize_t finish(const struct nfw *w)
{
	return w->full ? -EMSGSIZE : (ssize_t)w->len;
}

/**
 * nft_begin() - start an nf_tables message for our table
 * @w:		writer
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @type:	NFT_MSG_*
 * @flags:	flags besides NLM_F_REQUEST and NLM_F_ACK
 */
static void nft_begin(struct nfw *w, uint8_t family, uint16_t type,
		      uint16_t flags)
{
	msg_begin(w, (NFNL_SUBSYS_NFTABLES << 8) | type, flags | NLM_F_ACK,
		  family, 0);
	/* NFTA_TABLE_NAME, NFTA_CHAIN_TABLE and NFTA_RULE_TABLE are all 1 */
	put_str(w, NFTA_TABLE_NAME, NFMSG_TABLE);
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
 * @w:		writer, in a rule message
 * @name:	expression type ("meta", "cmp", ...)
 *
 * Return: the nests for expr_end(); the caller adds the data attributes
 */
static struct expr_nest expr_begin(struct nfw *w, const char *name)
{
	struct expr_nest x;

	x.elem = nest_begin(w, NFTA_LIST_ELEM);
	put_str(w, NFTA_EXPR_NAME, name);
	x.data = nest_begin(w, NFTA_EXPR_DATA);
	return x;
}

/**
 * expr_end() - close an expression started by expr_begin()
 * @w:		writer
 * @x:		its nests
 */
static void expr_end(struct nfw *w, struct expr_nest x)
{
	nest_end(w, x.data);
	nest_end(w, x.elem);
}

/**
 * expr_cmp_eq() - "register 1 == DATA"
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @data:	value
 * @len:	its length
 */
static void expr_cmp_eq(struct nfw *w, const void *data, size_t len)
{
	struct expr_nest x = expr_begin(w, "cmp");

	put_u32(w, NFTA_CMP_SREG, NFT_REG_1);
	put_u32(w, NFTA_CMP_OP, NFT_CMP_EQ);
	put_data(w, NFTA_CMP_DATA, data, len);
	expr_end(w, x);
}

/**
 * expr_meta_cmp() - "meta KEY == DATA" as two expressions
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @key:	NFT_META_*
 * @data:	value as the register holds it
 * @len:	its length
 */
static void expr_meta_cmp(struct nfw *w, uint32_t key, const void *data,
			  size_t len)
{
	struct expr_nest x;

	x = expr_begin(w, "meta");
	put_u32(w, NFTA_META_KEY, key);
	put_u32(w, NFTA_META_DREG, NFT_REG_1);
	expr_end(w, x);
	expr_cmp_eq(w, data, len);
}

/**
 * expr_transport_load() - transport header bytes into register 1
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @offset:	their offset in the header
 * @len:	how many
 */
static void expr_transport_load(struct nfw *w, uint32_t offset, uint32_t len)
{
	struct expr_nest x = expr_begin(w, "payload");

	put_u32(w, NFTA_PAYLOAD_DREG, NFT_REG_1);
	put_u32(w, NFTA_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	put_u32(w, NFTA_PAYLOAD_OFFSET, offset);
	put_u32(w, NFTA_PAYLOAD_LEN, len);
	expr_end(w, x);
}

/**
 * expr_syn_only() - "tcp flags & (syn|ack) == syn"
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 */
static void expr_syn_only(struct nfw *w)
{
	uint8_t mask = TH_SYN | TH_ACK, zero = 0, syn = TH_SYN;
	struct expr_nest x;

	expr_transport_load(w, 13, 1);
	x = expr_begin(w, "bitwise");
	put_u32(w, NFTA_BITWISE_SREG, NFT_REG_1);
	put_u32(w, NFTA_BITWISE_DREG, NFT_REG_1);
	put_u32(w, NFTA_BITWISE_LEN, 1);
	put_data(w, NFTA_BITWISE_MASK, &mask, 1);
	put_data(w, NFTA_BITWISE_XOR, &zero, 1);
	expr_end(w, x);
	expr_cmp_eq(w, &syn, 1);
}

/**
 * expr_nfqueue() - the xtables NFQUEUE target, with bypass
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @queue:	queue number
 */
static void expr_nfqueue(struct nfw *w, uint16_t queue)
{
	union {
		struct xt_NFQ_info_v3 v3;
		uint64_t aligned; /* XT_ALIGN()ed size */
	} info = { .v3 = { .queuenum = queue,
			   .queues_total = 1,
			   .flags = NFQ_FLAG_BYPASS } };
	struct expr_nest x;

	x = expr_begin(w, "target");
	put_str(w, NFTA_TARGET_NAME, "NFQUEUE");
	put_u32(w, NFTA_TARGET_REV, 3);
	put(w, NFTA_TARGET_INFO, sizeof(info), &info);
	expr_end(w, x);
}

/**
 * expr_redirect() - "redirect to :@port"
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @port:	port (host order)
 */
static void expr_redirect(struct nfw *w, uint16_t port)
{
	uint16_t p = htons(port);
	struct expr_nest x;

	x = expr_begin(w, "immediate");
	put_u32(w, NFTA_IMMEDIATE_DREG, NFT_REG_1);
	put_data(w, NFTA_IMMEDIATE_DATA, &p, sizeof(p));
	expr_end(w, x);
	x = expr_begin(w, "redir");
	put_u32(w, NFTA_REDIR_REG_PROTO_MIN, NFT_REG_1);
	put_u32(w, NFTA_REDIR_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	expr_end(w, x);
}

/**
 * expr_tcp_sport() - "meta l4proto tcp tcp sport @port"
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @port:	port (host order)
 */
static void expr_tcp_sport(struct nfw *w, uint16_t port)
{
	uint16_t p = htons(port);
	uint8_t tcp = IPPROTO_TCP;

	expr_meta_cmp(w, NFT_META_L4PROTO, &tcp, 1);
	expr_transport_load(w, 0, sizeof(p));
	expr_cmp_eq(w, &p, sizeof(p));
}

/**
 * expr_verdict() - "accept", "drop", ... as an immediate verdict
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 * @verdict:	NF_ACCEPT, ...
 */
static void expr_verdict(struct nfw *w, uint32_t verdict)
{
	struct expr_nest x = expr_begin(w, "immediate");
	struct nlattr *data, *v;

	put_u32(w, NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT);
	data = nest_begin(w, NFTA_IMMEDIATE_DATA);
	v = nest_begin(w, NFTA_DATA_VERDICT);
	put_u32(w, NFTA_VERDICT_CODE, verdict);
	nest_end(w, v);
	nest_end(w, data);
	expr_end(w, x);
}

/**
 * expr_notrack() - "notrack": connection tracking skips the packet
 * @w:		writer, inside NFTA_RULE_EXPRESSIONS
 */
static void expr_notrack(struct nfw *w)
{
	expr_end(w, expr_begin(w, "notrack"));
}

/**
 * put_chain() - a base chain on the output hook
 * @w:		writer
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @name:	chain name
 * @type:	"filter" or "nat"
 * @prio:	hook priority
 */
static void put_chain(struct nfw *w, uint8_t family, const char *name,
		      const char *type, int32_t prio)
{
	struct nlattr *hook;

	nft_begin(w, family, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	put_str(w, NFTA_CHAIN_NAME, name);
	hook = nest_begin(w, NFTA_CHAIN_HOOK);
	put_u32(w, NFTA_HOOK_HOOKNUM, NF_INET_LOCAL_OUT);
	put_u32(w, NFTA_HOOK_PRIORITY, (uint32_t)prio);
	nest_end(w, hook);
	put_str(w, NFTA_CHAIN_TYPE, type);
	put_u32(w, NFTA_CHAIN_POLICY, NF_ACCEPT);
	msg_end(w);
}

/**
 * rule_begin() - start a rule in chain @chain
 * @w:		writer
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @chain:	chain name
 *
 * Return: the NFTA_RULE_EXPRESSIONS nest, for nest_end()
 */
static struct nlattr *rule_begin(struct nfw *w, uint8_t family,
				 const char *chain)
{
	nft_begin(w, family, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	put_str(w, NFTA_RULE_CHAIN, chain);
	return nest_begin(w, NFTA_RULE_EXPRESSIONS);
}

/**
 * put_table() - our table of one family, its chains and rules
 * @w:		writer
 * @family:	NFPROTO_IPV4 or NFPROTO_IPV6
 * @ifname:	tap device name, IFNAMSIZ bytes
 * @a:		queue number and mark
 * @port:	the listener's port for this family
 */
static void put_table(struct nfw *w, uint8_t family,
		      const char ifname[IFNAMSIZ],
		      const struct nfmsg_table_args *a, uint16_t port)
{
	uint32_t zero = 0, mark = a->mark, lo = NFMSG_LOOPBACK_IFINDEX;
	uint8_t tcp = IPPROTO_TCP;
	struct nlattr *ex;

	/* create-if-missing, delete, create: drops an old table of ours */
	nft_begin(w, family, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	msg_end(w);
	nft_begin(w, family, NFT_MSG_DELTABLE, 0);
	msg_end(w);
	nft_begin(w, family, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	put_u32(w, NFTA_TABLE_FLAGS, NFT_TABLE_F_OWNER);
	msg_end(w);
	put_chain(w, family, "out", "filter", -200);
	put_chain(w, family, "nat", "nat", -100);
	ex = rule_begin(w, family, "out");
	expr_meta_cmp(w, NFT_META_OIFNAME, ifname, IFNAMSIZ);
	expr_meta_cmp(w, NFT_META_L4PROTO, &tcp, 1);
	expr_syn_only(w);
	expr_meta_cmp(w, NFT_META_MARK, &zero, sizeof(zero));
	expr_nfqueue(w, a->queue);
	nest_end(w, ex);
	msg_end(w);
	ex = rule_begin(w, family, "nat");
	expr_meta_cmp(w, NFT_META_MARK, &mark, sizeof(mark));
	expr_meta_cmp(w, NFT_META_L4PROTO, &tcp, 1);
	expr_redirect(w, port);
	nest_end(w, ex);
	msg_end(w);
	put_chain(w, family, "raw", "filter", NFMSG_RAW_PRIO);
	/* our listener's replies: tracked, so the redirect is undone */
	ex = rule_begin(w, family, "raw");
	expr_tcp_sport(w, port);
	expr_verdict(w, NF_ACCEPT);
	nest_end(w, ex);
	msg_end(w);
	/* everything else on the loopback: not tracked */
	ex = rule_begin(w, family, "raw");
	expr_meta_cmp(w, NFT_META_OIF, &lo, sizeof(lo));
	expr_notrack(w);
	nest_end(w, ex);
	msg_end(w);
}

/**
 * nfmsg_table() - the nf_tables batch that replaces our tables
 * @buf:	buffer
 * @size:	its size
 * @seq:	sequence counter, advanced by one per message
 * @a:		tap name, queue, mark and ports
 *
 * The batch asks for NFMSG_TABLE_ACKS(@a->port6) acknowledgements.
 *
 * Return: its length, or -EMSGSIZE when it does not fit in @size
 */
ssize_t nfmsg_table(void *buf, size_t size, uint32_t *seq,
		    const struct nfmsg_table_args *a)
{
	struct nfw w = { .buf = buf, .size = size, .seq = seq };
	char ifname[IFNAMSIZ] = { 0 };

	snprintf(ifname, sizeof(ifname), "%s", a->tap);
	msg_begin(&w, NFNL_MSG_BATCH_BEGIN, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&w);
	put_table(&w, NFPROTO_IPV4, ifname, a, a->port);
	if (a->port6)
		put_table(&w, NFPROTO_IPV6, ifname, a, a->port6);
	msg_begin(&w, NFNL_MSG_BATCH_END, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
	msg_end(&w);
	return finish(&w);
}

/**
 * nfmsg_queue_config() - bind queue @queue, copy @copy_range bytes of each
 * packet, hold at most @maxlen and let the rest through (fail open)
 * @buf:	buffer
 * @size:	its size
 * @seq:	sequence counter, advanced by one per message
 * @queue:	queue number
 * @copy_range:	bytes of each packet to copy to us
 * @maxlen:	packets the queue holds
 *
 * Two messages, each asking for an acknowledgement.
 *
 * Return: their length, or -EMSGSIZE when they do not fit in @size
 */
ssize_t nfmsg_queue_config(void *buf, size_t size, uint32_t *seq,
			   uint16_t queue, uint32_t copy_range, uint32_t maxlen)
{
	struct nfw w = { .buf = buf, .size = size, .seq = seq };
	struct nfqnl_msg_config_cmd cmd = { .command = NFQNL_CFG_CMD_BIND };
	struct nfqnl_msg_config_params par = {
		.copy_range = htonl(copy_range),
		.copy_mode = NFQNL_COPY_PACKET,
	};
	uint16_t type = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_CONFIG;

	msg_begin(&w, type, NLM_F_ACK, AF_UNSPEC, queue);
	put(&w, NFQA_CFG_CMD, sizeof(cmd), &cmd);
	msg_end(&w);
	msg_begin(&w, type, NLM_F_ACK, AF_UNSPEC, queue);
	put(&w, NFQA_CFG_PARAMS, sizeof(par), &par);
	put_u32(&w, NFQA_CFG_QUEUE_MAXLEN, maxlen);
	put_u32(&w, NFQA_CFG_MASK, NFQA_CFG_F_FAIL_OPEN);
	put_u32(&w, NFQA_CFG_FLAGS, NFQA_CFG_F_FAIL_OPEN);
	msg_end(&w);
	return finish(&w);
}

/**
 * nfmsg_verdict() - a queued packet's verdict
 * @buf:	buffer
 * @size:	its size
 * @seq:	sequence counter, advanced by one
 * @queue:	queue number
 * @id:		the packet's id
 * @verdict:	NF_ACCEPT or NF_DROP
 * @mark:	mark to set on the packet, or 0 to leave it
 *
 * Return: the message's length, or -EMSGSIZE when it does not fit
 */
ssize_t nfmsg_verdict(void *buf, size_t size, uint32_t *seq, uint16_t queue,
		      uint32_t id, uint32_t verdict, uint32_t mark)
{
	struct nfw w = { .buf = buf, .size = size, .seq = seq };
	struct nfqnl_msg_verdict_hdr vh = { .verdict = htonl(verdict),
					    .id = htonl(id) };

	msg_begin(&w, (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT, 0,
		  AF_UNSPEC, queue);
	put(&w, NFQA_VERDICT_HDR, sizeof(vh), &vh);
	if (mark)
		put_u32(&w, NFQA_MARK, mark);
	msg_end(&w);
	return finish(&w);
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
 * nfmsg_packet_parse() - the id and payload of a queued packet's message
 * @nlh:	a message from the queue socket
 * @id:		the packet id, written
 * @pkt:	its payload (from the IP header), or NULL, written
 * @len:	the payload's length, written
 *
 * Return: true when @nlh is a queued packet (the outputs written)
 */
bool nfmsg_packet_parse(const struct nlmsghdr *nlh, uint32_t *id,
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
 * nfmsg_tables_dump() - a request for every nf_tables table in the
 * namespace
 * @buf:	buffer
 * @size:	its size
 * @seq:	sequence counter, advanced by one
 *
 * The replies are NFT_MSG_NEWTABLE messages, then NLMSG_DONE.
 *
 * Return: the message's length, or -EMSGSIZE when it does not fit
 */
ssize_t nfmsg_tables_dump(void *buf, size_t size, uint32_t *seq)
{
	struct nfw w = { .buf = buf, .size = size, .seq = seq };

	msg_begin(&w, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE,
		  NLM_F_DUMP, NFPROTO_UNSPEC, 0);
	msg_end(&w);
	return finish(&w);
}

/**
 * family_name() - nft's word for an nf_tables family
 * @family:	NFPROTO_*
 *
 * Return: a static string
 */
static const char *family_name(uint8_t family)
{
	switch (family) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	}
	return "?";
}

/**
 * nfmsg_foreign() - is an nf_tables message about a table not ours?
 * @nlh:	a message: a table dump's reply or a ruleset notification
 * @what:	"table FAMILY NAME", written when it is
 * @size:	size of @what
 *
 * Every nf_tables object message (table, chain, rule, set, element,
 * object, flowtable) names its table in attribute 1.  Generation
 * messages, sent at each commit, name none and are not about a table.
 *
 * Return: true when @nlh is about a table other than "ip sublet_netd"
 * and "ip6 sublet_netd"
 */
bool nfmsg_foreign(const struct nlmsghdr *nlh, char *what, size_t size)
{
	const struct nfgenmsg *g;
	const struct nlattr *a;
	const char *name = "?";
	uint16_t type = nlh->nlmsg_type & 0xff;

	if (nlh->nlmsg_type >> 8 != NFNL_SUBSYS_NFTABLES ||
	    type == NFT_MSG_NEWGEN || type == NFT_MSG_GETGEN ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return false;
	g = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*g))
	{
		if (mnl_attr_get_type(a) == NFTA_TABLE_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			name = mnl_attr_get_str(a);
			break;
		}
	}
	if ((g->nfgen_family == NFPROTO_IPV4 ||
	     g->nfgen_family == NFPROTO_IPV6) &&
	    !strcmp(name, NFMSG_TABLE))
		return false;
	snprintf(what, size, "table %s %s", family_name(g->nfgen_family), name);
	return true;
}
