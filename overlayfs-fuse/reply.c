// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reply.c - what the handlers tell the kernel it may cache, and how
 *
 * DOC: Theory of Operation
 * Lower layers never change under a mount and every change to the upper
 * layer goes through this daemon, so entries and attributes are given
 * the long cache timeout of the timeout= option.  The exception is a
 * file with several links: each of its names is a separate node, so a
 * separate inode to the kernel, and a change through one must show
 * through the others at once.
 *
 * Every handler that answers with an entry (lookup, readdirplus, and the
 * ones that create a name) fills it here, and every handler that opens a
 * layer file for the kernel asks writeback_flags() how, so the rules are
 * written once.  The file sits above node.c and below every handler file.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "overlayfs-fuse/ovl.h"

/**
 * attr_timeout() - how long the kernel may cache attributes @st
 * @fs:		filesystem
 * @st:		attributes
 *
 * A file with several links is reached through several nodes, each a
 * separate inode to the kernel; a change through one must show through
 * the others at once, so their attributes are not cached.
 *
 * Return: seconds
 */
double attr_timeout(struct ovl_fs *fs, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode) && st->st_nlink > 1)
		return 0;
	return fs->cfg->timeout;
}

/**
 * writeback_flags() - open(2) flags for a layer file under the writeback cache
 * @fs:		filesystem
 * @flags:	flags from the request
 *
 * With the writeback cache the kernel reads the pages of a file open
 * for writing only (to fill the rest of a partly written page), and it
 * writes cached pages back at offsets of its own, having placed every
 * append at the end of the file already.  So the layer file is opened
 * for reading too, and without O_APPEND.
 *
 * Return: the flags to open the layer file with
 */
int writeback_flags(struct ovl_fs *fs, int flags)
{
	if (!fs->writeback)
		return flags;
	flags &= ~O_APPEND;
	if ((flags & O_ACCMODE) == O_WRONLY)
		flags = (flags & ~O_ACCMODE) | O_RDWR;
	return flags;
}

/**
 * reply_fill_entry() - a reply entry for @n with attributes @st
 * @fs:		filesystem
 * @e:		entry to fill
 * @n:		node, or NULL for a negative entry
 * @st:		attributes
 */
void reply_fill_entry(struct ovl_fs *fs, struct fuse_entry_param *e,
		      struct ovl_node *n, const struct stat *st)
{
	memset(e, 0, sizeof(*e));
	e->entry_timeout = fs->cfg->timeout;
	if (!n)
		return;
	e->attr_timeout = attr_timeout(fs, st);
	e->ino = node_id(n);
	e->attr = *st;
}

/**
 * reply_entry() - reply to an entry-creating request with @n
 * @fs:		filesystem
 * @req:	request
 * @n:		node holding a lookup count for this reply
 * @st:		attributes
 *
 * When the request was interrupted the kernel never sees the entry, so
 * the lookup count it would have held is dropped again.
 */
void reply_entry(struct ovl_fs *fs, fuse_req_t req, struct ovl_node *n,
		 const struct stat *st)
{
	struct fuse_entry_param e;

	reply_fill_entry(fs, &e, n, st);
	if (fuse_reply_entry(req, &e) == -ENOENT)
		node_forget(n, 1);
}
