// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolve.c - open paths that strangers name, inside their own tree
 *
 * DOC: Theory of Operation
 * Image files and bundles come from strangers, and so do the paths inside
 * them: a manifest names its config and layers, a layer names its files.
 * Such a path is never joined to a directory name and opened: a `..`, an
 * absolute path or a symlink on the way would lead out of the tree, to
 * the user's own files.  Instead it is opened with openat2(2) relative to
 * a directory fd, with RESOLVE_BENEATH (every step stays below the
 * directory; absolute paths and `..` above it fail with EXDEV) and
 * RESOLVE_NO_MAGICLINKS (no /proc/PID/fd jumps).  Symlinks inside the
 * tree are followed only while they stay inside it.
 *
 * sl_open_member() is the reader's form: it also refuses anything but a
 * regular file, and opens with O_NONBLOCK so that a FIFO cannot make the
 * open itself wait for a writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/oci/resolve.h"

/**
 * sl_openat2() - openat2(2) with the flags and resolve bits given
 * @dir:	directory fd the path is relative to (or AT_FDCWD)
 * @path:	path
 * @flags:	open flags (O_CLOEXEC is added)
 * @resolve:	RESOLVE_* bits
 *
 * Return: a file descriptor, or -1 with errno set
 */
int sl_openat2(int dir, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = resolve,
	};

	return (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
}

/**
 * sl_open_member() - open a regular file of a stranger's tree for reading
 * @dir:	the tree's directory fd
 * @path:	the path the stranger named, relative to @dir
 * @what:	what it is, for messages ("layer", "config")
 * @e:		error, naming @what and @path
 *
 * Return: a file descriptor, or -errno
 */
int sl_open_member(int dir, const char *path, const char *what,
		   struct sl_error *e)
{
	struct stat st;
	int fd;

	fd = sl_openat2(dir, path, O_RDONLY | O_NONBLOCK | O_NOCTTY,
			RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == EXDEV)
		return sl_error_say(e, EXDEV,
				    "%s `%s`: outside the image (an absolute "
				    "path, `..` or a symlink out of it)",
				    what, path);
	if (fd < 0)
		return sl_error_set(e, errno, "open %s `%s`", what, path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sl_error_say(e, EINVAL, "%s `%s`: not a regular file",
				    what, path);
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return sl_error_set(e, errno, "open %s `%s`", what, path);
	}
	return fd;
}
