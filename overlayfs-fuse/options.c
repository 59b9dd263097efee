// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * options.c - the fuse-overlayfs style "-o" option list
 *
 * DOC: Theory of Operation
 * Engines call the program as fuse-overlayfs 1.x: every setting comes in
 * one or more "-o a=b,c,..." lists.  An item is split at commas (a comma
 * inside a value is written "\,"), empty items are skipped (Podman sends
 * "workdir=W,,volatile"), the overlay's own options are parsed strictly,
 * mount options libfuse knows are collected for it, and anything else is
 * warned about and ignored, as fuse-overlayfs does.  A lowerdir list is
 * split at ':' with "\:" for a colon inside a path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "overlayfs-fuse/ovl.h"

/* mount options passed to libfuse untouched */
static const char *const fuse_passthrough[] = {
	"allow_other",	"allow_root",  "default_permissions",
	"auto_unmount", "ro",	       "rw",
	"suid",		"nosuid",      "dev",
	"nodev",	"exec",	       "noexec",
	"async",	"sync",	       "dirsync",
	"noatime",	"nodiratime",  "relatime",
	"norelatime",	"strictatime", "nostrictatime",
	"blkdev",	"fsname=",     "subtype=",
	"max_read=",	"blksize=",    "context=",
	"fscontext=",	"defcontext=", "rootcontext=",
};

/* fuse-overlayfs options accepted and ignored on purpose */
static const char *const accepted_ignored[] = {
	"redirect_dir=", "plugins=", "fast_ino=", "lazytime",
	"nfs_export=",	 "index=",   "metacopy=", "xino=",
};

/**
 * config_init() - fill @cfg with defaults
 * @cfg:	configuration
 */
void config_init(struct ovl_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->squash_uid = -1;
	cfg->squash_gid = -1;
	cfg->timeout = 1000000.0;
	cfg->threaded = true;
	cfg->fsync = true;
	cfg->writeback = true;
	cfg->passthrough = true;
}

/**
 * free_dirs() - free a NULL-terminated array of paths
 * @dirs:	array or NULL
 */
static void free_dirs(char **dirs)
{
	char **p;

	for (p = dirs; p && *p; p++)
		free(*p);
	free(dirs);
}

/**
 * config_free() - release what @cfg holds
 * @cfg:	configuration
 */
void config_free(struct ovl_config *cfg)
{
	free_dirs(cfg->lowerdirs);
	free(cfg->upperdir);
	free(cfg->workdir);
	free(cfg->fuse_opts);
	config_init(cfg);
}

/**
 * opt_match() - does @item match the table entry @pat?
 * @item:	option item
 * @pat:	"name" (exact) or "name=" (prefix)
 *
 * Return: true on a match
 */
static bool opt_match(const char *item, const char *pat)
{
	size_t n = strlen(pat);

	if (pat[n - 1] == '=')
		return strncmp(item, pat, n) == 0;
	return strcmp(item, pat) == 0;
}

/**
 * in_table() - is @item matched by any of @tab?
 * @item:	option item
 * @tab:	patterns
 * @n:		number of patterns
 *
 * Return: true if it is
 */
static bool in_table(const char *item, const char *const *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opt_match(item, tab[i]))
			return true;
	return false;
}

/**
 * config_split_lowerdir() - split "A:B:C" with "\:" escapes
 * @s:		lowerdir value
 * @dirs:	new NULL-terminated array, written only on success
 * @n:		number of paths, written only on success
 *
 * Return: 0, -EINVAL for an empty path or list, -E2BIG for too many
 */
int config_split_lowerdir(const char *s, char ***dirs, int *n)
{
	char **v = calloc(OVL_MAX_LAYERS + 1, sizeof(*v));
	_cleanup_free_ char *cur = malloc(strlen(s) + 1);
	size_t len = 0;
	int count = 0, ret = -EINVAL;

	if (!v || !cur) {
		free(v);
		return -ENOMEM;
	}
	for (;; s++) {
		if (*s == '\\' && (s[1] == ':' || s[1] == '\\')) {
			cur[len++] = *++s;
			continue;
		}
		if (*s && *s != ':') {
			cur[len++] = *s;
			continue;
		}
		if (len == 0)
			goto out_free;
		if (count == OVL_MAX_LAYERS) {
			ret = -E2BIG;
			goto out_free;
		}
		v[count] = strndup(cur, len);
		if (!v[count++]) {
			ret = -ENOMEM;
			goto out_free;
		}
		len = 0;
		if (!*s)
			break;
	}
	*dirs = v;
	*n = count;
	return 0;
out_free:
	while (count > 0)
		free(v[--count]);
	free(v);
	return ret;
}

/**
 * config_parse_idmap() - parse "H:C:L[:H:C:L...]"
 * @s:		mapping value
 * @map:	OVL_MAX_IDMAP ranges, written only on success
 * @n:		number of ranges, written only on success
 *
 * The syntax and order are fuse-overlayfs's, as containers/storage writes
 * it: each range is the id stored in the layers (H), the id the mount
 * shows for it (C) and the length (containers/storage's container id,
 * stored in the image, then its id in the namespace that mounts); the
 * numbers are separated by colons, and empty fields (a leading colon,
 * ":0:1000:1:1:100000:65536", a trailing or a doubled one) are passed
 * over.  A range of length 0 maps nothing and is dropped; an empty value
 * is no mapping at all (ids are shown as they are).  Numbers must be
 * decimal, the count a multiple of three, and a range may not run past
 * 2^32 (fuse-overlayfs lets it wrap).
 *
 * Return: 0, -EINVAL when malformed, -ERANGE on overflow, -E2BIG for more
 * than OVL_MAX_IDMAP ranges
 */
int config_parse_idmap(const char *s, struct ovl_idmap *map, int *n)
{
	struct ovl_idmap tmp[OVL_MAX_IDMAP];
	uint32_t v[3];
	int count = 0, k = 0, ret;

	for (const char *p = s; *p; p += *p == ':') {
		size_t len = strcspn(p, ":");

		if (!len)
			continue;
		ret = parse_u32_n(p, len, &v[k]);
		if (ret)
			return ret;
		p += len;
		if (++k < 3)
			continue;
		k = 0;
		if (v[0] > UINT32_MAX - v[2] || v[1] > UINT32_MAX - v[2])
			return -ERANGE;
		if (!v[2])
			continue;
		if (count == OVL_MAX_IDMAP)
			return -E2BIG;
		tmp[count++] = (struct ovl_idmap){ .host = v[0],
						   .cont = v[1],
						   .len = v[2] };
	}
	if (k != 0)
		return -EINVAL;
	memcpy(map, tmp, sizeof(*map) * count);
	*n = count;
	return 0;
}

/**
 * add_fuse_opt() - append @item to the options for libfuse
 * @cfg:	configuration
 * @item:	option
 *
 * Return: 0 or -ENOMEM
 */
static int add_fuse_opt(struct ovl_config *cfg, const char *item)
{
	char *n;

	if (cfg->fuse_opts) {
		if (asprintf(&n, "%s,%s", cfg->fuse_opts, item) < 0)
			return -ENOMEM;
	} else {
		n = strdup(item);
		if (!n)
			return -ENOMEM;
	}
	free(cfg->fuse_opts);
	cfg->fuse_opts = n;
	return 0;
}

/**
 * set_str() - replace a string setting with a copy of @val
 * @dst:	setting
 * @val:	new value
 *
 * Return: 0 or -ENOMEM
 */
static int set_str(char **dst, const char *val)
{
	char *n = strdup(val);

	if (!n)
		return -ENOMEM;
	free(*dst);
	*dst = n;
	return 0;
}

/**
 * parse_flag() - parse a 0/1 value of @key
 * @val:	value
 * @out:	result, written only on success
 *
 * Return: 0 or -EINVAL
 */
static int parse_flag(const char *val, bool *out)
{
	unsigned int v;

	if (parse_uint_range(val, 0, 1, &v) || v > 1)
		return -EINVAL;
	*out = v;
	return 0;
}

/**
 * parse_value_opt() - handle one "key=value" overlay option
 * @cfg:	configuration
 * @key:	option name
 * @val:	option value
 *
 * Return: 0, 1 if @key is not an overlay option, or -errno
 */
static int parse_value_opt(struct ovl_config *cfg, const char *key,
			   const char *val)
{
	uint32_t u;
	unsigned int x;
	char *end;

	if (!strcmp(key, "lowerdir")) {
		char **dirs;
		int n, ret = config_split_lowerdir(val, &dirs, &n);

		if (ret)
			return ret;
		free_dirs(cfg->lowerdirs);
		cfg->lowerdirs = dirs;
		cfg->nlower = n;
		return 0;
	}
	if (!strcmp(key, "upperdir"))
		return set_str(&cfg->upperdir, val);
	if (!strcmp(key, "workdir"))
		return set_str(&cfg->workdir, val);
	if (!strcmp(key, "uidmapping"))
		return config_parse_idmap(val, cfg->uidmap, &cfg->nuidmap);
	if (!strcmp(key, "gidmapping"))
		return config_parse_idmap(val, cfg->gidmap, &cfg->ngidmap);
	if (!strcmp(key, "squash_to_uid") || !strcmp(key, "squash_to_gid")) {
		if (parse_u32(val, &u))
			return -EINVAL;
		*(key[10] == 'u' ? &cfg->squash_uid : &cfg->squash_gid) = u;
		return 0;
	}
	if (!strcmp(key, "xattr_permissions")) {
		/* range checked here too: parse_uint_range() lets a
		 * single digit above a one-digit maximum through */
		if (parse_uint_range(val, 0, 2, &x) || x > 2)
			return -EINVAL;
		cfg->xattr_permissions = x;
		return 0;
	}
	if (!strcmp(key, "timeout")) {
		double d = strtod(val, &end);

		if (end == val || *end || d < 0 || d != d)
			return -EINVAL;
		cfg->timeout = d;
		cfg->timeout_set = true;
		return 0;
	}
	if (!strcmp(key, "threaded"))
		return parse_flag(val, &cfg->threaded);
	if (!strcmp(key, "fsync"))
		return parse_flag(val, &cfg->fsync);
	if (!strcmp(key, "writeback"))
		return parse_flag(val, &cfg->writeback);
	if (!strcmp(key, "passthrough"))
		return parse_flag(val, &cfg->passthrough);
	return 1;
}

/**
 * parse_item() - handle one option item
 * @cfg:	configuration
 * @item:	"key" or "key=value"
 * @errbuf:	message on failure
 * @errlen:	size of @errbuf
 *
 * Return: 0 or -errno with @errbuf set
 */
static int parse_item(struct ovl_config *cfg, char *item, char *errbuf,
		      size_t errlen)
{
	char *eq = strchr(item, '=');
	int ret;

	if (!strcmp(item, "squash_to_root")) {
		cfg->squash_uid = cfg->squash_gid = 0;
		return 0;
	}
	if (!strcmp(item, "static_nlink"))
		return cfg->static_nlink = true, 0;
	if (!strcmp(item, "noacl"))
		return cfg->noacl = true, 0;
	if (!strcmp(item, "volatile"))
		return cfg->volatile_ = true, 0;
	if (!strcmp(item, "debug"))
		return cfg->debug = true, 0;
	if (eq) {
		*eq = '\0';
		ret = parse_value_opt(cfg, item, eq + 1);
		*eq = '=';
		if (ret < 0) {
			snprintf(
				errbuf, errlen, "bad value in option '%s'%s",
				item,
				strncmp(item, "uidmapping", 10) &&
						strncmp(item, "gidmapping", 10)
					? ""
					: ": want CONTAINER:HOST:LENGTH[:...]");
			return ret;
		}
		if (ret == 0)
			return 0;
	}
	if (in_table(item, fuse_passthrough, ARRAY_SIZE(fuse_passthrough)))
		return add_fuse_opt(cfg, item);
	if (!in_table(item, accepted_ignored, ARRAY_SIZE(accepted_ignored)))
		warn("unknown option '%s' ignored", item);
	return 0;
}

/**
 * config_parse_opts() - parse one "-o" list into @cfg
 * @cfg:	configuration
 * @opts:	comma separated items ("\," is a literal comma)
 * @errbuf:	one-line message on failure
 * @errlen:	size of @errbuf
 *
 * Return: 0 or -errno with @errbuf set
 */
int config_parse_opts(struct ovl_config *cfg, const char *opts, char *errbuf,
		      size_t errlen)
{
	_cleanup_free_ char *item = malloc(strlen(opts) + 1);
	size_t len = 0;
	int ret;

	if (!item)
		return -ENOMEM;
	for (;; opts++) {
		if (*opts == '\\' && opts[1] == ',') {
			item[len++] = *++opts;
			continue;
		}
		if (*opts && *opts != ',') {
			item[len++] = *opts;
			continue;
		}
		item[len] = '\0';
		if (len) {
			ret = parse_item(cfg, item, errbuf, errlen);
			if (ret)
				return ret;
		}
		len = 0;
		if (!*opts)
			return 0;
	}
}
