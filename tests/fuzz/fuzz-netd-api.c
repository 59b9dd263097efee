// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-netd-api.c - libFuzzer target for sublet-netd's API request parser
 *
 * DOC: Theory of Operation
 * The input is one request as a client writes it to the API socket.
 * api_parse() runs on it with the default options (10.0.2.0/24, IPv6
 * on); a refusal must leave a message, and the error reply built from it
 * must be JSON on one line (a client reads up to the newline).  An accepted add_hostfwd must name a
 * known family and a guest address.  ASan and UBSan catch the rest.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "netd/hostfwd.h"

/**
 * LLVMFuzzerTestOneInput() - libFuzzer entry point
 * @data:	input
 * @size:	its length
 *
 * Return: 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netd_opts opts;
	static int ready;
	char *argv[] = { "sublet-netd", "-6", "1", NULL };
	char errbuf[256] = "", *r;
	struct api_req req;

	if (!ready) {
		log_init("fuzz-netd-api");
		if (opts_parse(&opts, 3, argv))
			abort();
		ready = 1;
	}
	if (api_parse(&opts, (const char *)data, size, &req, errbuf,
		      sizeof(errbuf))) {
		if (!errbuf[0])
			abort();
		r = api_error_reply(errbuf);
		if (r && strchr(r, '\n'))
			abort();
		free(r);
		return 0;
	}
	if (req.verb == API_ADD_HOSTFWD && req.fwd.family != AF_INET &&
	    req.fwd.family != AF_INET6)
		abort();
	return 0;
}
