// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - parse newuidmap/newgidmap's command line
 *
 * DOC: Theory of Operation
 * The command line is "PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...", as
 * shadow's newuidmap and newgidmap take it.  Every number goes through
 * lib/parse.h's strict parser: ASCII digits only, so "-1", "+5", " 7",
 * "0x10" and "1e3" are refused instead of turning into a huge id.
 *
 * Each triplet is checked on its own here: COUNT at least 1, and neither
 * ID + COUNT nor LOWER + COUNT past 2^32 - 1 (the kernel keeps (u32)-1 as
 * the "no mapping" value, so the last id usable is 4294967294).  Checks
 * that involve several triplets or /etc/subuid are in validate.c.
 * Nothing here touches the system, so the parser is fuzzed as it is.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "idmap/idmap.h"
#include "lib/log.h"
#include "lib/parse.h"

/* Largest PID the kernel hands out (PID_MAX_LIMIT on 64-bit). */
#define IDMAP_PID_MAX 4194304U

/**
 * idmap_kind_name() - "uid" or "gid"
 * @kind:	map kind
 *
 * Return: a static string
 */
const char *idmap_kind_name(enum idmap_kind kind)
{
	return kind == IDMAP_UID ? "uid" : "gid";
}

/**
 * idmap_kind_file() - the subid file that allots ids of @kind
 * @kind:	map kind
 *
 * Return: SUBUID_FILE or SUBGID_FILE
 */
const char *idmap_kind_file(enum idmap_kind kind)
{
	return kind == IDMAP_UID ? SUBUID_FILE : SUBGID_FILE;
}

/**
 * idmap_parse_target() - parse the PID or fd:N argument
 * @s:		argument
 * @out:	result, written only on success
 *
 * Return: 0, or -EINVAL (with a message) if malformed
 */
int idmap_parse_target(const char *s, struct idmap_target_spec *out)
{
	unsigned int v;

	if (!strncmp(s, "fd:", 3)) {
		if (parse_uint_range(s + 3, 0, INT_MAX, &v)) {
			err("invalid target '%s': fd:N needs a file descriptor number",
			    s);
			return -EINVAL;
		}
		out->is_fd = true;
		out->fd = (int)v;
		out->pid = 0;
		return 0;
	}
	if (parse_uint_range(s, 1, IDMAP_PID_MAX, &v)) {
		err("invalid target '%s': expected a PID or fd:N", s);
		return -EINVAL;
	}
	out->is_fd = false;
	out->fd = -1;
	out->pid = (pid_t)v;
	return 0;
}

/**
 * parse_field() - parse one number of a triplet
 * @s:		argument
 * @what:	"ID", "LOWER" or "COUNT", for the message
 * @line:	triplet number, from 1
 * @out:	result, written only on success
 *
 * Return: 0, or -EINVAL with a message
 */
static int parse_field(const char *s, const char *what, size_t line,
		       uint32_t *out)
{
	int ret = parse_u32(s, out);

	if (ret == -ERANGE) {
		err("range %zu: %s '%s' does not fit in 32 bits", line, what,
		    s);
		return -EINVAL;
	}
	if (ret) {
		err("range %zu: %s '%s' is not a number", line, what, s);
		return -EINVAL;
	}
	return 0;
}

/**
 * check_triplet() - check one range on its own
 * @r:		range
 * @line:	triplet number, from 1
 *
 * Return: 0, or -EINVAL with a message
 */
static int check_triplet(const struct idmap_range *r, size_t line)
{
	if (r->count == 0) {
		err("range %zu: COUNT is 0", line);
		return -EINVAL;
	}
	if ((uint64_t)r->id + r->count > UINT32_MAX) {
		err("range %zu: ID %u + COUNT %u overflows 32 bits", line,
		    r->id, r->count);
		return -EINVAL;
	}
	if ((uint64_t)r->lower + r->count > UINT32_MAX) {
		err("range %zu: LOWER %u + COUNT %u overflows 32 bits", line,
		    r->lower, r->count);
		return -EINVAL;
	}
	return 0;
}

/**
 * idmap_parse_args() - parse "PID|fd:N ID LOWER COUNT..." into a request
 * @kind:	uid or gid map
 * @argc:	number of arguments in @argv
 * @argv:	arguments, starting with the target
 * @out:	result, written only on success (@out->target points into
 *		@argv)
 *
 * Return: 0, -EINVAL with a message if malformed, -E2BIG for too many
 * ranges, -EDOM (no message: the caller prints usage) for a wrong count
 * of arguments
 */
int idmap_parse_args(enum idmap_kind kind, int argc, char *const argv[],
		     struct idmap_req *out)
{
	struct idmap_target_spec spec;
	struct idmap_req req;
	size_t i, n;

	if (argc < 4 || (argc - 1) % 3)
		return -EDOM;
	n = (size_t)(argc - 1) / 3;
	if (n > IDMAP_MAX_LINES) {
		err("too many ranges: %zu, the kernel takes at most %d", n,
		    IDMAP_MAX_LINES);
		return -E2BIG;
	}
	if (idmap_parse_target(argv[0], &spec))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct idmap_range *r = &req.v[i];
		char *const *a = &argv[1 + 3 * i];

		if (parse_field(a[0], "ID", i + 1, &r->id) ||
		    parse_field(a[1], "LOWER", i + 1, &r->lower) ||
		    parse_field(a[2], "COUNT", i + 1, &r->count) ||
		    check_triplet(r, i + 1))
			return -EINVAL;
	}
	req.kind = kind;
	req.target = argv[0];
	req.n = n;
	*out = req;
	return 0;
}
