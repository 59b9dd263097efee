// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layers.c - the layer directories and what their entries mean
 *
 * DOC: Theory of Operation
 * Each layer is opened once at start-up (relative paths are resolved
 * against the cwd the program was started in, as Podman relies on) and
 * kept as an O_PATH directory fd; everything after that uses *at() calls
 * on a path relative to it.  Calls that have no *at() form (the xattr
 * calls) go through "/proc/self/fd/FD/PATH", which resolves from the
 * layer fd without following a final symlink (l*xattr).
 *
 * An entry in a layer can say "deleted": a character device 0/0 with the
 * entry's name, or a file ".wh.NAME" beside it (the OCI/AUFS form).  A
 * directory can say "nothing below me": an opaque mark, one of the xattrs
 * trusted.overlay.opaque, user.overlay.opaque or user.fuseoverlayfs.opaque
 * set to "y", or a file ".wh..wh..opq" inside it.  Both forms of both are
 * understood in every layer, so stores written by the kernel's overlay,
 * by fuse-overlayfs or by image unpackers all read the same.
 *
 * The work directory must be on the upper layer's filesystem (copy-up
 * renames from it).  A probe at mount time decides whether whiteouts are
 * written as char 0/0 devices (the kernel lets a user namespace create
 * that one device since Linux 5.8) or as .wh.NAME files.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "overlayfs-fuse/ovl.h"

/**
 * path_join() - "DIR/NAME", or "NAME" when @dir is "."
 * @buf:	PATH_MAX bytes
 * @dir:	directory path relative to a layer
 * @name:	entry name
 *
 * Return: 0 or -ENAMETOOLONG
 */
int path_join(char *buf, const char *dir, const char *name)
{
	int n;

	if (!strcmp(dir, "."))
		n = snprintf(buf, PATH_MAX, "%s", name);
	else
		n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/**
 * layer_xpath() - a path for the xattr calls to reach @path in @layer
 * @fs:		filesystem
 * @layer:	layer index
 * @path:	path relative to the layer
 * @buf:	PATH_MAX + 32 bytes
 */
void layer_xpath(struct ovl_fs *fs, int layer, const char *path, char *buf)
{
	snprintf(buf, PATH_MAX + 32, "/proc/self/fd/%d/%s",
		 fs->layers[layer].fd, path);
}

/**
 * is_whiteout_stat() - is this entry a char 0/0 whiteout?
 * @st:		attributes of the entry
 *
 * Return: true if it is
 */
bool is_whiteout_stat(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

/**
 * layer_stat() - lstat @path in @layer
 * @fs:		filesystem
 * @layer:	layer index
 * @path:	relative path
 * @st:		result
 *
 * Return: 0 or -errno
 */
int layer_stat(struct ovl_fs *fs, int layer, const char *path, struct stat *st)
{
	if (fstatat(fs->layers[layer].fd, path, st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

/**
 * layer_whiteout() - does @layer hold a ".wh.NAME" file in @dir?
 * @fs:		filesystem
 * @layer:	layer index
 * @dir:	directory path
 * @name:	entry name
 *
 * Return: true if it does
 */
bool layer_whiteout(struct ovl_fs *fs, int layer, const char *dir,
		    const char *name)
{
	char wh[NAME_MAX + WH_PREFIX_LEN + 1], p[PATH_MAX];
	struct stat st;

	if (strlen(name) > NAME_MAX - WH_PREFIX_LEN)
		return false;
	snprintf(wh, sizeof(wh), WH_PREFIX "%s", name);
	if (path_join(p, dir, wh))
		return false;
	return layer_stat(fs, layer, p, &st) == 0;
}

/**
 * xattr_is_y() - does @xp carry xattr @name with the value "y"?
 * @xp:		path for the xattr calls
 * @name:	xattr name
 *
 * Return: true if it does
 */
static bool xattr_is_y(const char *xp, const char *name)
{
	char v[4];
	ssize_t n = lgetxattr(xp, name, v, sizeof(v));

	return n == 1 && v[0] == 'y';
}

/**
 * layer_opaque() - is directory @dir opaque in @layer?
 * @fs:		filesystem
 * @layer:	layer index
 * @dir:	directory path
 *
 * Return: true if it is
 */
bool layer_opaque(struct ovl_fs *fs, int layer, const char *dir)
{
	char xp[PATH_MAX + 32], list[1024], p[PATH_MAX];
	struct stat st;
	ssize_t n;

	layer_xpath(fs, layer, dir, xp);
	n = llistxattr(xp, list, sizeof(list));
	if (n < 0 && errno == ERANGE)
		n = 1; /* too many to list: ask for each */
	if (n > 0 && (xattr_is_y(xp, XATTR_OPAQUE_FOVL) ||
		      xattr_is_y(xp, XATTR_OPAQUE_USER) ||
		      xattr_is_y(xp, XATTR_OPAQUE_TRUSTED)))
		return true;
	if (path_join(p, dir, WH_OPAQUE))
		return false;
	return layer_stat(fs, layer, p, &st) == 0;
}

/**
 * xattr_hidden() - is @name an overlay-internal xattr?
 * @name:	xattr name
 *
 * Return: true if it must not be shown or changed through the mount
 */
bool xattr_hidden(const char *name)
{
	static const char *const prefixes[] = {
		"trusted.overlay.",	   "user.overlay.",
		"user.fuseoverlayfs.",	   "security.fuseoverlayfs.",
		XATTR_OVERRIDE_CONTAINERS,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/**
 * layer_open_one() - open one layer root
 * @l:		layer to fill
 * @path:	directory
 * @what:	"lowerdir" or "upperdir", for messages
 * @errbuf:	message on failure
 * @errlen:	size of @errbuf
 *
 * Return: 0 or -errno
 */
static int layer_open_one(struct ovl_layer *l, const char *path,
			  const char *what, char *errbuf, size_t errlen)
{
	struct stat st;

	l->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (l->fd < 0 || fstat(l->fd, &st) < 0) {
		int e = errno;

		snprintf(errbuf, errlen, "%s %s: %s", what, path, strerror(e));
		return -e;
	}
	l->path = (char *)path;
	l->dev = st.st_dev;
	return 0;
}

/**
 * layer_set_override() - choose the override_stat xattr a layer honours
 * @fs:		filesystem
 * @i:		layer index
 * @xattr_permissions:	the xattr_permissions option
 *
 * As fuse-overlayfs decides it: a layer whose root carries one of the
 * override xattrs (security.fuseoverlayfs., user.containers.,
 * user.fuseoverlayfs., in that order) honours that one; otherwise
 * xattr_permissions=1 selects the security.* and 2 the user.* xattr.
 */
static void layer_set_override(struct ovl_fs *fs, int i, int xattr_permissions)
{
	static const char *const names[] = {
		XATTR_OVERRIDE_PRIV,
		XATTR_OVERRIDE_CONTAINERS,
		XATTR_OVERRIDE_FOVL,
	};
	char xp[PATH_MAX + 32];
	size_t k;

	layer_xpath(fs, i, ".", xp);
	for (k = 0; k < ARRAY_SIZE(names); k++) {
		if (lgetxattr(xp, names[k], NULL, 0) >= 0) {
			fs->layers[i].override = names[k];
			return;
		}
	}
	if (xattr_permissions == 1)
		fs->layers[i].override = XATTR_OVERRIDE_PRIV;
	else if (xattr_permissions == 2)
		fs->layers[i].override = XATTR_OVERRIDE_FOVL;
}

/**
 * probe_whiteout() - can whiteouts be char 0/0 devices here?
 *
 * FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT in the environment forces .wh.
 * files, as it does for fuse-overlayfs.
 * @fs:		filesystem, work_fd open
 */
static void probe_whiteout(struct ovl_fs *fs)
{
	char name[64];

	if (getenv("FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT")) {
		debug("whiteouts written as .wh. files (environment)");
		return;
	}
	if (work_tmpname(fs, name) < 0)
		return;
	if (mknodat(fs->work_fd, name, S_IFCHR | 0600, makedev(0, 0)) == 0) {
		fs->wh_chardev = true;
		unlinkat(fs->work_fd, name, 0);
	}
	debug("whiteouts written as %s",
	      fs->wh_chardev ? "char 0/0" : ".wh. files");
}

/**
 * open_upper() - open the upper and work directories
 * @fs:		filesystem
 * @cfg:	configuration
 * @errbuf:	message on failure
 * @errlen:	size of @errbuf
 *
 * Return: 0 or -errno
 */
static int open_upper(struct ovl_fs *fs, struct ovl_config *cfg, char *errbuf,
		      size_t errlen)
{
	struct stat st;
	int ret;

	if (!cfg->workdir) {
		snprintf(errbuf, errlen, "upperdir needs a workdir");
		return -EINVAL;
	}
	ret = layer_open_one(&fs->layers[0], cfg->upperdir, "upperdir", errbuf,
			     errlen);
	if (ret)
		return ret;
	fs->work_fd = open(cfg->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->work_fd < 0 || fstat(fs->work_fd, &st) < 0) {
		ret = -errno;
		snprintf(errbuf, errlen, "workdir %s: %s", cfg->workdir,
			 strerror(-ret));
		return ret;
	}
	if (st.st_dev != fs->layers[0].dev) {
		snprintf(
			errbuf, errlen,
			"workdir %s is not on the same filesystem as upperdir %s",
			cfg->workdir, cfg->upperdir);
		return -EXDEV;
	}
	if (faccessat(fs->work_fd, ".", W_OK, AT_EACCESS) < 0) {
		ret = -errno;
		snprintf(errbuf, errlen, "workdir %s: %s", cfg->workdir,
			 strerror(-ret));
		return ret;
	}
	fs->has_upper = true;
	work_clean(fs);
	return 0;
}

/**
 * layers_open() - open every layer named in @cfg
 * @fs:		filesystem to fill
 * @cfg:	configuration
 * @errbuf:	one-line message on failure
 * @errlen:	size of @errbuf
 *
 * Return: 0 or -errno
 */
int layers_open(struct ovl_fs *fs, struct ovl_config *cfg, char *errbuf,
		size_t errlen)
{
	int i, ret, base = 0;

	fs->cfg = cfg;
	fs->work_fd = -1;
	if (cfg->nlower == 0) {
		snprintf(errbuf, errlen, "no lowerdir given (-o lowerdir=DIR)");
		return -EINVAL;
	}
	if (cfg->workdir && !cfg->upperdir) {
		snprintf(errbuf, errlen, "workdir given without upperdir");
		return -EINVAL;
	}
	if (cfg->upperdir) {
		ret = open_upper(fs, cfg, errbuf, errlen);
		if (ret)
			return ret;
		base = 1;
	}
	for (i = 0; i < cfg->nlower; i++) {
		ret = layer_open_one(&fs->layers[base + i], cfg->lowerdirs[i],
				     "lowerdir", errbuf, errlen);
		if (ret)
			return ret;
	}
	fs->nlayers = base + cfg->nlower;
	for (i = 0; i < fs->nlayers; i++)
		layer_set_override(fs, i, cfg->xattr_permissions);
	if (fs->has_upper)
		probe_whiteout(fs);
	return 0;
}
