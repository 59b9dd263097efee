// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-events.c - sublet events [--stats] [--interval DURATION] ID
 *
 * DOC: Theory of Operation
 * runc's stats interface: one JSON object a line, {"type": "stats",
 * "id": ID, "data": {"cpu": ..., "memory": ..., "pids": ...}}, read from
 * the container's own cgroups.  --stats prints one and exits; without it
 * one is printed every --interval (5s by default) until the container
 * stops.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/cgroups.h"
#include "runtime/oci/state.h"

static const char events_usage[] =
	"Usage: sublet events [--stats] [--interval DURATION] ID\n"
	"\n"
	"Print a container's resource statistics as JSON, one object a line.\n"
	"\n"
	"  --stats               print once and exit\n"
	"  --interval DURATION   time between two (5s; units ms, s, m)\n";

/**
 * parse_duration() - "100ms", "5s", "1m"
 * @s:		text
 * @ms:		milliseconds
 *
 * Return: 0 or -EINVAL
 */
static int parse_duration(const char *s, long long *ms)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno || v <= 0 || v > 86400000)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		*ms = v;
	else if (!strcmp(end, "s") || !*end)
		*ms = v * 1000;
	else if (!strcmp(end, "m"))
		*ms = v * 60000;
	else
		return -EINVAL;
	return 0;
}

/**
 * print_stats() - one stats line of a container
 * @c:		CLI state
 * @id:		container id
 * @e:		error
 *
 * Return: 0, 1 when the container is stopped, or -errno
 */
static int print_stats(struct cli *c, const char *id, struct sl_error *e)
{
	struct json_object *o, *data = NULL;
	struct sl_state st;
	int r;

	if ((r = sl_state_load(c->root, id, &st, e)))
		return r;
	if (sl_state_status(c->root, &st) == SL_STATUS_STOPPED) {
		sl_state_free(&st);
		return 1;
	}
	r = sl_cgroup_stats(st.cgroup, &data, e);
	sl_state_free(&st);
	if (r)
		return r;
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("stats"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "data", data);
	printf("%s\n",
	       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
	return 0;
}

/**
 * cmd_events() - sublet events [--stats] [--interval DURATION] ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_events(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long long ms = 5000;
	bool once = false;
	struct sl_error e;
	int o, r;

	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (o == 'h')
			return fputs(events_usage, stdout), 0;
		if (o == 's')
			once = true;
		else if (o != 'i')
			return cli_usage("events", "bad option (see --help)");
		else if (parse_duration(optarg, &ms) < 0)
			return cli_usage("events",
					 "--interval: expected a duration like "
					 "5s or 100ms, not `%s`",
					 optarg);
	}
	if (optind != argc - 1)
		return cli_usage("events", "expected exactly one container ID");
	if (cli_root(c))
		return 1;
	for (bool first = true;; first = false) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

		r = print_stats(c, argv[optind], &e);
		if (r == 1 && first)
			r = sl_error_set(&e, 0, "container `%s` is stopped",
					 argv[optind]);
		if (r < 0)
			return cli_fail_cmd("events", &e);
		if (r == 1 || once)
			return 0;
		nanosleep(&ts, NULL);
	}
}
