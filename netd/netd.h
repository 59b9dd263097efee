/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netd.h - sublet-netd's options and the pieces main() wires together
 */
#ifndef SUBLET_NETD_H
#define SUBLET_NETD_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "netd/poller.h"

#define NETD_VERSION "1.2.0"
#define NETD_DEFAULT_MTU 1500
#define NETD_MAX_MTU 65521
/* the per-user configuration file, under $XDG_CONFIG_HOME or ~/.config */
#define NETD_CONFIG_NAME "sublet/netd.conf"

/* slirp4netns's fixed IPv6 network: prefix, namespace, gateway, DNS */
#define NETD_IP6_PREFIX "fd00::"
#define NETD_IP6_GUEST "fd00::100"
#define NETD_IP6_HOST "fd00::2"
#define NETD_IP6_DNS "fd00::3"

/**
 * struct netd_opts - the parsed command line
 * @configure:		-c: bring up lo and the tap inside the namespace
 * @exit_fd:		-e FD, or -1
 * @ready_fd:		-r FD, or -1
 * @mtu:		-m N
 * @vnetwork:		--cidr network address
 * @vnetmask:		--cidr netmask
 * @prefix:		--cidr prefix length
 * @disable_host_loopback: refuse connections to the host's 127.0.0.1
 * @enable_ipv6:	-6
 * @enable_sandbox:	--enable-sandbox
 * @enable_seccomp:	--enable-seccomp
 * @disable_dns:	--disable-dns
 * @disable_fastpath: --disable-fastpath: published ports through libslirp
 * @outbound_fastpath: outbound TCP kernel to kernel: on unless
 *			--disable-outbound-fastpath or the configuration file
 *			says otherwise
 * @outbound_fastpath_given: the command line said which (it wins over
 *			the configuration file)
 * @api_socket:		-a PATH, or NULL
 * @netns_is_path:	--netns-type=path
 * @userns_path:	--userns-path, or NULL
 * @outbound:		--outbound-addr, when @have_outbound
 * @outbound6:		--outbound-addr6, when @have_outbound6
 * @have_outbound:	@outbound is set
 * @have_outbound6:	@outbound6 is set
 * @mac:		--macaddress, when @have_mac
 * @have_mac:		@mac is set
 * @target:		PID or PATH as given
 * @pid:		the PID when !@netns_is_path
 * @tapname:		TAPNAME (tap0 by default)
 */
struct netd_opts {
	bool configure;
	int exit_fd;
	int ready_fd;
	unsigned int mtu;
	struct in_addr vnetwork;
	struct in_addr vnetmask;
	unsigned int prefix;
	bool disable_host_loopback;
	bool enable_ipv6;
	bool enable_sandbox;
	bool enable_seccomp;
	bool disable_dns;
	bool disable_fastpath;
	bool outbound_fastpath;
	bool outbound_fastpath_given;
	const char *api_socket;
	bool netns_is_path;
	const char *userns_path;
	struct sockaddr_in outbound;
	struct sockaddr_in6 outbound6;
	bool have_outbound;
	bool have_outbound6;
	uint8_t mac[6];
	bool have_mac;
	const char *target;
	pid_t pid;
	char tapname[IFNAMSIZ];
};

/* options.c */
int opts_parse(struct netd_opts *o, int argc, char **argv);
void opts_usage(const char *argv0);
int parse_cidr(const char *s, struct in_addr *net, struct in_addr *mask,
	       unsigned int *prefix);
int parse_mac(const char *s, uint8_t mac[6]);

/**
 * netd_addr() - the address @off hosts into the configured network
 * @o:		options
 * @off:	offset (2 gateway, 3 DNS, 15 DHCP start, 100 guest)
 *
 * Return: the address in network byte order
 */
static inline struct in_addr netd_addr(const struct netd_opts *o, uint32_t off)
{
	struct in_addr a = { .s_addr = htonl(ntohl(o->vnetwork.s_addr) + off) };

	return a;
}

struct netd_timer;
struct api;
struct hostfwd_table;
struct fp_state;
struct out_state;
struct nshelper;
typedef struct Slirp Slirp;

/**
 * struct netd - the running instance
 * @o:		options
 * @slirp:	libslirp instance
 * @tapfd:	tap device (non-blocking)
 * @sigfd:	signalfd for SIGTERM/SIGINT
 * @timers:	libslirp's timers (a short list)
 * @api:	API socket (api.c), or NULL
 * @fwds:	published ports (hostfwd.c), with @api
 * @fp:		published-port fast path (fastpath.c)
 * @out:	outbound fast path (outbound.c), or NULL when off
 * @nsh:	namespace helper (nshelper.c), or NULL when not running
 * @poller:	the poll array, the epoll set behind it, who fills it
 * @target:	/proc directory of the target PID, or -1 (a path target)
 * @quit:	leave the main loop
 *
 * Where state lives: each module keeps its own in one struct, defined in
 * its .c file, made when the module starts and reached from here by a
 * pointer (@api, @fwds, @fp, @out, @nsh); what the loop itself works
 * with (@slirp and its @timers, @tapfd, @sigfd, @poller) sits here
 * directly.  No file-scope variable holds state.  The statics left are
 * read-only tables and scratch buffers that nothing outlives one call in
 * (the tap frame, the fast path's copy buffer, the netlink receive and
 * batch buffers): static so the packet path neither allocates nor puts
 * them on the stack.  Nothing needs more: signals arrive through a
 * signalfd, not a handler, and libslirp hands every callback its opaque
 * pointer, this struct.
 */
struct netd {
	const struct netd_opts *o;
	Slirp *slirp;
	int tapfd;
	int sigfd;
	struct netd_timer *timers;
	struct api *api;
	struct hostfwd_table *fwds;
	struct fp_state *fp;
	struct out_state *out;
	struct nshelper *nsh;
	struct poller poller;
	int target;
	bool quit;
};

/* slirp.c */
int netd_slirp_new(struct netd *n);
void netd_slirp_learn_guest(struct netd *n, const uint8_t mac[6]);
int netd_timers_start(struct netd *n);

/* api.c */
#define API_MAX_CLIENTS 16
#define API_MAX_REQUEST (64 * 1024)
#define API_TIMEOUT_MS 5000
int api_path_check(const char *path);
int api_open(struct netd *n, const char *path);
void api_close(struct netd *n);

/* loop.c */
#define LOOP_SLOT_TAP 0
#define LOOP_SLOT_SIG 1
#define LOOP_SLOT_EXIT 2
#define LOOP_FIXED_SLOTS 3
int netd_loop(struct netd *n);

/* tap.c */
int tap_setup(struct netd *n, uint8_t mac[6]);

/* config.c */
int config_read(struct netd_opts *o);

/* ns.c */
int ns_open_userns(const struct netd_opts *o, int *fd);
int ns_open_netns(const struct netd_opts *o);

#endif /* SUBLET_NETD_H */
