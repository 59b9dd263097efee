// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_rename.c - the FUSE rename handler
 *
 * DOC: Theory of Operation
 * A file, or a directory that lives only in the upper layer, is renamed in
 * the upper layer (copy-up first for a lower file); a directory with lower
 * parts is first copied up whole and made opaque (as fuse-overlayfs does),
 * then renamed.  A directory moved onto a name that lower layers hold is
 * made opaque too, so it does not merge with what they hold there.  Where
 * the old name still exists below, RENAME_WHITEOUT leaves the whiteout in
 * the same rename; with .wh. whiteouts, or where that fails, the rename is
 * followed by a whiteout.  A file replaced by the rename keeps an O_PATH
 * fd for its attributes while it is still open.
 *
 * RENAME_EXCHANGE brings both entries whole into the upper layer and swaps
 * them in one renameat2(); both names exist before and after, so no
 * whiteout is needed.  RENAME_NOREPLACE is honoured and other flags are
 * refused.  Two names of one file make the rename do nothing, as rename(2)
 * does.
 *
 * The whole rename runs with the tree lock held for writing, and moves the
 * nodes (node_move()), so the paths of every cached node below a moved
 * directory follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "overlayfs-fuse/ovl.h"

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
		ret = copyup_parent(fs, np, npath);
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
