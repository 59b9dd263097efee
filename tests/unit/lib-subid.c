// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-subid.c - unit tests for lib/subid.c */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/subid.h"
#include "tests/unit/tap.h"

static const char sample[] = "# comment line\n"
			     "\n"
			     "alice:100000:65536\n"
			     "bob:165536:65536\n"
			     "1001:300000:1000\n"
			     "alice:500000:10\n"
			     "alice:1:2:3\n"
			     "alice:-5:10\n"
			     "alice:10:0\n"
			     "alice:4294967295:2\n"
			     "alice: 7:10\n"
			     ":7:10\n"
			     "alice:4294967295:1";

int main(void)
{
	struct subid_list l = { 0 };
	char path[] = "/tmp/sublet-subid-XXXXXX";
	int fd;

	is_int(subid_parse(sample, strlen(sample), "alice", 1001, &l), 0,
	       "parse succeeds");
	is_int(l.n, 4,
	       "alice: two by name, one by uid, last line unterminated");
	is_int(l.v[0].start, 100000, "first range start");
	is_int(l.v[0].count, 65536, "first range count");
	is_int(l.v[1].start, 300000, "numeric owner matches uid");
	is_int(l.v[2].start, 500000, "second named range");
	is_int(l.v[3].start, 4294967295LL, "range ending exactly at 2^32");
	is_int(l.bad_lines, 6, "malformed lines counted");
	is_int(subid_list_total(&l), 65536 + 1000 + 10 + 1, "total");
	subid_list_free(&l);

	is_int(subid_parse(sample, strlen(sample), "carol", 2000, &l), 0,
	       "unknown user parses");
	is_int(l.n, 0, "unknown user has no ranges");
	subid_list_free(&l);

	is_int(subid_parse(sample, strlen(sample), NULL, 1001, &l), 0,
	       "match by id only");
	is_int(l.n, 1, "one numeric match");
	subid_list_free(&l);

	is_int(subid_parse("bob:1:1\0alice:1:1\n", 18, "alice", 5, &l), 0,
	       "embedded NUL parses");
	is_int(l.n, 0, "NUL ends the buffer");
	subid_list_free(&l);

	is_int(subid_parse("alice:1:1\r\n", 11, "alice", 5, &l), 0, "CR line");
	is_int(l.n, 0, "trailing CR is not accepted");
	subid_list_free(&l);

	fd = mkstemp(path);
	ok(fd >= 0, "temp file");
	ok(write(fd, sample, strlen(sample)) == (ssize_t)strlen(sample),
	   "write sample");
	close(fd);
	is_int(subid_read(path, "bob", 9999, &l), 0, "read from file");
	is_int(l.n, 1, "bob has one range");
	subid_list_free(&l);
	unlink(path);
	is_int(subid_read(path, "bob", 9999, &l), -ENOENT, "missing file");
	return done_testing();
}
