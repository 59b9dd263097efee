// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * export.c - a container's changes as an OCI layer (tar+zstd)
 *
 * DOC: Theory of Operation
 * The container's upper directory holds what it changed.  It is walked as
 * root of a user namespace with the store's mapping (image/subns.c), so owners
 * read as container ids and every file is readable, and written through
 * libarchive as a pax tar compressed with zstd, to a file the caller
 * opened.  Overlay metadata becomes the OCI layer form:
 *  - a whiteout (character device 0/0) becomes an empty `.wh.NAME`;
 *  - an opaque directory (user.overlay.opaque, trusted.overlay.opaque or
 *    user.fuseoverlayfs.opaque = y) gets an empty `.wh..wh..opq`;
 *  - `.wh.` files that sublet-overlayfs wrote pass through unchanged;
 *  - the overlay's own xattrs (user.overlay.*, trusted.overlay.*,
 *    user.fuseoverlayfs.*) are left out.
 * Hard links are stored as separate files.  /etc/hosts, /etc/hostname and
 * /etc/resolv.conf, which `sublet run` bind-mounts, are left out as
 * Podman leaves them out of its commits.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "lib/cleanup.h"
#include "runtime/image/store.h"
#include "runtime/run/run.h"

struct export
{
	const char *upper;
	int out;
	struct archive *a, *disk;
	struct sl_error *e;
};

static struct export *cur; /* nftw has no user pointer */

/**
 * overlay_xattr() - is @name one of the overlay's own xattrs?
 * @name:	xattr name
 *
 * Return: true if so
 */
static bool overlay_xattr(const char *name)
{
	return !strncmp(name, "user.overlay.", 13) ||
	       !strncmp(name, "trusted.overlay.", 16) ||
	       !strncmp(name, "user.fuseoverlayfs.", 19) ||
	       !strncmp(name, "user.containers.", 16);
}

/**
 * strip_xattrs() - drop the overlay's xattrs from @ent
 * @ent:	entry
 */
static void strip_xattrs(struct archive_entry *ent)
{
	const char *names[64];
	const void *vals[64];
	size_t sizes[64], n = 0;
	const char *name;
	const void *val;
	size_t size;

	archive_entry_xattr_reset(ent);
	while (n < 64 && archive_entry_xattr_next(ent, &name, &val, &size) ==
				 ARCHIVE_OK) {
		if (overlay_xattr(name))
			continue;
		names[n] = strdup(name);
		vals[n] = malloc(size ? size : 1);
		memcpy((void *)vals[n], val, size);
		sizes[n++] = size;
	}
	archive_entry_xattr_clear(ent);
	for (size_t i = 0; i < n; i++) {
		archive_entry_xattr_add_entry(ent, names[i], vals[i], sizes[i]);
		free((void *)names[i]);
		free((void *)vals[i]);
	}
}

/**
 * add_empty() - an empty regular file entry (whiteout or opaque marker)
 * @x:		export
 * @path:	name in the layer
 *
 * Return: 0 or -1
 */
static int add_empty(struct export *x, const char *path)
{
	struct archive_entry *ent = archive_entry_new();
	int r;

	archive_entry_set_pathname(ent, path);
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_perm(ent, 0);
	archive_entry_set_size(ent, 0);
	r = archive_write_header(x->a, ent);
	archive_entry_free(ent);
	return r < ARCHIVE_WARN ? -1 : 0;
}

/**
 * copy_file() - the data of a regular file
 * @x:		export
 * @path:	file
 *
 * Return: 0 or -1
 */
static int copy_file(struct export *x, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[1 << 16];
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(x->a, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

/**
 * is_opaque() - does directory @path hide the layers below?
 * @path:	directory
 *
 * Return: true if so
 */
static bool is_opaque(const char *path)
{
	static const char *const names[] = { "user.overlay.opaque",
					     "trusted.overlay.opaque",
					     "user.fuseoverlayfs.opaque" };
	char v[4];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (lgetxattr(path, names[i], v, sizeof(v)) == 1 && v[0] == 'y')
			return true;
	return false;
}

/**
 * one() - nftw callback: archive one entry of the upper directory
 * @path:	entry
 * @st:		its status
 * @flag:	kind
 * @ftw:	position
 *
 * Return: 0 to go on, -1 to stop
 */
static int one(const char *path, const struct stat *st, int flag,
	       struct FTW *ftw)
{
	struct export *x = cur;
	const char *rel = path + strlen(x->upper);
	struct archive_entry *ent;
	char name[PATH_MAX];
	int r;

	while (*rel == '/')
		rel++;
	if (!*rel || !strcmp(rel, "etc/hosts") ||
	    !strcmp(rel, "etc/hostname") || !strcmp(rel, "etc/resolv.conf"))
		return 0; /* sublet run's bind mount points */
	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0)) {
		const char *base = strrchr(rel, '/');

		snprintf(name, sizeof(name), "%.*s.wh.%s",
			 base ? (int)(base - rel + 1) : 0, rel,
			 base ? base + 1 : rel);
		return add_empty(x, name);
	}
	ent = archive_entry_new();
	archive_entry_copy_sourcepath(ent, path);
	archive_entry_set_pathname(ent, rel);
	r = archive_read_disk_entry_from_file(x->disk, ent, -1, st);
	if (r >= ARCHIVE_WARN) {
		strip_xattrs(ent);
		r = archive_write_header(x->a, ent);
	}
	if (r >= ARCHIVE_WARN && S_ISREG(st->st_mode) && st->st_size > 0)
		r = copy_file(x, path) ? ARCHIVE_FATAL : ARCHIVE_OK;
	archive_entry_free(ent);
	if (r < ARCHIVE_WARN) {
		sl_error_say(x->e, EIO, "export `%s`: %s", rel,
			     archive_error_string(x->a));
		return -1;
	}
	if (S_ISDIR(st->st_mode) && is_opaque(path)) {
		snprintf(name, sizeof(name), "%s/.wh..wh..opq", rel);
		return add_empty(x, name);
	}
	return 0;
}

/**
 * export_fn() - write the layer (as root of the user namespace)
 * @arg:	struct export
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int export_fn(void *arg, struct sl_error *e)
{
	struct export *x = arg;
	int r = 0;

	x->e = e;
	x->a = archive_write_new();
	x->disk = archive_read_disk_new();
	archive_read_disk_set_standard_lookup(x->disk);
	archive_write_set_format_pax_restricted(x->a);
	if (archive_write_add_filter_zstd(x->a) != ARCHIVE_OK ||
	    archive_write_open_fd(x->a, x->out) != ARCHIVE_OK)
		r = sl_error_say(e, EIO, "zstd layer: %s",
				 archive_error_string(x->a));
	cur = x;
	if (!r && nftw(x->upper, one, 32, FTW_PHYS) != 0 && !e->msg[0])
		r = sl_error_set(e, errno, "walk `%s`", x->upper);
	else if (e->msg[0])
		r = -EIO;
	if (archive_write_close(x->a) != ARCHIVE_OK && !r)
		r = sl_error_say(e, EIO, "%s", archive_error_string(x->a));
	archive_write_free(x->a);
	archive_read_free(x->disk);
	return r;
}

/**
 * sl_export() - write container @dir's changes to @out as tar+zstd
 * @dir:	the container's directory
 * @out:	open file
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_export(const char *dir, int out, struct sl_error *e)
{
	struct sl_idmaps m;
	char upper[PATH_MAX];
	struct export x = { .upper = upper, .out = out };
	int r;

	snprintf(upper, sizeof(upper), "%s/upper", dir);
	if (access(upper, F_OK) < 0)
		return sl_error_set(e, errno, "`%s`", upper);
	if ((r = sl_idmaps_get(&m, e)))
		return r;
	e->msg[0] = '\0';
	return sl_in_userns(&m, export_fn, &x, e);
}
