// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * namespaces.c - which namespaces a container creates and which it joins
 *
 * DOC: Theory of Operation
 * The container's init is made with one clone() whose flags are the
 * namespaces the config lists without a path, so the new user namespace
 * owns all the others and the init is pid 1 of its pid namespace without
 * a second fork.  The cgroup namespace is the exception: the init
 * unshares it itself once create has moved it into the container's
 * cgroup (init.c), so that the namespace's root is that cgroup, as under
 * runc; made by clone() its root would be the runtime's own cgroup
 * (under Podman with systemd, conmon's scope next to the container's).
 * Namespaces listed with a path are joined by the init
 * with setns() right after its id maps are written.  A pid namespace
 * joined that way applies only to children, so the init then forks into
 * it and stays outside as a shim (init.c).  Joining a user namespace by
 * path is refused: an unprivileged caller cannot create the remaining
 * namespaces beneath someone else's user namespace.
 *
 * A network namespace the init creates starts with its loopback down; the
 * init brings `lo` up (the kernel then gives it 127.0.0.1 and ::1), as
 * runc does, before any hook or mount runs.
 *
 * exec joins a running container's namespaces through /proc/PID/ns/:
 * the user namespace first (which gives the capabilities needed for the
 * others), then mount, uts, ipc, net, cgroup and pid; namespaces that are
 * the same as the caller's are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/netlink.h"
#include "runtime/oci/linux.h"

/**
 * sl_ns_loopback_up() - bring `lo` up in the network namespace we are in
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_ns_loopback_up(struct sl_error *e)
{
	_cleanup_close_ int nl = netlink_open();
	unsigned int lo = if_nametoindex("lo");
	int r;

	if (nl < 0)
		return sl_error_set(e, -nl, "netlink");
	if (!lo)
		return sl_error_set(e, errno, "find `lo`");
	r = netlink_link_set(nl, (int)lo, 1, 0, NULL);
	if (r < 0)
		return sl_error_set(e, -r, "bring `lo` up");
	return 0;
}

/**
 * sl_ns_clone_flags() - clone flags for the namespaces to create
 * @c:	config
 * @e:	error
 *
 * A new cgroup namespace is left out: the init makes it (see the top).
 *
 * Return: CLONE_NEW* flags (>= 0) or -errno
 */
int sl_ns_clone_flags(const struct sl_config *c, struct sl_error *e)
{
	int flags = 0;

	for (size_t i = 0; i < c->nnamespaces; i++) {
		const struct sl_namespace *ns = &c->namespaces[i];

		if (!ns->path) {
			if (ns->type != CLONE_NEWCGROUP)
				flags |= ns->type;
			continue;
		}
		if (ns->type == CLONE_NEWUSER)
			return sl_error_set(e, ENOTSUP,
					    "linux.namespaces[%zu]: joining a "
					    "user namespace by path",
					    i);
		if (access(ns->path, F_OK) < 0)
			return sl_error_set(e, errno,
					    "linux.namespaces[%zu].path `%s`",
					    i, ns->path);
	}
	if (geteuid() != 0 && !(flags & CLONE_NEWUSER))
		return sl_error_set(e, 0,
				    "linux.namespaces: a user namespace is "
				    "needed to run as an unprivileged user");
	return flags;
}

/**
 * sl_ns_join_paths() - setns() into every namespace given by path
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_ns_join_paths(const struct sl_config *c, struct sl_error *e)
{
	for (size_t i = 0; i < c->nnamespaces; i++) {
		const struct sl_namespace *ns = &c->namespaces[i];
		_cleanup_close_ int fd = -1;

		if (!ns->path)
			continue;
		fd = open(ns->path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, ns->type) < 0)
			return sl_error_set(e, errno, "join namespace `%s`",
					    ns->path);
	}
	return 0;
}

/**
 * same_ns() - whether @pid's namespace @name is the caller's own
 * @pid:	process
 * @name:	entry of /proc/PID/ns
 *
 * Return: true when both are the same inode
 */
static bool same_ns(pid_t pid, const char *name)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/ns/%s", pid, name);
	snprintf(b, sizeof(b), "/proc/self/ns/%s", name);
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/**
 * sl_ns_join_pid() - join every namespace of a running process
 * @pid:		the container's init
 * @joined_pidns:	set to 1 when the pid namespace was joined (a fork
 *			is then needed to enter it)
 * @e:			error
 *
 * Return: 0 or -errno
 */
int sl_ns_join_pid(pid_t pid, int *joined_pidns, struct sl_error *e)
{
	static const struct {
		const char *name;
		int type;
	} order[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },
		{ "uts", CLONE_NEWUTS },   { "ipc", CLONE_NEWIPC },
		{ "net", CLONE_NEWNET },   { "cgroup", CLONE_NEWCGROUP },
		{ "pid", CLONE_NEWPID },
	};
	int fds[ARRAY_SIZE(order)];
	int r = 0;

	*joined_pidns = 0;
	/* open them all first: /proc/PID/ns of the init stays reachable */
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		char p[64];

		fds[i] = -1;
		if (same_ns(pid, order[i].name))
			continue;
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, order[i].name);
		fds[i] = open(p, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 && errno != ENOENT && !r)
			r = sl_error_set(e, errno, "open `%s`", p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(order) && !r; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], order[i].type) < 0)
			r = sl_error_set(e, errno, "join %s namespace",
					 order[i].name);
		else if (order[i].type == CLONE_NEWPID)
			*joined_pidns = 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return r;
}
