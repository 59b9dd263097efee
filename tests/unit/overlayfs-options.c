// SPDX-License-Identifier: GPL-2.0-or-later
/* overlayfs-options.c - unit tests for overlayfs-fuse/options.c, idmap.c */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"
#include "tests/unit/tap.h"

/**
 * free_strv() - free a NULL-terminated string array
 * @v:		array
 */
static void free_strv(char **v)
{
	char **p;

	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/**
 * test_lowerdir() - lowerdir splitting with escapes
 */
static void test_lowerdir(void)
{
	char **d;
	int n = 0;

	is_int(config_split_lowerdir("a:b:c", &d, &n), 0, "three layers");
	is_int(n, 3, "three layers count");
	ok(!strcmp(d[0], "a") && !strcmp(d[2], "c") && !d[3], "layer names");
	free_strv(d);
	is_int(config_split_lowerdir("x\\:y:z\\\\w", &d, &n), 0,
	       "escaped colon and backslash");
	ok(n == 2 && !strcmp(d[0], "x:y") && !strcmp(d[1], "z\\w"),
	   "escapes resolved");
	free_strv(d);
	n = 9;
	is_int(config_split_lowerdir("a::b", &d, &n), -EINVAL,
	       "empty layer refused");
	is_int(config_split_lowerdir("", &d, &n), -EINVAL,
	       "empty list refused");
	is_int(config_split_lowerdir("a:", &d, &n), -EINVAL,
	       "trailing colon refused");
	is_int(n, 9, "count untouched on failure");
}

/**
 * test_idmap() - mapping syntax and translation
 */
static void test_idmap(void)
{
	struct ovl_idmap m[OVL_MAX_IDMAP];
	int n = 0;

	is_int(config_parse_idmap("0:1000:1:1:100000:65536", m, &n), 0,
	       "two ranges");
	is_int(n, 2, "two ranges count");
	/* fuse-overlayfs's order: the stored (host) id, then the one shown */
	is_int(idmap_to_cont(m, n, 0), 1000, "host 0 shows as 1000");
	is_int(idmap_to_cont(m, n, 1), 100000, "host 1 shows as 100000");
	is_int(idmap_to_cont(m, n, 65536), 165535, "last id of the range");
	is_int(idmap_to_cont(m, n, 65537), 65534, "unmapped is overflow");
	is_int(idmap_to_host(m, n, 1000), 0, "container 1000 is host 0");
	is_int(idmap_to_host(m, n, 100001), 2, "container 100001 is host 2");
	/* fuse-overlayfs stores an unmapped owner as the overflow id */
	is_int(idmap_to_host(m, n, 0), 65534, "unmapped is stored as 65534");
	is_int(idmap_to_host(m, 0, 42), 42, "no mapping is identity back");
	is_int(idmap_to_cont(m, 0, 42), 42, "no mapping is identity");
	n = 7;
	is_int(config_parse_idmap("0:1000", m, &n), -EINVAL, "pair refused");
	is_int(config_parse_idmap("0:1000:1:5", m, &n), -EINVAL,
	       "a fourth number refused");
	is_int(config_parse_idmap("4294967295:0:2", m, &n), -ERANGE,
	       "overflow refused");
	is_int(config_parse_idmap("0:a:1", m, &n), -EINVAL, "letters refused");
	is_int(config_parse_idmap("0:1000:1,1:2:3", m, &n), -EINVAL,
	       "a comma is no separator");
	is_int(n, 7, "count untouched on failure");
	/* fuse-overlayfs's syntax, as containers/storage writes it */
	is_int(config_parse_idmap(":0:1005:1:1:1006:64531", m, &n), 0,
	       "leading colon accepted");
	is_int(n, 2, "two ranges");
	is_int(m[1].host == 1 && m[1].cont == 1006 && m[1].len == 64531, 1,
	       "second range read");
	is_int(config_parse_idmap("0:1:1:", m, &n), 0, "trailing colon");
	is_int(n, 1, "one range");
	is_int(config_parse_idmap("0:1000:1::1:100000:100", m, &n), 0,
	       "doubled colon");
	is_int(n, 2, "two ranges");
	is_int(config_parse_idmap("0:1000:0:1:2:3", m, &n), 0,
	       "zero length accepted");
	is_int(n, 1, "and dropped");
	is_int(config_parse_idmap("", m, &n), 0, "empty: no mapping");
	is_int(n, 0, "no ranges");
	is_int(config_parse_idmap(":", m, &n), 0, "a lone colon: no mapping");
	is_int(n, 0, "no ranges");
}

/**
 * test_opts() - the -o list
 */
static void test_opts(void)
{
	struct ovl_config c;
	char err[256] = "";

	config_init(&c);
	ok(c.writeback, "writeback cache by default");
	ok(c.passthrough, "passthrough by default (where granted)");
	is_int(config_parse_opts(
		       &c,
		       "lowerdir=l1:l2,upperdir=u,workdir=w,,volatile,"
		       "allow_other,squash_to_root,timeout=2.5,"
		       "xattr_permissions=2,threaded=0,fsync=0,writeback=0,"
		       "passthrough=0,"
		       "static_nlink,noacl,redirect_dir=off",
		       err, sizeof(err)),
	       0, "Podman style list parses");
	ok(c.nlower == 2 && !strcmp(c.upperdir, "u") && !strcmp(c.workdir, "w"),
	   "layers set");
	ok(c.volatile_ && c.static_nlink && c.noacl && !c.threaded &&
		   !c.fsync && !c.writeback && !c.passthrough,
	   "flags set");
	ok(c.squash_uid == 0 && c.squash_gid == 0, "squash_to_root");
	ok(c.timeout == 2.5 && c.xattr_permissions == 2, "values set");
	ok(c.fuse_opts && !strcmp(c.fuse_opts, "allow_other"),
	   "allow_other goes to libfuse");
	is_int(config_parse_opts(&c, "squash_to_uid=7,upperdir=a\\,b", err,
				 sizeof(err)),
	       0, "escaped comma");
	ok(c.squash_uid == 7 && c.squash_gid == 0, "squash_to_uid wins");
	ok(!strcmp(c.upperdir, "a,b"), "comma kept in value");
	is_int(config_parse_opts(&c, "xattr_permissions=3", err, sizeof(err)),
	       -EINVAL, "xattr_permissions=3 refused");
	ok(!strcmp(err, "bad value in option 'xattr_permissions=3'"),
	   "message names the option");
	is_int(config_parse_opts(&c, "timeout=x", err, sizeof(err)), -EINVAL,
	       "bad timeout refused");
	is_int(config_parse_opts(&c, "fsync=2", err, sizeof(err)), -EINVAL,
	       "fsync=2 refused");
	is_int(config_parse_opts(&c, "passthrough=yes", err, sizeof(err)),
	       -EINVAL, "passthrough=yes refused");
	is_int(config_parse_opts(&c, "lowerdir=x", err, sizeof(err)), 0,
	       "a second lowerdir replaces the first");
	ok(c.nlower == 1 && !strcmp(c.lowerdirs[0], "x"), "last one wins");
	config_free(&c);
}

int main(void)
{
	log_init("overlayfs-options");
	log_set_level(LOG_LVL_ERROR);
	test_lowerdir();
	test_idmap();
	test_opts();
	return done_testing();
}
