// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-delete.c - sublet delete [--force] ID
 */
#include <getopt.h>
#include <stdio.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

static const char usage[] = "Usage: sublet delete [--force] ID\n";

/**
 * cmd_delete() - sublet delete
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_delete(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sl_error e;
	bool force = false;
	int o;

	while ((o = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("delete", "bad option (see --help)");
		}
	}
	if (optind != argc - 1)
		return cli_usage("delete", "expected exactly one container ID");
	if (cli_root(c))
		return 1;
	if (sl_container_delete(c->root, argv[optind], force, cli_warn, &e))
		return cli_fail(&e);
	return 0;
}
