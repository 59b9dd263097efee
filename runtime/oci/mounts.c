// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mounts.c - the config's mounts and /dev, inside the container's rootfs
 *
 * DOC: Theory of Operation
 * Runs in the init, in its new mount namespace, after the rootfs has been
 * bind-mounted onto itself and before pivot_root.  Each mount of the
 * config is made at its destination resolved inside the rootfs
 * (sl_root_target(): RESOLVE_IN_ROOT, so the image's symlinks lead where
 * they will lead in the container, never out to the host), on the
 * /proc/self/fd path of that inode; directories and, for file binds,
 * empty files are created as needed.  The same holds for device nodes.  An unprivileged user namespace
 * limits what may be mounted, so some types fall back the way rootless
 * runtimes must:
 *
 *  - sysfs may only be mounted by the owner of the network namespace: with
 *    the runtime's own netns /sys is bind-mounted from the host instead,
 *    and so it is when the mount is refused in a netns joined by path
 *    (one Podman made in its user namespace takes a sysfs of its own:
 *    bound, the host's /sys would bring the host's interfaces and, on
 *    a cgroup2 host, its /sys/fs/cgroup mount, on which no cgroup2 may
 *    be mounted again, EBUSY, leaving the caller's whole tree in view);
 *  - devpts with gid=5 fails when gid 5 is not mapped: retried without;
 *  - mqueue and cgroup fall back to binding the host's, or are skipped;
 *  - proc falls back to the host's /proc only when the container shares
 *    the host's pid namespace: with its own, a refused proc is an error;
 *  - a bind mount's flags are applied by a second, remount step that must
 *    keep the flags the kernel locked on the source (nosuid, nodev,
 *    noexec, ro, atime) or it fails with EPERM.
 *
 * A tmpfs with the tmpcopyup option starts with a copy of the directory
 * it covers (copyup.c).
 *
 * /dev: when it is a tmpfs, the default devices (null, zero, full,
 * random, urandom, tty) and linux.devices are bind-mounted from the host,
 * since mknod is not allowed in a user namespace (root outside one gets
 * real device nodes), and the standard symlinks are added.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/resolve.h"

/* a mount point inside the rootfs, resolved anew for each step */
struct target {
	int root;	  /* the rootfs directory */
	const char *dest; /* the path as the container sees it */
	int fd;		  /* O_PATH fd of the last resolution, or -1 */
	char proc[32];	  /* "/proc/self/fd/FD": names that inode */
};

/**
 * target_open() - resolve the mount point inside the rootfs
 * @t:		the target
 * @create:	create it (and its parents) if missing
 * @dir:	as a directory (else an empty file)
 *
 * Resolved with RESOLVE_IN_ROOT (sl_root_target()): a symlink in the
 * image cannot move the mount point out of the rootfs.  Each step that
 * uses the mount point (mount, remount, propagation) resolves it again,
 * so that it names the mount just made on top of it.
 *
 * Return: the /proc/self/fd path to mount on, or NULL with errno set
 */
static const char *target_open(struct target *t, bool create, bool dir)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = create ? sl_root_target(t->root, t->dest, dir)
		       : sl_openat2(t->root, t->dest, O_PATH,
				    RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (t->fd < 0)
		return NULL;
	snprintf(t->proc, sizeof(t->proc), "/proc/self/fd/%d", t->fd);
	return t->proc;
}

/**
 * target_close() - release the target's fd
 * @t:	the target
 */
static void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/**
 * locked_flags() - mount flags a user namespace may not clear on @path
 * @path:	a mount point
 *
 * Return: MS_* flags currently set on the mount
 */
static unsigned long locked_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_RDONLY, MS_RDONLY },     { ST_NOSUID, MS_NOSUID },
		{ ST_NODEV, MS_NODEV },	      { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME },   { ST_NODIRATIME, MS_NODIRATIME },
		{ ST_RELATIME, MS_RELATIME },
	};
	unsigned long f = 0;
	struct statvfs sv;

	if (statvfs(path, &sv) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (sv.f_flag & map[i].st)
			f |= map[i].ms;
	return f;
}

/**
 * sl_remount_bind() - apply flags to a bind mount, keeping locked ones
 * @path:	bind mount
 * @flags:	MS_* flags wanted (MS_RDONLY, MS_NOSUID...)
 *
 * Return: 0 or -errno
 */
static int remount_bind(const char *path, unsigned long flags)
{
	unsigned long f =
		(flags | locked_flags(path)) & ~(MS_BIND | MS_REC | MS_REMOUNT);

	if (!(flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)))
		f |= locked_flags(path) & (MS_NOATIME | MS_RELATIME);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | f, NULL) < 0)
		return -errno;
	return 0;
}

/**
 * bind_mount() - bind @src on the target, then apply @flags
 * @src:	source (a host path)
 * @t:		mount point inside the rootfs (created)
 * @flags:	MS_* (MS_REC for a recursive bind)
 *
 * Return: 0 or -errno
 */
static int bind_mount(const char *src, struct target *t, unsigned long flags)
{
	const char *dst;
	struct stat st;

	if (stat(src, &st) < 0)
		return -errno;
	if (!(dst = target_open(t, true, S_ISDIR(st.st_mode))))
		return -errno;
	if (mount(src, dst, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
		return -errno;
	if (!(flags & ~(MS_BIND | MS_REC)))
		return 0;
	if (!(dst = target_open(t, false, false)))
		return -errno;
	return remount_bind(dst, flags);
}

/**
 * mount_special() - mount a kernel filesystem, with rootless fallbacks
 * @m:		the config's mount
 * @t:		mount point (opened: t->proc names it)
 * @c:		config
 * @own_netns:	whether the container has a network namespace other
 *		than the runtime's (new, or joined by path)
 *
 * Return: 0, 1 when skipped, or -errno
 */
static int mount_special(const struct sl_mount *m, struct target *t,
			 const struct sl_config *c, bool own_netns)
{
	const char *type = m->type, *src = m->source ? m->source : m->type;
	const char *dst = t->proc;
	unsigned long fl = m->flags & ~MS_REC;

	if (!strcmp(type, "sysfs") && !own_netns)
		return bind_mount("/sys", t, MS_REC | (fl & MS_RDONLY));
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) {
		if (mount("cgroup2", dst, "cgroup2", fl, NULL) == 0)
			return 0;
		return bind_mount("/sys/fs/cgroup", t, MS_REC | fl) ? 1 : 0;
	}
	if (mount(src, dst, type, fl, m->data) == 0)
		return 0;
	if (errno != EPERM && errno != EINVAL && errno != EACCES)
		return -errno;
	if (!strcmp(type, "sysfs"))
		return bind_mount("/sys", t, MS_REC | (fl & MS_RDONLY));
	/* the host's /proc only where the host's processes are the
	 * container's: with a pid namespace of its own it would see ours */
	if (!strcmp(type, "proc") && sl_config_has_ns(c, CLONE_NEWPID))
		return -errno;
	if (!strcmp(type, "proc"))
		return bind_mount("/proc", t, MS_REC);
	if (!strcmp(type, "mqueue"))
		return bind_mount("/dev/mqueue", t, MS_REC | fl) ? 1 : 0;
	if (!strcmp(type, "devpts") && m->data && strstr(m->data, "gid=")) {
		char data[256], *out = data;
		const char *p = m->data;

		/* drop gid=N: gid 5 (tty) is often not mapped */
		while (*p && out < data + sizeof(data) - 1) {
			size_t len = strcspn(p, ",");

			if (strncmp(p, "gid=", 4)) {
				if (out != data)
					*out++ = ',';
				out += snprintf(out, data + sizeof(data) - out,
						"%.*s", (int)len, p);
			}
			p += len + (p[len] == ',');
		}
		*out = '\0';
		if (mount(src, dst, type, fl, data) == 0)
			return 0;
	}
	return -errno;
}

/**
 * copyup() - whether @m is a tmpfs that starts with what it covers
 * @m:	the config's mount
 *
 * Return: true for a tmpfs with the tmpcopyup option
 */
static bool copyup(const struct sl_mount *m)
{
	return m->tmpcopyup && m->type && !strcmp(m->type, "tmpfs");
}

/**
 * copy_covered() - fill a tmpcopyup tmpfs from the directory it covers
 * @covered:	that directory, opened before the mount
 * @t:		the mount point (resolved again: the tmpfs's root)
 * @m:		the config's mount (a "mode=" option keeps the root's mode)
 *
 * Return: 0 or -errno
 */
static int copy_covered(int covered, struct target *t, const struct sl_mount *m)
{
	_cleanup_close_ int to = -1;
	bool mode = m->data && (!strncmp(m->data, "mode=", 5) ||
				strstr(m->data, ",mode="));

	if (!target_open(t, false, false))
		return -errno;
	to = openat(t->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (to < 0)
		return -errno;
	return sl_copyup(covered, to, mode);
}

/**
 * mount_one() - make one of the config's mounts under the rootfs
 * @root:	the rootfs directory fd
 * @c:		config
 * @m:		mount
 * @own_netns:	whether the container has a network namespace other
 *		than the runtime's (new, or joined by path)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int mount_one(int root, const struct sl_config *c,
		     const struct sl_mount *m, bool own_netns,
		     struct sl_error *e)
{
	struct target t = { .root = root, .dest = m->destination, .fd = -1 };
	_cleanup_close_ int covered = -1;
	const char *dst;
	int r;

	if (m->bind) {
		r = bind_mount(m->source, &t, m->flags);
		if (r) {
			target_close(&t);
			return sl_error_set(e, r, "bind `%s` on `%s`",
					    m->source, m->destination);
		}
	} else {
		r = target_open(&t, true, true) ? 0 : -errno;
		if (!r && copyup(m) &&
		    (covered = openat(t.fd, ".",
				      O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			r = -errno;
		if (!r)
			r = mount_special(m, &t, c, own_netns);
		if (!r && covered >= 0)
			r = copy_covered(covered, &t, m);
		if (r) {
			target_close(&t);
			if (r > 0)
				return 0;
			return sl_error_set(e, r, "mount %s on `%s`", m->type,
					    m->destination);
		}
	}
	r = 0;
	if (m->propagation &&
	    (!(dst = target_open(&t, false, false)) ||
	     mount(NULL, dst, NULL, m->propagation, NULL) < 0))
		r = sl_error_set(e, errno, "set propagation of `%s`",
				 m->destination);
	target_close(&t);
	return r;
}

/**
 * sl_mounts_setup() - make every mount of the config
 * @c:		config (root_path is the rootfs, already bind-mounted)
 * @own_netns:	whether the container has a network namespace other
 *		than the runtime's (new, or joined by path)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_mounts_setup(const struct sl_config *c, bool own_netns,
		    struct sl_error *e)
{
	_cleanup_close_ int root =
		open(c->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (root < 0)
		return sl_error_set(e, errno, "open rootfs `%s`", c->root_path);
	for (size_t i = 0; i < c->nmounts; i++) {
		int r = mount_one(root, c, &c->mounts[i], own_netns, e);

		if (r)
			return sl_error_prefix(e, "mounts[%zu]", i);
	}
	return 0;
}

/**
 * make_device() - create one device node in the rootfs
 * @root:	the rootfs directory fd
 * @path:	the node's path as the container sees it ("/dev/null")
 * @host:	the host's node of the same device, bound when mknod fails
 * @mode:	S_IFCHR/S_IFBLK/S_IFIFO | permissions
 * @dev:	device number
 * @replace:	remove what is at @path first (else an existing node stays)
 *
 * The parent directory is resolved inside the rootfs; the node gets
 * exactly the permissions asked for, whatever the umask.
 *
 * Return: 0 or -errno
 */
static int make_device(int root, const char *path, const char *host,
		       mode_t mode, dev_t dev, bool replace)
{
	struct target t = { .root = root, .dest = path, .fd = -1 };
	char parent[PATH_MAX];
	const char *base = strrchr(path, '/');
	_cleanup_close_ int pfd = -1;
	int r;

	if (!base || strlen(path) >= sizeof(parent))
		return -EINVAL;
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	base++;
	pfd = sl_root_target(root, *parent ? parent : "/", true);
	if (pfd < 0)
		return -errno;
	if (replace)
		unlinkat(pfd, base, 0);
	if (mknodat(pfd, base, mode, dev) == 0)
		return fchmodat(pfd, base, mode & 07777, 0) < 0 ? -errno : 0;
	if (errno == EEXIST)
		return 0;
	r = bind_mount(host, &t, 0);
	target_close(&t);
	return r;
}

/**
 * dev_on_tmpfs() - whether the config mounts a fresh filesystem on /dev
 * @c:	config
 *
 * Return: true if /dev is a non-bind mount
 */
static bool dev_on_tmpfs(const struct sl_config *c)
{
	for (size_t i = 0; i < c->nmounts; i++)
		if (!strcmp(c->mounts[i].destination, "/dev"))
			return !c->mounts[i].bind;
	return false;
}

/**
 * sl_mount_devices() - populate /dev: default devices, linux.devices,
 * symlinks
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_mount_devices(const struct sl_config *c, struct sl_error *e)
{
	static const char *const defaults[] = { "null",	  "zero",    "full",
						"random", "urandom", "tty" };
	static const char *const links[][2] = {
		{ "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	_cleanup_close_ int root = -1, dev = -1;
	char dst[64], host[64];
	struct stat st;
	int r;

	if (!dev_on_tmpfs(c))
		return 0;
	root = open(c->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return sl_error_set(e, errno, "open rootfs `%s`", c->root_path);
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		snprintf(dst, sizeof(dst), "/dev/%s", defaults[i]);
		snprintf(host, sizeof(host), "/dev/%s", defaults[i]);
		if (stat(host, &st) < 0)
			continue;
		r = make_device(root, dst, host, st.st_mode, st.st_rdev, false);
		if (r)
			return sl_error_set(e, r, "create `/dev/%s`",
					    defaults[i]);
	}
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct sl_device *d = &c->devices[i];
		mode_t mode = (d->has_mode ? d->mode : 0666) & 07777;

		mode |= d->type == 'b'	 ? S_IFBLK
			: d->type == 'p' ? S_IFIFO
					 : S_IFCHR;
		r = make_device(root, d->path, d->path, mode,
				makedev(d->major, d->minor), true);
		if (r)
			return sl_error_set(e, r,
					    "linux.devices[%zu]: create `%s`",
					    i, d->path);
	}
	dev = sl_root_target(root, "/dev", true);
	if (dev < 0)
		return sl_error_set(e, errno, "open `/dev`");
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 &&
		    errno != EEXIST)
			return sl_error_set(e, errno, "symlink `/dev/%s`",
					    links[i][1]);
	return 0;
}
