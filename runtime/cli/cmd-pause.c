// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-pause.c - sublet pause ID, sublet resume ID
 */
#include <stdio.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

/**
 * pause_resume() - shared by pause and resume
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 * @pause:	pause (else resume)
 *
 * Return: exit status
 */
static int pause_resume(struct cli *c, int argc, char **argv, bool pause)
{
	const char *cmd = pause ? "pause" : "resume";
	char usage[64];
	struct sl_error e;
	const char *id;
	int r;

	snprintf(usage, sizeof(usage), "Usage: sublet %s ID\n", cmd);
	r = cli_one_id(cmd, usage, argc, argv, &id);
	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	if (sl_container_pause(c->root, id, pause, &e))
		return cli_fail(&e);
	return 0;
}

/**
 * cmd_pause() - sublet pause ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_pause(struct cli *c, int argc, char **argv)
{
	return pause_resume(c, argc, argv, true);
}

/**
 * cmd_resume() - sublet resume ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_resume(struct cli *c, int argc, char **argv)
{
	return pause_resume(c, argc, argv, false);
}
