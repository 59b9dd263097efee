// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slirp.c - the libslirp instance, its callbacks and its timers
 *
 * DOC: Theory of Operation
 * libslirp is the user-mode TCP/IP stack: frames the guest writes to its
 * tap device go in through slirp_input(), and libslirp hands frames for the
 * guest to the send_packet callback, which writes them to the tap fd.
 * libslirp's own sockets (one per guest connection) are polled by
 * loop.c through slirp_pollfds_fill()/slirp_pollfds_poll().
 *
 * The configuration mirrors slirp4netns: the network is --cidr, the host
 * (gateway) is +2, DNS +3, DHCP from +15, IPv6 fd00::/64 with host fd00::2
 * and DNS fd00::3.  Emulation code stays off.
 *
 * With -c the guest's address and MAC are known before it sends anything,
 * so libslirp is told them at once through an ARP request "from" the guest
 * for the gateway (and with -6 an IPv6 neighbour solicitation from
 * fd00::100 for fd00::2): the first connection to a published port then
 * goes out at once instead of waiting for libslirp to resolve the guest.
 *
 * Timers: libslirp asks for a handful (router advertisements for IPv6).
 * They live in a short list with an expiry time in milliseconds of
 * CLOCK_MONOTONIC; registered with the poller, they keep the main loop
 * from sleeping past the nearest one, and the expired ones fire through
 * slirp_handle_timer().  Nothing here allocates on the packet path:
 * send_packet is one write().
 */
#include <errno.h>
#include <libslirp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/netd.h"

/**
 * struct netd_timer - one libslirp timer
 * @id:		libslirp's timer id
 * @cb_opaque:	libslirp's argument for it
 * @expire:	expiry in ms of netd_now_ms(), or -1 when not armed
 * @next:	list link
 */
struct netd_timer {
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire;
	struct netd_timer *next;
};

/* implements SlirpCb.send_packet */
static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct netd *n = opaque;
	ssize_t w;

	do
		w = write(n->tapfd, buf, len);
	while (w < 0 && errno == EINTR);
	if (w < 0 && errno != EAGAIN) {
		debug("tap write: %s", strerror(errno));
		return -errno;
	}
	return (ssize_t)len; /* a full tap queue drops, as a wire would */
}

/* implements SlirpCb.guest_error */
static void cb_guest_error(const char *msg, void *opaque)
{
	debug("guest error: %s", msg);
}

/* implements SlirpCb.clock_get_ns */
static int64_t cb_clock_get_ns(void *opaque)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* implements SlirpCb.timer_new_opaque */
static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct netd *n = opaque;
	struct netd_timer *t = calloc(1, sizeof(*t));

	if (!t)
		die("out of memory");
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire = -1;
	t->next = n->timers;
	n->timers = t;
	return t;
}

/* implements SlirpCb.timer_free */
static void cb_timer_free(void *timer, void *opaque)
{
	struct netd *n = opaque;
	struct netd_timer **p;

	for (p = &n->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

/* implements SlirpCb.timer_mod */
static void cb_timer_mod(void *timer, int64_t expire_time, void *opaque)
{
	struct netd_timer *t = timer;

	t->expire = expire_time;
}

/* implements SlirpCb.register_poll_fd */
static void cb_register_poll_fd(int fd, void *opaque)
{
	struct netd *n = opaque;

	/* a new socket, maybe on a reused number: registered afresh when
	 * slirp_pollfds_fill() asks for it */
	poller_forget(&n->poller, fd);
}

/* implements SlirpCb.unregister_poll_fd */
static void cb_unregister_poll_fd(int fd, void *opaque)
{
	struct netd *n = opaque;

	poller_forget(&n->poller, fd); /* libslirp closes it next */
}

/* implements SlirpCb.notify */
static void cb_notify(void *opaque)
{
	/* the loop refills its poll set on every turn: nothing to kick */
}

static const SlirpCb callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_register_poll_fd,
	.unregister_poll_fd = cb_unregister_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/**
 * timers_timeout() - shorten a poll timeout to the nearest timer
 * @opaque:	instance
 * @timeout:	timeout in ms, or -1 for none
 *
 * Return: the timeout to use, in ms (-1 for none)
 */
static int timers_timeout(void *opaque, int timeout)
{
	struct netd *n = opaque;
	int64_t now = netd_now_ms(), d;
	struct netd_timer *t;

	for (t = n->timers; t; t = t->next) {
		if (t->expire < 0)
			continue;
		d = t->expire > now ? t->expire - now : 0;
		if (d > INT_MAX)
			d = INT_MAX;
		if (timeout < 0 || d < timeout)
			timeout = (int)d;
	}
	return timeout;
}

/**
 * timers_run() - fire every expired timer once
 * @opaque:	instance
 */
static void timers_run(void *opaque)
{
	struct netd *n = opaque;
	int64_t now = netd_now_ms();
	struct netd_timer *t;

again:
	for (t = n->timers; t; t = t->next) {
		if (t->expire < 0 || t->expire > now)
			continue;
		t->expire = -1;
		/* the handler may re-arm, free or add timers: restart */
		slirp_handle_timer(n->slirp, t->id, t->cb_opaque);
		goto again;
	}
}

static const struct poller_ops timer_ops = {
	.handle = timers_run,
	.timeout = timers_timeout,
};

/**
 * netd_timers_start() - have the main loop run libslirp's timers
 * @n:		instance
 *
 * Return: 0, or -ENOSPC
 */
int netd_timers_start(struct netd *n)
{
	return poller_register(&n->poller, &timer_ops, n);
}

/**
 * netd_slirp_new() - create the libslirp instance for @n's options
 * @n:		instance (options and tap fd set)
 *
 * Return: 0, or -errno
 */
int netd_slirp_new(struct netd *n)
{
	const struct netd_opts *o = n->o;
	SlirpConfig cfg = { 0 };

	cfg.version = 4;
	cfg.restricted = 0;
	cfg.in_enabled = true;
	cfg.vnetwork = o->vnetwork;
	cfg.vnetmask = o->vnetmask;
	cfg.vhost = netd_addr(o, 2);
	cfg.vnameserver = netd_addr(o, 3);
	cfg.vdhcp_start = netd_addr(o, 15);
	cfg.in6_enabled = o->enable_ipv6;
	inet_pton(AF_INET6, NETD_IP6_PREFIX, &cfg.vprefix_addr6);
	cfg.vprefix_len = 64;
	inet_pton(AF_INET6, NETD_IP6_HOST, &cfg.vhost6);
	inet_pton(AF_INET6, NETD_IP6_DNS, &cfg.vnameserver6);
	cfg.if_mtu = o->mtu;
	cfg.if_mru = o->mtu;
	cfg.disable_host_loopback = o->disable_host_loopback;
	cfg.enable_emu = false;
	cfg.disable_dns = o->disable_dns;
	if (o->have_outbound)
		cfg.outbound_addr = (struct sockaddr_in *)&o->outbound;
	if (o->have_outbound6)
		cfg.outbound_addr6 = (struct sockaddr_in6 *)&o->outbound6;
	n->slirp = slirp_new(&cfg, &callbacks, n);
	return n->slirp ? 0 : -ENOMEM;
}

/**
 * csum_add() - add @len bytes at @p to a ones' complement sum
 * @sum:	running sum
 * @p:		data (even length)
 * @len:	length
 *
 * Return: the new sum
 */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	return sum;
}

/**
 * learn_guest6() - feed libslirp a neighbour solicitation from fd00::100
 * @n:		instance
 * @mac:	the guest's MAC address
 */
static void learn_guest6(struct netd *n, const uint8_t mac[6])
{
	static const uint8_t dst_mac[6] = { 0x33, 0x33, 0xff, 0, 0, 0x02 };
	uint8_t f[14 + 40 + 32] = { 0 }, *ip = f + 14, *icmp = ip + 40;
	uint32_t sum;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x86; /* ETH_P_IPV6 */
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;  /* payload length */
	ip[6] = 58;  /* ICMPv6 */
	ip[7] = 255; /* hop limit */
	inet_pton(AF_INET6, NETD_IP6_GUEST, ip + 8);
	/* the solicited-node group of NETD_IP6_HOST (its last 24 bits) */
	inet_pton(AF_INET6, "ff02::1:ff00:2", ip + 24);
	icmp[0] = 135; /* neighbour solicitation */
	inet_pton(AF_INET6, NETD_IP6_HOST, icmp + 8);
	icmp[24] = 1; /* source link-layer address option */
	icmp[25] = 1;
	memcpy(icmp + 26, mac, 6);
	sum = csum_add(0, ip + 8, 32) + 32 + 58;
	sum = csum_add(sum, icmp, 32);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)sum;
	slirp_input(n->slirp, f, sizeof(f));
}

/**
 * netd_slirp_learn_guest() - teach libslirp the guest's MAC address
 * @n:		instance (slirp created)
 * @mac:	the tap's MAC address (the guest is cidr+100)
 *
 * Feeds libslirp an ARP request from the guest for the gateway, as the
 * guest's kernel would send before its first packet.
 */
void netd_slirp_learn_guest(struct netd *n, const uint8_t mac[6])
{
	struct in_addr guest = netd_addr(n->o, 100), gw = netd_addr(n->o, 2);
	uint8_t f[60] = { 0 };

	memset(f, 0xff, 6); /* broadcast */
	memcpy(f + 6, mac, 6);
	f[12] = 0x08; /* ETH_P_ARP */
	f[13] = 0x06;
	f[15] = 1;    /* hardware type: Ethernet */
	f[16] = 0x08; /* protocol: IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[21] = 1; /* ARPOP_REQUEST */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, &guest, 4);
	memcpy(f + 38, &gw, 4);
	slirp_input(n->slirp, f, sizeof(f));
	if (n->o->enable_ipv6)
		learn_guest6(n, mac);
}
