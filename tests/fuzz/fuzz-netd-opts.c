// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-netd-opts.c - libFuzzer target for sublet-netd's command line
 *
 * DOC: Theory of Operation
 * The input is split at NUL bytes into argv[1..] (at most 32 words) and
 * given to opts_parse(), which is pure: it reads the words and fills a
 * struct.  Accepted lines must give an MTU and prefix in range and a
 * target.  getopt keeps state in optind, reset before each run.  --help
 * and --version print and return 1, which is fine here.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "netd/netd.h"

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
	static int ready;
	struct netd_opts o;
	char *argv[34], *buf, *p;
	int argc = 1;

	if (!ready) {
		log_init("fuzz-netd-opts");
		ready = 1;
	}
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "sublet-netd";
	for (p = buf; p < buf + size && argc < 33; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	optind = 0;
	opterr = 0;
	if (opts_parse(&o, argc, argv) == 0 &&
	    (o.mtu < 1 || o.mtu > 65521 || o.prefix > 32 || !o.target))
		abort();
	free(buf);
	return 0;
}
