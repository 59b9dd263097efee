// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * copyup.c - a tmpfs mount's "tmpcopyup": start with what it covers
 *
 * DOC: Theory of Operation
 * A tmpfs mounted with the tmpcopyup option over a directory of the image
 * starts with that directory's contents, as runc and crun do (Podman's
 * `--mount type=tmpfs` asks for it).  mounts.c opens the directory before
 * the tmpfs covers it: that fd still reads the directory underneath, and
 * sl_copyup() copies from it into the new tmpfs.  Everything is reached
 * by fd, one name at a time and never through a symlink (O_NOFOLLOW,
 * AT_SYMLINK_NOFOLLOW): a link in the image is copied as a link, so the
 * copy cannot leave the rootfs.  Regular files, directories, symlinks,
 * FIFOs and device nodes are copied with their mode and owner (an owner
 * the user namespace does not map is left to the copier); hard links
 * become separate files and sockets are left out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/linux.h"

/* deeper trees are refused: each level holds two fds */
#define COPYUP_MAX_DEPTH 64

static int copy_dir(int from, int to, int depth);

/**
 * set_owner_mode() - give @name in @dir the owner and mode of @st
 * @dir:	directory fd
 * @name:	entry (not followed)
 * @st:		what it was copied from
 *
 * An owner that cannot be set (not mapped in the user namespace) is left
 * as created.
 *
 * Return: 0 or -errno
 */
static int set_owner_mode(int dir, const char *name, const struct stat *st)
{
	if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) <
		    0 &&
	    errno != EPERM && errno != EINVAL)
		return -errno;
	if (S_ISLNK(st->st_mode))
		return 0;
	/* after chown, which clears the set-id bits */
	if (fchmodat(dir, name, st->st_mode & 07777, 0) < 0)
		return -errno;
	return 0;
}

/**
 * copy_file() - copy a regular file's contents
 * @from:	source directory fd
 * @to:		destination directory fd
 * @name:	the file's name in both
 *
 * Return: 0 or -errno
 */
static int copy_file(int from, int to, const char *name)
{
	_cleanup_close_ int in = -1, out = -1;
	ssize_t n;

	in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = openat(to, name,
		     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (out < 0)
		return -errno;
	do
		n = sendfile(out, in, NULL, 1 << 30);
	while (n > 0);
	return n < 0 ? -errno : 0;
}

/**
 * copy_link() - copy a symlink as a symlink
 * @from:	source directory fd
 * @to:		destination directory fd
 * @name:	the link's name in both
 *
 * Return: 0 or -errno
 */
static int copy_link(int from, int to, const char *name)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	return symlinkat(target, to, name) < 0 ? -errno : 0;
}

/**
 * copy_subdir() - create @name in @to and copy @name of @from into it
 * @from:	source directory fd
 * @to:		destination directory fd
 * @name:	the directory's name in both
 * @depth:	levels below the mount point
 *
 * Return: 0 or -errno
 */
static int copy_subdir(int from, int to, const char *name, int depth)
{
	_cleanup_close_ int sub_from = -1, sub_to = -1;

	if (depth >= COPYUP_MAX_DEPTH)
		return -ELOOP;
	if (mkdirat(to, name, 0700) < 0)
		return -errno;
	sub_from = openat(from, name,
			  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	sub_to = openat(to, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub_from < 0 || sub_to < 0)
		return -errno;
	return copy_dir(sub_from, sub_to, depth + 1);
}

/**
 * copy_entry() - copy one directory entry by its type
 * @from:	source directory fd
 * @to:		destination directory fd
 * @name:	the entry's name in both
 * @depth:	levels below the mount point
 *
 * Return: 0 or -errno
 */
static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	int r;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		r = copy_file(from, to, name);
	else if (S_ISDIR(st.st_mode))
		r = copy_subdir(from, to, name, depth);
	else if (S_ISLNK(st.st_mode))
		r = copy_link(from, to, name);
	else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
		 S_ISBLK(st.st_mode))
		r = mknodat(to, name, st.st_mode, st.st_rdev) < 0 ? -errno : 0;
	else
		return 0; /* a socket means nothing without its server */
	if (r)
		return r;
	return set_owner_mode(to, name, &st);
}

/**
 * copy_dir() - copy every entry of @from into @to
 * @from:	source directory fd (read here, not closed)
 * @to:		destination directory fd
 * @depth:	levels below the mount point
 *
 * Return: 0 or -errno
 */
static int copy_dir(int from, int to, int depth)
{
	int fd = fcntl(from, F_DUPFD_CLOEXEC, 3), r = 0;
	struct dirent *d;
	DIR *dir;

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while (!r && (errno = 0, d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		r = copy_entry(from, to, d->d_name, depth);
	}
	if (!r && errno)
		r = -errno;
	closedir(dir);
	return r;
}

/**
 * sl_copyup() - copy what a tmpfs now covers into it
 * @from:	the covered directory, opened before the mount
 * @to:		the new tmpfs's root directory
 * @keep_mode:	the mount's options gave the root a mode: keep it
 *
 * The tmpfs's root gets the covered directory's owner (and mode, unless
 * @keep_mode), so that a home directory stays its user's.
 *
 * Return: 0 or -errno
 */
int sl_copyup(int from, int to, bool keep_mode)
{
	struct stat st;
	int r;

	if (fstat(from, &st) < 0)
		return -errno;
	if ((r = copy_dir(from, to, 0)))
		return r;
	if (fchown(to, st.st_uid, st.st_gid) < 0 && errno != EPERM &&
	    errno != EINVAL)
		return -errno;
	if (!keep_mode && fchmod(to, st.st_mode & 07777) < 0)
		return -errno;
	return 0;
}
