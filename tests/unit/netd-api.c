// SPDX-License-Identifier: GPL-2.0-or-later
/* netd-api.c - unit tests for the API request parser (netd/hostfwd.c) */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "netd/hostfwd.h"
#include "tests/unit/tap.h"

static struct netd_opts opts;
static char errbuf[256];

/**
 * req() - api_parse() on a string
 * @s:		request text
 * @r:		parsed request out
 *
 * Return: api_parse()'s result
 */
static int req(const char *s, struct api_req *r)
{
	errbuf[0] = '\0';
	return api_parse(&opts, s, strlen(s), r, errbuf, sizeof(errbuf));
}

/**
 * refused() - @s is refused with exactly @msg
 * @s:		request text
 * @msg:	expected message
 */
static void refused(const char *s, const char *msg)
{
	struct api_req r;

	if (!ok(req(s, &r) == -EINVAL && !strcmp(errbuf, msg), "refused: %s",
		s))
		printf("#   got \"%s\"\n#  want \"%s\"\n", errbuf, msg);
}

int main(void)
{
	char *argv[] = { "sublet-netd", "1", NULL };
	struct api_req r;
	char addr[INET6_ADDRSTRLEN], big[200];

	log_init("netd-api");
	opts_parse(&opts, 2, argv);
	is_int(req("{\"execute\":\"list_hostfwd\"}\n", &r), 0, "list");
	is_int(r.verb, API_LIST_HOSTFWD, "is list_hostfwd");
	is_int(req("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"udp\","
		   "\"host_port\":53,\"guest_port\":5353}}",
		   &r),
	       0, "add with defaults");
	ok(r.verb == API_ADD_HOSTFWD && r.fwd.udp && r.fwd.family == AF_INET,
	   "udp, IPv4");
	inet_ntop(AF_INET, &r.fwd.guest, addr, sizeof(addr));
	ok(!strcmp(addr, "10.0.2.100"), "guest defaults to cidr+100");
	inet_ntop(AF_INET, &r.fwd.host, addr, sizeof(addr));
	ok(!strcmp(addr, "0.0.0.0"), "host defaults to 0.0.0.0");
	ok(r.fwd.host_port == 53 && r.fwd.guest_port == 5353, "ports");
	is_int(req("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		   "\"host_addr\":\"::\",\"host_port\":80,\"guest_port\":80}}",
		   &r),
	       0, "IPv6 add");
	inet_ntop(AF_INET6, &r.fwd.guest, addr, sizeof(addr));
	ok(r.fwd.family == AF_INET6 && !strcmp(addr, "fd00::100"),
	   "IPv6 guest defaults to fd00::100");
	is_int(req("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		   "\"host_addr\":\"\",\"host_port\":80,\"guest_addr\":\"\","
		   "\"guest_port\":80}}",
		   &r),
	       0, "empty addresses, as Podman sends them");
	inet_ntop(AF_INET, &r.fwd.guest, addr, sizeof(addr));
	ok(r.fwd.family == AF_INET && !strcmp(addr, "10.0.2.100"),
	   "mean the defaults");
	is_int(req("{\"execute\":\"remove_hostfwd\",\"arguments\":{\"id\":9}}",
		   &r),
	       0, "remove");
	ok(r.verb == API_REMOVE_HOSTFWD && r.id == 9, "id 9");
	is_int(req("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		   "\"host_port\":80,\"guest_port\":80,\"fastpath\":false}}",
		   &r),
	       0, "\"fastpath\": false");
	ok(r.fwd.slow, "asks for libslirp");
	is_int(req("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		   "\"host_port\":80,\"guest_port\":80,\"fastpath\":true}}",
		   &r),
	       0, "\"fastpath\": true");
	ok(!r.fwd.slow, "the fast path where it can");

	refused("", "bad request: cannot parse JSON: truncated");
	refused("{\"execute\":", "bad request: cannot parse JSON: truncated");
	refused("{]",
		"bad request: cannot parse JSON: quoted object property name expected");
	refused("\"x\"",
		"bad request: json_object() failed: the request must be a JSON object");
	refused("{} x",
		"bad request: cannot parse JSON: trailing data after the JSON object");
	refused("{\"execute\":null}", "bad request: no execute found");
	refused("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		"\"host_port\":1,\"guest_port\":1,\"guest_addr\":\"10.0.3.1\"}}",
		"bad request: add_hostfwd: bad arguments.guest_addr: outside the network");
	refused("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		"\"host_port\":true,\"guest_port\":1}}",
		"bad request: add_hostfwd: bad arguments.host_port: must be an integer");
	refused("{\"execute\":\"add_hostfwd\",\"arguments\":{\"guest_port\":1}}",
		"bad request: add_hostfwd: bad arguments.proto: missing");
	refused("{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
		"\"host_port\":1,\"guest_port\":1,\"fastpath\":0}}",
		"bad request: add_hostfwd: bad arguments.fastpath: must be a boolean");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		char s[300];

		snprintf(s, sizeof(s), "{\"execute\":\"%s\"}", big);
		refused(s,
			"bad request: unknown execute: "
			"\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
	}
	is_int(api_parse(&opts, "{\"execute\":\"list_hostfwd\"}\0", 27, &r,
			 errbuf, sizeof(errbuf)),
	       -EINVAL, "a NUL byte is refused");
	return done_testing();
}
