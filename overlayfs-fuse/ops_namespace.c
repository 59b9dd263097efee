// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_namespace.c - FUSE handlers that add or remove names: create, mknod,
 *		  mkdir, symlink, link, unlink, rmdir
 *
 * DOC: Theory of Operation
 * Every change lands in the upper layer; the lower layers are never
 * written.  A handler holds the tree lock for writing, copies up the
 * parent directory (copyup.c), makes the change, and leaves a whiteout
 * (whiteout.c) where a name it removed still exists in a lower layer.
 *
 * New entries (create, mkdir, mknod, symlink, link) are built complete in
 * the work directory -- owner and opaque mark included -- and renamed into
 * place.  When a char 0/0 whiteout holds the name, the rename exchanges
 * the two (RENAME_EXCHANGE), so the name goes from deleted to present in
 * one step.  A directory created where a deleted lower directory was is
 * made opaque, so the old contents stay deleted.
 *
 * A name that lives only in the upper layer is removed there; one a lower
 * layer also holds is replaced by a whiteout (whiteout_replace()), and one
 * only lower layers hold gets a whiteout beside nothing.  A directory must
 * be empty in the merged view; the whiteouts left inside its upper part
 * are cleared first.  A file removed while open keeps an O_PATH fd for its
 * attributes (node_set_gone()).
 *
 * Owners: a new entry gets the requesting process's uid and gid (mapped
 * to host ids by uidmapping/gidmapping); a directory with the setgid bit
 * passes its group on as usual.  When the daemon may not chown (mounted
 * without a user namespace), entries keep the daemon's own ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

/**
 * reply_entry_or_err() - reply with a new entry, or with @ret
 * @fs:		filesystem
 * @req:	request
 * @ret:	0 or -errno
 * @n:		node (holding a lookup for the reply) when @ret is 0
 * @st:		its attributes
 */
static void reply_entry_or_err(struct ovl_fs *fs, fuse_req_t req, int ret,
			       struct ovl_node *n, const struct stat *st)
{
	if (ret)
		fuse_reply_err(req, -ret);
	else
		reply_entry(fs, req, n, st);
}

/**
 * name_free() - check that @name can be created in @parent
 * @fs:		filesystem
 * @parent:	directory node
 * @name:	new name
 *
 * Return: 0, -EEXIST, -EINVAL for a reserved name, or -errno
 */
static int name_free(struct ovl_fs *fs, struct ovl_node *parent,
		     const char *name)
{
	struct ovl_node *n;
	struct stat st;
	int ret;

	if (!fs->has_upper)
		return -EROFS;
	if (!strncmp(name, WH_PREFIX, WH_PREFIX_LEN))
		return -EINVAL;
	ret = node_lookup(fs, parent, name, &n, &st);
	if (ret == 0) {
		node_forget(n, 1);
		return -EEXIST;
	}
	return ret == -ENOENT ? 0 : ret;
}

/**
 * set_new_owner() - give work entry @tmp the requester's owner
 * @fs:		filesystem
 * @req:	request
 * @ppath:	upper path of the parent directory
 * @tmp:	entry in the work directory
 * @mode:	mode it was created with
 */
static void set_new_owner(struct ovl_fs *fs, fuse_req_t req, const char *ppath,
			  const char *tmp, mode_t mode)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct stat pst;
	uid_t u;
	gid_t g;

	owner_to_host(fs, ctx->uid, ctx->gid, &u, &g);
	if (fstatat(UPPER_FD(fs), ppath, &pst, 0) == 0 &&
	    (pst.st_mode & S_ISGID))
		g = (gid_t)-1;
	if (fs->layers[0].override) {
		if (g == (gid_t)-1)
			g = attr_host(fs, 0, ppath, &pst) == 0 ? pst.st_gid : 0;
		if (override_write(fs, fs->work_fd, tmp, u, g, mode) < 0)
			debug("override_stat on new entry: %m");
		return;
	}
	if (fchownat(fs->work_fd, tmp, u, g, AT_SYMLINK_NOFOLLOW) < 0) {
		debug("chown new entry to %u:%u: %m", u, g);
		return;
	}
	if (!S_ISLNK(mode) && (mode & (S_ISUID | S_ISGID)) &&
	    fchmodat(fs->work_fd, tmp, mode & 07777, 0) < 0)
		debug("chmod new entry: %m");
}

/**
 * place_new() - move work entry @tmp to @ppath/@name in the upper layer
 * @fs:		filesystem
 * @tmp:	entry in the work directory
 * @ppath:	upper directory path
 * @name:	name
 *
 * Return: 0 or -errno (@tmp is left for the caller to remove)
 */
static int place_new(struct ovl_fs *fs, const char *tmp, const char *ppath,
		     const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int ret = path_join(p, ppath, name);

	if (ret)
		return ret;
	if (fstatat(UPPER_FD(fs), p, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!is_whiteout_stat(&st))
			return -EEXIST;
		if (renameat2(fs->work_fd, tmp, UPPER_FD(fs), p,
			      RENAME_EXCHANGE))
			return -errno;
		unlinkat(fs->work_fd, tmp, 0);
		return 0;
	}
	if (renameat2(fs->work_fd, tmp, UPPER_FD(fs), p, RENAME_NOREPLACE) < 0)
		return -errno;
	ret = whiteout_clear(fs, ppath, name);
	return ret < 0 ? ret : 0;
}

/**
 * struct new_entry - what to create
 * @mode:	type and permission bits
 * @rdev:	device number for mknod
 * @link:	symlink target
 * @oflags:	open flags for a regular file (create)
 * @src:	hard link source path in the upper layer, or NULL
 */
struct new_entry {
	mode_t mode;
	dev_t rdev;
	const char *link;
	int oflags;
	const char *src;
};

/**
 * make_work_entry() - create @ne as @tmp in the work directory
 * @fs:		filesystem
 * @ne:		what to create
 * @tmp:	name
 *
 * Return: an fd for a regular file created with open flags, 0, or -errno
 */
static int make_work_entry(struct ovl_fs *fs, const struct new_entry *ne,
			   const char *tmp)
{
	int wfd = fs->work_fd, fd;

	if (ne->src)
		return linkat(UPPER_FD(fs), ne->src, wfd, tmp, 0) < 0 ? -errno
								      : 0;
	switch (ne->mode & S_IFMT) {
	case S_IFREG:
		fd = openat(wfd, tmp,
			    (ne->oflags & ~(O_TRUNC | O_NOFOLLOW)) | O_CREAT |
				    O_EXCL | O_CLOEXEC,
			    ne->mode & 07777);
		return fd < 0 ? -errno : fd;
	case S_IFDIR:
		return mkdirat(wfd, tmp, ne->mode & 07777) < 0 ? -errno : 0;
	case S_IFLNK:
		return symlinkat(ne->link, wfd, tmp) < 0 ? -errno : 0;
	default:
		return mknodat(wfd, tmp, ne->mode, ne->rdev) < 0 ? -errno : 0;
	}
}

/**
 * make_new() - create a new entry @name in @parent
 * @fs:		filesystem
 * @req:	request (for the owner)
 * @parent:	directory node
 * @name:	new name
 * @ne:		what to create
 * @fdp:	fd of a created regular file, or NULL
 * @out:	new node, written only on success
 * @st:		its attributes
 *
 * Caller holds the tree lock for writing.
 *
 * Return: 0 or -errno
 */
static int make_new(struct ovl_fs *fs, fuse_req_t req, struct ovl_node *parent,
		    const char *name, const struct new_entry *ne, int *fdp,
		    struct ovl_node **out, struct stat *st)
{
	char ppath[PATH_MAX], tmp[64];
	bool opaque;
	int ret, fd;

	ret = name_free(fs, parent, name);
	if (!ret)
		ret = copyup_parent(fs, parent, ppath);
	if (ret)
		return ret;
	opaque = S_ISDIR(ne->mode) && name_in_lower(fs, parent, name);
	work_tmpname(fs, tmp);
	fd = make_work_entry(fs, ne, tmp);
	if (fd < 0)
		return fd;
	if (!ne->src)
		set_new_owner(fs, req, ppath, tmp, ne->mode);
	ret = opaque ? opaque_set(fs->work_fd, tmp) : 0;
	if (!ret)
		ret = place_new(fs, tmp, ppath, name);
	if (!ret)
		ret = node_lookup(fs, parent, name, out, st);
	if (ret) {
		work_remove(fs, tmp);
		if (fd > 0)
			close(fd);
		return ret;
	}
	if (S_ISDIR(ne->mode))
		node_dir_changed(parent);
	if (fdp)
		*fdp = fd;
	else if (fd > 0)
		close(fd);
	return 0;
}

/* implements fuse_lowlevel_ops.create */
void ovl_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		   mode_t mode, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct new_entry ne = { .mode = S_IFREG | (mode & 07777),
				.oflags = writeback_flags(fs, fi->flags) };
	struct fuse_entry_param e = { 0 };
	struct ovl_node *n;
	int ret, fd = -1;

	tree_wrlock(fs);
	ret = make_new(fs, req, node_get(fs, parent), name, &ne, &fd, &n,
		       &e.attr);
	tree_unlock(fs);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	e.ino = node_id(n);
	e.attr_timeout = attr_timeout(fs, &e.attr);
	e.entry_timeout = fs->cfg->timeout;
	fi->fh = fd;
	fi->keep_cache = 1;
	reply_write_through(fs, fi);
	if (pt_reply(req, &e, fi, pt_open(fs, n, fd)) == -ENOENT) {
		pt_release(fs, n);
		close(fd);
		node_forget(n, 1);
	}
}

/**
 * new_entry_reply() - make a node without an open file and reply with it
 * @fs:		filesystem
 * @req:	request
 * @parent:	parent inode
 * @name:	new name
 * @ne:		what to make
 */
static void new_entry_reply(struct ovl_fs *fs, fuse_req_t req,
			    fuse_ino_t parent, const char *name,
			    const struct new_entry *ne)
{
	struct ovl_node *n = NULL;
	struct stat st;
	int ret;

	tree_wrlock(fs);
	ret = make_new(fs, req, node_get(fs, parent), name, ne, NULL, &n, &st);
	tree_unlock(fs);
	reply_entry_or_err(fs, req, ret, n, &st);
}

/* implements fuse_lowlevel_ops.mknod */
void ovl_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode, dev_t rdev)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct new_entry ne = { .mode = mode, .rdev = rdev };

	new_entry_reply(fs, req, parent, name, &ne);
}

/* implements fuse_lowlevel_ops.mkdir */
void ovl_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		  mode_t mode)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct new_entry ne = { .mode = S_IFDIR | (mode & 07777) };

	new_entry_reply(fs, req, parent, name, &ne);
}

/* implements fuse_lowlevel_ops.symlink */
void ovl_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		    const char *name)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct new_entry ne = { .mode = S_IFLNK | 0777, .link = link };

	new_entry_reply(fs, req, parent, name, &ne);
}

/* implements fuse_lowlevel_ops.link */
void ovl_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		 const char *newname)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *src = node_get(fs, ino), *n = NULL;
	char spath[PATH_MAX];
	struct new_entry ne = { .src = spath };
	struct stat st;
	int ret;

	ret = copyup_unlocked(fs, src, true);
	tree_wrlock(fs);
	if (!ret)
		ret = S_ISDIR(src->type) ? -EPERM : copyup(fs, src);
	if (!ret)
		ret = node_path(src, spath);
	if (!ret) {
		ne.mode = src->type;
		ret = make_new(fs, req, node_get(fs, newparent), newname, &ne,
			       NULL, &n, &st);
	}
	if (!ret) {
		/* the kernel expects the same inode back for a hard link */
		node_forget(n, 1);
		node_ref(src, 1);
		n = src;
		ret = node_stat(fs, src, &st);
		if (ret)
			node_forget(src, 1);
	}
	tree_unlock(fs);
	reply_entry_or_err(fs, req, ret, n, &st);
}

/**
 * remove_entry() - remove @n (named @name in @parent) from the merged view
 * @fs:		filesystem
 * @parent:	directory node
 * @n:		node to remove (looked up)
 * @name:	its name
 *
 * Return: 0 or -errno
 */
static int remove_entry(struct ovl_fs *fs, struct ovl_node *parent,
			struct ovl_node *n, const char *name)
{
	char ppath[PATH_MAX], p[PATH_MAX];
	bool isdir = S_ISDIR(n->type), lower;
	int ret = copyup_parent(fs, parent, ppath);

	if (!ret)
		ret = path_join(p, ppath, name);
	if (ret)
		return ret;
	lower = name_in_lower(fs, parent, name);
	if (!node_in_upper(fs, n))
		return whiteout_create(fs, ppath, name);
	if (isdir) {
		ret = upper_dir_clean(fs, p);
		if (ret)
			return ret;
	}
	if (lower)
		return whiteout_replace(fs, ppath, name);
	if (unlinkat(UPPER_FD(fs), p, isdir ? AT_REMOVEDIR : 0) < 0)
		return -errno;
	return 0;
}

/**
 * do_remove() - unlink or rmdir @name in @parent
 * @fs:		filesystem
 * @req:	request
 * @parent:	directory node id
 * @name:	name
 * @dir:	rmdir
 */
static void do_remove(struct ovl_fs *fs, fuse_req_t req, fuse_ino_t parent,
		      const char *name, bool dir)
{
	struct ovl_node *p = node_get(fs, parent), *n;
	struct stat st;
	int ret, gone;

	if (!fs->has_upper) {
		fuse_reply_err(req, EROFS);
		return;
	}
	tree_wrlock(fs);
	ret = node_lookup(fs, p, name, &n, &st);
	if (!ret) {
		if (dir && !S_ISDIR(n->type))
			ret = -ENOTDIR;
		else if (!dir && S_ISDIR(n->type))
			ret = -EISDIR;
		else if (dir)
			ret = node_dir_empty(fs, n) == 1 ? 0 : -ENOTEMPTY;
		gone = dir || ret ? -1 : node_open_path(fs, n);
		if (!ret)
			ret = remove_entry(fs, p, n, name);
		if (!ret) {
			node_unhash(n);
			node_set_gone(n, gone);
			/* only a subdirectory counts in the parent's nlink:
			 * recounting it after every file removed made rm of
			 * N files in one directory O(N^2) */
			if (dir)
				node_dir_changed(p);
		} else if (gone >= 0) {
			close(gone);
		}
		node_forget(n, 1);
	}
	tree_unlock(fs);
	fuse_reply_err(req, -ret);
}

/* implements fuse_lowlevel_ops.unlink */
void ovl_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	do_remove(fs, req, parent, name, false);
}

/* implements fuse_lowlevel_ops.rmdir */
void ovl_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	do_remove(fs, req, parent, name, true);
}
