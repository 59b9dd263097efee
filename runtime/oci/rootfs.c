// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c - switch the init's root to the container's rootfs
 *
 * DOC: Theory of Operation
 * sl_rootfs_prepare() makes the whole mount tree a slave (or what
 * linux.rootfsPropagation asks) so nothing the container mounts leaks to
 * the host, and bind-mounts the rootfs onto itself: pivot_root needs a
 * mount point.  sl_rootfs_pivot() then uses the pivot_root(".", ".")
 * idiom: the old root ends up stacked under the new one and is detached
 * with umount2(MNT_DETACH) without needing a directory for it.  With
 * --no-pivot (for filesystems such as a ramdisk root where pivot_root is
 * impossible) the rootfs is moved over / and chroot()ed into instead.
 * Without a mount namespace, sl_rootfs_bind_host() makes that bind in the
 * caller's mount namespace instead, from create, and the init chroot()s.
 * sl_rootfs_finish() applies what must be done from inside: masked paths
 * (a read-only tmpfs over directories, /dev/null over files), read-only
 * paths and a read-only root, each bind remount keeping locked flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/linux.h"

/**
 * sl_rootfs_prepare() - set propagation and bind the rootfs on itself
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_rootfs_prepare(const struct sl_config *c, struct sl_error *e)
{
	unsigned long prop = c->rootfs_propagation;

	/* made shared or unbindable after pivot_root: an unbindable tree
	 * cannot be bound, and pivot_root refuses a shared one */
	if (prop & (MS_SHARED | MS_UNBINDABLE))
		prop = MS_SLAVE | MS_REC;
	if (mount(NULL, "/", NULL, prop | MS_REC, NULL) < 0)
		return sl_error_set(e, errno, "set propagation of /");
	if (mount(c->root_path, c->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sl_error_set(e, errno, "bind rootfs `%s`", c->root_path);
	return 0;
}

/**
 * sl_rootfs_bind_host() - without a mount namespace: bind the rootfs on
 * itself in the caller's mount namespace
 * @c:	config
 * @e:	error
 *
 * Run by create, before the init, when the config has mounts but no mount
 * namespace.  The container's mounts are then made on this bind, which
 * has the propagation the config asks (a slave by default: none of the
 * container's mounts reach the host's other mounts; the caller's own "/"
 * is never changed, unlike runc), and which goes away whole, with every
 * mount made under it, by sl_rootfs_unbind_host() at delete.  Everything
 * after chroot() that uses "/" (a read-only root, shared propagation)
 * then applies to this bind, not to the filesystem holding root.path.
 *
 * Return: 0 or -errno
 */
int sl_rootfs_bind_host(const struct sl_config *c, struct sl_error *e)
{
	unsigned long prop = c->rootfs_propagation;

	if (prop & (MS_SHARED | MS_UNBINDABLE))
		prop = MS_SLAVE | MS_REC; /* made so after chroot */
	if (mount(c->root_path, c->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return sl_error_set(e, errno,
				    "bind rootfs `%s` for the mounts of a "
				    "container without a mount namespace",
				    c->root_path);
	if (mount(NULL, c->root_path, NULL, prop | MS_REC, NULL) < 0) {
		int r = sl_error_set(e, errno, "set propagation of `%s`",
				     c->root_path);

		umount2(c->root_path, MNT_DETACH);
		return r;
	}
	return 0;
}

/**
 * sl_rootfs_unbind_host() - detach what sl_rootfs_bind_host() made, with
 * every mount made under it
 * @rootfs:	root.path
 */
void sl_rootfs_unbind_host(const char *rootfs)
{
	umount2(rootfs, MNT_DETACH);
}

/**
 * sl_rootfs_pivot() - make @rootfs the root directory
 * @rootfs:	absolute path, a mount point
 * @no_pivot:	move and chroot instead of pivot_root
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_rootfs_pivot(const char *rootfs, bool no_pivot, struct sl_error *e)
{
	if (chdir(rootfs) < 0)
		return sl_error_set(e, errno, "chdir `%s`", rootfs);
	if (no_pivot) {
		if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
			return sl_error_set(e, errno, "move rootfs to /");
		if (chroot(".") < 0)
			return sl_error_set(e, errno, "chroot");
		return chdir("/") < 0 ? sl_error_set(e, errno, "chdir /") : 0;
	}
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return sl_error_set(e, errno, "pivot_root `%s`", rootfs);
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return sl_error_set(e, errno, "make old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return sl_error_set(e, errno, "detach old root");
	if (chdir("/") < 0)
		return sl_error_set(e, errno, "chdir /");
	return 0;
}

/**
 * remount_ro() - bind @path on itself (unless @self) and make it read-only
 * @path:	path inside the container
 * @bind:	bind it first
 *
 * Return: 0 or -errno
 */
static int remount_ro(const char *path, bool bind)
{
	struct statvfs sv;
	unsigned long f = MS_REMOUNT | MS_BIND | MS_RDONLY;

	if (bind && mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	if (statvfs(path, &sv) == 0) {
		f |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
		f |= sv.f_flag & ST_NODEV ? MS_NODEV : 0;
		f |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
		f |= sv.f_flag & ST_NOATIME ? MS_NOATIME : 0;
		f |= sv.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	}
	if (mount(NULL, path, NULL, f, NULL) < 0)
		return -errno;
	return 0;
}

/**
 * mask_path() - hide @path: tmpfs over a directory, /dev/null over a file
 * @path:	path inside the container
 *
 * Return: 0 (also when @path does not exist) or -errno
 */
static int mask_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0k") < 0)
			return -errno;
		return 0;
	}
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return -errno;
	return 0;
}

/**
 * sl_rootfs_finish() - masked and read-only paths, read-only root
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_rootfs_finish(const struct sl_config *c, struct sl_error *e)
{
	int r;

	for (size_t i = 0; c->masked_paths && c->masked_paths[i]; i++) {
		r = mask_path(c->masked_paths[i]);
		if (r)
			return sl_error_set(e, r, "linux.maskedPaths: `%s`",
					    c->masked_paths[i]);
	}
	for (size_t i = 0; c->readonly_paths && c->readonly_paths[i]; i++) {
		r = remount_ro(c->readonly_paths[i], true);
		if (r && r != -ENOENT)
			return sl_error_set(e, r, "linux.readonlyPaths: `%s`",
					    c->readonly_paths[i]);
	}
	if (c->root_readonly) {
		r = remount_ro("/", false);
		if (r)
			return sl_error_set(e, r, "root.readonly");
	}
	if ((c->rootfs_propagation & (MS_SHARED | MS_UNBINDABLE)) &&
	    mount(NULL, "/", NULL, c->rootfs_propagation, NULL) < 0)
		return sl_error_set(e, errno, "linux.rootfsPropagation");
	return 0;
}
