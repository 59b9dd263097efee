// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options.c - slirp4netns 1.2's command line
 *
 * DOC: Theory of Operation
 * Engines call sublet-netd under the name slirp4netns and detect features
 * by reading --help, so the flags, their spellings and the help text's
 * shape follow slirp4netns 1.2: short and long forms, "--flag=VALUE" and
 * "--flag VALUE", then PID|PATH and an optional TAPNAME.  Every bad value
 * gets one line; nothing is done until the whole line has parsed.  Scripts
 * grep slirp4netns's messages, so a refusal slirp4netns 1.2 also makes
 * starts with its sentence (getopt's for unknown flags) and adds the
 * detail after it; the checks slirp4netns lacks say what is wrong in
 * their own words.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libslirp.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "netd/netd.h"

enum {
	OPT_CIDR = 0x100,
	OPT_DISABLE_HOST_LOOPBACK,
	OPT_NETNS_TYPE,
	OPT_USERNS_PATH,
	OPT_ENABLE_SANDBOX,
	OPT_ENABLE_SECCOMP,
	OPT_OUTBOUND_ADDR,
	OPT_OUTBOUND_ADDR6,
	OPT_DISABLE_DNS,
	OPT_DISABLE_FASTPATH,
	OPT_OUTBOUND_FASTPATH,
	OPT_NO_OUTBOUND_FASTPATH,
	OPT_MACADDRESS,
	OPT_TARGET_TYPE,
};

static const struct option long_opts[] = {
	{ "configure", no_argument, NULL, 'c' },
	{ "exit-fd", required_argument, NULL, 'e' },
	{ "ready-fd", required_argument, NULL, 'r' },
	{ "mtu", required_argument, NULL, 'm' },
	{ "enable-ipv6", no_argument, NULL, '6' },
	{ "api-socket", required_argument, NULL, 'a' },
	{ "cidr", required_argument, NULL, OPT_CIDR },
	{ "disable-host-loopback", no_argument, NULL,
	  OPT_DISABLE_HOST_LOOPBACK },
	{ "netns-type", required_argument, NULL, OPT_NETNS_TYPE },
	{ "userns-path", required_argument, NULL, OPT_USERNS_PATH },
	{ "enable-sandbox", no_argument, NULL, OPT_ENABLE_SANDBOX },
	{ "enable-seccomp", no_argument, NULL, OPT_ENABLE_SECCOMP },
	{ "outbound-addr", required_argument, NULL, OPT_OUTBOUND_ADDR },
	{ "outbound-addr6", required_argument, NULL, OPT_OUTBOUND_ADDR6 },
	{ "disable-dns", no_argument, NULL, OPT_DISABLE_DNS },
	{ "disable-fastpath", no_argument, NULL, OPT_DISABLE_FASTPATH },
	{ "outbound-fastpath", no_argument, NULL, OPT_OUTBOUND_FASTPATH },
	{ "disable-outbound-fastpath", no_argument, NULL,
	  OPT_NO_OUTBOUND_FASTPATH },
	{ "macaddress", required_argument, NULL, OPT_MACADDRESS },
	{ "target-type", required_argument, NULL, OPT_TARGET_TYPE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

/**
 * opts_usage() - print --help to stdout
 * @argv0:	name the program was called by
 */
void opts_usage(const char *argv0)
{
	printf("Usage: %s [OPTION]... PID|PATH [TAPNAME]\n"
	       "User-mode networking for unprivileged network namespaces.\n"
	       "\n"
	       "-c, --configure          bring up the interface\n"
	       "-e, --exit-fd=FD         specify the FD for terminating slirp4netns\n"
	       "-r, --ready-fd=FD        specify the FD to write to when the network is configured\n"
	       "-m, --mtu=MTU            specify MTU (default=%d, max=%d)\n"
	       "-6, --enable-ipv6        enable IPv6\n"
	       "-a, --api-socket=PATH    specify API socket path\n"
	       "--cidr=CIDR              specify network address CIDR (default=10.0.2.0/24)\n"
	       "--disable-host-loopback  prohibit connecting to 127.0.0.1:* on the host namespace\n"
	       "--netns-type=TYPE        specify network namespace type ([path|pid], default=pid)\n"
	       "--userns-path=PATH       specify user namespace path\n"
	       "--enable-sandbox         create a new mount namespace (and drop all caps)\n"
	       "--enable-seccomp         enable seccomp to limit syscalls\n"
	       "--outbound-addr=IPv4     sets outbound ipv4 address (or interface) to bind to\n"
	       "--outbound-addr6=IPv6    sets outbound ipv6 address (or interface) to bind to\n"
	       "--disable-dns            disables 10.0.2.3 (or configured internal ip) to host dns redirect\n"
	       "--disable-fastpath       publish ports through libslirp, not kernel to kernel\n"
	       "--outbound-fastpath      join outbound TCP kernel to kernel (the default)\n"
	       "--disable-outbound-fastpath\n"
	       "                         outbound TCP through libslirp (or outbound-fastpath = false\n"
	       "                         in ~/.config/" NETD_CONFIG_NAME ")\n"
	       "--macaddress=MAC         specify the MAC address of the TAP (only valid with -c)\n"
	       "--target-type=TYPE       specify the target type ([netns], default=netns)\n"
	       "-h, --help               show this help and exit\n"
	       "-v, --version            show version and exit\n",
	       argv0, NETD_DEFAULT_MTU, NETD_MAX_MTU);
}

/**
 * cidr_shape() - is @s shaped "D.D.D.D/P" (1..3 digits each, P 1..2 digits)?
 * @s:		text
 *
 * slirp4netns 1.2 says "invalid CIDR" for anything of another shape and
 * judges the address and the prefix only after that; so do we.
 *
 * Return: true if it has that shape
 */
static bool cidr_shape(const char *s)
{
	int part = 0, digits = 0;

	for (; *s && *s != '/'; s++) {
		if (*s == '.' && digits && part < 3) {
			part++;
			digits = 0;
		} else if (!isdigit((unsigned char)*s) || ++digits > 3) {
			return false;
		}
	}
	if (*s != '/' || part != 3 || !digits)
		return false;
	s++;
	return isdigit((unsigned char)s[0]) &&
	       (!s[1] || (isdigit((unsigned char)s[1]) && !s[2]));
}

/**
 * cidr_check() - parse an IPv4 network "A.B.C.D/N" (N 1..25, host bits 0)
 * @s:		text
 * @net:	network address, written only on success
 * @mask:	netmask, written only on success
 * @prefix:	prefix length, written only on success
 * @why:	on failure, slirp4netns 1.2's sentence for it (static)
 *
 * Return: 0, or -EINVAL
 */
static int cidr_check(const char *s, struct in_addr *net, struct in_addr *mask,
		      unsigned int *prefix, const char **why)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	unsigned int p;
	uint32_t m;

	*why = "invalid CIDR";
	if (!cidr_shape(s) || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	*why = "invalid network address";
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	*why = "prefix length needs to be 1-25";
	if (parse_uint_range(slash + 1, 1, 25, &p) < 0)
		return -EINVAL;
	m = ~0u << (32 - p);
	*why = "CIDR needs to be a network address like 10.0.2.0/24, not like 10.0.2.100/24";
	if (ntohl(a.s_addr) & ~m)
		return -EINVAL;
	net->s_addr = a.s_addr;
	mask->s_addr = htonl(m);
	*prefix = p;
	return 0;
}

/**
 * parse_cidr() - parse an IPv4 network "A.B.C.D/N" (N 1..25, host bits 0)
 * @s:		text
 * @net:	network address, written only on success
 * @mask:	netmask, written only on success
 * @prefix:	prefix length, written only on success
 *
 * The guest sits at network + 100 and DHCP ends at + 30, so the network
 * needs at least 128 addresses: a /25 is the smallest, as in slirp4netns.
 *
 * Return: 0, or -EINVAL
 */
int parse_cidr(const char *s, struct in_addr *net, struct in_addr *mask,
	       unsigned int *prefix)
{
	const char *why;

	return cidr_check(s, net, mask, prefix, &why);
}

/**
 * parse_mac() - parse a unicast MAC address "xx:xx:xx:xx:xx:xx"
 * @s:		text
 * @mac:	six bytes, written only on success
 *
 * Return: 0, or -EINVAL
 */
int parse_mac(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t b[6];
	int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *hi = strchr(hex, tolower((unsigned char)s[i * 3]));
		const char *lo =
			strchr(hex, tolower((unsigned char)s[i * 3 + 1]));

		if (!s[i * 3] || !s[i * 3 + 1] || !hi || !lo ||
		    (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		b[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	if (b[0] & 1)
		return -EINVAL; /* multicast */
	memcpy(mac, b, 6);
	return 0;
}

/**
 * iface_addr() - the first address of @family on interface @name
 * @name:	interface name
 * @family:	AF_INET or AF_INET6
 * @sa:		address, written only on success (size of @family's sockaddr)
 *
 * Return: 0, or -ENOENT
 */
static int iface_addr(const char *name, int family, void *sa)
{
	struct ifaddrs *ifa, *i;
	int ret = -ENOENT;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    strcmp(i->ifa_name, name))
			continue;
		memcpy(sa, i->ifa_addr,
		       family == AF_INET ? sizeof(struct sockaddr_in)
					 : sizeof(struct sockaddr_in6));
		ret = 0;
		break;
	}
	freeifaddrs(ifa);
	return ret;
}

/**
 * parse_outbound() - parse --outbound-addr / --outbound-addr6
 * @o:		options to fill
 * @s:		an address of the flag's family, or an interface name
 * @family:	AF_INET or AF_INET6
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int parse_outbound(struct netd_opts *o, const char *s, int family)
{
	const char *flag =
		family == AF_INET ? "--outbound-addr" : "--outbound-addr6";

	if (family == AF_INET) {
		struct sockaddr_in sin = { .sin_family = AF_INET };

		if (inet_pton(AF_INET, s, &sin.sin_addr) != 1 &&
		    iface_addr(s, AF_INET, &sin) < 0)
			goto bad;
		sin.sin_port = 0;
		o->outbound = sin;
		o->have_outbound = true;
	} else {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

		if (inet_pton(AF_INET6, s, &sin6.sin6_addr) != 1 &&
		    iface_addr(s, AF_INET6, &sin6) < 0)
			goto bad;
		sin6.sin6_port = 0;
		o->outbound6 = sin6;
		o->have_outbound6 = true;
	}
	return 0;
bad:
	/* slirp4netns 1.2's sentences, its typo and missing "6" included */
	err("outbound-addr has to be valid ipv4 address or %s name. (%s '%s': not an IPv%c address or an interface with one)",
	    family == AF_INET ? "interface" : "iterface", flag, s,
	    family == AF_INET ? '4' : '6');
	return -EINVAL;
}

/**
 * parse_fd_arg() - parse the FD of -e / -r
 * @flag:	flag name for the message, without its dashes
 * @s:		text
 * @fd:		result, written only on success
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int parse_fd_arg(const char *flag, const char *s, int *fd)
{
	unsigned int v;

	if (parse_uint_range(s, 0, 1 << 20, &v) < 0) {
		err("%s must be a non-negative integer: '%s' is not a file descriptor number",
		    flag, s);
		return -EINVAL;
	}
	*fd = (int)v;
	return 0;
}

/**
 * parse_cidr_arg() - parse --cidr, refusing with slirp4netns 1.2's words
 * @o:		options to fill
 * @arg:	text
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int parse_cidr_arg(struct netd_opts *o, const char *arg)
{
	const char *why;

	if (!cidr_check(arg, &o->vnetwork, &o->vnetmask, &o->prefix, &why))
		return 0;
	if (!strcmp(why, "invalid CIDR"))
		err("invalid CIDR: %s: want ADDR/PREFIX, like 10.0.2.0/24",
		    arg);
	else if (!strcmp(why, "invalid network address"))
		err("invalid network address: %.*s (--cidr %s)",
		    (int)strcspn(arg, "/"), arg, arg);
	else
		err("%s: --cidr %s", why, arg);
	return -EINVAL;
}

/**
 * getopt_refusal() - say what getopt_long() refused, in glibc's words
 * @c:		'?' (unknown option, or an argument given to a flag taking
 *		none) or ':' (missing argument)
 * @arg:	the command-line word it stopped at
 *
 * slirp4netns lets getopt print these; we print the same sentences
 * through err() so they carry our name and go where our messages go.
 */
static void getopt_refusal(int c, const char *arg)
{
	bool is_long = !strncmp(arg, "--", 2);

	if (c == ':' && is_long)
		err("option '%s' requires an argument (see --help)", arg);
	else if (c == ':')
		err("option requires an argument -- '%c' (see --help)", optopt);
	else if (is_long && optopt)
		err("option '%.*s' doesn't allow an argument (see --help)",
		    (int)strcspn(arg, "="), arg);
	else if (is_long)
		err("unrecognized option '%s' (see --help)", arg);
	else
		err("invalid option -- '%c' (see --help)", optopt);
}

/**
 * set_outbound_fastpath() - --outbound-fastpath or
 * --disable-outbound-fastpath, once
 * @o:		options to fill
 * @on:		which of the two
 *
 * Return: 0, or -EINVAL when the other one was given too (message printed)
 */
static int set_outbound_fastpath(struct netd_opts *o, bool on)
{
	if (o->outbound_fastpath_given && o->outbound_fastpath != on) {
		err("--outbound-fastpath and --disable-outbound-fastpath contradict each other: give one");
		return -EINVAL;
	}
	o->outbound_fastpath = on;
	o->outbound_fastpath_given = true;
	return 0;
}

/**
 * parse_one() - apply one option
 * @o:		options to fill
 * @c:		getopt_long's return value
 * @arg:	its argument
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int parse_one(struct netd_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'c':
		o->configure = true;
		return 0;
	case 'e':
		return parse_fd_arg("exit-fd", arg, &o->exit_fd);
	case 'r':
		return parse_fd_arg("ready-fd", arg, &o->ready_fd);
	case 'm':
		if (parse_uint_range(arg, 1, NETD_MAX_MTU, &o->mtu) < 0) {
			err("MTU must be a positive integer (< %d): '%s'",
			    NETD_MAX_MTU + 1, arg);
			return -EINVAL;
		}
		return 0;
	case '6':
		o->enable_ipv6 = true;
		return 0;
	case 'a':
		o->api_socket = arg;
		return 0;
	case OPT_CIDR:
		return parse_cidr_arg(o, arg);
	case OPT_DISABLE_HOST_LOOPBACK:
		o->disable_host_loopback = true;
		return 0;
	case OPT_NETNS_TYPE:
		if (strcmp(arg, "pid") && strcmp(arg, "path")) {
			err("bad --netns-type '%s': must be pid or path (slirp4netns takes any other word for path)",
			    arg);
			return -EINVAL;
		}
		o->netns_is_path = !strcmp(arg, "path");
		return 0;
	case OPT_USERNS_PATH:
		/* checked here, as slirp4netns 1.2 does, in its words */
		if (access(arg, F_OK) < 0) {
			err("userns path doesn't exist: %s", arg);
			return -EINVAL;
		}
		o->userns_path = arg;
		return 0;
	case OPT_ENABLE_SANDBOX:
		o->enable_sandbox = true;
		return 0;
	case OPT_ENABLE_SECCOMP:
		o->enable_seccomp = true;
		return 0;
	case OPT_OUTBOUND_ADDR:
		return parse_outbound(o, arg, AF_INET);
	case OPT_OUTBOUND_ADDR6:
		return parse_outbound(o, arg, AF_INET6);
	case OPT_DISABLE_DNS:
		o->disable_dns = true;
		return 0;
	case OPT_DISABLE_FASTPATH:
		o->disable_fastpath = true;
		return 0;
	case OPT_OUTBOUND_FASTPATH:
	case OPT_NO_OUTBOUND_FASTPATH:
		return set_outbound_fastpath(o, c == OPT_OUTBOUND_FASTPATH);
	case OPT_MACADDRESS:
		if (parse_mac(arg, o->mac)) {
			err("macaddress has to be a valid MAC address (hex string, 6 bytes, each byte separated by a ':'). ('%s': need a unicast MAC like 02:00:00:00:00:01)",
			    arg);
			return -EINVAL;
		}
		o->have_mac = true;
		return 0;
	case OPT_TARGET_TYPE:
		if (!strcmp(arg, "bess")) {
			err("--target-type=bess is not supported by sublet-netd: only netns");
			return -EINVAL;
		}
		if (strcmp(arg, "netns")) {
			err("--target-type must be either \"netns\" or \"bess\": '%s'",
			    arg);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

/**
 * parse_positional() - PID|PATH [TAPNAME]
 * @o:		options to fill
 * @argc:	remaining argument count
 * @argv:	remaining arguments
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int parse_positional(struct netd_opts *o, int argc, char **argv)
{
	const char *tap = argc > 1 ? argv[1] : "tap0";
	unsigned int pid;

	if (argc < 1) {
		err("missing PID|PATH of the network namespace (see --help)");
		return -EINVAL;
	}
	if (argc > 2) {
		err("too many arguments: unexpected '%s' (see --help)",
		    argv[2]);
		return -EINVAL;
	}
	o->target = argv[0];
	if (!o->netns_is_path) {
		if (parse_uint_range(argv[0], 1, 1u << 30, &pid) < 0) {
			err("PID must be a positive integer: '%s' (use --netns-type=path for a path)",
			    argv[0]);
			return -EINVAL;
		}
		o->pid = (pid_t)pid;
	}
	if (!*tap || strlen(tap) >= IFNAMSIZ || strchr(tap, '/') ||
	    strpbrk(tap, " \t\n:")) {
		err("bad TAPNAME '%s': need 1..%d characters, no '/', ':' or spaces",
		    tap, IFNAMSIZ - 1);
		return -EINVAL;
	}
	strcpy(o->tapname, tap);
	return 0;
}

/**
 * opts_parse() - parse the whole command line into @o
 * @o:		options, filled with defaults first
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: 0 to run, 1 when --help/--version printed (exit 0), -EINVAL on a
 * bad command line (one line printed)
 */
int opts_parse(struct netd_opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->exit_fd = o->ready_fd = -1;
	o->mtu = NETD_DEFAULT_MTU;
	o->outbound_fastpath = true;
	parse_cidr("10.0.2.0/24", &o->vnetwork, &o->vnetmask, &o->prefix);
	opterr = 0;
	/* 0, not 1: a full reset, so a cluster a refused line left
	 * half-read ("-xc") is not resumed on the next call */
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ce:r:m:6a:hv", long_opts,
				NULL)) != -1) {
		if (c == 'h') {
			opts_usage(argv[0]);
			return 1;
		}
		if (c == 'v') {
			printf("slirp4netns version %s (sublet-netd)\nlibslirp: %s\nSLIRP_CONFIG_VERSION_MAX: %d\n",
			       NETD_VERSION, slirp_version_string(),
			       SLIRP_CONFIG_VERSION_MAX);
			return 1;
		}
		if (c == '?' || c == ':') {
			getopt_refusal(c, argv[optind - 1]);
			return -EINVAL;
		}
		if (parse_one(o, c, optarg) < 0)
			return -EINVAL;
	}
	if (o->have_mac && !o->configure) {
		err("--macaddr cannot be specified when --configure or -c is not specified");
		return -EINVAL;
	}
	return parse_positional(o, argc - optind, argv + optind);
}
