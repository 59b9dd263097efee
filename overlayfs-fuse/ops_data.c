// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops_data.c - FUSE handlers for open files: open, read, write, release,
 *	     fsync, fallocate, copy_file_range, lseek
 *
 * DOC: Theory of Operation
 * A file handle is the layer file's fd (fi->fh).  Once a file is open,
 * reads and writes go straight to that fd: they take no lock, look up no
 * node and allocate nothing, so they run in parallel on the worker
 * threads.  The other operations on an open file use the same fd.
 *
 * An open for writing (or with O_TRUNC) of a lower file copies it up
 * first: the data is copied without the tree lock (copyup_unlocked()) and
 * the copy placed under it.  With the writeback cache the layer file is
 * opened as writeback_flags() says, and while the upper layer is low on
 * space the file bypasses the cache (reply_write_through()); each write
 * tells space_after_write() how it went.  Where the kernel grants passthrough
 * (passthrough.c) the open is answered with a backing file, and reads and
 * writes of it no longer reach the daemon.
 *
 * Reads up to 32 KiB are copied through a buffer on the stack; larger ones
 * hand libfuse the fd, which splices the data where the kernel allows it.
 * Writes are copied from the request buffer with fuse_buf_copy().  fsync
 * reaches the layer file unless fsync=0 or volatile was given.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "overlayfs-fuse/ovl.h"

/**
 * shared_inode() - is the file open as @fd reachable by several names?
 * @fd:		open layer file
 *
 * Return: true when it has more than one link
 */
static bool shared_inode(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_nlink > 1;
}

/**
 * open_layer_file() - open @n's layer file with open(2) @flags
 * @fs:		filesystem
 * @n:		node
 * @flags:	flags from the request
 *
 * Return: fd or -errno
 */
static int open_layer_file(struct ovl_fs *fs, struct ovl_node *n, int flags)
{
	char path[PATH_MAX];
	int fd, ret = node_path(n, path);

	if (ret)
		return ret;
	flags &= ~(O_CREAT | O_EXCL | O_NOCTTY);
	fd = openat(fs->layers[n->layer].fd, path,
		    writeback_flags(fs, flags) | O_NOFOLLOW | O_CLOEXEC);
	/* a file the daemon may write but not read: the kernel's reads fail */
	if (fd < 0 && errno == EACCES && (flags & O_ACCMODE) == O_WRONLY &&
	    fs->writeback)
		fd = openat(fs->layers[n->layer].fd, path,
			    (flags & ~O_APPEND) | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* implements fuse_lowlevel_ops.open */
void ovl_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
	struct ovl_node *n = node_get(fs, ino);
	bool writes =
		(fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC);
	int fd, id;

	if (writes && !fs->has_upper) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (writes && !node_in_upper(fs, n)) {
		fd = copyup_unlocked(fs, n, !(fi->flags & O_TRUNC));
		tree_wrlock(fs);
		if (!fd)
			fd = (fi->flags & O_TRUNC) ? copyup_trunc(fs, n)
						   : copyup(fs, n);
		if (!fd)
			fd = open_layer_file(fs, n, fi->flags);
	} else {
		tree_rdlock(fs);
		fd = open_layer_file(fs, n, fi->flags);
	}
	tree_unlock(fs);
	if (fd < 0) {
		fuse_reply_err(req, -fd);
		return;
	}
	id = pt_open(fs, n, fd);
	if (id < 0) {
		/* copied up under files passing through to the lower file */
		close(fd);
		node_detach(fs, n);
		fuse_reply_err(req, ESTALE);
		return;
	}
	fi->fh = fd;
	fi->keep_cache = !(fi->flags & O_DIRECT) && !shared_inode(fd);
	fi->direct_io = !!(fi->flags & O_DIRECT);
	if (writes)
		reply_write_through(fs, fi);
	if (pt_reply(req, NULL, fi, id) == -ENOENT) {
		pt_release(fs, n);
		close(fd);
	}
}

/*
 * Reads up to this size are copied through a buffer: one pread and one
 * writev cost less than the three or four calls of a spliced reply.
 */
#define OVL_SMALL_READ (32 * 1024)

/* implements fuse_lowlevel_ops.read */
void ovl_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		 struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	if (size <= OVL_SMALL_READ) {
		char small[OVL_SMALL_READ];
		ssize_t n = pread(fi->fh, small, size, off);

		if (n < 0)
			fuse_reply_err(req, errno);
		else
			fuse_reply_buf(req, small, n);
		return;
	}
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, 0);
}

/* implements fuse_lowlevel_ops.release */
void ovl_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);

	pt_release(fs, node_get(fs, ino));
	close(fi->fh);
	fuse_reply_err(req, 0);
}

/* implements fuse_lowlevel_ops.write_buf */
void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *buf,
		      off_t off, struct fuse_file_info *fi)
{
	struct ovl_fs *fs = fuse_req_userdata(req);
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
	space_after_write(fs, ino, fi, n < 0 ? (int)-n : 0);
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
