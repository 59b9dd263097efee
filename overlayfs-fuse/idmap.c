// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idmap.c - owners as the mount shows them: mappings, squash, override
 *
 * DOC: Theory of Operation
 * A file's owner on disk (the "host" id) is shown through three steps:
 *  1. override_stat: on a layer that honours an override xattr
 *     ("uid:gid:mode[:type]", mode in octal), the xattr replaces the
 *     owner, the permission bits and, when a type is given, the file type
 *     and device number.  This is how a store written without privilege
 *     keeps the owners and modes a container image asked for.
 *  2. uidmapping/gidmapping (HOST:CONTAINER:LEN, fuse-overlayfs's order):
 *     a host id inside a HOST..HOST+LEN-1 range is shown as
 *     CONTAINER+(id-HOST); a host id outside every range is shown as the
 *     overflow id 65534, as the kernel does for unmapped ids.
 *  3. squash_to_uid/gid (or squash_to_root) replaces the owner outright.
 * Going the other way, an owner asked for by chown or by a creating
 * process is translated back to a host id; an id outside every range is
 * stored as the overflow id, as fuse-overlayfs does (never as the
 * daemon's own id, which would hand an unmapped caller a file owned by
 * whoever the daemon's id is shown as).  Without mappings both
 * directions are identity.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "lib/parse.h"
#include "overlayfs-fuse/ovl.h"

#define OVERFLOW_ID 65534

/**
 * idmap_to_cont() - host id to the id the mount shows
 * @map:	ranges
 * @n:		number of ranges (0: identity)
 * @id:		host id
 *
 * Return: the mapped id, or the overflow id when unmapped
 */
uint32_t idmap_to_cont(const struct ovl_idmap *map, int n, uint32_t id)
{
	int i;

	if (n == 0)
		return id;
	for (i = 0; i < n; i++)
		if (id >= map[i].host && id - map[i].host < map[i].len)
			return map[i].cont + (id - map[i].host);
	return OVERFLOW_ID;
}

/**
 * idmap_to_host() - id the mount shows to the host id
 * @map:	ranges
 * @n:		number of ranges (0: identity)
 * @id:		container id
 *
 * Return: the host id, or the overflow id when @id is outside every range
 */
uint32_t idmap_to_host(const struct ovl_idmap *map, int n, uint32_t id)
{
	int i;

	if (n == 0)
		return id;
	for (i = 0; i < n; i++)
		if (id >= map[i].cont && id - map[i].cont < map[i].len)
			return map[i].host + (id - map[i].cont);
	return OVERFLOW_ID;
}

/**
 * parse_override_type() - apply the optional type field of override_stat
 * @st:		attributes to change
 * @t:		"file", "dir", "symlink", "pipe", "socket", "block-M-m",
 *		"char-M-m"
 */
static void parse_override_type(struct stat *st, const char *t)
{
	unsigned int ma, mi;
	mode_t type = 0;

	if (!strcmp(t, "file"))
		type = S_IFREG;
	else if (!strcmp(t, "dir"))
		type = S_IFDIR;
	else if (!strcmp(t, "symlink"))
		type = S_IFLNK;
	else if (!strcmp(t, "pipe"))
		type = S_IFIFO;
	else if (!strcmp(t, "socket"))
		type = S_IFSOCK;
	else if (sscanf(t, "block-%u-%u", &ma, &mi) == 2)
		type = S_IFBLK;
	else if (sscanf(t, "char-%u-%u", &ma, &mi) == 2)
		type = S_IFCHR;
	if (!type)
		return;
	st->st_mode = (st->st_mode & ~S_IFMT) | type;
	if (S_ISBLK(type) || S_ISCHR(type))
		st->st_rdev = makedev(ma, mi);
}

/**
 * apply_override() - apply a layer's override_stat xattr to @st
 * @fs:		filesystem
 * @st:		attributes
 * @layer:	layer index
 * @fd:		open fd of the file, or -1 to use @path
 * @path:	path in the layer (used when @fd < 0)
 */
static void apply_override(struct ovl_fs *fs, struct stat *st, int layer,
			   int fd, const char *path)
{
	const char *name = fs->layers[layer].override;
	char buf[128], xp[PATH_MAX + 32];
	unsigned int uid, gid, mode;
	ssize_t len;
	int pos = 0;

	if (!name || (fd < 0 && !path))
		return;
	if (fd >= 0) {
		len = fgetxattr(fd, name, buf, sizeof(buf) - 1);
	} else {
		layer_xpath(fs, layer, path, xp);
		len = lgetxattr(xp, name, buf, sizeof(buf) - 1);
	}
	if (len <= 0)
		return;
	buf[len] = '\0';
	if (sscanf(buf, "%u:%u:%o%n", &uid, &gid, &mode, &pos) != 3)
		return;
	st->st_uid = uid;
	st->st_gid = gid;
	st->st_mode = (st->st_mode & S_IFMT) | (mode & 07777);
	if (buf[pos] == ':')
		parse_override_type(st, buf + pos + 1);
}

/**
 * attr_host() - attributes of @path in @layer as stored, override applied
 * @fs:		filesystem
 * @layer:	layer index
 * @path:	path in the layer
 * @st:		result (host ids)
 *
 * Return: 0 or -errno
 */
int attr_host(struct ovl_fs *fs, int layer, const char *path, struct stat *st)
{
	int ret = layer_stat(fs, layer, path, st);

	if (!ret)
		apply_override(fs, st, layer, -1, path);
	return ret;
}

/**
 * override_write() - store owner and mode in the upper override xattr
 * @fs:		filesystem
 * @dirfd:	directory fd (upper layer or work directory)
 * @path:	entry relative to @dirfd
 * @uid:	host uid
 * @gid:	host gid
 * @mode:	type and permission bits
 *
 * Return: 0 or -errno (a symlink, which cannot carry user.* xattrs, is
 * left alone)
 */
int override_write(struct ovl_fs *fs, int dirfd, const char *path, uid_t uid,
		   gid_t gid, mode_t mode)
{
	char xp[PATH_MAX + 32], v[64];
	int n;

	if (S_ISLNK(mode))
		return 0;
	snprintf(xp, sizeof(xp), "/proc/self/fd/%d/%s", dirfd, path);
	n = snprintf(v, sizeof(v), "%u:%u:%o", uid, gid, mode);
	if (lsetxattr(xp, fs->layers[0].override, v, n, 0) < 0)
		return -errno;
	return 0;
}

/**
 * attr_present() - turn on-disk attributes into what the mount shows
 * @fs:		filesystem
 * @st:		attributes from the layer, changed in place
 * @layer:	layer index the attributes come from
 * @fd:		open fd of the file, or -1
 * @path:	path in the layer (used when @fd < 0)
 */
void attr_present(struct ovl_fs *fs, struct stat *st, int layer, int fd,
		  const char *path)
{
	const struct ovl_config *c = fs->cfg;

	apply_override(fs, st, layer, fd, path);
	st->st_uid = idmap_to_cont(c->uidmap, c->nuidmap, st->st_uid);
	st->st_gid = idmap_to_cont(c->gidmap, c->ngidmap, st->st_gid);
	if (c->squash_uid >= 0)
		st->st_uid = (uid_t)c->squash_uid;
	if (c->squash_gid >= 0)
		st->st_gid = (gid_t)c->squash_gid;
}

/**
 * owner_to_host() - translate an owner the mount shows to host ids
 * @fs:		filesystem
 * @uid:	uid, or (uid_t)-1 to keep
 * @gid:	gid, or (gid_t)-1 to keep
 * @huid:	host uid ((uid_t)-1 kept; the overflow id where unmapped)
 * @hgid:	host gid ((gid_t)-1 kept; the overflow id where unmapped)
 */
void owner_to_host(struct ovl_fs *fs, uid_t uid, gid_t gid, uid_t *huid,
		   gid_t *hgid)
{
	const struct ovl_config *c = fs->cfg;

	*huid = uid == (uid_t)-1 ? uid
				 : idmap_to_host(c->uidmap, c->nuidmap, uid);
	*hgid = gid == (gid_t)-1 ? gid
				 : idmap_to_host(c->gidmap, c->ngidmap, gid);
}
