// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * passthrough.c - FUSE passthrough: the kernel reads and writes the layer
 *		   file itself
 *
 * DOC: Theory of Operation
 * Since Linux 6.9 a FUSE daemon may register an open file with the kernel
 * (FUSE_DEV_IOC_BACKING_OPEN) and answer an OPEN with its number and
 * FOPEN_PASSTHROUGH; reads, writes and mmap of that open file then go to
 * the layer file in the kernel, without a request.  The kernel grants
 * the ioctl only to a daemon with CAP_SYS_ADMIN in the initial user
 * namespace, so this is for rootful mounts; unprivileged mounts keep the
 * page cache and the writeback cache instead.  The kernel also refuses
 * passthrough together with the writeback cache: when passthrough is
 * used, writeback is not asked for.
 *
 * libfuse 3.14 knows none of this, so its messages are amended on their
 * way to /dev/fuse (fuse_session_custom_io()): the INIT reply gets
 * FUSE_PASSTHROUGH and a stack depth of 1, and an OPEN or CREATE reply
 * made while pt_reply() runs in the same thread gets the backing file's
 * number.
 *
 * The kernel puts a file's inode in one I/O mode at a time: all open
 * files of an inode pass through to the same backing file, or none do.
 * So a node keeps its backing number while any file of it is open, a
 * further open of the same layer file shares it, and a node whose first
 * open got no number keeps the page cache for every open until all are
 * closed.  Only a copy-up changes a node's layer file: an open for
 * writing of a lower file that is open with passthrough cannot share
 * the lower backing file.  That open is answered ESTALE after the node
 * is detached from its name (node_detach()); the kernel then walks the
 * path again, asks LOOKUP, gets a new node for the name and opens that
 * one, which passes through to the upper copy.  The files already open
 * keep the old node and read what they read before the copy-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/userns.h"
#include "overlayfs-fuse/ovl.h"

/* Linux 6.9 uAPI, newer than the headers of Debian 12 */
#define PT_FUSE_PASSTHROUGH_FLAGS2 (1u << (37 - 32))
#define PT_FOPEN_PASSTHROUGH (1u << 7)
#define PT_FOPEN_KEEP_FLAGS (FOPEN_NOFLUSH | FOPEN_PARALLEL_DIRECT_WRITES)

/**
 * struct pt_backing_map - argument of FUSE_DEV_IOC_BACKING_OPEN
 * @fd:		file to register
 * @flags:	0
 * @padding:	0
 */
struct pt_backing_map {
	int32_t fd;
	uint32_t flags;
	uint64_t padding;
};

#define PT_IOC_BACKING_OPEN _IOW(229, 1, struct pt_backing_map)
#define PT_IOC_BACKING_CLOSE _IOW(229, 2, uint32_t)

/**
 * struct pt_init_out - the INIT reply as protocol 7.40 lays it out
 * @head:		fields up to and including flags2, as libfuse fills them
 * @max_stack_depth:	stacking depth of this filesystem (was unused)
 * @rest:		unused
 */
struct pt_init_out {
	char head[36];
	uint32_t max_stack_depth;
	char rest[24];
};

_Static_assert(sizeof(struct pt_init_out) == sizeof(struct fuse_init_out),
	       "INIT reply size");
_Static_assert(offsetof(struct fuse_init_out, flags2) == 32, "flags2 offset");

/**
 * struct pt_state - what the message hooks know
 * @offered:	the kernel's INIT offered FUSE_PASSTHROUGH
 * @init_unique: unique of the INIT request, 0 until it was read
 * @init_sent:	the INIT reply went out
 * @session_fd:	/dev/fuse fd
 * @lock:	guards the nodes' backing numbers and open counts
 */
static struct pt_state {
	bool offered;
	uint64_t init_unique;
	bool init_sent;
	int session_fd;
	pthread_mutex_t lock;
} pt = { .session_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

/* the backing number the reply being sent by this thread should carry */
static __thread int tl_backing;

/**
 * pt_privileged() - do we hold CAP_SYS_ADMIN in the initial user namespace?
 *
 * Return: true if so
 */
static bool pt_privileged(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) == 0 &&
	       (d[CAP_SYS_ADMIN / 32].effective &
		(1u << (CAP_SYS_ADMIN % 32))) &&
	       initial_userns();
}

/**
 * pt_read() - custom_io read: note what the INIT request offers
 * @fd:		/dev/fuse
 * @buf:	buffer
 * @len:	its size
 * @userdata:	unused
 *
 * Return: as read(2)
 */
static ssize_t pt_read(int fd, void *buf, size_t len, void *userdata)
{
	ssize_t n = read(fd, buf, len);
	const struct fuse_in_header *h = buf;
	const struct fuse_init_in *in = (const void *)(h + 1);

	if (!pt.init_unique && n >= (ssize_t)(sizeof(*h) + sizeof(*in)) &&
	    h->opcode == FUSE_INIT) {
		pt.offered = (in->flags & FUSE_INIT_EXT) &&
			     (in->flags2 & PT_FUSE_PASSTHROUGH_FLAGS2);
		pt.init_unique = h->unique;
	}
	return n;
}

/**
 * patch_init() - ask for passthrough in the INIT reply
 * @iov:	the reply: header, then struct fuse_init_out
 * @count:	entries in @iov
 */
static void patch_init(const struct iovec *iov, int count)
{
	struct fuse_init_out *out;

	if (count < 2 || iov[1].iov_len < sizeof(*out))
		return;
	out = iov[1].iov_base;
	out->flags |= FUSE_INIT_EXT;
	out->flags2 |= PT_FUSE_PASSTHROUGH_FLAGS2;
	((struct pt_init_out *)out)->max_stack_depth = 1;
}

/**
 * patch_open() - put @id into the fuse_open_out that ends the reply
 * @iov:	the reply: header, then the argument (open_out last)
 * @count:	entries in @iov
 * @id:		backing number
 */
static void patch_open(const struct iovec *iov, int count, int id)
{
	struct fuse_open_out *o;

	if (count < 2 || iov[count - 1].iov_len < sizeof(*o))
		return;
	o = (void *)((char *)iov[count - 1].iov_base + iov[count - 1].iov_len -
		     sizeof(*o));
	/* the kernel refuses any other flag beside it (FOPEN_KEEP_CACHE:
	 * there is no cache), and FOPEN_DIRECT_IO would override it */
	o->open_flags =
		(o->open_flags & PT_FOPEN_KEEP_FLAGS) | PT_FOPEN_PASSTHROUGH;
	o->padding = (uint32_t)id; /* backing_id since 7.40 */
}

/**
 * pt_writev() - custom_io writev: amend INIT and OPEN/CREATE replies
 * @fd:		/dev/fuse
 * @iov:	message
 * @count:	entries in @iov
 * @userdata:	the filesystem (the session's userdata)
 *
 * Return: as writev(2)
 */
static ssize_t pt_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	const struct fuse_out_header *h = iov[0].iov_base;
	const struct ovl_fs *fs = userdata;

	if (count >= 1 && iov[0].iov_len >= sizeof(*h) && h->error == 0) {
		if (fs->passthrough && !pt.init_sent &&
		    h->unique == pt.init_unique) {
			patch_init(iov, count);
			pt.init_sent = true;
		} else if (tl_backing > 0) {
			patch_open(iov, count, tl_backing);
		}
	}
	return writev(fd, iov, count);
}

/**
 * pt_splice() - custom_io splice_send/splice_receive: plain splice(2)
 * @fdin:	source
 * @offin:	source offset or NULL
 * @fdout:	destination
 * @offout:	destination offset or NULL
 * @len:	bytes
 * @flags:	SPLICE_F_*
 * @userdata:	unused
 *
 * Return: as splice(2)
 */
static ssize_t pt_splice(int fdin, off_t *offin, int fdout, off_t *offout,
			 size_t len, unsigned int flags, void *userdata)
{
	return splice(fdin, offin, fdout, offout, len, flags);
}

/**
 * pt_setup() - route @se's messages through the hooks above
 * @fs:		filesystem
 * @se:		mounted session
 *
 * Only when the option asks for passthrough and we hold the privilege
 * the kernel wants; otherwise libfuse talks to /dev/fuse itself.
 */
void pt_setup(struct ovl_fs *fs, struct fuse_session *se)
{
	static const struct fuse_custom_io io = {
		.read = pt_read,
		.writev = pt_writev,
		.splice_receive = pt_splice,
		.splice_send = pt_splice,
	};

	if (!fs->cfg->passthrough)
		return;
	if (!pt_privileged()) {
		debug("no passthrough: it needs CAP_SYS_ADMIN in the initial "
		      "user namespace");
		return;
	}
	pt.session_fd = fuse_session_fd(se);
	if (fuse_session_custom_io(se, &io, pt.session_fd) != 0) {
		warn("cannot hook FUSE messages: no passthrough");
		pt.session_fd = -1;
	}
}

/**
 * pt_wanted() - use passthrough on this connection? (from INIT)
 *
 * Return: true if the kernel offered it and we can register files
 */
bool pt_wanted(void)
{
	if (pt.session_fd < 0)
		return false;
	if (!pt.offered)
		debug("no passthrough: the kernel does not offer it");
	else
		debug("passthrough: the kernel reads and writes layer files");
	return pt.offered;
}

/**
 * same_file() - is @fd the file @n's backing number stands for?
 * @n:		node with a backing number
 * @fd:		open layer file
 *
 * Return: true if so
 */
static bool same_file(const struct ovl_node *n, int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == n->bdev &&
	       st.st_ino == n->bino;
}

/**
 * pt_open() - count an open of @n as @fd; choose its I/O mode
 * @fs:		filesystem
 * @n:		regular file node
 * @fd:		the layer file opened for it
 *
 * Return: backing number for FOPEN_PASSTHROUGH, 0 for the page cache,
 *	   -1 when another layer file of @n passes through (nothing is
 *	   counted then)
 */
int pt_open(struct ovl_fs *fs, struct ovl_node *n, int fd)
{
	struct pt_backing_map map = { .fd = fd };
	struct stat st;
	int id = 0;

	if (!fs->passthrough)
		return 0;
	pthread_mutex_lock(&pt.lock);
	if (n->opens == 0 && fstat(fd, &st) == 0) {
		/* the first open chooses the mode; 0 if the kernel says no */
		id = ioctl(pt.session_fd, PT_IOC_BACKING_OPEN, &map);
		if (id > 0) {
			n->backing_id = id;
			n->bdev = st.st_dev;
			n->bino = st.st_ino;
		} else {
			id = 0;
		}
	} else if (n->backing_id > 0) {
		id = same_file(n, fd) ? n->backing_id : -1;
	}
	if (id >= 0)
		n->opens++;
	pthread_mutex_unlock(&pt.lock);
	return id;
}

/**
 * pt_release() - an open of @n counted by pt_open() was closed
 * @fs:		filesystem
 * @n:		node
 */
void pt_release(struct ovl_fs *fs, struct ovl_node *n)
{
	if (!fs->passthrough)
		return;
	pthread_mutex_lock(&pt.lock);
	if (n->opens > 0 && --n->opens == 0 && n->backing_id > 0) {
		uint32_t id = (uint32_t)n->backing_id;

		ioctl(pt.session_fd, PT_IOC_BACKING_CLOSE, &id);
		n->backing_id = 0;
	}
	pthread_mutex_unlock(&pt.lock);
}

/**
 * pt_reply() - answer OPEN or CREATE with the I/O mode pt_open() chose
 * @req:	request
 * @e:		the new entry for CREATE, NULL for OPEN
 * @fi:		open file
 * @id:		pt_open()'s answer (> 0: pass through)
 *
 * Return: as fuse_reply_create() or fuse_reply_open()
 */
int pt_reply(fuse_req_t req, const struct fuse_entry_param *e,
	     struct fuse_file_info *fi, int id)
{
	int ret;

	tl_backing = id > 0 ? id : 0;
	ret = e ? fuse_reply_create(req, e, fi) : fuse_reply_open(req, fi);
	tl_backing = 0;
	return ret;
}
