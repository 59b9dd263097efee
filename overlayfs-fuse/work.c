// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * work.c - names in the work directory
 *
 * DOC: Theory of Operation
 * Every entry that appears in the upper layer whole (a copy-up, a new
 * file or directory, a whiteout that replaces an entry) is first built in
 * the work directory under a fresh name and then renamed into place.
 * The names are ".sublet-tmp-PID-N": the pid keeps two daemons sharing a
 * work directory apart, N counts up in the filesystem state (atomically,
 * as any worker thread may ask).
 *
 * An entry still under such a name was never placed: the change that
 * built it failed or the daemon died first.  work_remove() removes one,
 * and work_clean() removes them all when the filesystem is mounted.  A
 * directory among them holds at most an opaque marker (a new directory
 * marked opaque before it was placed) or, for a removed directory swapped
 * out for a whiteout, nothing.
 *
 * This file uses nothing of the overlay but its state: it sits below
 * every other file that writes into the upper layer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

#define WORK_PREFIX ".sublet-tmp-"

/**
 * work_tmpname() - a fresh name for the work directory
 * @fs:		filesystem
 * @buf:	64 bytes
 *
 * Return: 0
 */
int work_tmpname(struct ovl_fs *fs, char *buf)
{
	unsigned long long seq =
		__atomic_fetch_add(&fs->tmp_seq, 1, __ATOMIC_RELAXED);

	snprintf(buf, 64, WORK_PREFIX "%d-%llu", (int)getpid(), seq);
	return 0;
}

/**
 * work_remove() - remove an entry of the work directory that was not placed
 * @fs:		filesystem
 * @name:	its name
 *
 * Return: 0, or -errno when it is a directory that could not be removed
 */
int work_remove(struct ovl_fs *fs, const char *name)
{
	char p[PATH_MAX];

	if (unlinkat(fs->work_fd, name, 0) == 0 || errno != EISDIR)
		return 0;
	snprintf(p, sizeof(p), "%s/" WH_OPAQUE, name);
	unlinkat(fs->work_fd, p, 0);
	if (unlinkat(fs->work_fd, name, AT_REMOVEDIR) < 0)
		return -errno;
	return 0;
}

/**
 * work_clean() - remove what interrupted changes left in the work directory
 * @fs:		filesystem, work_fd open
 */
void work_clean(struct ovl_fs *fs)
{
	int fd = openat(fs->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *dp;
	int ret;

	if (fd < 0)
		return;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return;
	}
	while ((de = readdir(dp))) {
		if (strncmp(de->d_name, WORK_PREFIX, strlen(WORK_PREFIX)))
			continue;
		ret = work_remove(fs, de->d_name);
		if (ret)
			warn("workdir: cannot remove %s: %s", de->d_name,
			     strerror(-ret));
	}
	closedir(dp);
}
