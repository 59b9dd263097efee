// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * self.c - where our own binary lies
 *
 * The programs sublet runs (sublet-overlayfs, sublet-netd, the idmap
 * helpers) and the files installed with it (the busybox image) are looked
 * up next to its own binary first: PREFIX/bin/, PREFIX/libexec/sublet/,
 * PREFIX/share/sublet/.  /proc/self/exe names the binary whatever the
 * caller's PATH and argv[0] say.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/oci/self.h"

/**
 * sl_self_dir() - the directory of our own binary (PREFIX/bin)
 * @buf:	the directory (written on success)
 * @len:	its size
 *
 * Return: 0, or -errno (-ENAMETOOLONG when it does not fit @len)
 */
int sl_self_dir(char *buf, size_t len)
{
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	self[n] = '\0';
	if (!(slash = strrchr(self, '/')))
		return -ENOENT;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s", self) >= len)
		return -ENAMETOOLONG;
	return 0;
}
