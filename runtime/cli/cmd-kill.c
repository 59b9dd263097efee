// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-kill.c - sublet kill [--all] ID [SIGNAL]
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"
#include "runtime/oci/signals.h"

static const char usage[] = "Usage: sublet kill [--all] ID [SIGNAL]\n";

/**
 * cmd_kill() - sublet kill
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_kill(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sl_error e;
	int o, sig = SIGTERM;
	bool all = false;

	while ((o = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		switch (o) {
		case 'a':
			all = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("kill", "bad option (see --help)");
		}
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage("kill", "expected ID [SIGNAL]");
	if (argc - optind == 2 && sl_signal_parse(argv[optind + 1], &sig) < 0)
		return cli_usage("kill", "unknown signal `%s`",
				 argv[optind + 1]);
	if (cli_root(c))
		return 1;
	if (sl_container_kill(c->root, argv[optind], sig, all, &e))
		return cli_fail(&e);
	return 0;
}
