// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * copyup.c - bringing a lower entry into the upper layer before a change
 *
 * DOC: Theory of Operation
 * Any change to an entry that lives in a lower layer first copies it up:
 * its parent directories are copied up first (top down), then the entry
 * is built complete in the work directory -- data, owner, mode, xattrs,
 * times -- and renamed into the upper layer in one step, so a crash
 * leaves either the lower entry showing or the full copy, never half a
 * file.  The work directory is on the upper layer's filesystem (checked
 * at mount), which is what makes that rename possible.
 *
 * File data is copied by the cheapest means the filesystems allow: a
 * reflink (FICLONE) shares the blocks; otherwise each data extent found
 * with SEEK_DATA/SEEK_HOLE is copied with copy_file_range(), falling back
 * to read/write, and holes stay holes.
 *
 * The lower inode number is recorded in the user.fuseoverlayfs.origin
 * xattr of the copy (node.c shows it as st_ino).  Overlay-internal xattrs
 * (opaque marks, the origin) are never copied; override_stat xattrs are,
 * so the copy shows the same owner and mode as the original.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

/**
 * xattr_no_copy() - is @name one copy-up must not carry over?
 * @name:	xattr name
 *
 * Return: true for opaque marks and the origin record
 */
static bool xattr_no_copy(const char *name)
{
	return !strcmp(name, XATTR_OPAQUE_FOVL) ||
	       !strcmp(name, XATTR_OPAQUE_USER) ||
	       !strcmp(name, XATTR_OPAQUE_TRUSTED) ||
	       !strcmp(name, XATTR_ORIGIN);
}

/**
 * copy_xattrs() - copy the xattrs of @sfd to @dfd
 * @sfd:	source fd
 * @dfd:	destination fd
 *
 * xattrs the destination refuses (security.* and trusted.* without
 * privilege) are skipped.
 *
 * Return: 0 or -errno
 */
int copy_xattrs(int sfd, int dfd)
{
	_cleanup_free_ char *list = NULL, *val = NULL;
	ssize_t len = flistxattr(sfd, NULL, 0), vlen;
	char *name;

	if (len <= 0)
		return len < 0 && errno != ENOTSUP ? -errno : 0;
	list = malloc(len);
	val = malloc(XATTR_SIZE_MAX);
	if (!list || !val)
		return -ENOMEM;
	len = flistxattr(sfd, list, len);
	if (len < 0)
		return -errno;
	for (name = list; name < list + len; name += strlen(name) + 1) {
		if (xattr_no_copy(name))
			continue;
		vlen = fgetxattr(sfd, name, val, XATTR_SIZE_MAX);
		if (vlen < 0)
			continue;
		if (fsetxattr(dfd, name, val, vlen, 0) < 0 && errno != EPERM &&
		    errno != ENOTSUP && errno != EACCES)
			return -errno;
	}
	return 0;
}

/**
 * copy_range() - copy [@off, @end) from @sfd to @dfd
 * @sfd:	source fd
 * @dfd:	destination fd
 * @off:	start
 * @end:	end
 *
 * Return: 0 or -errno
 */
static int copy_range(int sfd, int dfd, off_t off, off_t end)
{
	static atomic_bool no_cfr;
	char buf[65536];

	while (off < end) {
		size_t want = end - off;
		loff_t in = off, out = off;
		ssize_t n = -1;

		if (!atomic_load(&no_cfr)) {
			n = copy_file_range(sfd, &in, dfd, &out, want, 0);
			if (n < 0 && (errno == EXDEV || errno == EINVAL ||
				      errno == ENOSYS || errno == EOPNOTSUPP))
				atomic_store(&no_cfr, errno == ENOSYS);
			else if (n < 0)
				return -errno;
		}
		if (n <= 0) {
			n = pread(sfd, buf,
				  want < sizeof(buf) ? want : sizeof(buf), off);
			if (n < 0)
				return -errno;
			if (n == 0)
				return 0;
			if (pwrite(dfd, buf, n, off) != n)
				return errno ? -errno : -EIO;
		}
		off += n;
	}
	return 0;
}

/**
 * copy_data() - copy a regular file's data, keeping holes
 * @sfd:	source fd
 * @dfd:	destination fd (empty)
 * @size:	source size
 *
 * Return: 0 or -errno
 */
static int copy_data(int sfd, int dfd, off_t size)
{
	off_t off = 0, data, hole;
	int ret;

	if (size == 0 || ioctl(dfd, FICLONE, sfd) == 0)
		return 0;
	while (off < size) {
		data = lseek(sfd, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		if (data < 0) /* no SEEK_DATA here: copy everything */
			return copy_range(sfd, dfd, off, size)
				       ?: (ftruncate(dfd, size) ? -errno : 0);
		hole = lseek(sfd, data, SEEK_HOLE);
		if (hole < 0)
			hole = size;
		ret = copy_range(sfd, dfd, data, hole);
		if (ret)
			return ret;
		off = hole;
	}
	return ftruncate(dfd, size) < 0 ? -errno : 0;
}

/**
 * set_meta() - owner, mode, origin and times of a new copy
 * @fd:		fd of the copy (not a symlink)
 * @st:		source attributes
 * @ino:	origin inode number to record
 *
 * Return: 0 or -errno
 */
static int set_meta(int fd, const struct stat *st, ino_t ino)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char v[32];

	if (fchown(fd, st->st_uid, st->st_gid) < 0 && errno != EPERM &&
	    errno != EINVAL)
		return -errno;
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)ino);
	fsetxattr(fd, XATTR_ORIGIN, v, strlen(v), 0);
	if (futimens(fd, ts) < 0)
		return -errno;
	return 0;
}

/**
 * build_file() - build a copy of the regular file open as @sfd
 * @fs:		filesystem
 * @sfd:	source fd
 * @st:		source attributes
 * @tmp:	name in the work directory
 * @ino:	origin inode number
 * @data:	copy the data (false: the copy is about to be truncated)
 *
 * Return: 0 or -errno
 */
static int build_file(struct ovl_fs *fs, int sfd, const struct stat *st,
		      const char *tmp, ino_t ino, bool data)
{
	_cleanup_close_ int dfd =
		openat(fs->work_fd, tmp,
		       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ret;

	if (dfd < 0)
		return -errno;
	ret = data ? copy_data(sfd, dfd, st->st_size) : 0;
	if (!ret)
		ret = copy_xattrs(sfd, dfd);
	if (!ret)
		ret = set_meta(dfd, st, ino);
	return ret;
}

/**
 * copy_file() - build a copy of regular file @path in work entry @tmp
 * @fs:		filesystem
 * @layer:	source layer
 * @path:	source path
 * @st:		source attributes
 * @tmp:	name in the work directory
 * @ino:	origin inode number
 * @data:	copy the data (false: the copy is about to be truncated)
 *
 * Return: 0 or -errno
 */
static int copy_file(struct ovl_fs *fs, int layer, const char *path,
		     const struct stat *st, const char *tmp, ino_t ino,
		     bool data)
{
	_cleanup_close_ int sfd = openat(fs->layers[layer].fd, path,
					 O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (sfd < 0)
		return -errno;
	return build_file(fs, sfd, st, tmp, ino, data);
}

/**
 * copy_dir() - build a copy of directory @path (without its entries)
 * @fs:		filesystem
 * @layer:	source layer
 * @path:	source path
 * @st:		source attributes
 * @tmp:	name in the work directory
 * @ino:	origin inode number
 *
 * Return: 0 or -errno
 */
static int copy_dir(struct ovl_fs *fs, int layer, const char *path,
		    const struct stat *st, const char *tmp, ino_t ino)
{
	_cleanup_close_ int sfd = -1, dfd = -1;

	if (mkdirat(fs->work_fd, tmp, 0700) < 0)
		return -errno;
	dfd = openat(fs->work_fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	sfd = openat(fs->layers[layer].fd, path,
		     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd >= 0) {
		int ret = copy_xattrs(sfd, dfd);

		if (ret)
			return ret;
	}
	return set_meta(dfd, st, ino);
}

/**
 * copy_other() - build a copy of a symlink, fifo, socket or device
 * @fs:		filesystem
 * @layer:	source layer
 * @path:	source path
 * @st:		source attributes
 * @tmp:	name in the work directory
 *
 * Return: 0 or -errno
 */
static int copy_other(struct ovl_fs *fs, int layer, const char *path,
		      const struct stat *st, const char *tmp)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t n;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(fs->layers[layer].fd, path, target,
			       sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, fs->work_fd, tmp) < 0)
			return -errno;
	} else if (mknodat(fs->work_fd, tmp, st->st_mode, st->st_rdev) < 0) {
		return -errno;
	}
	if (fchownat(fs->work_fd, tmp, st->st_uid, st->st_gid,
		     AT_SYMLINK_NOFOLLOW) < 0 &&
	    errno != EPERM && errno != EINVAL)
		return -errno;
	if (!S_ISLNK(st->st_mode) &&
	    fchmodat(fs->work_fd, tmp, st->st_mode & 07777, 0) < 0)
		return -errno;
	if (utimensat(fs->work_fd, tmp, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/**
 * remove_tmp() - remove a half-built copy from the work directory
 * @fs:		filesystem
 * @tmp:	its name
 * @dir:	it is a directory
 */
static void remove_tmp(struct ovl_fs *fs, const char *tmp, bool dir)
{
	if (dir) {
		/* a fresh copy holds nothing */
		unlinkat(fs->work_fd, tmp, AT_REMOVEDIR);
		return;
	}
	unlinkat(fs->work_fd, tmp, 0);
}

/**
 * place_copy() - rename the finished copy @tmp of @n into the upper layer
 * @fs:		filesystem
 * @n:		node, its parent already in the upper layer
 * @tmp:	name in the work directory
 *
 * The parent's times are kept, as the kernel's overlay keeps them.
 * Caller holds fs->tree_lock for writing.
 *
 * Return: 0 or -errno (@tmp is left for the caller to remove)
 */
static int place_copy(struct ovl_fs *fs, struct ovl_node *n, const char *tmp)
{
	char path[PATH_MAX], ppath[PATH_MAX];
	struct stat pst;
	bool has_pst;
	int ret = node_path(n, path);

	if (!ret)
		ret = node_path(n->parent, ppath);
	if (ret)
		return ret;
	has_pst = fstatat(fs->layers[0].fd, ppath, &pst, 0) == 0;
	if (renameat2(fs->work_fd, tmp, fs->layers[0].fd, path,
		      RENAME_NOREPLACE) < 0)
		return -errno;
	if (has_pst) {
		struct timespec ts[2] = { pst.st_atim, pst.st_mtim };

		utimensat(fs->layers[0].fd, ppath, ts, 0);
	}
	debug("copied up %s from layer %d", path, n->layer);
	n->layer = 0;
	return 0;
}

/**
 * copy_entry() - copy node @n (whose parent is in the upper layer) up
 * @fs:		filesystem
 * @n:		node
 * @data:	copy a regular file's data
 *
 * Return: 0 or -errno
 */
static int copy_entry(struct ovl_fs *fs, struct ovl_node *n, bool data)
{
	char path[PATH_MAX], tmp[64];
	struct stat st;
	int ret;

	ret = node_path(n, path);
	if (!ret)
		ret = layer_stat(fs, n->layer, path, &st);
	if (ret)
		return ret;
	work_tmpname(fs, tmp);
	if (S_ISREG(st.st_mode))
		ret = copy_file(fs, n->layer, path, &st, tmp, n->ino, data);
	else if (S_ISDIR(st.st_mode))
		ret = copy_dir(fs, n->layer, path, &st, tmp, n->ino);
	else
		ret = copy_other(fs, n->layer, path, &st, tmp);
	if (!ret)
		ret = place_copy(fs, n, tmp);
	if (ret)
		remove_tmp(fs, tmp, S_ISDIR(st.st_mode));
	return ret;
}

/**
 * copyup_node() - copy @n up, its parents first (always with their data)
 * @fs:		filesystem
 * @n:		node
 * @data:	copy @n's data too
 *
 * Caller holds fs->tree_lock for writing.
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
static int copyup_node(struct ovl_fs *fs, struct ovl_node *n, bool data)
{
	int ret;

	if (!fs->has_upper)
		return -EROFS;
	if (node_in_upper(fs, n))
		return 0;
	ret = copyup(fs, n->parent);
	if (ret)
		return ret;
	return copy_entry(fs, n, data);
}

/**
 * copyup() - make sure @n and its parents live in the upper layer
 * @fs:		filesystem
 * @n:		node
 *
 * Caller holds fs->tree_lock for writing.
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
int copyup(struct ovl_fs *fs, struct ovl_node *n)
{
	return copyup_node(fs, n, true);
}

/**
 * copyup_trunc() - copy @n up without its data, before truncating it to 0
 * @fs:		filesystem
 * @n:		node
 *
 * Caller holds fs->tree_lock for writing.
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
int copyup_trunc(struct ovl_fs *fs, struct ovl_node *n)
{
	return copyup_node(fs, n, false);
}

/**
 * copyup_unlocked() - copy a lower regular file up, copying its data
 *		       without holding the tree lock
 * @fs:		filesystem
 * @n:		node (the caller holds a reference, no lock)
 * @data:	copy the data (false: it is about to be truncated)
 *
 * Lower layers never change, so the data can be copied into the work
 * directory while other requests go on; only placing the copy takes
 * the tree lock for writing.  When another request copied the node up
 * meanwhile, this copy is dropped.  Anything but a lower regular file is
 * left to copyup() under the lock.
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
int copyup_unlocked(struct ovl_fs *fs, struct ovl_node *n, bool data)
{
	_cleanup_close_ int sfd = -1;
	char path[PATH_MAX], tmp[64];
	struct stat st;
	int ret = 0;

	if (!fs->has_upper)
		return -EROFS;
	pthread_rwlock_rdlock(&fs->tree_lock);
	if (node_in_upper(fs, n) || !S_ISREG(n->type)) {
		pthread_rwlock_unlock(&fs->tree_lock);
		return 0;
	}
	ret = node_path(n, path);
	if (!ret) {
		sfd = openat(fs->layers[n->layer].fd, path,
			     O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0 || fstat(sfd, &st) < 0)
			ret = -errno;
	}
	pthread_rwlock_unlock(&fs->tree_lock);
	if (ret)
		return ret;
	work_tmpname(fs, tmp);
	ret = build_file(fs, sfd, &st, tmp, n->ino, data);
	if (!ret) {
		pthread_rwlock_wrlock(&fs->tree_lock);
		if (!node_in_upper(fs, n)) {
			ret = copyup(fs, n->parent);
			if (!ret)
				ret = place_copy(fs, n, tmp);
		}
		pthread_rwlock_unlock(&fs->tree_lock);
	}
	remove_tmp(fs, tmp, false); /* gone already when it was placed */
	return ret;
}

/**
 * copyup_tree() - copy directory @dir and everything below it up
 * @fs:		filesystem
 * @dir:	directory node
 *
 * Afterwards nothing below @dir comes from a lower layer, and the upper
 * directory is made opaque so it can be moved anywhere.
 * Caller holds fs->tree_lock for writing.
 *
 * Return: 0 or -errno
 */
int copyup_tree(struct ovl_fs *fs, struct ovl_node *dir)
{
	struct ovl_dir *d;
	char path[PATH_MAX];
	size_t i;
	int ret = copyup(fs, dir);

	if (!ret)
		ret = node_read_dir(fs, dir, &d);
	if (ret)
		return ret;
	for (i = 2; !ret && i < d->n; i++) {
		struct ovl_node *c;
		struct stat st;

		ret = node_lookup(fs, dir, d->ents[i].name, &c, &st);
		if (ret)
			break;
		ret = S_ISDIR(c->type) ? copyup_tree(fs, c) : copyup(fs, c);
		node_forget(c, 1);
	}
	dir_free(d);
	if (!ret)
		ret = node_path(dir, path);
	if (!ret)
		ret = opaque_set(fs->layers[0].fd, path);
	if (!ret)
		dir->last = 0;
	return ret;
}

/**
 * copyup_parent() - copy directory @parent up and give its path
 * @fs:		filesystem
 * @parent:	directory node
 * @ppath:	PATH_MAX bytes for its path
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
int copyup_parent(struct ovl_fs *fs, struct ovl_node *parent, char *ppath)
{
	int ret = copyup(fs, parent);

	return ret ? ret : node_path(parent, ppath);
}
