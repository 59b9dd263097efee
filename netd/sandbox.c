// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.c - --enable-sandbox: an empty root and no capabilities
 *
 * DOC: Theory of Operation
 * Once the tap, the libslirp instance and the API socket exist, the
 * process needs from the file system only the host's resolver list
 * (libslirp rereads /etc/resolv.conf to forward DNS), and from the kernel
 * only sockets.  --enable-sandbox takes everything else away, in stages:
 *
 * 1. Without euid 0, join the target's user namespace (the same one tap.c
 *    joins, and only if it is not ours), so that stage 2 is allowed
 *    without privileges on the host.  Sockets keep working: they belong
 *    to the host's network namespace, which we never leave.  With euid 0
 *    (root, or root of a user namespace as under rootless Podman) stage 2
 *    is allowed where we are, and the target's namespace may not map us
 *    (Podman's --userns auto), so we stay, as slirp4netns does.
 * 2. A new mount namespace; every mount in it made private, so nothing
 *    done here propagates back to the host.
 * 3. A fresh tmpfs, holding only the directory that really holds
 *    resolv.conf (following symlinks, e.g. /run/systemd/resolve),
 *    bind-mounted read-only, and /etc/resolv.conf as a symlink to it when
 *    the host has one.
 * 4. pivot_root into the tmpfs, detach the old root, remount the new root
 *    read-only.
 * 5. Drop every capability: the bounding set, the ambient set, then the
 *    effective, permitted and inheritable sets; no_new_privs.  As uid 0
 *    outside any user namespace CAP_NET_BIND_SERVICE stays, so root can
 *    still publish ports below 1024.  Inside a user namespace, with the
 *    outbound fast path on, CAP_NET_ADMIN stays, and only it: the kernel
 *    takes a verdict on a queued SYN only from a sender with it over the
 *    target's user namespace (sandbox_enter() says why that is not the
 *    host's power).
 * 6. (--enable-seccomp, seccomp.c) the syscall allowlist, last of all.
 *
 * The API socket is unlinked at exit through a directory fd opened before
 * stage 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "lib/userns.h"
#include "netd/sandbox.h"

#define SANDBOX_RESOLV "/etc/resolv.conf"

/**
 * bind_resolv_dir() - stage 3: expose resolv.conf's directory read-only
 * @root:	new root (a tmpfs)
 *
 * Return: 0, or -errno
 */
static int bind_resolv_dir(const char *root)
{
	char real[PATH_MAX], dst[PATH_MAX * 2], dir[PATH_MAX];
	char *slash;
	int ret;

	if (!realpath(SANDBOX_RESOLV, real))
		return 0; /* no resolv.conf: libslirp falls back to none */
	strcpy(dir, real);
	slash = strrchr(dir, '/');
	if (slash == dir)
		return 0; /* resolv.conf in "/": nothing sane to bind */
	*slash = '\0';
	snprintf(dst, sizeof(dst), "%s%s", root, dir);
	ret = mkdir_p(dst, 0755);
	if (ret < 0)
		return ret;
	if (mount(dir, dst, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, dst, NULL,
		  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	if (strcmp(real, SANDBOX_RESOLV)) {
		snprintf(dst, sizeof(dst), "%s/etc", root);
		ret = mkdir_p(dst, 0755);
		if (ret < 0)
			return ret;
		snprintf(dst, sizeof(dst), "%s%s", root, SANDBOX_RESOLV);
		if (symlink(real, dst) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

/**
 * sanitizer_proc() - in an AddressSanitizer build, keep /proc visible
 * @root:	new root
 *
 * The leak checker reads /proc/self/maps at exit; production builds do
 * without /proc.
 */
static void sanitizer_proc(const char *root)
{
#ifdef __SANITIZE_ADDRESS__
	char dst[PATH_MAX];

	snprintf(dst, sizeof(dst), "%s/proc", root);
	if (mkdir(dst, 0755) < 0 ||
	    mount("/proc", dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		warn("sandbox: no /proc for the sanitizer: %s",
		     strerror(errno));
#else
	(void)root;
#endif
}

/**
 * new_root() - stages 2-4: private mounts, tmpfs root, pivot_root
 *
 * Return: 0, or -errno (message printed)
 */
static int new_root(void)
{
	static const char *const spots[] = { "/tmp", "/mnt", "/run", "/dev" };
	const char *root = NULL;
	size_t i;
	int ret;

	if (unshare(CLONE_NEWNS) < 0) {
		err_errno(errno, "sandbox: cannot create a mount namespace");
		return -errno;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		err_errno(errno, "sandbox: cannot make mounts private");
		return -errno;
	}
	for (i = 0; i < ARRAY_SIZE(spots) && !root; i++)
		if (mount("tmpfs", spots[i], "tmpfs", MS_NOSUID | MS_NODEV,
			  "mode=0755,size=64k") == 0)
			root = spots[i];
	if (!root) {
		err_errno(errno, "sandbox: cannot mount a tmpfs");
		return -errno;
	}
	ret = bind_resolv_dir(root);
	if (ret < 0) {
		err_errno(-ret,
			  "sandbox: cannot bind the resolv.conf directory");
		return ret;
	}
	sanitizer_proc(root);
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		err_errno(errno, "sandbox: cannot pivot_root");
		return -errno;
	}
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) < 0)
		debug("sandbox: root stays writable: %s", strerror(errno));
	return 0;
}

/**
 * sandbox_drop_caps() - stage 5: drop every capability but @keep
 * @keep:	the one capability to keep, or -1 for none
 *
 * Return: 0, or -errno (message printed)
 */
int sandbox_drop_caps(int keep)
{
	cap_value_t k = keep;
	cap_t caps;
	int c, ret = 0;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err_errno(errno, "sandbox: no_new_privs");
		return -errno;
	}
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (c != keep && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL && errno != EPERM)
			return -errno;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	if (keep >= 0 &&
	    (cap_set_flag(caps, CAP_EFFECTIVE, 1, &k, CAP_SET) < 0 ||
	     cap_set_flag(caps, CAP_PERMITTED, 1, &k, CAP_SET) < 0))
		ret = -errno;
	if (!ret && cap_set_proc(caps) < 0)
		ret = -errno;
	cap_free(caps);
	if (ret < 0)
		err_errno(-ret, "sandbox: cannot drop capabilities");
	return ret;
}

/**
 * sandbox_enter() - --enable-sandbox, stages 1-5
 * @o:		options (which user namespace to join)
 * @net_admin:	keep CAP_NET_ADMIN, if it is not the host's (for the
 *		outbound fast path's verdicts)
 *
 * Which capability stays: as uid 0 in the initial user namespace,
 * CAP_NET_BIND_SERVICE (root publishes ports below 1024); otherwise,
 * when @net_admin, CAP_NET_ADMIN, which is then over the user namespace
 * we ended up in (the target's, or the one we were started in) and its
 * children: that namespace's root power over its own network
 * namespaces, not the host's.  In the initial user namespace
 * CAP_NET_ADMIN would be the host's, and it goes with the rest.
 *
 * Return: 0, or -errno (message printed)
 */
int sandbox_enter(const struct netd_opts *o, bool net_admin)
{
	_cleanup_close_ int userns = -1;
	int ret, keep;

	ret = geteuid() == 0 ? 0 : ns_open_userns(o, &userns);
	if (ret < 0)
		return ret;
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0) {
		err_errno(errno, "sandbox: cannot join the user namespace");
		return -errno;
	}
	/* before new_root(): it reads /proc */
	if (initial_userns())
		keep = geteuid() == 0 ? CAP_NET_BIND_SERVICE : -1;
	else
		keep = net_admin ? CAP_NET_ADMIN : -1;
	ret = new_root();
	if (ret < 0)
		return ret;
	return sandbox_drop_caps(keep);
}

/**
 * sandbox_drop_net_admin() - drop CAP_NET_ADMIN if stage 5 kept it
 *
 * For when the outbound fast path, which it was kept for, is off after
 * all.  The sandbox keeps one capability at most, so this drops them all;
 * CAP_NET_BIND_SERVICE, kept for real root instead, stays.
 *
 * Return: 0, or -errno (message printed)
 */
int sandbox_drop_net_admin(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t caps = cap_get_proc();

	if (caps) {
		cap_get_flag(caps, CAP_NET_ADMIN, CAP_EFFECTIVE, &v);
		cap_free(caps);
	}
	return v == CAP_SET ? sandbox_drop_caps(-1) : 0;
}
