// SPDX-License-Identifier: GPL-2.0-or-later
/* idmap-args.c - unit tests for idmap/args.c and idmap/validate.c */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap/idmap.h"
#include "lib/log.h"
#include "tests/unit/tap.h"

static struct idmap_req req;

/**
 * parse() - parse a space-separated command line
 * @line:	"PID ID LOWER COUNT ..."
 *
 * Return: what idmap_parse_args() returned
 */
static int parse(const char *line)
{
	char *copy = strdup(line), *save = NULL, *tok;
	char *argv[1100];
	int argc = 0, ret;

	for (tok = strtok_r(copy, " ", &save); tok && argc < 1100;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ret = idmap_parse_args(IDMAP_UID, argc, argv, &req);
	free(copy);
	return ret;
}

/**
 * allowed() - parse and check against a fixed allotment
 * @line:	command line
 * @any:	set to whether a subid range was used
 *
 * Return: 0, or the first error
 */
static int allowed(const char *line, bool *any)
{
	static struct subid_range v[] = {
		{ 100000, 1000 },
		{ 101000, 500 },
		{ 300000, 10 },
		{ 4294967285U, 11 },
	};
	struct subid_list l = { .v = v, .n = 4 };
	int ret = parse(line);

	if (!ret)
		ret = idmap_check_overlap(&req);
	if (!ret)
		ret = idmap_check_allowed(&req, &l, 1001, "alice", any);
	return ret;
}

int main(void)
{
	struct idmap_target_spec s = { 0 };
	char many[8192], text[4096];
	bool any = false;
	int i, off;

	log_set_file("/dev/null", false);
	is_int(parse("123 0 1001 1 1 100000 65536"), 0, "full map parses");
	is_int(req.n, 2, "two ranges");
	is_int(req.v[1].lower, 100000, "lower of range 2");
	is_int(parse("123 0 1001"), -EDOM, "short triplet");
	is_int(parse("123"), -EDOM, "no ranges");
	is_int(parse("123 0 1001 1 5"), -EDOM, "dangling number");
	is_int(parse("123 0 1001 0"), -EINVAL, "count 0");
	is_int(parse("123 -1 1001 1"), -EINVAL, "negative id");
	is_int(parse("123 0 +1001 1"), -EINVAL, "plus sign");
	is_int(parse("123 0 0x10 1"), -EINVAL, "hex");
	is_int(parse("123 0 1001 1a"), -EINVAL, "trailing junk");
	is_int(parse("123 0 4294967296 1"), -EINVAL, "lower over 32 bits");
	is_int(parse("123 4294967294 0 1"), 0, "last usable id");
	is_int(parse("123 4294967295 0 1"), -EINVAL, "id (u32)-1");
	is_int(parse("123 0 4294967290 6"), -EINVAL, "lower + count past");
	is_int(parse("123 4294967000 0 1000"), -EINVAL, "id + count past");
	is_int(parse("0 0 1001 1"), -EINVAL, "PID 0");
	is_int(parse("abc 0 1001 1"), -EINVAL, "PID not a number");
	is_int(parse("fd: 0 1001 1"), -EINVAL, "fd: without number");
	is_int(parse("fd:3 0 1001 1"), 0, "fd:3");
	is_int(idmap_parse_target("fd:7", &s), 0, "fd target");
	is_int(s.is_fd && s.fd == 7, 1, "fd target value");
	is_int(idmap_parse_target("99", &s), 0, "pid target");
	is_int(!s.is_fd && s.pid == 99, 1, "pid target value");

	off = snprintf(many, sizeof(many), "1");
	for (i = 0; i < 341; i++)
		off += snprintf(many + off, sizeof(many) - (size_t)off,
				" %d %d 1", i, 100000 + i);
	is_int(parse(many), -E2BIG, "341 ranges");
	many[strlen(many) - strlen(" 340 100340 1")] = '\0';
	is_int(parse(many), 0, "340 ranges");
	is_int(idmap_format(&req, many, sizeof(many)) > 4096, 1,
	       "340 lines can be longer than a page");

	is_int(allowed("1 0 1001 1 1 100000 1500", &any), 0, "own + joined");
	is_int(any, 1, "subid used");
	is_int(allowed("1 5 1001 1", &any), 0, "own id alone");
	is_int(any, 0, "no subid used");
	is_int(allowed("1 0 1001 2", &any), -EPERM, "own id, count 2");
	is_int(allowed("1 0 101400 200", &any), -EPERM, "past the end");
	is_int(allowed("1 0 100000 300000", &any), -EPERM, "across a gap");
	is_int(allowed("1 0 99999 2", &any), -EPERM, "before the start");
	is_int(allowed("1 0 300000 10", &any), 0, "third allotment");
	is_int(allowed("1 0 4294967285 10", &any), 0, "allotment at the top");
	is_int(allowed("1 0 100000 10 5 100100 10", &any), -EINVAL,
	       "overlap inside");
	is_int(allowed("1 0 100000 10 20 100005 10", &any), -EINVAL,
	       "overlap outside");
	is_int(allowed("1 0 1001 1 1 1001 1", &any), -EINVAL, "own id twice");
	is_int(allowed("1 0 100000 10 10 100010 10", &any), 0, "adjacent");

	is_int(parse("1 0 1001 1 1 100000 65536"), 0, "format input");
	is_int(idmap_format(&req, text, sizeof(text)), 24, "format length");
	ok(!strcmp(text, "0 1001 1\n1 100000 65536\n"), "format text");
	is_int(idmap_format(&req, text, 10), -ENOSPC, "format overflow");
	return done_testing();
}
