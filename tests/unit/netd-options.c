// SPDX-License-Identifier: GPL-2.0-or-later
/* netd-options.c - unit tests for netd/options.c */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "netd/netd.h"
#include "tests/unit/tap.h"

/**
 * cidr_is() - parse_cidr(@s) succeeds with @net and @prefix
 * @s:		text
 * @net:	expected network
 * @prefix:	expected prefix
 *
 * Return: 1 if so
 */
static int cidr_is(const char *s, const char *net, unsigned int prefix)
{
	struct in_addr n, m, want;
	unsigned int p;

	inet_pton(AF_INET, net, &want);
	return parse_cidr(s, &n, &m, &p) == 0 && n.s_addr == want.s_addr &&
	       p == prefix && m.s_addr == htonl(~0u << (32 - prefix));
}

/**
 * parse() - run opts_parse() on a NULL-terminated argument list
 * @o:		options out
 * @...:	arguments (after argv[0])
 *
 * Return: opts_parse()'s result
 */
#define parse(o, ...)                                                      \
	({                                                                 \
		char *argv_[] = { "sublet-netd", __VA_ARGS__, NULL };      \
		opts_parse(o, (int)(sizeof(argv_) / sizeof(argv_[0])) - 1, \
			   argv_);                                         \
	})

int main(void)
{
	struct netd_opts o;
	struct in_addr a, n, m;
	uint8_t mac[6] = { 9, 9, 9, 9, 9, 9 };
	unsigned int p = 77;

	log_init("netd-options");
	ok(cidr_is("10.0.2.0/24", "10.0.2.0", 24), "10.0.2.0/24");
	ok(cidr_is("10.0.0.0/8", "10.0.0.0", 8), "10.0.0.0/8");
	ok(cidr_is("192.168.7.128/25", "192.168.7.128", 25), "a /25");
	ok(cidr_is("0.0.0.0/1", "0.0.0.0", 1), "a /1");
	is_int(parse_cidr("10.0.2.0/26", &n, &m, &p), -EINVAL, "/26 refused");
	is_int(parse_cidr("10.0.2.0/0", &n, &m, &p), -EINVAL, "/0 refused");
	is_int(parse_cidr("10.0.2.1/24", &n, &m, &p), -EINVAL,
	       "host bits refused");
	is_int(parse_cidr("10.0.2.0", &n, &m, &p), -EINVAL, "no prefix");
	is_int(parse_cidr("10.0.2.0/+24", &n, &m, &p), -EINVAL, "+24");
	is_int(parse_cidr("10.0.2.0/ 24", &n, &m, &p), -EINVAL, "blank");
	is_int(parse_cidr("1234567890123456789/8", &n, &m, &p), -EINVAL,
	       "overlong address");
	is_int(p, 77, "prefix untouched on failure");

	is_int(parse_mac("02:00:5e:10:00:01", mac), 0, "a MAC parses");
	ok(mac[0] == 2 && mac[2] == 0x5e && mac[5] == 1, "its bytes");
	is_int(parse_mac("02:00:5E:10:00:01", mac), 0, "upper case");
	is_int(parse_mac("01:00:5e:10:00:01", mac), -EINVAL, "multicast");
	is_int(parse_mac("02:00:5e:10:00", mac), -EINVAL, "five bytes");
	is_int(parse_mac("02:00:5e:10:00:011", mac), -EINVAL, "long byte");
	is_int(parse_mac("02-00-5e-10-00-01", mac), -EINVAL, "dashes");
	is_int(parse_mac(" 2:00:5e:10:00:01", mac), -EINVAL, "blank");
	is_int(parse_mac("+2:00:5e:10:00:01", mac), -EINVAL, "sign");
	is_int(parse_mac("0x:00:5e:10:00:01", mac), -EINVAL, "not hex");

	is_int(parse(&o, "1234"), 0, "PID alone");
	is_int(o.pid, 1234, "pid");
	ok(!strcmp(o.tapname, "tap0"), "tap0 by default");
	is_int(o.mtu, 1500, "MTU 1500 by default");
	inet_pton(AF_INET, "10.0.2.0", &a);
	ok(o.vnetwork.s_addr == a.s_addr && o.prefix == 24,
	   "10.0.2.0/24 by default");
	is_int(o.exit_fd, -1, "no exit fd");
	is_int(o.ready_fd, -1, "no ready fd");
	ok(!o.configure && !o.enable_ipv6 && !o.enable_sandbox && !o.api_socket,
	   "flags off by default");
	is_int(parse(&o, "--disable-host-loopback", "--mtu=65520",
		     "--enable-sandbox", "--enable-seccomp", "--enable-ipv6",
		     "-c", "-e", "3", "-r", "4", "--api-socket", "/tmp/s",
		     "--netns-type=path", "/run/user/1/netns/x", "tap1"),
	       0, "Podman's command line");
	ok(o.disable_host_loopback && o.enable_sandbox && o.enable_seccomp &&
		   o.enable_ipv6 && o.configure && o.netns_is_path,
	   "its flags");
	is_int(o.mtu, 65520, "its MTU");
	is_int(o.exit_fd, 3, "its exit fd");
	is_int(o.ready_fd, 4, "its ready fd");
	ok(!strcmp(o.api_socket, "/tmp/s"), "its API socket");
	ok(!strcmp(o.target, "/run/user/1/netns/x"), "its netns path");
	ok(!strcmp(o.tapname, "tap1"), "its tap name");
	is_int(parse(&o, "-r", "3", "-e", "4", "1", "tap0"), 0,
	       "the other fd layout");
	ok(o.ready_fd == 3 && o.exit_fd == 4, "its fds");
	is_int(parse(&o, "--outbound-addr=127.0.0.1", "--outbound-addr6=::1",
		     "--cidr=10.5.0.0/16", "-c", "--macaddress",
		     "02:00:00:00:00:09", "1"),
	       0, "outbound addresses, cidr, MAC");
	ok(o.have_outbound && o.have_outbound6 && o.have_mac && o.prefix == 16,
	   "are set");
	is_int(parse(&o, "--outbound-addr=lo", "1"), 0, "an interface name");
	ok(o.outbound.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	   "lo is 127.0.0.1");
	is_int(parse(&o, "--mtu=65522", "1"), -EINVAL, "MTU too big");
	is_int(parse(&o, "--mtu=0", "1"), -EINVAL, "MTU 0");
	is_int(parse(&o, "--macaddress=02:00:00:00:00:09", "1"), -EINVAL,
	       "--macaddress without -c");
	is_int(parse(&o, "1", "tap0", "x"), -EINVAL, "extra argument");
	is_int(parse(&o, "-c"), -EINVAL, "no target");
	is_int(parse(&o, "-e"), -EINVAL, "-e without its value");
	is_int(parse(&o, "1"), 0, "no flag");
	ok(o.outbound_fastpath && !o.outbound_fastpath_given,
	   "the outbound fast path is on by default, not said");
	is_int(parse(&o, "--disable-outbound-fastpath", "1"), 0,
	       "--disable-outbound-fastpath");
	ok(!o.outbound_fastpath && o.outbound_fastpath_given, "off, said");
	is_int(parse(&o, "--outbound-fastpath", "--outbound-fastpath", "1"), 0,
	       "--outbound-fastpath twice");
	is_int(parse(&o, "--outbound-fastpath", "--disable-outbound-fastpath",
		     "1"),
	       -EINVAL, "both refused");
	return done_testing();
}
