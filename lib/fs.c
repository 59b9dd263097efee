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
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
