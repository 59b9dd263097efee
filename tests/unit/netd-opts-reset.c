// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netd-opts-reset.c - opts_parse() called twice forgets the first line
 *
 * Regression test for a use-after-free the fuzz-netd-opts target found:
 * a refused option in the middle of a cluster ("-xc") left getopt's
 * position inside the first argv, and the next call resumed there (with
 * the first argv freed, ASan saw the read; here the first argv stays
 * alive, so the stale "c" would turn on --configure).
 */
#include <errno.h>

#include "lib/log.h"
#include "netd/netd.h"
#include "tests/unit/tap.h"

int main(void)
{
	char cluster[] = "-xc";
	char *first[] = { "sublet-netd", cluster, "1", NULL };
	char *second[] = { "sublet-netd", "1", NULL };
	struct netd_opts o;

	log_init("netd-opts-reset");
	is_int(opts_parse(&o, 3, first), -EINVAL, "-xc refused");
	is_int(opts_parse(&o, 2, second), 0, "next line parsed");
	ok(!o.configure, "nothing carried over from the refused line");
	ok(o.pid == 1, "target of the second line");
	return done_testing();
}
