// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target.c - pin the target process, then check it belongs to the caller
 *
 * DOC: Theory of Operation
 * A PID is only a number: between the moment it is checked and the
 * moment its uid_map is written, the process may exit and another take
 * its PID.  So the target is pinned first and then only ever reached
 * through what pins it:
 *
 * - "PID": a pidfd is opened (pidfd_open), then the /proc/PID directory.
 *   If the pidfd's process is still alive after the directory was opened,
 *   the PID never changed hands in between, so both name one process.
 * - "fd:N": N must be a directory of this system's /proc (same device as
 *   our /proc): the caller opened it, and it stays bound to the process
 *   it was opened for.  Its PID is read through it, a pidfd opened, and
 *   the directory checked alive again afterwards, as above.
 *
 * A /proc directory whose process has gone stays dead even if its PID is
 * reused: every file opened through it fails.  All later reads (status,
 * ns/user, uid_map) and the final write go through that directory fd with
 * *at() calls, never through a path built from the number again.  /proc
 * must show our own PID namespace (checked through /proc/self), so the
 * number pidfd_open() saw and the directory name agree.
 *
 * Ownership is what shadow checks and more: the directory (the
 * process's effective ids, as the kernel exposes them) and all four uids
 * and gids in status must be the caller's real uid and gid; the process
 * must be alive (not a zombie), in a user namespace that is a child of
 * ours, owned by the caller, whose map has not been written yet.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/parse.h"

/**
 * read_at() - read a small /proc file through a directory fd
 * @dirfd:	directory
 * @name:	file name under it
 * @buf:	buffer, NUL-terminated on success
 * @len:	size of @buf
 *
 * Return: bytes read, or -errno
 */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/**
 * proc_is_ours() - does /proc show our PID namespace?
 *
 * Return: 0, or -EXDEV with a message
 */
static int proc_is_ours(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	uint32_t pid;

	if (n > 0) {
		buf[n] = '\0';
		if (!parse_u32(buf, &pid) && pid == (uint32_t)getpid())
			return 0;
	}
	err("/proc does not show this process's PID namespace");
	return -EXDEV;
}

/**
 * pid_alive() - is the process behind @pidfd still there?
 * @pidfd:	pidfd
 *
 * Return: true unless it is gone
 */
static bool pid_alive(int pidfd)
{
	if (!syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0))
		return true;
	return errno != ESRCH;
}

/**
 * open_by_pid() - pin a process by PID: pidfd, then /proc/PID
 * @pid:	process
 * @t:		filled on success
 *
 * Return: 0, or -errno with a message
 */
static int open_by_pid(pid_t pid, struct idmap_target *t)
{
	_cleanup_close_ int pidfd = -1, dirfd = -1;
	char path[32];
	int e;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		e = errno;
		if (e == ESRCH)
			err("process %d not found", pid);
		else
			err_errno(e, "pidfd_open(%d)", pid);
		return -e;
	}
	snprintf(path, sizeof(path), "/proc/%d", pid);
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	e = dirfd < 0 ? errno : 0;
	if (e == ENOENT || !pid_alive(pidfd)) {
		err("process %d has exited", pid);
		return -ESRCH;
	}
	if (e) {
		err_errno(e, "%s", path);
		return -e;
	}
	t->pidfd = steal_fd(&pidfd);
	t->dirfd = steal_fd(&dirfd);
	t->pid = pid;
	return 0;
}

/**
 * check_proc_dir() - is @fd a directory of our /proc?
 * @fd:		the caller's fd
 *
 * Return: 0, or -EINVAL with a message
 */
static int check_proc_dir(int fd)
{
	struct stat st, proc;
	struct statfs sfs;

	if (fcntl(fd, F_GETFD) < 0) {
		err("fd %d is not open", fd);
		return -EBADF;
	}
	if (fstat(fd, &st) || !S_ISDIR(st.st_mode) || fstatfs(fd, &sfs) ||
	    sfs.f_type != PROC_SUPER_MAGIC || stat("/proc", &proc) ||
	    st.st_dev != proc.st_dev) {
		err("fd %d is not a /proc/PID directory", fd);
		return -EINVAL;
	}
	return 0;
}

/**
 * open_by_fd() - pin a process by the caller's /proc/PID directory fd
 * @fd:		the caller's fd
 * @t:		filled on success
 *
 * Return: 0, or -errno with a message
 */
static int open_by_fd(int fd, struct idmap_target *t)
{
	_cleanup_close_ int pidfd = -1, dirfd = -1;
	char buf[64];
	uint32_t pid;
	ssize_t n;
	int ret = check_proc_dir(fd);

	if (ret)
		return ret;
	dirfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dirfd < 0)
		return -errno;
	n = read_at(dirfd, "stat", buf, sizeof(buf));
	if (n == -ENOENT || n == -ESRCH) {
		err("fd %d: the process has exited", fd);
		return -ESRCH;
	}
	if (n < 0 || !strchr(buf, ' ') ||
	    parse_u32_n(buf, (size_t)(strchr(buf, ' ') - buf), &pid) || !pid ||
	    pid > INT32_MAX) {
		err("fd %d is not a /proc/PID directory", fd);
		return -EINVAL;
	}
	pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	n = read_at(dirfd, "stat", buf, sizeof(buf));
	if (n == -ENOENT || n == -ESRCH || (pidfd < 0 && errno == ESRCH)) {
		err("fd %d: the process has exited", fd);
		return -ESRCH;
	}
	if (pidfd < 0) {
		err("fd %d is not a /proc/PID directory of a process", fd);
		return -EINVAL;
	}
	t->pidfd = steal_fd(&pidfd);
	t->dirfd = steal_fd(&dirfd);
	t->pid = (pid_t)pid;
	return 0;
}

/**
 * target_open() - pin the target process
 * @spec:	parsed PID or fd:N
 * @out:	result, written only on success; release with target_close()
 *
 * Return: 0, or -errno with a message
 */
int target_open(const struct idmap_target_spec *spec, struct idmap_target *out)
{
	struct idmap_target t;
	int ret = proc_is_ours();

	if (ret)
		return ret;
	ret = spec->is_fd ? open_by_fd(spec->fd, &t)
			  : open_by_pid(spec->pid, &t);
	if (ret)
		return ret;
	*out = t;
	return 0;
}

/**
 * status_ids() - the four ids on a "Uid:" or "Gid:" line of status
 * @status:	contents of /proc/PID/status
 * @key:	"Uid:" or "Gid:"
 * @ids:	set to real, effective, saved, filesystem id
 *
 * Return: 0, or -EIO if the line is missing or malformed
 */
static int status_ids(const char *status, const char *key, unsigned int ids[4])
{
	const char *p = strstr(status, key);

	if (!p || (p != status && p[-1] != '\n'))
		return -EIO;
	if (sscanf(p + strlen(key), "%u %u %u %u", &ids[0], &ids[1], &ids[2],
		   &ids[3]) != 4)
		return -EIO;
	return 0;
}

/**
 * target_alive() - is the target running (not exited, not a zombie)?
 * @t:		target
 *
 * Return: 0, or -ESRCH with a message
 */
int target_alive(const struct idmap_target *t)
{
	char buf[4096];
	const char *st;
	ssize_t n = read_at(t->dirfd, "status", buf, sizeof(buf));

	st = n > 0 ? strstr(buf, "\nState:\t") : NULL;
	if (!pid_alive(t->pidfd) || !st || st[8] == 'Z' || st[8] == 'X') {
		err("process %d has exited", t->pid);
		return -ESRCH;
	}
	return 0;
}

/**
 * target_check_owner() - does the caller own the target?
 * @t:		target
 * @uid:	caller's real uid
 * @gid:	caller's real gid
 *
 * Return: 0, or -EPERM / -ESRCH with a message
 */
int target_check_owner(const struct idmap_target *t, uid_t uid, gid_t gid)
{
	unsigned int u[4], g[4];
	char buf[4096];
	struct stat st;
	ssize_t n;
	int i, ret = target_alive(t);

	if (ret)
		return ret;
	if (fstat(t->dirfd, &st))
		return -errno;
	if (st.st_uid != uid || st.st_gid != gid) {
		err("process %d is owned by uid %u gid %u, not by the caller (uid %u gid %u)",
		    t->pid, st.st_uid, st.st_gid, uid, gid);
		return -EPERM;
	}
	n = read_at(t->dirfd, "status", buf, sizeof(buf));
	if (n < 0 || status_ids(buf, "Uid:", u) || status_ids(buf, "Gid:", g)) {
		err("process %d has exited", t->pid);
		return -ESRCH;
	}
	for (i = 0; i < 4; i++) {
		if (u[i] != uid || g[i] != gid) {
			err("process %d runs with uids %u/%u/%u/%u gids %u/%u/%u/%u, not all the caller's (uid %u gid %u)",
			    t->pid, u[0], u[1], u[2], u[3], g[0], g[1], g[2],
			    g[3], uid, gid);
			return -EPERM;
		}
	}
	return 0;
}

/**
 * same_file() - do two fds refer to the same inode?
 * @a:	fd
 * @b:	fd
 *
 * Return: true if they do
 */
static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/**
 * target_check_userns() - is the target's user namespace ours to map?
 * @t:		target
 * @kind:	which map will be written
 * @uid:	caller's real uid
 *
 * The namespace must be a child of the caller's, created by the caller,
 * and its @kind map not yet written (the kernel takes one write only).
 *
 * Return: 0, or -errno with a message
 */
int target_check_userns(const struct idmap_target *t, enum idmap_kind kind,
			uid_t uid)
{
	_cleanup_close_ int ns = -1, self = -1, parent = -1;
	const char *map = kind == IDMAP_UID ? "uid_map" : "gid_map";
	uid_t owner;
	char buf[64];

	ns = openat(t->dirfd, "ns/user", O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		int e = errno;

		err_errno(e, "process %d: ns/user", t->pid);
		return -e;
	}
	self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (same_file(ns, self)) {
		err("process %d is not in a user namespace of its own", t->pid);
		return -EINVAL;
	}
	if (ioctl(ns, NS_GET_OWNER_UID, &owner) || owner != uid) {
		err("process %d's user namespace was not created by uid %u",
		    t->pid, uid);
		return -EPERM;
	}
	parent = ioctl(ns, NS_GET_PARENT);
	if (parent < 0 || !same_file(parent, self)) {
		err("process %d's user namespace is not a child of the caller's",
		    t->pid);
		return -EPERM;
	}
	if (read_at(t->dirfd, map, buf, sizeof(buf)) > 0) {
		err("process %d already has a %s", t->pid, map);
		return -EEXIST;
	}
	return 0;
}

/**
 * target_close() - release a target's fds
 * @t:	target
 */
void target_close(struct idmap_target *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->pidfd = -1;
	t->dirfd = -1;
}
