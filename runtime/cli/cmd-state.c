// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-state.c - sublet state ID
 */
#include <stdio.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

/**
 * cmd_state() - sublet state ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_state(struct cli *c, int argc, char **argv)
{
	struct json_object *o;
	struct sl_error e;
	const char *id;
	int r = cli_one_id("state", "Usage: sublet state ID\n", argc, argv,
			   &id);

	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	if (sl_container_state(c->root, id, &o, &e))
		return cli_fail(&e);
	puts(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
