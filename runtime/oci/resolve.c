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
 *
 * A container's rootfs is a tree of the same kind, but its symlinks are
 * meant to be followed the way the container will see them: an absolute
 * link is relative to the rootfs.  sl_root_target() resolves with
 * RESOLVE_IN_ROOT, which does exactly that (and keeps `..` at the root),
 * creating missing components in the directory they resolve to, and hands
 * back an O_PATH fd.  Callers mount on "/proc/self/fd/FD", which names
 * that very inode, so a mount lands inside the rootfs wherever the image's
 * symlinks point.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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
 * open_regular() - open a regular file for reading, never blocking
 * @dir:	directory fd the path is relative to
 * @path:	path
 * @resolve:	RESOLVE_* bits
 *
 * Opened with O_NONBLOCK (a FIFO cannot make the open wait for a writer),
 * refused unless it is a regular file, then switched back to blocking.
 *
 * Return: a file descriptor, or -errno (-EINVAL: not a regular file)
 */
static int open_regular(int dir, const char *path, uint64_t resolve)
{
	struct stat st;
	int fd, r = 0;

	fd = sl_openat2(dir, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, resolve);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || fcntl(fd, F_SETFL, 0) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

/**
 * sl_root_open_file() - open a regular file of a rootfs (or layer)
 * @root:	its directory fd
 * @path:	the path as the container sees it ("/etc/passwd")
 *
 * Symlinks resolve as if @root were "/" (RESOLVE_IN_ROOT), so an image's
 * link to a host file reads the image's own file of that name, if any.
 *
 * Return: a file descriptor, or -errno (-EINVAL: not a regular file)
 */
int sl_root_open_file(int root, const char *path)
{
	return open_regular(root, path,
			    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
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
	int fd = open_regular(dir, path,
			      RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);

	if (fd == -EXDEV)
		return sl_error_say(e, EXDEV,
				    "%s `%s`: outside the image (an absolute "
				    "path, `..` or a symlink out of it)",
				    what, path);
	if (fd == -EINVAL)
		return sl_error_say(e, EINVAL, "%s `%s`: not a regular file",
				    what, path);
	if (fd < 0)
		return sl_error_set(e, -fd, "open %s `%s`", what, path);
	return fd;
}

/**
 * create_in() - create the missing component @name in directory @parent
 * @root:	the rootfs fd
 * @parent:	path of the directory inside the rootfs ("" for the root)
 * @name:	the component
 * @dir:	a directory (else an empty file, mode 0644)
 *
 * Return: 0, or -1 with errno set
 */
static int create_in(int root, const char *parent, const char *name, bool dir)
{
	int pfd, fd, r = 0;

	pfd = sl_openat2(root, *parent ? parent : ".", O_PATH | O_DIRECTORY,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (pfd < 0)
		return -1;
	if (dir) {
		if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST)
			r = -1;
	} else {
		fd = openat(pfd, name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				    O_CLOEXEC,
			    0644);
		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST)
			r = -1;
	}
	if (r)
		r = -errno;
	close(pfd);
	if (r)
		errno = -r;
	return r ? -1 : 0;
}

/**
 * follow_dangling() - rewrite @buf through a symlink that points nowhere
 * @root:	the rootfs fd
 * @buf:	the path being resolved (PATH_MAX bytes), rewritten in place
 * @start:	where the symlink's component starts in @buf
 * @end:	where it ends
 *
 * The component at @buf[@start..@end) is looked up in its parent; when it
 * is a symlink, @buf becomes its target (absolute: from the root;
 * relative: from the parent) followed by the rest of @buf, to be resolved
 * again from the root.
 *
 * Return: 1 when rewritten, 0 when the component is no symlink, or -1
 * with errno set
 */
static int follow_dangling(int root, char *buf, size_t start, size_t end)
{
	char link[PATH_MAX], parent[PATH_MAX], out[PATH_MAX];
	ssize_t n;
	int pfd, len;

	snprintf(parent, sizeof(parent), "%.*s", (int)(start ? start - 1 : 0),
		 buf);
	pfd = sl_openat2(root, *parent ? parent : ".", O_PATH | O_DIRECTORY,
			 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (pfd < 0)
		return -1;
	snprintf(out, sizeof(out), "%.*s", (int)(end - start), buf + start);
	n = readlinkat(pfd, out, link, sizeof(link) - 1);
	close(pfd);
	if (n < 0)
		return errno == EINVAL || errno == ENOENT ? 0 : -1;
	link[n] = '\0';
	len = snprintf(out, sizeof(out), "%s%s%s%s",
		       link[0] == '/' ? "" : parent, link[0] == '/' ? "" : "/",
		       link, buf + end);
	if (len < 0 || (size_t)len >= sizeof(out)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, out, (size_t)len + 1);
	return 1;
}

/**
 * sl_root_target() - open a path inside a rootfs, creating what is missing
 * @root:	the rootfs directory fd
 * @path:	the path as the container sees it ("/etc/hosts")
 * @dir:	create a missing last component as a directory (else a file)
 *
 * Each prefix of @path is opened with RESOLVE_IN_ROOT: symlinks in the
 * rootfs, absolute or relative, resolve as if @root were "/".  A missing
 * component is created where its parent resolves to (directories 0755);
 * a symlink that points to something missing is followed inside the
 * rootfs and its target created there, as the container would see it (at
 * most 40 such links, then ELOOP).
 *
 * Return: an O_PATH fd of the target, or -1 with errno set
 */
int sl_root_target(int root, const char *path, bool dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(path), i = 0;
	int fd = -1, r, links = 0, steps = 0;

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	while (i < n) {
		size_t start, end;
		char save;
		bool last;

		while (buf[i] == '/')
			i++;
		if (i >= n)
			break;
		if (++steps > 4096) {
			errno = ELOOP;
			return -1;
		}
		start = i;
		end = start + strcspn(buf + start, "/");
		last = buf[end + strspn(buf + end, "/")] == '\0';
		save = buf[end];
		buf[end] = '\0';
		if (fd >= 0)
			close(fd);
		fd = sl_openat2(root, buf, O_PATH,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		buf[end] = save;
		if (fd >= 0) {
			i = end;
			continue;
		}
		if (errno != ENOENT)
			return -1;
		r = follow_dangling(root, buf, start, end);
		if (r < 0)
			return -1;
		if (r > 0) {
			if (++links > 40) {
				errno = ELOOP;
				return -1;
			}
			n = strlen(buf);
			i = 0;
			continue;
		}
		buf[end] = '\0';
		if (start)
			buf[start - 1] = '\0';
		r = create_in(root, start ? buf : "", buf + start,
			      dir || !last);
		if (start)
			buf[start - 1] = '/';
		buf[end] = save;
		if (r < 0)
			return -1;
		/* the same component again, now that it exists */
		i = start;
	}
	if (fd < 0)
		fd = sl_openat2(root, ".", O_PATH, RESOLVE_IN_ROOT);
	return fd;
}
