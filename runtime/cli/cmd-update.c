// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-update.c - sublet update [OPTIONS] ID: new resources for a running
 * container, with runc's flags or a linux.resources JSON file
 *
 * DOC: Theory of Operation
 * The flags are turned into a linux.resources object (on top of the -r
 * file when one is given, as runc does) and the runtime library checks
 * every member before writing any, so a bad value changes nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/cgroups.h"
#include "runtime/oci/state.h"

static const char update_usage[] =
	"Usage: sublet update [OPTIONS] ID\n"
	"\n"
	"Change the resources of a running container's cgroups.\n"
	"\n"
	"  -r, --resources FILE       linux.resources as JSON (- for stdin)\n"
	"  --memory BYTES             memory limit (-1: none; k, m, g)\n"
	"  --memory-reservation BYTES soft memory limit\n"
	"  --memory-swap BYTES        memory plus swap limit (-1: none)\n"
	"  --cpu-shares N             relative CPU weight\n"
	"  --cpu-quota US             CPU time per period (-1: none)\n"
	"  --cpu-period US            the period of the quota\n"
	"  --cpuset-cpus LIST         CPUs allowed (0-3,5)\n"
	"  --cpuset-mems LIST         memory nodes allowed\n"
	"  --pids-limit N             maximum number of tasks (0 or -1: none)\n"
	"  --blkio-weight N           block I/O weight (10 to 1000)\n";

/* one flag: where it goes in linux.resources and how it is read */
struct flag {
	const char *name, *group, *key;
	enum { NUM, BYTES, STR } kind;
};

static const struct flag flags[] = {
	{ "memory", "memory", "limit", BYTES },
	{ "memory-reservation", "memory", "reservation", BYTES },
	{ "memory-swap", "memory", "swap", BYTES },
	{ "cpu-shares", "cpu", "shares", NUM },
	{ "cpu-quota", "cpu", "quota", NUM },
	{ "cpu-period", "cpu", "period", NUM },
	{ "cpuset-cpus", "cpu", "cpus", STR },
	{ "cpuset-mems", "cpu", "mems", STR },
	{ "pids-limit", "pids", "limit", NUM },
	{ "blkio-weight", "blockIO", "weight", NUM },
};

/**
 * parse_num() - a decimal integer, with k, m, g (binary) for bytes
 * @s:		text
 * @bytes:	suffixes allowed
 * @out:	value
 *
 * Return: 0 or -EINVAL
 */
static int parse_num(const char *s, bool bytes, long long *out)
{
	char *end;
	long long v;
	int shift = 0;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno)
		return -EINVAL;
	if (bytes && *end && strchr("kKmMgG", *end)) {
		shift = strchr("kK", *end) ? 10 : strchr("mM", *end) ? 20 : 30;
		end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end || v < -1 || (v > 0 && v > (LLONG_MAX >> shift)))
		return -EINVAL;
	*out = v < 0 ? v : v << shift;
	return 0;
}

/**
 * group() - the member object of linux.resources, made when absent
 * @res:	linux.resources
 * @name:	member
 *
 * Return: the object
 */
static struct json_object *group(struct json_object *res, const char *name)
{
	struct json_object *g;

	if (json_object_object_get_ex(res, name, &g) &&
	    json_object_is_type(g, json_type_object))
		return g;
	g = json_object_new_object();
	json_object_object_add(res, name, g);
	return g;
}

/**
 * set_flag() - one flag's value into linux.resources
 * @res:	linux.resources
 * @f:		the flag
 * @val:	its text
 *
 * Return: 0, or 1 after printing an error
 */
static int set_flag(struct json_object *res, const struct flag *f,
		    const char *val)
{
	struct json_object *g = group(res, f->group), *v;
	long long n;

	if (f->kind == STR) {
		if (!val[0] || strspn(val, "0123456789,-") != strlen(val))
			return cli_usage("update",
					 "--%s: expected a list like 0-3,5, "
					 "not `%s`",
					 f->name, val);
		v = json_object_new_string(val);
	} else if (parse_num(val, f->kind == BYTES, &n) < 0) {
		return cli_usage(
			"update", "--%s: expected %s, not `%s`", f->name,
			f->kind == BYTES ? "a number of bytes" : "a number",
			val);
	} else {
		v = json_object_new_int64(n);
	}
	json_object_object_add(g, f->key, v);
	return 0;
}

/**
 * read_resources() - the -r file (- for stdin)
 * @path:	file
 * @out:	the object
 *
 * Return: 0, or 1 after printing an error
 */
static int read_resources(const char *path, struct json_object **out)
{
	struct json_object *o = !strcmp(path, "-")
					? json_object_from_fd(0)
					: json_object_from_file(path);

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cli_usage("update",
				 "-r `%s`: expected a JSON object of "
				 "linux.resources",
				 path);
	}
	*out = o;
	return 0;
}

/**
 * parse_update() - options into linux.resources
 * @argc:	argument count
 * @argv:	arguments
 * @res:	the object (written when 1 is returned)
 *
 * Return: 1 to go on, 0 to exit 0, -1 to exit 1
 */
static int parse_update(int argc, char **argv, struct json_object **res)
{
	struct option opts[(sizeof(flags) / sizeof(flags[0])) + 3];
	const char *file = NULL;
	struct json_object *r = NULL;
	int o, idx = 0, bad = 0;
	char **vals = calloc((sizeof(flags) / sizeof(flags[0])), sizeof(*vals));

	for (size_t i = 0; i < (sizeof(flags) / sizeof(flags[0])); i++)
		opts[i] = (struct option){ flags[i].name, required_argument,
					   NULL, 1000 + (int)i };
	opts[(sizeof(flags) / sizeof(flags[0]))] =
		(struct option){ "resources", required_argument, NULL, 'r' };
	opts[(sizeof(flags) / sizeof(flags[0])) + 1] =
		(struct option){ "help", no_argument, NULL, 'h' };
	opts[(sizeof(flags) / sizeof(flags[0])) + 2] =
		(struct option){ NULL, 0, NULL, 0 };
	while (vals && !bad &&
	       (o = getopt_long(argc, argv, "+r:h", opts, &idx)) != -1) {
		if (o == 'h') {
			fputs(update_usage, stdout);
			free(vals);
			return 0;
		}
		if (o == 'r')
			file = optarg;
		else if (o >= 1000)
			vals[o - 1000] = optarg;
		else
			bad = cli_usage("update", "bad option (see --help)");
	}
	if (!bad && optind != argc - 1)
		bad = cli_usage("update", "expected exactly one container ID");
	if (!bad && file)
		bad = read_resources(file, &r);
	if (!bad && !r)
		r = json_object_new_object();
	for (size_t i = 0; i < (sizeof(flags) / sizeof(flags[0])) && !bad; i++)
		if (vals[i])
			bad = set_flag(r, &flags[i], vals[i]);
	free(vals);
	if (bad) {
		json_object_put(r);
		return -1;
	}
	*res = r;
	return 1;
}

/**
 * cmd_update() - sublet update [OPTIONS] ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_update(struct cli *c, int argc, char **argv)
{
	struct json_object *res = NULL;
	struct sl_state st;
	struct sl_error e;
	enum sl_status s;
	int r = parse_update(argc, argv, &res);

	if (r <= 0)
		return r < 0;
	if (cli_root(c) ||
	    (sl_state_load(c->root, argv[argc - 1], &st, &e) && cli_fail(&e))) {
		json_object_put(res);
		return 1;
	}
	s = sl_state_status(c->root, &st);
	if (s == SL_STATUS_STOPPED)
		r = sl_error_set(&e, 0, "the container is stopped");
	else
		r = sl_cgroup_update(st.cgroup, st.unit, res, &e);
	if (r)
		sl_error_prefix(&e, "update `%s`", st.id);
	json_object_put(res);
	sl_state_free(&st);
	return r ? cli_fail(&e) : 0;
}
