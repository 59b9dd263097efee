// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mounts.c - the config's mounts and /dev, inside the container's rootfs
 *
 * DOC: Theory of Operation
 * Runs in the init, in its new mount namespace, after the rootfs has been
 * bind-mounted onto itself and before pivot_root.  Each mount of the
 * config is made at ROOTFS/destination (directories and, for file binds,
 * empty files are created as needed).  An unprivileged user namespace
 * limits what may be mounted, so some types fall back the way rootless
 * runtimes must:
 *
 *  - sysfs may only be mounted by the owner of the network namespace: with
 *    no new netns, /sys is bind-mounted from the host instead;
 *  - devpts with gid=5 fails when gid 5 is not mapped: retried without;
 *  - mqueue and cgroup fall back to binding the host's, or are skipped;
 *  - a bind mount's flags are applied by a second, remount step that must
 *    keep the flags the kernel locked on the source (nosuid, nodev,
 *    noexec, ro, atime) or it fails with EPERM.
 *
 * /dev: when it is a tmpfs, the default devices (null, zero, full,
 * random, urandom, tty) and linux.devices are bind-mounted from the host,
 * since mknod is not allowed in a user namespace (root outside one gets
 * real device nodes), and the standard symlinks are added.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "runtime/oci/linux.h"

/**
 * make_target() - create a mount point: a directory or an empty file
 * @path:	mount point
 * @dir:	create a directory (else a file)
 *
 * Return: 0 or -errno
 */
static int make_target(const char *path, bool dir)
{
	char parent[PATH_MAX];
	char *slash;
	int fd;

	if (dir)
		return mkdir_p(path, 0755);
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir_p(parent, 0755) < 0)
			return -errno;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return errno == EEXIST || errno == EISDIR ? 0 : -errno;
	close(fd);
	return 0;
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
 * bind_mount() - bind @src at @dst, then apply @flags
 * @src:	source
 * @dst:	mount point (created)
 * @flags:	MS_* (MS_REC for a recursive bind)
 *
 * Return: 0 or -errno
 */
static int bind_mount(const char *src, const char *dst, unsigned long flags)
{
	struct stat st;
	int r;

	if (stat(src, &st) < 0)
		return -errno;
	r = make_target(dst, S_ISDIR(st.st_mode));
	if (r)
		return r;
	if (mount(src, dst, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
		return -errno;
	if (flags & ~(MS_BIND | MS_REC))
		return remount_bind(dst, flags);
	return 0;
}

/**
 * mount_special() - mount a kernel filesystem, with rootless fallbacks
 * @m:		the config's mount
 * @dst:	mount point (exists)
 * @new_netns:	whether the container has its own network namespace
 *
 * Return: 0, 1 when skipped, or -errno
 */
static int mount_special(const struct sl_mount *m, const char *dst,
			 bool new_netns)
{
	const char *type = m->type, *src = m->source ? m->source : m->type;
	unsigned long fl = m->flags & ~MS_REC;

	if (!strcmp(type, "sysfs") && !new_netns)
		return bind_mount("/sys", dst, MS_REC | (fl & MS_RDONLY));
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) {
		if (mount("cgroup2", dst, "cgroup2", fl, NULL) == 0)
			return 0;
		return bind_mount("/sys/fs/cgroup", dst, MS_REC | fl) ? 1 : 0;
	}
	if (mount(src, dst, type, fl, m->data) == 0)
		return 0;
	if (errno != EPERM && errno != EINVAL && errno != EACCES)
		return -errno;
	if (!strcmp(type, "sysfs"))
		return bind_mount("/sys", dst, MS_REC | (fl & MS_RDONLY));
	if (!strcmp(type, "proc"))
		return bind_mount("/proc", dst, MS_REC);
	if (!strcmp(type, "mqueue"))
		return bind_mount("/dev/mqueue", dst, MS_REC | fl) ? 1 : 0;
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
 * mount_one() - make one of the config's mounts under the rootfs
 * @rootfs:	absolute rootfs path
 * @m:		mount
 * @new_netns:	whether the container has its own network namespace
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int mount_one(const char *rootfs, const struct sl_mount *m,
		     bool new_netns, struct sl_error *e)
{
	char dst[PATH_MAX];
	int r;

	snprintf(dst, sizeof(dst), "%s%s", rootfs, m->destination);
	if (m->bind) {
		r = bind_mount(m->source, dst, m->flags);
		if (r)
			return sl_error_set(e, r, "bind `%s` on `%s`",
					    m->source, m->destination);
	} else {
		r = make_target(dst, true);
		if (!r)
			r = mount_special(m, dst, new_netns);
		if (r < 0)
			return sl_error_set(e, r, "mount %s on `%s`", m->type,
					    m->destination);
		if (r > 0)
			return 0;
	}
	if (m->propagation && mount(NULL, dst, NULL, m->propagation, NULL) < 0)
		return sl_error_set(e, errno, "set propagation of `%s`",
				    m->destination);
	return 0;
}

/**
 * sl_mounts_setup() - make every mount of the config
 * @c:		config (root_path is the rootfs, already bind-mounted)
 * @new_netns:	whether the container has its own network namespace
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_mounts_setup(const struct sl_config *c, bool new_netns,
		    struct sl_error *e)
{
	for (size_t i = 0; i < c->nmounts; i++) {
		int r = mount_one(c->root_path, &c->mounts[i], new_netns, e);

		if (r)
			return sl_error_prefix(e, "mounts[%zu]", i);
	}
	return 0;
}

/**
 * make_device() - create one device node at @dst
 * @dst:	path under the rootfs
 * @host:	the host's node of the same device, bound when mknod fails
 * @mode:	S_IFCHR/S_IFBLK | permissions
 * @dev:	device number
 *
 * Return: 0 or -errno
 */
static int make_device(const char *dst, const char *host, mode_t mode,
		       dev_t dev)
{
	if (mknod(dst, mode, dev) == 0)
		return 0;
	if (errno == EEXIST)
		return 0;
	return bind_mount(host, dst, 0);
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
	char dst[PATH_MAX], host[PATH_MAX];
	struct stat st;
	int r;

	if (!dev_on_tmpfs(c))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		snprintf(dst, sizeof(dst), "%s/dev/%s", c->root_path,
			 defaults[i]);
		snprintf(host, sizeof(host), "/dev/%s", defaults[i]);
		if (stat(host, &st) < 0)
			continue;
		r = make_device(dst, host, st.st_mode, st.st_rdev);
		if (r)
			return sl_error_set(e, r, "create `/dev/%s`",
					    defaults[i]);
	}
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct sl_device *d = &c->devices[i];
		mode_t mode = (d->has_mode ? d->mode : 0666) & 07777;

		snprintf(dst, sizeof(dst), "%s%s", c->root_path, d->path);
		make_target(dst, false);
		unlink(dst);
		mode |= d->type == 'b'	 ? S_IFBLK
			: d->type == 'p' ? S_IFIFO
					 : S_IFCHR;
		r = make_device(dst, d->path, mode,
				makedev(d->major, d->minor));
		if (r)
			return sl_error_set(e, r,
					    "linux.devices[%zu]: create `%s`",
					    i, d->path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(dst, sizeof(dst), "%s/dev/%s", c->root_path,
			 links[i][1]);
		if (symlink(links[i][0], dst) < 0 && errno != EEXIST)
			return sl_error_set(e, errno, "symlink `/dev/%s`",
					    links[i][1]);
	}
	return 0;
}
