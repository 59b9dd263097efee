// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - open the target's network and user namespaces
 *
 * DOC: Theory of Operation
 * Several setup steps join the target's namespaces: the tap child
 * (tap.c), the namespace helper it starts (nshelper.c), the outbound
 * fast path's setup child and the sandbox (sandbox.c).  They all open them here, the same way: the network namespace is
 * the PID's or the --netns-type=path target; the user namespace is
 * --userns-path or the PID's, and none (-1) when it is the one we are in
 * already or, with a path target and no --userns-path, not known.
 * Every failure prints one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/netd.h"

/**
 * ns_open_userns() - open the user namespace to join, if any
 * @o:		options
 * @fd:		the namespace fd, or -1 when it is ours (written on success)
 *
 * The namespace is --userns-path, or the target PID's; with
 * --netns-type=path and no --userns-path we stay in our own.
 *
 * Return: 0, or -errno (message printed)
 */
int ns_open_userns(const struct netd_opts *o, int *fd)
{
	char path[64];
	const char *p = o->userns_path;
	struct stat a, b;
	int u;

	if (!p && o->netns_is_path) {
		*fd = -1;
		return 0;
	}
	if (!p) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)o->pid);
		p = path;
	}
	u = open(p, O_RDONLY | O_CLOEXEC);
	if (u < 0) {
		int e = errno;

		/* slirp4netns 1.2's perror(path), then ours */
		err("%s: %s (cannot open the user namespace)", p, strerror(e));
		return -e;
	}
	if (fstat(u, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		close(u);
		u = -1;
	}
	*fd = u;
	return 0;
}

/**
 * ns_open_netns() - open the target's network namespace
 * @o:		options
 *
 * Return: the fd, or -errno (message printed)
 */
int ns_open_netns(const struct netd_opts *o)
{
	char path[64];
	const char *p = o->target;
	int fd;

	if (!o->netns_is_path) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)o->pid);
		p = path;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		/* slirp4netns 1.2's words for a missing path, then ours */
		if (o->netns_is_path)
			err("existing path expected when --netns-type=path: %s: %s",
			    strerror(e), p);
		else /* slirp4netns 1.2's perror(path), then ours */
			err("%s: %s (cannot open the network namespace)", p,
			    strerror(e));
		return -e;
	}
	return fd;
}
