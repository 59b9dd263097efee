// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_read.c - FUSE handlers that look: lookup, attributes, links, lists,
 *	     xattrs
 *
 * DOC: Theory of Operation
 * Each handler is thin: find the node, take the tree lock for reading,
 * build the layer path, make the *at() call, reply exactly once.  Lookups,
 * attribute reads and directory reads so run in parallel and wait only for
 * a change of the tree (ops_namespace.c, ops_rename.c).
 *
 * There are no directory handles: a stream's merged listing is kept in the
 * directory's node (dir.c), and where the kernel allows it, opening
 * directories is left to the kernel.  readdirplus looks every name up, so
 * the kernel gets the node ids a lookup would give.
 *
 * A file whose name was removed while it was open keeps its attributes
 * readable through its fd (getattr).  Overlay-internal xattrs (opaque
 * marks, origins, override_stat) are never shown.
 *
 * Lower layers never change under a mount and every change to the upper
 * layer goes through this daemon, so entries and attributes are cached for
 * long (reply.c) and directory listings are kept across opens; the kernel
 * drops what a change through the mount makes stale.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

/* implements fuse_lowlevel_ops.lookup */
void ovl_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct fuse_entry_param e;
	struct ovl_node *n;
	struct stat st;
	int ret;

	tree_rdlock(fs);
	ret = node_lookup(fs, node_get(fs, parent), name, &n, &st);
	tree_unlock(fs);
	if (ret == -ENOENT) {
		reply_fill_entry(fs, &e, NULL, NULL);
		fuse_reply_entry(req, &e);
		return;
	}
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	reply_entry(fs, req, n, &st);
}

/* implements fuse_lowlevel_ops.forget */
void ovl_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	node_forget(node_get(fs, ino), nlookup);
	fuse_reply_none(req);
}

/* implements fuse_lowlevel_ops.forget_multi */
void ovl_op_forget_multi(fuse_req_t req, size_t count,
			 struct fuse_forget_data *forgets)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	size_t i;

	for (i = 0; i < count; i++)
		node_forget(node_get(fs, forgets[i].ino), forgets[i].nlookup);
	fuse_reply_none(req);
}

/* implements fuse_lowlevel_ops.getattr */
void ovl_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *n = node_get(fs, ino);
	struct stat st;
	int ret = space_refuse(fs, fi);

	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	tree_rdlock(fs);
	if (n->hashed || n == fs->root || (!fi && n->gone_fd < 0)) {
		ret = node_stat(fs, n, &st);
	} else {
		/* a file whose name is gone: ask its fd */
		int fd = fi ? (int)fi->fh : n->gone_fd;

		ret = fstat(fd, &st) < 0 ? -errno : 0;
		if (!ret) {
			st.st_ino = n->ino;
			attr_present(fs, &st, n->layer, fi ? fd : -1, NULL);
		}
	}
	tree_unlock(fs);
	if (ret)
		fuse_reply_err(req, -ret);
	else
		fuse_reply_attr(req, &st, attr_timeout(fs, &st));
}

/* implements fuse_lowlevel_ops.readlink */
void ovl_op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *n = node_get(fs, ino);
	char path[PATH_MAX], buf[PATH_MAX];
	ssize_t len = -1;
	int ret;

	tree_rdlock(fs);
	ret = node_path(n, path);
	if (!ret) {
		len = readlinkat(fs->layers[n->layer].fd, path, buf,
				 sizeof(buf) - 1);
		ret = len < 0 ? -errno : 0;
	}
	tree_unlock(fs);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	buf[len] = '\0';
	fuse_reply_readlink(req, buf);
}

/* implements fuse_lowlevel_ops.opendir */
void ovl_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	/*
	 * Listings live in the directory's node, not in a handle (dir.c),
	 * so opendir has nothing to do: ENOSYS tells the kernel to open
	 * and release directories on its own from now on, one round trip
	 * less per directory opened and no RELEASEDIR.  It then keeps
	 * listings as if FOPEN_CACHE_DIR and FOPEN_KEEP_CACHE were set.
	 */
	if (fs->no_opendir) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	/*
	 * The kernel may keep the listing: every change to a merged
	 * directory is made through this mount, and the kernel drops its
	 * copy when it makes one (or when the directory's mtime moves).
	 */
	fi->fh = 0;
	fi->cache_readdir = 1;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

/**
 * add_plus_entry() - add one readdirplus entry, looking the name up
 * @fs:		filesystem
 * @req:	request
 * @dir:	directory node
 * @de:		listing entry
 * @buf:	reply buffer position
 * @rem:	space left
 * @next:	offset of the following entry
 *
 * Return: bytes used; 0 when it did not fit (nothing is held then)
 */
static size_t add_plus_entry(struct ovl_fs *fs, fuse_req_t req,
			     struct ovl_node *dir, const struct ovl_dirent *de,
			     char *buf, size_t rem, off_t next)
{
	struct fuse_entry_param e;
	struct ovl_node *n = NULL;
	struct stat st = { 0 };
	size_t used;

	if (!strcmp(de->name, ".") || !strcmp(de->name, "..") ||
	    node_lookup(fs, dir, de->name, &n, &st)) {
		memset(&e, 0, sizeof(e));
		e.attr.st_ino = de->ino;
		e.attr.st_mode = de->type;
		n = NULL;
	} else {
		reply_fill_entry(fs, &e, n, &st);
	}
	used = fuse_add_direntry_plus(req, buf, rem, de->name, &e, next);
	if (used > rem && n)
		node_forget(n, 1);
	return used > rem ? 0 : used;
}

/**
 * list_get() - the listing a readdir from @off reads, taken from @dir
 * @fs:		filesystem
 * @dir:	directory node (tree lock held for reading)
 * @off:	offset from the kernel: 0, or one dir_offset() gave
 * @out:	the listing, owned by the caller until dir_list_put()
 * @first:	index of the first entry to send
 *
 * A listing kept in @dir is used when @off names one; otherwise the
 * directory is read afresh.
 *
 * Return: 0 or -errno
 */
static int list_get(struct ovl_fs *fs, struct ovl_node *dir, off_t off,
		    struct ovl_dir **out, size_t *first)
{
	struct ovl_dir *d = dir_list_take(dir, off, first);
	int ret;

	if (!d) {
		ret = node_read_dir(fs, dir, &d);
		if (ret)
			return ret;
		dir_list_number(d);
	}
	*out = d;
	return 0;
}

/**
 * do_readdir() - serve a listing from offset @off
 * @fs:		filesystem
 * @req:	request
 * @ino:	directory node id
 * @size:	reply size limit
 * @off:	0, or the offset of an entry sent before (dir_offset())
 * @plus:	readdirplus
 */
static void do_readdir(struct ovl_fs *fs, fuse_req_t req, fuse_ino_t ino,
		       size_t size, off_t off, bool plus)
{
	struct ovl_node *dir = node_get(fs, ino);
	_cleanup_free_ char *buf = malloc(size);
	size_t pos = 0, i, first = 0;
	struct ovl_dir *d = NULL;
	int ret = -ENOMEM;

	tree_rdlock(fs);
	if (buf)
		ret = list_get(fs, dir, off, &d, &first);
	for (i = first; !ret && i < d->n; i++) {
		const struct ovl_dirent *de = &d->ents[i];
		off_t next = dir_offset(d, i + 1);
		size_t used;

		if (plus) {
			used = add_plus_entry(fs, req, dir, de, buf + pos,
					      size - pos, next);
		} else {
			struct stat st = { .st_ino = de->ino,
					   .st_mode = de->type };

			used = fuse_add_direntry(req, buf + pos, size - pos,
						 de->name, &st, next);
			if (used > size - pos)
				used = 0;
		}
		if (!used)
			break;
		pos += used;
	}
	tree_unlock(fs);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	dir_list_put(dir, d, first >= d->n);
	fuse_reply_buf(req, buf, pos);
}

/* implements fuse_lowlevel_ops.readdir */
void ovl_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	do_readdir(fs, req, ino, size, off, false);
}

/* implements fuse_lowlevel_ops.readdirplus */
void ovl_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	do_readdir(fs, req, ino, size, off, true);
}

/* implements fuse_lowlevel_ops.statfs */
void ovl_op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct statvfs sv;

	if (fstatvfs(fs->layers[0].fd, &sv) < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	fuse_reply_statfs(req, &sv);
}

/* implements fuse_lowlevel_ops.getxattr */
void ovl_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		     size_t size)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *n = node_get(fs, ino);
	char path[PATH_MAX], xp[PATH_MAX + 32];
	_cleanup_free_ char *val = NULL;
	ssize_t len = -1;
	int ret;

	if (xattr_hidden(name)) {
		fuse_reply_err(req, ENODATA);
		return;
	}
	if (size && !(val = malloc(size))) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	tree_rdlock(fs);
	ret = node_path(n, path);
	if (!ret) {
		layer_xpath(fs, n->layer, path, xp);
		len = lgetxattr(xp, name, val, size);
		ret = len < 0 ? -errno : 0;
	}
	tree_unlock(fs);
	if (ret)
		fuse_reply_err(req, -ret);
	else if (size == 0)
		fuse_reply_xattr(req, len);
	else
		fuse_reply_buf(req, val, len);
}

/**
 * filter_xattr_list() - drop overlay-internal names from a list
 * @list:	NUL-separated names, rewritten in place
 * @len:	length of @list
 *
 * Return: new length
 */
static size_t filter_xattr_list(char *list, size_t len)
{
	size_t in = 0, out = 0;

	while (in < len) {
		size_t l = strlen(list + in) + 1;

		if (!xattr_hidden(list + in)) {
			memmove(list + out, list + in, l);
			out += l;
		}
		in += l;
	}
	return out;
}

/* implements fuse_lowlevel_ops.listxattr */
void ovl_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *n = node_get(fs, ino);
	char path[PATH_MAX], xp[PATH_MAX + 32];
	_cleanup_free_ char *list = malloc(XATTR_LIST_MAX);
	ssize_t len = -1;
	int ret = list ? 0 : -ENOMEM;

	tree_rdlock(fs);
	if (!ret)
		ret = node_path(n, path);
	if (!ret) {
		layer_xpath(fs, n->layer, path, xp);
		len = llistxattr(xp, list, XATTR_LIST_MAX);
		ret = len < 0 ? -errno : 0;
	}
	tree_unlock(fs);
	if (ret) {
		fuse_reply_err(req, -ret);
		return;
	}
	len = filter_xattr_list(list, len);
	if (size == 0)
		fuse_reply_xattr(req, len);
	else if ((size_t)len > size)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, list, len);
}
