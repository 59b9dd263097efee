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
 *
 * The writeback cache takes a write() into the page cache and writes it
 * to the layer later, so the writer would never see the upper layer's
 * ENOSPC or EDQUOT (only close() would).  Files opened for writing while
 * the upper layer has less free space than the kernel may hold dirty
 * for this mount (space_init()), or while writes are failing with ENOSPC
 * or EDQUOT, bypass the cache (FOPEN_DIRECT_IO, reply_write_through()):
 * their writes reach the layer at once and fail there.  A file opened
 * earlier keeps the cache; once its written-back pages show the space
 * running low (space_after_write()), the daemon drops the kernel's
 * attributes of the file, so the writer's next write() asks for them
 * with the file's handle first, and that GETATTR is answered with the
 * error (space_refuse()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

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

/*
 * Share of the kernel's dirty page threshold one FUSE mount may hold
 * dirty: the kernel sets a FUSE mount's max_ratio to 1 (percent).
 */
#define OVL_FUSE_DIRTY_PERCENT 1

/*
 * Written-back pages in flight besides the dirty ones (max_background
 * WRITEs of up to 1 MiB), with room for a writer's last write() call.
 */
#define OVL_SPACE_SLACK (8ULL << 20)

/**
 * dirty_threshold() - the kernel's global dirty page threshold, in bytes
 *
 * Return: nr_dirty_threshold of /proc/vmstat in bytes, or a fifth of
 *	   the memory (the default dirty_ratio) when it cannot be read
 */
static uint64_t dirty_threshold(void)
{
	uint64_t pages = 0, page = sysconf(_SC_PAGESIZE);
	FILE *f = fopen("/proc/vmstat", "re");
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_dirty_threshold %" SCNu64, &pages) == 1)
			break;
	if (f)
		fclose(f);
	if (!pages)
		pages = sysconf(_SC_PHYS_PAGES) / 5;
	return pages * page;
}

/**
 * space_init() - choose the free space below which writes go through
 * @fs:		filesystem, with the writeback cache granted
 *
 * The kernel lets a FUSE mount hold up to 1% of its dirty threshold as
 * dirty pages, for all its files together.  The margin is twice that
 * (pages dirtied by other writers before their own write-back shows them
 * the space running low) plus the writes in flight, so what the kernel
 * has accepted still fits when a writer is first told ENOSPC.
 */
void space_init(struct ovl_fs *fs)
{
	fs->space_margin =
		2 * dirty_threshold() * OVL_FUSE_DIRTY_PERCENT / 100 +
		OVL_SPACE_SLACK;
}

/**
 * space_low() - may the upper layer fill before cached writes reach it?
 * @fs:		filesystem
 *
 * Return: true while writes fail with ENOSPC or EDQUOT, or while the
 *	   upper layer has less than the margin free
 */
static bool space_low(struct ovl_fs *fs)
{
	struct statvfs sv;

	if (__atomic_load_n(&fs->space_err, __ATOMIC_RELAXED))
		return true;
	if (fstatvfs(UPPER_FD(fs), &sv) < 0)
		return false;
	return (uint64_t)sv.f_bavail * sv.f_frsize < fs->space_margin;
}

/**
 * reply_write_through() - bypass the writeback cache while space is low
 * @fs:		filesystem
 * @fi:		file opened for writing, about to be answered
 *
 * A file opened while the upper layer is low on space (space_low()) is
 * answered with FOPEN_DIRECT_IO: each write() is a WRITE request and
 * fails with the layer's own error.
 */
void reply_write_through(struct ovl_fs *fs, struct fuse_file_info *fi)
{
	if (fs->writeback && space_low(fs))
		fi->direct_io = 1;
}

/**
 * space_refuse() - answer a cached writer's GETATTR with ENOSPC or EDQUOT?
 * @fs:		filesystem
 * @fi:		the handle the GETATTR came with, or NULL
 *
 * Under the writeback cache the kernel asks for a file's attributes with
 * its handle before a write() whenever it has dropped them, and fails
 * the write() with the error of that GETATTR.  Only handles open for
 * writing are refused: a reader's lseek() asks the same way.
 *
 * Return: 0, or the error to answer with
 */
int space_refuse(struct ovl_fs *fs, struct fuse_file_info *fi)
{
	int err, fl;

	if (!fs->writeback || !fi)
		return 0;
	fl = fcntl(fi->fh, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY || !space_low(fs))
		return 0;
	err = __atomic_load_n(&fs->space_err, __ATOMIC_RELAXED);
	return err ? err : ENOSPC;
}

/**
 * space_after_write() - note a write's outcome, warn cached writers
 * @fs:		filesystem
 * @ino:	the file written
 * @fi:		its handle
 * @err:	0 or the write's errno (already answered)
 *
 * ENOSPC and EDQUOT are kept until a write succeeds again.  When a page
 * written back from the cache failed or found the space low, the kernel
 * is told to drop the file's attributes (a notification, sent after the
 * reply so that it never waits on the kernel's writeback): the writer's
 * next write() then asks for them, and space_refuse() answers.
 */
void space_after_write(struct ovl_fs *fs, fuse_ino_t ino,
		       struct fuse_file_info *fi, int err)
{
	if (err == ENOSPC || err == EDQUOT)
		__atomic_store_n(&fs->space_err, err, __ATOMIC_RELAXED);
	else if (!err && __atomic_load_n(&fs->space_err, __ATOMIC_RELAXED))
		__atomic_store_n(&fs->space_err, 0, __ATOMIC_RELAXED);
	if (fi->writepage && fs->se && space_low(fs))
		fuse_lowlevel_notify_inval_inode(fs->se, ino, -1, 0);
}
