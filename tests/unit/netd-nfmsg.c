// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netd-nfmsg.c - unit tests for netd/nfmsg.c: every message is built into
 * a buffer and read back with libmnl, no namespace needed
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "netd/nfmsg.h"
#include "netd/outbound.h"
#include "tests/unit/tap.h"

#define MAXMSG 32
#define MAXATTR 32
#define CANARY 0xa5

/**
 * struct attrs - the attributes of one level, by type
 * @tb:		attribute of each type, or NULL
 */
struct attrs {
	const struct nlattr *tb[MAXATTR];
};

/**
 * attr_cb() - file an attribute by its type (implements mnl_attr_cb_t)
 * @a:		attribute
 * @data:	struct attrs
 *
 * Return: MNL_CB_OK
 */
static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < MAXATTR)
		at->tb[type] = a;
	return MNL_CB_OK;
}

/**
 * msg_attrs() - the top-level attributes of a nfnetlink message
 * @nlh:	message
 * @at:		filled
 */
static void msg_attrs(const struct nlmsghdr *nlh, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, at);
}

/**
 * nest_attrs() - the attributes inside a nested one
 * @nest:	nested attribute
 * @at:		filled
 */
static void nest_attrs(const struct nlattr *nest, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	if (nest)
		mnl_attr_parse_nested(nest, attr_cb, at);
}

/**
 * split() - the messages in @buf
 * @buf:	messages
 * @len:	their length
 * @m:		MAXMSG pointers, filled
 *
 * Return: how many, or -1 when the last one is cut short
 */
static int split(void *buf, ssize_t len, struct nlmsghdr **m)
{
	struct nlmsghdr *nlh = buf;
	int left = (int)len, n = 0;

	while (mnl_nlmsg_ok(nlh, left) && n < MAXMSG) {
		m[n++] = nlh;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	return left ? -1 : n;
}

/**
 * nfgen() - the nfgenmsg header of a message
 * @nlh:	message
 *
 * Return: it
 */
static const struct nfgenmsg *nfgen(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

/**
 * u32_of() - a big-endian 32-bit attribute in host order
 * @a:		attribute, or NULL
 *
 * Return: its value, or 0xdeadbeef for NULL
 */
static uint32_t u32_of(const struct nlattr *a)
{
	return a ? ntohl(mnl_attr_get_u32(a)) : 0xdeadbeef;
}

/**
 * str_is() - is @a a string attribute holding @s?
 * @a:		attribute, or NULL
 * @s:		string
 *
 * Return: true when it is
 */
static bool str_is(const struct nlattr *a, const char *s)
{
	return a && mnl_attr_get_payload_len(a) == strlen(s) + 1 &&
	       !strcmp(mnl_attr_get_str(a), s);
}

/**
 * data_is() - does NFTA_DATA_VALUE inside @a hold @len bytes @v?
 * @a:		nested data attribute, or NULL
 * @v:		bytes
 * @len:	their length
 *
 * Return: true when it does
 */
static bool data_is(const struct nlattr *a, const void *v, size_t len)
{
	struct attrs d;

	nest_attrs(a, &d);
	return d.tb[NFTA_DATA_VALUE] &&
	       mnl_attr_get_payload_len(d.tb[NFTA_DATA_VALUE]) == len &&
	       !memcmp(mnl_attr_get_payload(d.tb[NFTA_DATA_VALUE]), v, len);
}

/**
 * untouched() - are the bytes of @buf from @from to @to still CANARY?
 * @buf:	buffer
 * @from:	first byte
 * @to:		end
 *
 * Return: true when they are
 */
static bool untouched(const unsigned char *buf, size_t from, size_t to)
{
	for (; from < to; from++)
		if (buf[from] != CANARY)
			return false;
	return true;
}

/**
 * exprs() - the names of a rule's expressions, space-separated
 * @rule:	rule message
 * @names:	filled
 * @size:	its size
 * @x:		MAXMSG expression data attributes, filled
 */
static void exprs(const struct nlmsghdr *rule, char *names, size_t size,
		  const struct nlattr **x)
{
	const struct nlattr *e;
	struct attrs at, el;
	int i = 0;

	*names = '\0';
	msg_attrs(rule, &at);
	if (!at.tb[NFTA_RULE_EXPRESSIONS])
		return;
	mnl_attr_for_each_nested(e, at.tb[NFTA_RULE_EXPRESSIONS])
	{
		nest_attrs(e, &el);
		if (mnl_attr_get_type(e) != NFTA_LIST_ELEM ||
		    !el.tb[NFTA_EXPR_NAME] || i == MAXMSG)
			continue;
		snprintf(names + strlen(names), size - strlen(names), "%s%s",
			 *names ? " " : "",
			 mnl_attr_get_str(el.tb[NFTA_EXPR_NAME]));
		x[i++] = el.tb[NFTA_EXPR_DATA];
	}
}

/**
 * test_verdict() - verdict messages, with and without the mark
 */
static void test_verdict(void)
{
	unsigned char buf[256];
	const struct nfqnl_msg_verdict_hdr *vh;
	struct nlmsghdr *m[MAXMSG];
	uint32_t seq = 0;
	struct attrs at;
	ssize_t len;

	memset(buf, CANARY, sizeof(buf));
	len = nfmsg_verdict(buf, sizeof(buf), &seq, OUT_QUEUE_NUM, 42,
			    NF_ACCEPT, 0);
	ok(len > 0 && split(buf, len, m) == 1, "verdict: one message");
	is_int(m[0]->nlmsg_type, (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_VERDICT,
	       "verdict: type");
	is_int(m[0]->nlmsg_flags, NLM_F_REQUEST, "verdict: no ack asked");
	is_int(m[0]->nlmsg_seq, 1, "verdict: sequence number 1");
	is_int(seq, 1, "verdict: counter advanced");
	is_int(nfgen(m[0])->nfgen_family, AF_UNSPEC, "verdict: family");
	is_int(nfgen(m[0])->version, NFNETLINK_V0, "verdict: version");
	is_int(ntohs(nfgen(m[0])->res_id), OUT_QUEUE_NUM, "verdict: queue");
	msg_attrs(m[0], &at);
	ok(at.tb[NFQA_VERDICT_HDR] &&
		   mnl_attr_get_payload_len(at.tb[NFQA_VERDICT_HDR]) ==
			   sizeof(*vh),
	   "verdict: header attribute");
	vh = at.tb[NFQA_VERDICT_HDR]
		     ? mnl_attr_get_payload(at.tb[NFQA_VERDICT_HDR])
		     : NULL;
	ok(vh && ntohl(vh->verdict) == NF_ACCEPT && ntohl(vh->id) == 42,
	   "verdict: NF_ACCEPT for packet 42");
	ok(!at.tb[NFQA_MARK], "verdict: no mark");
	ok(untouched(buf, (size_t)len, sizeof(buf)), "verdict: nothing after");

	len = nfmsg_verdict(buf, sizeof(buf), &seq, OUT_QUEUE_NUM, 7, NF_DROP,
			    OUT_MARK);
	ok(len > 0 && split(buf, len, m) == 1, "marked verdict: one message");
	is_int(m[0]->nlmsg_seq, 2, "marked verdict: sequence number 2");
	msg_attrs(m[0], &at);
	vh = at.tb[NFQA_VERDICT_HDR]
		     ? mnl_attr_get_payload(at.tb[NFQA_VERDICT_HDR])
		     : NULL;
	ok(vh && ntohl(vh->verdict) == NF_DROP && ntohl(vh->id) == 7,
	   "marked verdict: NF_DROP for packet 7");
	is_int(u32_of(at.tb[NFQA_MARK]), OUT_MARK, "marked verdict: the mark");
}

/**
 * too_small() - does @build refuse every buffer shorter than @need, and
 * write nothing past it?
 * @what:	description
 * @need:	the full length
 * @build:	builds into (buf, size), returns its result
 */
static void too_small(const char *what, size_t need,
		      ssize_t (*build)(void *buf, size_t size))
{
	static unsigned char buf[16384];
	size_t sizes[] = { 0, 8, 19, 20, need / 2, need - 4, need - 1 };
	bool refused = true, clean = true;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(buf, CANARY, sizeof(buf));
		if (build(buf, sizes[i]) != -EMSGSIZE)
			refused = false;
		if (!untouched(buf, sizes[i], sizeof(buf)))
			clean = false;
	}
	ok(refused, "%s: -EMSGSIZE in a buffer too small", what);
	ok(clean, "%s: nothing written past a buffer too small", what);
	memset(buf, CANARY, sizeof(buf));
	is_int(build(buf, need), (long long)need, "exactly enough room");
}

/**
 * build_verdict() - a marked verdict, for too_small()
 * @buf:	buffer
 * @size:	its size
 *
 * Return: nfmsg_verdict()'s result
 */
static ssize_t build_verdict(void *buf, size_t size)
{
	uint32_t seq = 0;

	return nfmsg_verdict(buf, size, &seq, OUT_QUEUE_NUM, 1, NF_ACCEPT,
			     OUT_MARK);
}

/**
 * build_queue() - the queue configuration, for too_small()
 * @buf:	buffer
 * @size:	its size
 *
 * Return: nfmsg_queue_config()'s result
 */
static ssize_t build_queue(void *buf, size_t size)
{
	uint32_t seq = 0;

	return nfmsg_queue_config(buf, size, &seq, OUT_QUEUE_NUM, 80, 64);
}

/**
 * build_table6() - the table batch with IPv6, for too_small()
 * @buf:	buffer
 * @size:	its size
 *
 * Return: nfmsg_table()'s result
 */
static ssize_t build_table6(void *buf, size_t size)
{
	struct nfmsg_table_args a = { .tap = "tap0",
				      .queue = OUT_QUEUE_NUM,
				      .mark = OUT_MARK,
				      .port = 1234,
				      .port6 = 5678 };
	uint32_t seq = 0;

	return nfmsg_table(buf, size, &seq, &a);
}

/**
 * every_byte() - does @build write every byte it returns, padding too?
 * @what:	description
 * @build:	builds into (buf, size), returns its result
 *
 * Built into a buffer of zeros and into one of 0xff, the two must be the
 * same.
 */
static void every_byte(const char *what,
		       ssize_t (*build)(void *buf, size_t size))
{
	static unsigned char a[16384], b[16384];
	ssize_t la, lb;

	memset(a, 0, sizeof(a));
	memset(b, 0xff, sizeof(b));
	la = build(a, sizeof(a));
	lb = build(b, sizeof(b));
	ok(la > 0 && la == lb && !memcmp(a, b, (size_t)la),
	   "%s: every byte written, padding included", what);
}

/**
 * test_queue_config() - binding the queue and its parameters
 */
static void test_queue_config(void)
{
	unsigned char buf[1024];
	const struct nfqnl_msg_config_params *par;
	const struct nfqnl_msg_config_cmd *cmd;
	struct nlmsghdr *m[MAXMSG];
	uint32_t seq = 10;
	struct attrs at;
	ssize_t len;
	int i;

	len = nfmsg_queue_config(buf, sizeof(buf), &seq, OUT_QUEUE_NUM, 80,
				 OUT_MAX_PENDING);
	is_int(split(buf, len, m), NFMSG_QUEUE_CONFIG_ACKS,
	       "queue config: two messages");
	for (i = 0; i < 2; i++) {
		ok(m[i]->nlmsg_type == ((NFNL_SUBSYS_QUEUE << 8) |
					NFQNL_MSG_CONFIG) &&
			   m[i]->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK) &&
			   m[i]->nlmsg_seq == (uint32_t)(11 + i) &&
			   ntohs(nfgen(m[i])->res_id) == OUT_QUEUE_NUM,
		   "queue config %d: type, ack asked, sequence, queue", i);
	}
	is_int(seq, 12, "queue config: counter advanced by two");
	msg_attrs(m[0], &at);
	cmd = at.tb[NFQA_CFG_CMD] ? mnl_attr_get_payload(at.tb[NFQA_CFG_CMD])
				  : NULL;
	ok(cmd && cmd->command == NFQNL_CFG_CMD_BIND, "queue config: bind");
	msg_attrs(m[1], &at);
	par = at.tb[NFQA_CFG_PARAMS]
		      ? mnl_attr_get_payload(at.tb[NFQA_CFG_PARAMS])
		      : NULL;
	ok(par && ntohl(par->copy_range) == 80 &&
		   par->copy_mode == NFQNL_COPY_PACKET,
	   "queue config: 80 bytes of each packet");
	is_int(u32_of(at.tb[NFQA_CFG_QUEUE_MAXLEN]), OUT_MAX_PENDING,
	       "queue config: queue length");
	is_int(u32_of(at.tb[NFQA_CFG_MASK]), NFQA_CFG_F_FAIL_OPEN,
	       "queue config: mask");
	is_int(u32_of(at.tb[NFQA_CFG_FLAGS]), NFQA_CFG_F_FAIL_OPEN,
	       "queue config: fail open");
}

/**
 * check_chain() - a base chain message
 * @nlh:	message
 * @family:	NFPROTO_*
 * @name:	chain name
 * @type:	chain type
 * @prio:	hook priority
 */
static void check_chain(const struct nlmsghdr *nlh, uint8_t family,
			const char *name, const char *type, int32_t prio)
{
	struct attrs at, hook;

	msg_attrs(nlh, &at);
	nest_attrs(at.tb[NFTA_CHAIN_HOOK], &hook);
	ok(nlh->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN) &&
		   nlh->nlmsg_flags ==
			   (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE) &&
		   nfgen(nlh)->nfgen_family == family,
	   "chain %s: new chain, created, ack asked", name);
	ok(str_is(at.tb[NFTA_CHAIN_TABLE], NFMSG_TABLE) &&
		   str_is(at.tb[NFTA_CHAIN_NAME], name) &&
		   str_is(at.tb[NFTA_CHAIN_TYPE], type),
	   "chain %s: table, name and type %s", name, type);
	ok(u32_of(hook.tb[NFTA_HOOK_HOOKNUM]) == NF_INET_LOCAL_OUT &&
		   (int32_t)u32_of(hook.tb[NFTA_HOOK_PRIORITY]) == prio,
	   "chain %s: output hook, priority %d", name, prio);
	is_int(u32_of(at.tb[NFTA_CHAIN_POLICY]), NF_ACCEPT,
	       "chain: policy accept");
}

/**
 * check_raw() - the raw chain and its two rules
 * @m:		its chain's message
 * @family:	NFPROTO_*
 * @port:	the listener's port
 */
static void check_raw(struct nlmsghdr **m, uint8_t family, uint16_t port)
{
	const struct nlattr *x[MAXMSG];
	uint32_t lo = 1;
	uint16_t nport = htons(port);
	uint8_t tcp = IPPROTO_TCP;
	struct attrs at, d, v, c;
	char names[256];

	check_chain(m[0], family, "raw", "filter", -300);
	msg_attrs(m[1], &at);
	ok(str_is(at.tb[NFTA_RULE_CHAIN], "raw"), "raw rule 1: in chain raw");
	exprs(m[1], names, sizeof(names), x);
	ok(!strcmp(names, "meta cmp payload cmp immediate"),
	   "raw rule 1: expressions (%s)", names);
	nest_attrs(x[1], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &tcp, 1), "raw rule 1: tcp");
	nest_attrs(x[2], &d);
	ok(u32_of(d.tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_TRANSPORT_HEADER &&
		   u32_of(d.tb[NFTA_PAYLOAD_OFFSET]) == 0 &&
		   u32_of(d.tb[NFTA_PAYLOAD_LEN]) == 2,
	   "raw rule 1: the source port");
	nest_attrs(x[3], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &nport, 2), "raw rule 1: == %u", port);
	nest_attrs(x[4], &d);
	nest_attrs(d.tb[NFTA_IMMEDIATE_DATA], &v);
	nest_attrs(v.tb[NFTA_DATA_VERDICT], &c);
	ok(u32_of(d.tb[NFTA_IMMEDIATE_DREG]) == NFT_REG_VERDICT &&
		   u32_of(c.tb[NFTA_VERDICT_CODE]) == NF_ACCEPT,
	   "raw rule 1: accept");

	msg_attrs(m[2], &at);
	ok(str_is(at.tb[NFTA_RULE_CHAIN], "raw"), "raw rule 2: in chain raw");
	exprs(m[2], names, sizeof(names), x);
	ok(!strcmp(names, "meta cmp notrack"), "raw rule 2: expressions (%s)",
	   names);
	nest_attrs(x[0], &d);
	is_int(u32_of(d.tb[NFTA_META_KEY]), NFT_META_OIF,
	       "raw rule 2: meta oif");
	nest_attrs(x[1], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &lo, 4), "raw rule 2: == lo");
}

/**
 * check_family() - the ten messages of one family's table
 * @m:		its first message
 * @family:	NFPROTO_*
 * @port:	the listener's port
 */
static void check_family(struct nlmsghdr **m, uint8_t family, uint16_t port)
{
	const struct nlattr *x[MAXMSG];
	const char tap[IFNAMSIZ] = "tap0";
	uint32_t mark = OUT_MARK, zero = 0;
	uint16_t nport = htons(port);
	struct xt_NFQ_info_v3 info;
	struct attrs at, d;
	uint8_t tcp = IPPROTO_TCP;
	char names[256];
	int i;

	for (i = 0; i < 10; i++)
		ok(nfgen(m[i])->nfgen_family == family &&
			   (m[i]->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) ==
				   (NLM_F_REQUEST | NLM_F_ACK),
		   "family %u message %d: family, ack asked", family, i);
	msg_attrs(m[0], &at);
	ok(m[0]->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE) &&
		   (m[0]->nlmsg_flags & NLM_F_CREATE) &&
		   !(m[0]->nlmsg_flags & NLM_F_EXCL) &&
		   str_is(at.tb[NFTA_TABLE_NAME], NFMSG_TABLE),
	   "table: created if missing");
	msg_attrs(m[1], &at);
	ok(m[1]->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELTABLE) &&
		   str_is(at.tb[NFTA_TABLE_NAME], NFMSG_TABLE),
	   "table: then deleted");
	msg_attrs(m[2], &at);
	ok(m[2]->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE) &&
		   (m[2]->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ==
			   (NLM_F_CREATE | NLM_F_EXCL),
	   "table: then created anew");
	is_int(u32_of(at.tb[NFTA_TABLE_FLAGS]), NFT_TABLE_F_OWNER,
	       "table: owned by its socket");
	check_chain(m[3], family, "out", "filter", -200);
	check_chain(m[4], family, "nat", "nat", -100);

	msg_attrs(m[5], &at);
	ok(m[5]->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE) &&
		   (m[5]->nlmsg_flags & (NLM_F_CREATE | NLM_F_APPEND)) ==
			   (NLM_F_CREATE | NLM_F_APPEND) &&
		   str_is(at.tb[NFTA_RULE_TABLE], NFMSG_TABLE) &&
		   str_is(at.tb[NFTA_RULE_CHAIN], "out"),
	   "out rule: appended to chain out");
	exprs(m[5], names, sizeof(names), x);
	ok(!strcmp(names,
		   "meta cmp meta cmp payload bitwise cmp meta cmp target"),
	   "out rule: expressions (%s)", names);
	nest_attrs(x[0], &d);
	is_int(u32_of(d.tb[NFTA_META_KEY]), NFT_META_OIFNAME,
	       "out rule: meta oifname");
	nest_attrs(x[1], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], tap, IFNAMSIZ) &&
		   u32_of(d.tb[NFTA_CMP_OP]) == NFT_CMP_EQ,
	   "out rule: == the tap's name");
	nest_attrs(x[2], &d);
	is_int(u32_of(d.tb[NFTA_META_KEY]), NFT_META_L4PROTO,
	       "out rule: meta l4proto");
	nest_attrs(x[3], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &tcp, 1), "out rule: == tcp");
	nest_attrs(x[4], &d);
	ok(u32_of(d.tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_TRANSPORT_HEADER &&
		   u32_of(d.tb[NFTA_PAYLOAD_OFFSET]) == 13 &&
		   u32_of(d.tb[NFTA_PAYLOAD_LEN]) == 1,
	   "out rule: the TCP flags byte");
	nest_attrs(x[5], &d);
	ok(data_is(d.tb[NFTA_BITWISE_MASK], &(uint8_t){ 0x12 }, 1),
	   "out rule: & (syn|ack)");
	nest_attrs(x[6], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &(uint8_t){ 0x02 }, 1),
	   "out rule: == syn");
	nest_attrs(x[7], &d);
	is_int(u32_of(d.tb[NFTA_META_KEY]), NFT_META_MARK,
	       "out rule: meta mark");
	nest_attrs(x[8], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &zero, 4), "out rule: == 0");
	nest_attrs(x[9], &d);
	memset(&info, 0, sizeof(info));
	if (d.tb[NFTA_TARGET_INFO] &&
	    mnl_attr_get_payload_len(d.tb[NFTA_TARGET_INFO]) >= sizeof(info))
		memcpy(&info, mnl_attr_get_payload(d.tb[NFTA_TARGET_INFO]),
		       sizeof(info));
	ok(str_is(d.tb[NFTA_TARGET_NAME], "NFQUEUE") &&
		   u32_of(d.tb[NFTA_TARGET_REV]) == 3,
	   "out rule: NFQUEUE target, revision 3");
	ok(info.queuenum == OUT_QUEUE_NUM && info.queues_total == 1 &&
		   info.flags == NFQ_FLAG_BYPASS,
	   "out rule: queue %u, bypass", info.queuenum);

	msg_attrs(m[6], &at);
	ok(str_is(at.tb[NFTA_RULE_CHAIN], "nat"), "nat rule: in chain nat");
	exprs(m[6], names, sizeof(names), x);
	ok(!strcmp(names, "meta cmp meta cmp immediate redir"),
	   "nat rule: expressions (%s)", names);
	nest_attrs(x[1], &d);
	ok(data_is(d.tb[NFTA_CMP_DATA], &mark, 4), "nat rule: mark == ours");
	nest_attrs(x[4], &d);
	ok(data_is(d.tb[NFTA_IMMEDIATE_DATA], &nport, 2), "nat rule: port %u",
	   port);
	nest_attrs(x[5], &d);
	ok(u32_of(d.tb[NFTA_REDIR_REG_PROTO_MIN]) == NFT_REG_1,
	   "nat rule: redirect to that port");
	check_raw(m + 7, family, port);
}

/**
 * test_table() - the batch, with one family and with two
 */
static void test_table(void)
{
	static unsigned char buf[16384];
	struct nfmsg_table_args a = { .tap = "tap0",
				      .queue = OUT_QUEUE_NUM,
				      .mark = OUT_MARK,
				      .port = 1234 };
	struct nlmsghdr *m[MAXMSG];
	uint32_t seq = 0, acks = 0;
	ssize_t len;
	int n, i;

	memset(buf, CANARY, sizeof(buf));
	len = nfmsg_table(buf, sizeof(buf), &seq, &a);
	n = split(buf, len, m);
	is_int(n, 12, "table: twelve messages");
	if (n != 12)
		return;
	ok(m[0]->nlmsg_type == NFNL_MSG_BATCH_BEGIN &&
		   ntohs(nfgen(m[0])->res_id) == NFNL_SUBSYS_NFTABLES,
	   "table: the batch begins");
	ok(m[11]->nlmsg_type == NFNL_MSG_BATCH_END &&
		   ntohs(nfgen(m[11])->res_id) == NFNL_SUBSYS_NFTABLES,
	   "table: the batch ends");
	for (i = 0; i < n; i++) {
		acks += !!(m[i]->nlmsg_flags & NLM_F_ACK);
		if (m[i]->nlmsg_seq != (uint32_t)i + 1)
			break;
	}
	is_int(i, n, "table: sequence numbers 1 to 12");
	is_int(seq, 12, "table: counter advanced by twelve");
	is_int(acks, NFMSG_TABLE_ACKS(0), "table: acks asked");
	check_family(m + 1, NFPROTO_IPV4, 1234);
	ok(untouched(buf, (size_t)len, sizeof(buf)), "table: nothing after");

	a.port6 = 5678;
	len = nfmsg_table(buf, sizeof(buf), &seq, &a);
	n = split(buf, len, m);
	is_int(n, 22, "table with IPv6: twenty-two messages");
	if (n != 22)
		return;
	for (i = 0, acks = 0; i < n; i++)
		acks += !!(m[i]->nlmsg_flags & NLM_F_ACK);
	is_int(acks, NFMSG_TABLE_ACKS(1), "table with IPv6: acks asked");
	check_family(m + 1, NFPROTO_IPV4, 1234);
	check_family(m + 11, NFPROTO_IPV6, 5678);
	ok(m[21]->nlmsg_type == NFNL_MSG_BATCH_END, "table with IPv6: end");
}

/**
 * put_packet() - a queued packet's message, as the kernel sends it
 * @buf:	buffer (1024 bytes)
 * @hdrlen:	bytes of NFQA_PACKET_HDR
 * @payload:	payload, or NULL for none
 * @plen:	its length
 *
 * Return: the message
 */
static struct nlmsghdr *put_packet(void *buf, size_t hdrlen,
				   const void *payload, size_t plen)
{
	struct nfqnl_msg_packet_hdr ph = { .packet_id = htonl(77) };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->res_id = htons(OUT_QUEUE_NUM);
	mnl_attr_put(nlh, NFQA_PACKET_HDR, hdrlen, &ph);
	if (payload)
		mnl_attr_put(nlh, NFQA_PAYLOAD, plen, payload);
	return nlh;
}

/**
 * test_packet_parse() - reading a queued packet
 */
static void test_packet_parse(void)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 40, [9] = IPPROTO_TCP };
	char buf[1024] __attribute__((aligned(4)));
	const uint8_t *pkt = NULL;
	struct nlmsghdr *nlh;
	uint32_t id = 0, seq = 0;
	size_t len = 0;

	nlh = put_packet(buf, sizeof(struct nfqnl_msg_packet_hdr), ip,
			 sizeof(ip));
	ok(nfmsg_packet_parse(nlh, &id, &pkt, &len), "packet: parsed");
	ok(id == 77 && len == sizeof(ip) && pkt && !memcmp(pkt, ip, len),
	   "packet: id and payload");
	nlh = put_packet(buf, sizeof(struct nfqnl_msg_packet_hdr), NULL, 0);
	ok(nfmsg_packet_parse(nlh, &id, &pkt, &len) && !pkt && !len,
	   "packet without payload: no payload");
	nlh = put_packet(buf, 2, NULL, 0);
	ok(!nfmsg_packet_parse(nlh, &id, &pkt, &len),
	   "packet with a short header: refused");
	nfmsg_verdict(buf, sizeof(buf), &seq, OUT_QUEUE_NUM, 1, NF_ACCEPT, 0);
	ok(!nfmsg_packet_parse((struct nlmsghdr *)buf, &id, &pkt, &len),
	   "a verdict is not a packet");
}

/**
 * nft_msg() - a ruleset message as the kernel sends one
 * @buf:	buffer (at least 256 bytes)
 * @type:	NFT_MSG_*
 * @family:	NFPROTO_*
 * @table:	the table name (attribute 1), or NULL for none
 *
 * Return: the message
 */
static struct nlmsghdr *nft_msg(void *buf, uint16_t type, uint8_t family,
				const char *table)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	if (table)
		mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, table);
	return nlh;
}

/**
 * test_foreign() - whose table a ruleset message is about
 */
static void test_foreign(void)
{
	char buf[256] __attribute__((aligned(4))), what[64] = "";
	uint32_t seq = 0;
	ssize_t len;

	ok(nfmsg_foreign(nft_msg(buf, NFT_MSG_NEWTABLE, NFPROTO_IPV4, "filter"),
			 what, sizeof(what)) &&
		   !strcmp(what, "table ip filter"),
	   "iptables-nft's table is foreign: %s", what);
	ok(nfmsg_foreign(nft_msg(buf, NFT_MSG_NEWRULE, NFPROTO_INET, "fw"),
			 what, sizeof(what)) &&
		   !strcmp(what, "table inet fw"),
	   "a rule in another table is foreign: %s", what);
	ok(!nfmsg_foreign(
		   nft_msg(buf, NFT_MSG_NEWCHAIN, NFPROTO_IPV6, NFMSG_TABLE),
		   what, sizeof(what)),
	   "ours (ip6) is not");
	ok(nfmsg_foreign(
		   nft_msg(buf, NFT_MSG_NEWTABLE, NFPROTO_INET, NFMSG_TABLE),
		   what, sizeof(what)),
	   "our name in another family is foreign");
	ok(!nfmsg_foreign(nft_msg(buf, NFT_MSG_NEWGEN, NFPROTO_UNSPEC, NULL),
			  what, sizeof(what)),
	   "a generation message is about no table");
	len = nfmsg_tables_dump(buf, sizeof(buf), &seq);
	ok(len > 0 && seq == 1 &&
		   ((struct nlmsghdr *)buf)->nlmsg_type ==
			   ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE) &&
		   (((struct nlmsghdr *)buf)->nlmsg_flags & NLM_F_DUMP) ==
			   NLM_F_DUMP,
	   "the table dump request");
	is_int(nfmsg_tables_dump(buf, 8, &seq), -EMSGSIZE,
	       "the dump request does not fit in 8 bytes");
}

/**
 * main() - every builder, read back; the parser
 *
 * Return: 0 when every test passed
 */
int main(void)
{
	unsigned char buf[16384];

	test_verdict();
	too_small("verdict", (size_t)build_verdict(buf, sizeof(buf)),
		  build_verdict);
	every_byte("verdict", build_verdict);
	test_queue_config();
	too_small("queue config", (size_t)build_queue(buf, sizeof(buf)),
		  build_queue);
	every_byte("queue config", build_queue);
	test_table();
	too_small("table", (size_t)build_table6(buf, sizeof(buf)),
		  build_table6);
	every_byte("table", build_table6);
	test_packet_parse();
	test_foreign();
	return done_testing();
}
