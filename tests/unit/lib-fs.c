// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-fs.c - unit tests for lib/fs.c */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/**
 * content_is() - whether @path holds exactly @want
 * @path:	file
 * @want:	expected content
 *
 * Return: 1 or 0
 */
static int content_is(const char *path, const char *want)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	return !strcmp(buf, want);
}

/**
 * entries() - how many entries @dir has besides . and ..
 * @dir:	directory
 *
 * Return: the count
 */
static int entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *d;
	int n = 0;

	while (dp && (d = readdir(dp)))
		n += strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
	if (dp)
		closedir(dp);
	return n;
}

/**
 * check_write_atomic() - write_file_atomic() replaces whole or not at all
 * @dir:	an empty scratch directory
 */
static void check_write_atomic(const char *dir)
{
	struct rlimit old, small = { 4, 4 };
	char path[PATH_MAX + 128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/rec", dir);
	is_int(write_file_atomic(path, "one", 3, 0640, true), 0,
	       "write_file_atomic creates the file");
	ok(content_is(path, "one") && !stat(path, &st) &&
		   (st.st_mode & 07777) == 0640,
	   "with its content and mode");
	is_int(write_file_atomic(path, "second", 6, 0600, false), 0,
	       "and replaces it");
	ok(content_is(path, "second"), "whole");
	/* a write that fails half way (file size limit: EFBIG) */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &small);
	is_int(write_file_atomic(path, "much too long", 13, 0600, false),
	       -EFBIG, "a failed write is reported");
	setrlimit(RLIMIT_FSIZE, &old);
	ok(content_is(path, "second"), "and leaves the old file as it was");
	is_int(entries(dir), 1, "and no temporary file behind");
	snprintf(path, sizeof(path), "%s/none/rec", dir);
	is_int(write_file_atomic(path, "x", 1, 0600, false), -ENOENT,
	       "a missing directory: ENOENT");
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
	snprintf(path, sizeof(path), "%s/atomic", dir);
	mkdir(path, 0700);
	check_write_atomic(path);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ok(system(path) == 0, "temporary directory removed");
	return done_testing();
}
