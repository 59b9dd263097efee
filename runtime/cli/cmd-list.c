// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-list.c - sublet list [--format table|json] [--quiet]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

static const char usage[] =
	"Usage: sublet list [--format table|json] [--quiet]\n";

/**
 * get_s() - a string member of a state object, "" if absent
 * @o:	object
 * @k:	key
 *
 * Return: the string
 */
static const char *get_s(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
						   : "";
}

/**
 * cmd_list() - sublet list
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_object *all;
	const char *fmt = "table";
	bool quiet = false;
	struct sl_error e;
	char **ids;
	size_t n;
	int o;

	while ((o = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			fmt = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("list", "bad option (see --help)");
		}
	}
	if (strcmp(fmt, "table") && strcmp(fmt, "json"))
		return cli_usage("list",
				 "--format: expected table or json, "
				 "not `%s`",
				 fmt);
	if (optind != argc)
		return cli_usage("list", "no arguments expected");
	if (cli_root(c) || sl_state_list(c->root, &ids, &n, &e))
		return c->root ? cli_fail(&e) : 1;
	all = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *st;

		if (sl_container_state(c->root, ids[i], &st, &e) == 0)
			json_object_array_add(all, st);
		free(ids[i]);
	}
	free(ids);
	if (!strcmp(fmt, "json")) {
		puts(json_object_to_json_string_ext(
			all, JSON_C_TO_STRING_PLAIN |
				     JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (quiet) {
		for (size_t i = 0; i < json_object_array_length(all); i++)
			puts(get_s(json_object_array_get_idx(all, i), "id"));
	} else {
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS",
		       "BUNDLE", "CREATED");
		for (size_t i = 0; i < json_object_array_length(all); i++) {
			struct json_object *s =
				json_object_array_get_idx(all, i);

			printf("%-20s %-8s %-10s %-40s %s\n", get_s(s, "id"),
			       get_s(s, "pid"), get_s(s, "status"),
			       get_s(s, "bundle"), get_s(s, "created"));
		}
	}
	json_object_put(all);
	return 0;
}
