// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-fs.c - unit tests for lib/fs.c */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "tests/unit/tap.h"

/**
 * is_dir() - whether @path is a directory
 * @path:	path
 *
 * Return: 1 or 0
 */
static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(void)
{
	char tmpl[] = "/tmp/lib-fs.XXXXXX", path[PATH_MAX + 64];
	char *v[] = { "b", "a", "c", "ab" };
	char *dir = mkdtemp(tmpl);
	size_t n;

	if (!ok(dir != NULL, "temporary directory"))
		return done_testing();
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	is_int(mkdir_p(path, 0700), 0, "three levels created");
	ok(is_dir(path), "the leaf is a directory");
	is_int(mkdir_p(path, 0700), 0, "existing path is not an error");
	snprintf(path, sizeof(path), "%s/a/b/c/", dir);
	is_int(mkdir_p(path, 0700), 0, "trailing slash accepted");
	n = snprintf(path, sizeof(path), "%s/", dir);
	memset(path + n, 'x', sizeof(path) - n - 1);
	path[sizeof(path) - 1] = '\0';
	is_int(mkdir_p(path, 0700), -ENAMETOOLONG,
	       "a path past PATH_MAX is refused, not truncated");
	is_int(mkdir_p("", 0700), -ENOENT, "empty path refused");
	snprintf(path, sizeof(path), "%s/file", dir);
	close(creat(path, 0600));
	snprintf(path, sizeof(path), "%s/file/sub", dir);
	is_int(mkdir_p(path, 0700), -ENOTDIR, "a file on the way: ENOTDIR");
	strv_sort(v, 4);
	ok(!strcmp(v[0], "a") && !strcmp(v[1], "ab") && !strcmp(v[2], "b") &&
		   !strcmp(v[3], "c"),
	   "strv_sort sorts in strcmp order");
	strv_sort(NULL, 0);
	ok(1, "strv_sort of nothing");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ok(system(path) == 0, "temporary directory removed");
	return done_testing();
}
