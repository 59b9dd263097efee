// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_attr.c - FUSE handlers that change attributes: setattr, setxattr,
 *	     removexattr
 *
 * DOC: Theory of Operation
 * A change of attributes copies the entry up first: the data of a lower
 * file is copied without the tree lock held (copyup_unlocked()), the rest
 * with it held for writing; a truncation to size 0 copies no data.  The
 * change is then made on the upper entry by path, with calls that do not
 * follow a final symlink.
 *
 * Owner and mode go where the layer keeps them: in the override_stat xattr
 * when the upper layer honours one (xattr_permissions=, or the layer's own
 * mark), else through chown and chmod, the owner translated to host ids by
 * the mappings.  A chown the daemon may not make is ignored when owners
 * are squashed anyway.
 *
 * A setattr on a file whose name is gone (removed or renamed over while
 * open) goes through the file's fd, never through a name that may now be
 * another file's; the kernel sends one when it writes back the times of a
 * file written through its cache.
 *
 * Overlay-internal xattrs can be neither set nor removed (EPERM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "overlayfs-fuse/ovl.h"

/**
 * chmod_nofollow() - chmod upper path @p unless it is a symlink
 * @fs:		filesystem
 * @p:		path in the upper layer
 * @mode:	permission bits
 *
 * fchmodat() follows a final symlink, which could reach outside the
 * layers; symlinks have no mode of their own, so they are refused.
 *
 * Return: 0, or -1 with errno set (EOPNOTSUPP for a symlink)
 */
static int chmod_nofollow(struct ovl_fs *fs, const char *p, mode_t mode)
{
	struct stat st;

	if (fstatat(UPPER_FD(fs), p, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISLNK(st.st_mode)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return fchmodat(UPPER_FD(fs), p, mode, 0);
}

/**
 * squashed() - are owners replaced by squash_to_* (chown errors moot)?
 * @fs:		filesystem
 *
 * Return: true if they are
 */
static bool squashed(struct ovl_fs *fs)
{
	return fs->cfg->squash_uid >= 0 || fs->cfg->squash_gid >= 0;
}

/**
 * setattr_override() - chown/chmod through the override xattr
 * @fs:		filesystem
 * @p:		path in the upper layer
 * @attr:	new values
 * @to_set:	FUSE_SET_ATTR_* mask
 * @u:		new host uid or (uid_t)-1
 * @g:		new host gid or (gid_t)-1
 *
 * Return: 0 or -errno
 */
static int setattr_override(struct ovl_fs *fs, const char *p,
			    const struct stat *attr, int to_set, uid_t u,
			    gid_t g)
{
	struct stat cur;
	int ret = attr_host(fs, 0, p, &cur);

	if (ret)
		return ret;
	if (u != (uid_t)-1)
		cur.st_uid = u;
	if (g != (gid_t)-1)
		cur.st_gid = g;
	if (to_set & FUSE_SET_ATTR_MODE)
		cur.st_mode = (cur.st_mode & S_IFMT) | (attr->st_mode & 07777);
	return override_write(fs, UPPER_FD(fs), p, cur.st_uid, cur.st_gid,
			      cur.st_mode);
}

/**
 * setattr_owner() - the host owner a setattr sets, for chown()
 * @fs:		filesystem
 * @attr:	new values
 * @to_set:	FUSE_SET_ATTR_* mask
 * @u:		host uid, or -1 where unchanged
 * @g:		host gid, or -1 where unchanged
 */
static void setattr_owner(struct ovl_fs *fs, const struct stat *attr,
			  int to_set, uid_t *u, gid_t *g)
{
	*u = (uid_t)-1;
	*g = (gid_t)-1;
	if (!(to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		return;
	owner_to_host(fs, to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1,
		      to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1, u,
		      g);
}

/**
 * setattr_times() - the times a setattr sets, for utimensat()
 * @attr:	new values
 * @to_set:	FUSE_SET_ATTR_* mask
 * @ts:		filled: atime, mtime (UTIME_OMIT where unchanged)
 *
 * Return: whether either time changes
 */
static bool setattr_times(const struct stat *attr, int to_set,
			  struct timespec ts[2])
{
	ts[0] = (struct timespec){ 0, UTIME_OMIT };
	ts[1] = ts[0];
	if (to_set & FUSE_SET_ATTR_ATIME)
		ts[0] = attr->st_atim;
	if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	if (to_set & FUSE_SET_ATTR_MTIME)
		ts[1] = attr->st_mtim;
	if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	return ts[0].tv_nsec != UTIME_OMIT || ts[1].tv_nsec != UTIME_OMIT;
}

/**
 * apply_setattr() - make the changes of a setattr on upper path @p
 * @fs:		filesystem
 * @p:		path in the upper layer
 * @attr:	new values
 * @to_set:	FUSE_SET_ATTR_* mask
 * @fi:		open file or NULL
 *
 * Return: 0 or -errno
 */
static int apply_setattr(struct ovl_fs *fs, const char *p, struct stat *attr,
			 int to_set, struct fuse_file_info *fi)
{
	struct timespec ts[2];
	int fd = UPPER_FD(fs);
	uid_t u;
	gid_t g;

	setattr_owner(fs, attr, to_set, &u, &g);
	if (fs->layers[0].override &&
	    (to_set &
	     (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID | FUSE_SET_ATTR_MODE))) {
		int ret = setattr_override(fs, p, attr, to_set, u, g);

		if (ret)
			return ret;
	} else {
		if ((to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
		    fchownat(fd, p, u, g, AT_SYMLINK_NOFOLLOW) < 0 &&
		    !squashed(fs))
			return -errno;
		if ((to_set & FUSE_SET_ATTR_MODE) &&
		    chmod_nofollow(fs, p, attr->st_mode & 07777) < 0)
			return -errno;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		int tfd = fi ? (int)fi->fh
			     : openat(fd, p, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		int r = tfd < 0 ? -errno : ftruncate(tfd, attr->st_size);

		if (r < 0 && tfd >= 0)
			r = -errno;
		if (!fi && tfd >= 0)
			close(tfd);
		if (r < 0)
			return r;
	}
	if (setattr_times(attr, to_set, ts) &&
	    utimensat(fd, p, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/**
 * setattr_gone() - setattr on an upper file whose name is gone
 * @fs:		filesystem
 * @n:		node, unhashed
 * @attr:	new values
 * @to_set:	FUSE_SET_ATTR_* mask
 * @fi:		open file or NULL
 * @st:		attributes after the change
 *
 * The change goes through the file's fd (the open file's, else the one
 * kept when its name went), never through a name that may now be
 * another file's.  The kernel sends such a setattr when it writes back
 * the times of a file written through the cache and already unlinked.
 *
 * Return: 0 or -errno
 */
static int setattr_gone(struct ovl_fs *fs, struct ovl_node *n,
			struct stat *attr, int to_set,
			struct fuse_file_info *fi, struct stat *st)
{
	int fd = fi ? (int)fi->fh : n->gone_fd;
	struct timespec ts[2];
	char p[64];
	uid_t u;
	gid_t g;

	if (fd < 0 || !node_in_upper(fs, n))
		return -ENOENT;
	if (fs->layers[0].override &&
	    (to_set &
	     (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID | FUSE_SET_ATTR_MODE)))
		return -EOPNOTSUPP;
	/* the magic link reaches the file itself, also from an O_PATH fd */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	setattr_owner(fs, attr, to_set, &u, &g);
	if ((to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) &&
	    chown(p, u, g) < 0 && !squashed(fs))
		return -errno;
	if ((to_set & FUSE_SET_ATTR_MODE) &&
	    chmod(p, attr->st_mode & 07777) < 0)
		return -errno;
	if ((to_set & FUSE_SET_ATTR_SIZE) && truncate(p, attr->st_size) < 0)
		return -errno;
	if (setattr_times(attr, to_set, ts) &&
	    utimensat(AT_FDCWD, p, ts, 0) < 0)
		return -errno;
	if (fstat(fd, st) < 0)
		return -errno;
	st->st_ino = n->ino;
	attr_present(fs, st, n->layer, fi ? fd : -1, NULL);
	return 0;
}

/* implements fuse_lowlevel_ops.setattr */
void ovl_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		    int to_set, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	bool trunc0 = (to_set & FUSE_SET_ATTR_SIZE) && attr->st_size == 0;
	struct ovl_node *n = node_get(fs, ino);
	char path[PATH_MAX];
	struct stat st;
	int ret;

	if (!n->hashed && n != fs->root) {
		tree_wrlock(fs);
		ret = setattr_gone(fs, n, attr, to_set, fi, &st);
		tree_unlock(fs);
		goto reply;
	}
	ret = copyup_unlocked(fs, n, !trunc0);
	tree_wrlock(fs);
	if (!ret)
		ret = trunc0 ? copyup_trunc(fs, n) : copyup(fs, n);
	if (!ret)
		ret = node_path(n, path);
	if (!ret)
		ret = apply_setattr(fs, path, attr, to_set, fi);
	if (!ret)
		ret = node_stat(fs, n, &st);
	tree_unlock(fs);
reply:
	if (ret)
		fuse_reply_err(req, -ret);
	else
		fuse_reply_attr(req, &st, attr_timeout(fs, &st));
}

/**
 * change_xattr() - set (@value non-NULL) or remove xattr @name of @ino
 * @fs:		filesystem
 * @ino:	node id
 * @name:	xattr name
 * @value:	value or NULL to remove
 * @size:	value size
 * @flags:	XATTR_CREATE / XATTR_REPLACE
 *
 * Return: 0 or -errno
 */
static int change_xattr(struct ovl_fs *fs, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	struct ovl_node *n = node_get(fs, ino);
	char path[PATH_MAX], xp[PATH_MAX + 32];
	int ret;

	if (xattr_hidden(name))
		return -EPERM;
	ret = copyup_unlocked(fs, n, true);
	tree_wrlock(fs);
	if (!ret)
		ret = copyup(fs, n);
	if (!ret)
		ret = node_path(n, path);
	if (!ret) {
		layer_xpath(fs, 0, path, xp);
		if (value)
			ret = lsetxattr(xp, name, value, size, flags);
		else
			ret = lremovexattr(xp, name);
		ret = ret < 0 ? -errno : 0;
	}
	tree_unlock(fs);
	return ret;
}

/* implements fuse_lowlevel_ops.setxattr */
void ovl_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     const char *value, size_t size, int flags)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	fuse_reply_err(req, -change_xattr(fs, ino, name, value, size, flags));
}

/* implements fuse_lowlevel_ops.removexattr */
void ovl_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	fuse_reply_err(req, -change_xattr(fs, ino, name, NULL, 0, 0));
}
