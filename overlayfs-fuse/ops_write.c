// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_write.c - FUSE handlers that change the tree or a file
 *
 * DOC: Theory of Operation
 * Every change lands in the upper layer; the lower layers are never
 * written.  A handler that changes the tree holds the tree lock for
 * writing, copies up what it touches (copyup.c), makes the change, and
 * leaves a whiteout (whiteout.c) where a name it removed still exists in
 * a lower layer.
 *
 * New entries (create, mkdir, mknod, symlink, link) are built complete in
 * the work directory -- owner and opaque mark included -- and renamed into
 * place.  When a char 0/0 whiteout holds the name, the rename exchanges
 * the two (RENAME_EXCHANGE), so the name goes from deleted to present in
 * one step.  A directory created where a deleted lower directory was is
 * made opaque, so the old contents stay deleted.
 *
 * Renames: a file, or a directory that lives only in the upper layer, is
 * renamed in the upper layer (copy-up first for a lower file); a
 * directory with lower parts is first copied up whole and made opaque
 * (as fuse-overlayfs does), then renamed.  Where the old name still
 * exists below, RENAME_WHITEOUT leaves the whiteout in the same rename.
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
#include <sys/xattr.h>
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
 * upper_parent() - copy directory @parent up and give its path
 * @fs:		filesystem
 * @parent:	directory node
 * @ppath:	PATH_MAX bytes for its path
 *
 * Return: 0, -EROFS without an upper layer, or -errno
 */
static int upper_parent(struct ovl_fs *fs, struct ovl_node *parent, char *ppath)
{
	int ret = copyup(fs, parent);

	return ret ? ret : node_path(parent, ppath);
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

	if (owner_to_host(fs, ctx->uid, ctx->gid, &u, &g))
		return;
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
		ret = upper_parent(fs, parent, ppath);
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
	int ret = upper_parent(fs, parent, ppath);

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

/**
 * rename_check_target() - may @s replace @d?
 * @fs:		filesystem
 * @s:		source node
 * @d:		target node or NULL
 * @flags:	rename flags
 *
 * Return: 0 or -errno
 */
static int rename_check_target(struct ovl_fs *fs, struct ovl_node *s,
			       struct ovl_node *d, unsigned int flags)
{
	int ret;

	if (!d)
		return 0;
	if (flags & RENAME_NOREPLACE)
		return -EEXIST;
	if (S_ISDIR(s->type) && !S_ISDIR(d->type))
		return -ENOTDIR;
	if (!S_ISDIR(s->type) && S_ISDIR(d->type))
		return -EISDIR;
	if (S_ISDIR(d->type)) {
		ret = node_dir_empty(fs, d);
		if (ret != 1)
			return ret < 0 ? ret : -ENOTEMPTY;
	}
	return 0;
}

/**
 * upper_whole() - bring @n into the upper layer with nothing left below
 * @fs:		filesystem
 * @n:		node
 *
 * A directory with lower parts is copied up whole and made opaque, so it
 * can be moved anywhere; anything else is copied up.
 *
 * Return: 0 or -errno
 */
static int upper_whole(struct ovl_fs *fs, struct ovl_node *n)
{
	if (S_ISDIR(n->type) && (!node_in_upper(fs, n) || node_last(n) > 0))
		return copyup_tree(fs, n);
	return copyup(fs, n);
}

/**
 * opaque_if_lower() - make directory @n opaque if @name in @parent has
 *		       lower content it would otherwise merge with
 * @fs:		filesystem
 * @n:		node in the upper layer, about to be named @name
 * @parent:	its new parent
 * @name:	its new name
 *
 * Return: 0 or -errno
 */
static int opaque_if_lower(struct ovl_fs *fs, struct ovl_node *n,
			   struct ovl_node *parent, const char *name)
{
	char p[PATH_MAX];
	int ret;

	if (!S_ISDIR(n->type) || !name_in_lower(fs, parent, name))
		return 0;
	ret = node_path(n, p);
	return ret ? ret : opaque_set(UPPER_FD(fs), p);
}

/**
 * rename_prepare() - bring source, target parent and target into shape
 * @fs:		filesystem
 * @s:		source node
 * @d:		target node or NULL
 * @np:		target parent
 * @newname:	target name
 * @npath:	PATH_MAX bytes for the target parent's upper path
 *
 * Return: 0 or -errno
 */
static int rename_prepare(struct ovl_fs *fs, struct ovl_node *s,
			  struct ovl_node *d, struct ovl_node *np,
			  const char *newname, char *npath)
{
	char p[PATH_MAX];
	int ret;

	ret = upper_whole(fs, s);
	if (!ret)
		ret = upper_parent(fs, np, npath);
	if (ret)
		return ret;
	if (S_ISDIR(s->type) && node_last(s) == 0 &&
	    name_in_lower(fs, np, newname)) {
		/* the moved directory must hide what is below its new name */
		ret = node_path(s, p);
		if (!ret)
			ret = opaque_set(UPPER_FD(fs), p);
		if (ret)
			return ret;
	}
	if (d && S_ISDIR(d->type) && node_in_upper(fs, d)) {
		ret = path_join(p, npath, newname);
		if (!ret)
			ret = upper_dir_clean(fs, p);
		if (ret)
			return ret;
	}
	ret = whiteout_clear(fs, npath, newname);
	return ret < 0 ? ret : 0;
}

/**
 * rename_upper() - rename @s in the upper layer to @npath/@newname
 * @fs:		filesystem
 * @s:		source node (in the upper layer)
 * @parent:	source parent
 * @name:	source name
 * @npath:	target parent's upper path
 * @newname:	target name
 *
 * Return: 0 or -errno
 */
static int rename_upper(struct ovl_fs *fs, struct ovl_node *s,
			struct ovl_node *parent, const char *name,
			const char *npath, const char *newname)
{
	char sp[PATH_MAX], dp[PATH_MAX], ppath[PATH_MAX];
	bool lower = name_in_lower(fs, parent, name);
	int ret;

	ret = node_path(s, sp);
	if (!ret)
		ret = path_join(dp, npath, newname);
	if (!ret)
		ret = node_path(parent, ppath);
	if (ret)
		return ret;
	if (lower && fs->wh_chardev &&
	    renameat2(UPPER_FD(fs), sp, UPPER_FD(fs), dp, RENAME_WHITEOUT) == 0)
		return 0;
	if (renameat(UPPER_FD(fs), sp, UPPER_FD(fs), dp) < 0)
		return -errno;
	return lower ? whiteout_create(fs, ppath, name) : 0;
}

/**
 * same_file() - are @s and @d two names of one file (rename is a no-op)?
 * @fs:		filesystem
 * @s:		source node
 * @d:		target node or NULL
 *
 * Return: true if both names lead to the same layer file
 */
static bool same_file(struct ovl_fs *fs, struct ovl_node *s, struct ovl_node *d)
{
	char sp[PATH_MAX], dp[PATH_MAX];
	struct stat a, b;

	if (!d || S_ISDIR(s->type) || s->layer != d->layer ||
	    node_path(s, sp) || node_path(d, dp) ||
	    layer_stat(fs, s->layer, sp, &a) ||
	    layer_stat(fs, d->layer, dp, &b))
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/**
 * rename_exchange() - swap @s (@name in @p) and @d (@newname in @np)
 * @fs:		filesystem
 * @s:		first node
 * @d:		second node
 * @p:		parent of @s
 * @name:	name of @s
 * @np:		parent of @d
 * @newname:	name of @d
 *
 * Both are brought whole into the upper layer, directories that land on
 * a name with lower content are made opaque, and the two are exchanged
 * in one renameat2(RENAME_EXCHANGE).  Both names exist before and after,
 * so no whiteout is needed.
 *
 * Return: 0 or -errno
 */
static int rename_exchange(struct ovl_fs *fs, struct ovl_node *s,
			   struct ovl_node *d, struct ovl_node *p,
			   const char *name, struct ovl_node *np,
			   const char *newname)
{
	char sp[PATH_MAX], dp[PATH_MAX];
	int ret = upper_whole(fs, s);

	if (!ret)
		ret = upper_whole(fs, d);
	if (!ret)
		ret = opaque_if_lower(fs, s, np, newname);
	if (!ret)
		ret = opaque_if_lower(fs, d, p, name);
	if (!ret)
		ret = node_path(s, sp);
	if (!ret)
		ret = node_path(d, dp);
	if (ret)
		return ret;
	if (renameat2(UPPER_FD(fs), sp, UPPER_FD(fs), dp, RENAME_EXCHANGE) < 0)
		return -errno;
	node_move(s, np, newname);
	node_move(d, p, name);
	if (S_ISDIR(s->type))
		s->last = 0;
	if (S_ISDIR(d->type))
		d->last = 0;
	if (S_ISDIR(s->type) || S_ISDIR(d->type)) {
		node_dir_changed(p);
		node_dir_changed(np);
	}
	return 0;
}

/* implements fuse_lowlevel_ops.rename */
void ovl_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		   fuse_ino_t newparent, const char *newname,
		   unsigned int flags)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *p = node_get(fs, parent),
			*np = node_get(fs, newparent);
	struct ovl_node *s = NULL, *d = NULL;
	char npath[PATH_MAX];
	struct stat st;
	int ret, gone = -1;

	if (!fs->has_upper || (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))) {
		fuse_reply_err(req, fs->has_upper ? EINVAL : EROFS);
		return;
	}
	tree_wrlock(fs);
	ret = node_lookup(fs, p, name, &s, &st);
	if (!ret && !strncmp(newname, WH_PREFIX, WH_PREFIX_LEN))
		ret = -EINVAL;
	if (!ret) {
		int r = node_lookup(fs, np, newname, &d, &st);

		if (r && r != -ENOENT)
			ret = r;
	}
	if (!ret && (d == s || same_file(fs, s, d)))
		goto out;
	if (!ret && (flags & RENAME_EXCHANGE)) {
		ret = d ? rename_exchange(fs, s, d, p, name, np, newname)
			: -ENOENT;
		goto out;
	}
	if (!ret)
		ret = rename_check_target(fs, s, d, flags);
	if (!ret && d && !S_ISDIR(d->type))
		gone = node_open_path(fs, d);
	if (!ret)
		ret = rename_prepare(fs, s, d, np, newname, npath);
	if (!ret)
		ret = rename_upper(fs, s, p, name, npath, newname);
	if (!ret && d)
		node_set_gone(d, gone);
	else if (gone >= 0)
		close(gone);
	if (!ret) {
		node_move(s, np, newname);
		if (S_ISDIR(s->type)) {
			s->last = 0;
			node_dir_changed(p);
			node_dir_changed(np);
		}
	}
out:
	if (s)
		node_forget(s, 1);
	if (d)
		node_forget(d, 1);
	tree_unlock(fs);
	fuse_reply_err(req, -ret);
}

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
 *
 * Return: 0 or -EINVAL for an id outside the mappings
 */
static int setattr_owner(struct ovl_fs *fs, const struct stat *attr, int to_set,
			 uid_t *u, gid_t *g)
{
	*u = (uid_t)-1;
	*g = (gid_t)-1;
	if (!(to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		return 0;
	return owner_to_host(
		fs, to_set & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1,
		to_set & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1, u, g);
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

	if (setattr_owner(fs, attr, to_set, &u, &g))
		return -EINVAL;
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
	if (setattr_owner(fs, attr, to_set, &u, &g))
		return -EINVAL;
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

/* implements fuse_lowlevel_ops.write_buf */
void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *buf,
		      off_t off, struct fuse_file_info *fi)
{
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(buf));
	ssize_t n;

	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = fi->fh;
	out.buf[0].pos = off;
	n = fuse_buf_copy(&out, buf, 0);
	if (n < 0)
		fuse_reply_err(req, -n);
	else
		fuse_reply_write(req, n);
}

/* implements fuse_lowlevel_ops.fsync */
void ovl_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		  struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	int ret = 0;

	if (fs->cfg->fsync && !fs->cfg->volatile_)
		ret = (datasync ? fdatasync(fi->fh) : fsync(fi->fh)) < 0 ? errno
									 : 0;
	fuse_reply_err(req, ret);
}

/* implements fuse_lowlevel_ops.fallocate */
void ovl_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset,
		      off_t length, struct fuse_file_info *fi)
{
	int ret = fallocate(fi->fh, mode, offset, length) < 0 ? errno : 0;

	fuse_reply_err(req, ret);
}

/* implements fuse_lowlevel_ops.copy_file_range */
void ovl_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
			    struct fuse_file_info *fi_in, fuse_ino_t ino_out,
			    off_t off_out, struct fuse_file_info *fi_out,
			    size_t len, int flags)
{
	loff_t in = off_in, out = off_out;
	ssize_t n =
		copy_file_range(fi_in->fh, &in, fi_out->fh, &out, len, flags);

	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, n);
}

/* implements fuse_lowlevel_ops.lseek */
void ovl_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		  struct fuse_file_info *fi)
{
	off_t r = lseek(fi->fh, off, whence);

	if (r < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, r);
}
