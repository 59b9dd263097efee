// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-start.c - sublet start ID
 */
#include <stdio.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

/**
 * cmd_start() - sublet start ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_start(struct cli *c, int argc, char **argv)
{
	struct sl_error e;
	const char *id;
	int r = cli_one_id("start", "Usage: sublet start ID\n", argc, argv,
			   &id);

	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	if (sl_container_start(c->root, id, cli_warn, &e))
		return cli_fail(&e);
	return 0;
}
