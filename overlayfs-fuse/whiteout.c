// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * whiteout.c - writing deletions and opaque marks into the upper layer
 *
 * DOC: Theory of Operation
 * Deleting a name that a lower layer still holds leaves a whiteout in the
 * upper layer.  Where the upper layer has nothing under the name, the
 * whiteout is created in place (a mknod, or the create of an empty file,
 * appears whole or not at all); where an upper entry must give way to it,
 * it is made in the work directory and exchanged for the entry.  Its form
 * was chosen at mount time (layers.c): a char 0/0 device where the kernel
 * lets us create one, as the kernel's overlay and fuse-overlayfs write it,
 * else a .wh.NAME file.
 *
 * A directory that must hide whatever lower layers hold under its name
 * (one created where a deleted lower directory was, or one moved over
 * lower content) is made opaque the way fuse-overlayfs does it: the xattr
 * user.fuseoverlayfs.opaque=y plus a .wh..wh..opq file inside, so
 * fuse-overlayfs, image tools and this program all read it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "overlayfs-fuse/ovl.h"

/**
 * whiteout_make() - create a whiteout at @dirfd/@path
 * @fs:		filesystem
 * @dirfd:	directory fd
 * @path:	name for it
 * @excl:	fail with EEXIST if @path exists (a char whiteout always does)
 *
 * Return: 0 or -errno
 */
static int whiteout_make(struct ovl_fs *fs, int dirfd, const char *path,
			 bool excl)
{
	int fd;

	if (fs->wh_chardev)
		return mknodat(dirfd, path, S_IFCHR, makedev(0, 0)) < 0 ? -errno
									: 0;
	fd = openat(dirfd, path,
		    O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			    (excl ? O_EXCL : 0),
		    0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/**
 * whiteout_make_tmp() - create a whiteout in the work directory
 * @fs:		filesystem
 * @tmp:	64 bytes for its name
 *
 * Return: 0 or -errno
 */
static int whiteout_make_tmp(struct ovl_fs *fs, char *tmp)
{
	int ret = work_tmpname(fs, tmp);

	return ret ? ret : whiteout_make(fs, fs->work_fd, tmp, true);
}

/**
 * whiteout_target() - where the whiteout for @name in @dir goes
 * @fs:		filesystem
 * @dir:	directory path in the upper layer
 * @name:	deleted name
 * @buf:	PATH_MAX bytes
 *
 * Return: 0 or -ENAMETOOLONG
 */
static int whiteout_target(struct ovl_fs *fs, const char *dir, const char *name,
			   char *buf)
{
	char wh[NAME_MAX + WH_PREFIX_LEN + 1];

	if (fs->wh_chardev)
		return path_join(buf, dir, name);
	if (strlen(name) > NAME_MAX - WH_PREFIX_LEN)
		return -ENAMETOOLONG;
	snprintf(wh, sizeof(wh), WH_PREFIX "%s", name);
	return path_join(buf, dir, wh);
}

/**
 * whiteout_create() - mark @name in upper directory @dir deleted
 * @fs:		filesystem
 * @dir:	directory path in the upper layer (already there)
 * @name:	name to delete; nothing may exist under it in the upper layer
 *		(char whiteouts) -- use whiteout_replace() otherwise
 *
 * The whiteout is created in place, in one call: a char whiteout fails
 * with EEXIST rather than replace anything; a .wh. file already there is
 * already the mark.
 *
 * Return: 0 or -errno
 */
int whiteout_create(struct ovl_fs *fs, const char *dir, const char *name)
{
	char p[PATH_MAX];
	int ret = whiteout_target(fs, dir, name, p);

	return ret ? ret : whiteout_make(fs, fs->layers[0].fd, p, false);
}

/**
 * whiteout_replace() - atomically swap upper entry @dir/@name for a whiteout
 * @fs:		filesystem
 * @dir:	directory path in the upper layer
 * @name:	existing upper entry (a file, or an empty directory)
 *
 * With char whiteouts the entry and a fresh whiteout are exchanged in one
 * rename, and the old entry is then removed from the work directory.
 * With .wh. files the whiteout is put in place before the entry goes.
 *
 * Return: 0 or -errno
 */
int whiteout_replace(struct ovl_fs *fs, const char *dir, const char *name)
{
	char tmp[64], p[PATH_MAX];
	struct stat st;
	int ret;

	ret = path_join(p, dir, name);
	if (ret)
		return ret;
	if (fstatat(fs->layers[0].fd, p, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!fs->wh_chardev) {
		ret = whiteout_create(fs, dir, name);
		if (ret)
			return ret;
		if (unlinkat(fs->layers[0].fd, p,
			     S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
			return -errno;
		return 0;
	}
	ret = whiteout_make_tmp(fs, tmp);
	if (ret)
		return ret;
	if (renameat2(fs->work_fd, tmp, fs->layers[0].fd, p, RENAME_EXCHANGE) <
	    0) {
		ret = -errno;
		unlinkat(fs->work_fd, tmp, 0);
		return ret;
	}
	if (unlinkat(fs->work_fd, tmp, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		return -errno;
	return 0;
}

/**
 * whiteout_clear() - remove a whiteout for @name in upper directory @dir
 * @fs:		filesystem
 * @dir:	directory path in the upper layer
 * @name:	name about to be created
 *
 * Return: 1 if a whiteout was removed, 0 if there was none, -errno
 */
int whiteout_clear(struct ovl_fs *fs, const char *dir, const char *name)
{
	char p[PATH_MAX], wh[NAME_MAX + WH_PREFIX_LEN + 1];
	int fd = fs->layers[0].fd, found = 0;
	struct stat st;

	if (path_join(p, dir, name))
		return -ENAMETOOLONG;
	if (fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    is_whiteout_stat(&st)) {
		if (unlinkat(fd, p, 0) < 0)
			return -errno;
		found = 1;
	}
	if (strlen(name) > NAME_MAX - WH_PREFIX_LEN)
		return found;
	snprintf(wh, sizeof(wh), WH_PREFIX "%s", name);
	if (path_join(p, dir, wh))
		return found;
	if (unlinkat(fd, p, 0) == 0)
		return 1;
	return errno == ENOENT ? found : -errno;
}

/**
 * opaque_set() - make directory @path (relative to @dirfd) opaque
 * @dirfd:	directory fd (upper layer or work directory)
 * @path:	directory path
 *
 * Return: 0 or -errno
 */
int opaque_set(int dirfd, const char *path)
{
	_cleanup_close_ int dfd =
		openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd = -1;

	if (dfd < 0)
		return -errno;
	if (fsetxattr(dfd, XATTR_OPAQUE_FOVL, "y", 1, 0) < 0 &&
	    errno != ENOTSUP && errno != EPERM)
		return -errno;
	fd = openat(dfd, WH_OPAQUE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	return 0;
}

/**
 * upper_dir_clean() - remove whiteouts and opaque marks inside @dir
 * @fs:		filesystem
 * @dir:	upper directory that is empty in the merged view
 *
 * Return: 0, -ENOTEMPTY if it holds real entries, or -errno
 */
int upper_dir_clean(struct ovl_fs *fs, const char *dir)
{
	int fd = openat(fs->layers[0].fd, dir,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *dp;

	if (fd < 0)
		return -errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -ENOMEM;
	}
	while (!ret && (de = readdir(dp))) {
		const char *n = de->d_name;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (strncmp(n, WH_PREFIX, WH_PREFIX_LEN) &&
		    (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     !is_whiteout_stat(&st))) {
			ret = -ENOTEMPTY;
			break;
		}
		if (unlinkat(fd, n, 0) < 0)
			ret = -errno;
	}
	closedir(dp);
	return ret;
}
