// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config-mounts.c - config.json's mounts and their options
 *
 * DOC: Theory of Operation
 * Each element of "mounts" becomes a struct sl_mount.  Its options are
 * split the way mount(8) splits them: names of MS_* flags set or clear
 * bits (a clearing option also records the bit in ->clear, for
 * remounts), propagation names set ->propagation, "bind" and "rbind"
 * make a bind mount, a few runtime-only hints are dropped and everything
 * else is passed to the filesystem as data.  Idmapped mounts (runtime
 * spec 1.1's uidMappings and gidMappings of a mount) are refused, not
 * made without their mapping.  The propagation table is
 * shared with linux.rootfsPropagation through sl_mount_propagation().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/config.h"
#include "runtime/oci/json.h"

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} mount_flags[] = {
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },
	{ "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },
	{ "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },
	{ "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },
	{ "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },
	{ "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },
	{ "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME },
	{ "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },
	{ "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME },
	{ "nostrictatime", true, MS_STRICTATIME },
};

static const struct {
	const char *name;
	unsigned long flag;
} mount_props[] = {
	{ "private", MS_PRIVATE },
	{ "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },
	{ "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },
	{ "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
};

/**
 * sl_mount_propagation() - a propagation name to its MS_* flags
 * @name:	"private", "rshared"...
 * @flag:	MS_PRIVATE, MS_SHARED | MS_REC... (written on success)
 *
 * Return: 0, or -EINVAL for a name that is not a propagation
 */
int sl_mount_propagation(const char *name, unsigned long *flag)
{
	for (size_t k = 0; k < ARRAY_SIZE(mount_props); k++)
		if (!strcmp(name, mount_props[k].name)) {
			*flag = mount_props[k].flag;
			return 0;
		}
	return -EINVAL;
}

/**
 * append_data() - add one option to a mount's data string
 * @m:		mount
 * @opt:	option
 *
 * Return: 0 or -ENOMEM
 */
static int append_data(struct sl_mount *m, const char *opt)
{
	size_t old = m->data ? strlen(m->data) : 0;
	char *d = realloc(m->data, old + strlen(opt) + 2);

	if (!d)
		return -ENOMEM;
	if (old)
		d[old++] = ',';
	strcpy(d + old, opt);
	m->data = d;
	return 0;
}

/**
 * sl_mount_options() - split mount options into flags and data
 * @opts:	options
 * @n:		their number
 * @m:		mount to fill (flags, propagation, bind, data)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_mount_options(const char *const *opts, size_t n, struct sl_mount *m,
		     struct sl_error *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *o = opts[i];
		size_t k;

		if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
			m->bind = true;
			m->flags |= MS_BIND | (o[0] == 'r' ? MS_REC : 0);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(mount_flags); k++)
			if (!strcmp(o, mount_flags[k].name))
				break;
		if (k < ARRAY_SIZE(mount_flags)) {
			if (mount_flags[k].clear) {
				m->flags &= ~mount_flags[k].flag;
				m->clear |= mount_flags[k].flag;
			} else {
				m->flags |= mount_flags[k].flag;
			}
			continue;
		}
		if (sl_mount_propagation(o, &m->propagation) == 0)
			continue;
		if (!strcmp(o, "tmpcopyup") || !strcmp(o, "notmpcopyup")) {
			m->tmpcopyup = o[0] == 't';
			continue;
		}
		/* runtime-only hints that carry no kernel meaning here */
		if (!strcmp(o, "copy-symlink") || !strncmp(o, "idmap", 5) ||
		    !strncmp(o, "ridmap", 6))
			continue;
		if (append_data(m, o) < 0)
			return sl_error_set(e, ENOMEM, "mount options");
	}
	return 0;
}

/**
 * sl_config_parse_mounts() - the mounts array
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_config_parse_mounts(struct json_object *root, struct sl_config *c,
			   struct sl_error *e)
{
	struct json_object *a, *o;
	size_t n;
	int r;

	r = sl_json_array(root, "mounts", "", &a, &n, e);
	if (r || !n)
		return r;
	c->mounts = calloc(n, sizeof(*c->mounts));
	if (!c->mounts)
		return sl_error_set(e, ENOMEM, "mounts");
	for (size_t i = 0; i < n; i++) {
		struct sl_mount *m = &c->mounts[i];
		char **opts = NULL;
		char w[64];
		size_t k;

		snprintf(w, sizeof(w), "mounts[%zu]", i);
		c->nmounts++;
		if ((r = sl_json_elem(a, i, "mounts", &o, e)) ||
		    (r = sl_json_strdup(o, "destination", w, true,
					&m->destination, e)) ||
		    (r = sl_json_strdup(o, "type", w, false, &m->type, e)) ||
		    (r = sl_json_strdup(o, "source", w, false, &m->source, e)))
			return r;
		if (m->destination[0] != '/')
			return sl_error_set(e, 0,
					    "%s.destination: `%s` is not an "
					    "absolute path",
					    w, m->destination);
		if (json_object_object_get_ex(o, "uidMappings", NULL) ||
		    json_object_object_get_ex(o, "gidMappings", NULL))
			return sl_error_set(e, 0,
					    "%s: idmapped mounts are not "
					    "supported",
					    w);
		if ((r = sl_json_strv(o, "options", w, false, &opts, e)))
			return r;
		for (k = 0; opts && opts[k]; k++)
			;
		r = sl_mount_options((const char *const *)opts, k, m, e);
		sl_json_strv_free(opts);
		if (r)
			return sl_error_prefix(e, "%s.options", w);
		if (m->type && !strcmp(m->type, "bind")) {
			m->bind = true;
			m->flags |= MS_BIND;
		}
		if (!m->bind && !m->type)
			return sl_error_set(e, 0,
					    "%s.type: missing required "
					    "field",
					    w);
		if (m->bind && !m->source)
			return sl_error_set(e, 0,
					    "%s.source: missing required "
					    "field",
					    w);
	}
	return 0;
}
