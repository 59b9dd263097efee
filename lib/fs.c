// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs.c - small file-system and string-list helpers shared by the programs
 *
 * mkdir_p() creates a directory with its parents, as `mkdir -p` does.  It
 * refuses a path that does not fit PATH_MAX with -ENAMETOOLONG instead of
 * truncating it: a truncated path would create a different directory and
 * report success.  Components are created one at a time with mkdir(2),
 * which never follows a symlink in the last component it creates.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"

/**
 * mkdir_p() - create a directory and its parents
 * @path:	the directory
 * @mode:	mode of every directory created (before the umask)
 *
 * An existing directory (or any existing entry on the way) is not an
 * error here; the call that uses the path reports what it finds.
 *
 * Return: 0, or -errno (-ENAMETOOLONG for a path of PATH_MAX or more)
 */
int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/**
 * cmp_str() - qsort() comparator for an array of strings
 * @a:	address of the first string pointer
 * @b:	address of the second
 *
 * Return: strcmp() order
 */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * strv_sort() - sort an array of strings in strcmp() order
 * @v:	the strings (none NULL)
 * @n:	their number (0 leaves @v alone, which may then be NULL)
 */
void strv_sort(char **v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
}

/**
 * write_all() - write all of @buf to @fd
 * @fd:		file
 * @buf:	bytes
 * @len:	how many
 *
 * Return: 0 or -errno (-EIO where write() stopped without saying why)
 */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * write_file_atomic() - replace @path with @len bytes of @buf, whole or
 * not at all
 * @path:	file to replace
 * @buf:	its new content
 * @len:	length of @buf
 * @mode:	permissions of the new file
 * @sync:	fsync() the data before the rename
 *
 * The bytes go to a unique temporary name beside @path (PATH.tmp-XXXXXX,
 * so concurrent writers never share one), which is renamed over @path
 * only when every write() and close() succeeded.  On any failure the
 * temporary file is removed and @path is left as it was.
 *
 * Return: 0 or -errno (-ENOSPC, -EDQUOT, -EIO... from the writes)
 */
int write_file_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode, bool sync)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".tmp-XXXXXX"));
	int fd, r;

	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp-XXXXXX", sizeof(".tmp-XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	r = fchmod(fd, mode) < 0 ? -errno : 0;
	if (!r)
		r = write_all(fd, buf, len);
	if (!r && sync && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}
