// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config-linux.c - config.json's linux object
 *
 * DOC: Theory of Operation
 * The linux object holds what is specific to Linux containers:
 * namespaces (each type at most once, with a path to join or none to
 * create), uid and gid mappings, devices, masked and read-only paths,
 * root propagation, sysctls, the cgroup v2 resources the runtime
 * applies, the cgroups path and the seccomp profile.  Everything but the
 * seccomp profile is copied into struct sl_config; the profile is kept
 * as a json-c object for seccomp.c.
 */
#include <errno.h>
#include <sched.h>
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
	int type;
} ns_names[] = {
	{ "pid", CLONE_NEWPID },       { "network", CLONE_NEWNET },
	{ "mount", CLONE_NEWNS },      { "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },       { "user", CLONE_NEWUSER },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", 0x80 /* CLONE_NEWTIME */ },
};

/**
 * parse_namespaces() - linux.namespaces
 * @l:		the linux object
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_namespaces(struct json_object *l, struct sl_config *c,
			    struct sl_error *e)
{
	struct json_object *a, *o;
	size_t n;
	int r;

	r = sl_json_array(l, "namespaces", "linux", &a, &n, e);
	if (r || !n)
		return r;
	c->namespaces = calloc(n, sizeof(*c->namespaces));
	if (!c->namespaces)
		return sl_error_set(e, ENOMEM, "linux.namespaces");
	for (size_t i = 0; i < n; i++) {
		struct sl_namespace *ns = &c->namespaces[i];
		_cleanup_free_ char *type = NULL;
		char w[64];
		size_t k;

		snprintf(w, sizeof(w), "linux.namespaces[%zu]", i);
		c->nnamespaces++;
		if ((r = sl_json_elem(a, i, "linux.namespaces", &o, e)) ||
		    (r = sl_json_strdup(o, "type", w, true, &type, e)) ||
		    (r = sl_json_strdup(o, "path", w, false, &ns->path, e)))
			return r;
		for (k = 0; k < ARRAY_SIZE(ns_names); k++)
			if (!strcmp(type, ns_names[k].name))
				break;
		if (k == ARRAY_SIZE(ns_names))
			return sl_error_set(e, 0,
					    "%s.type: unknown namespace `%s`",
					    w, type);
		ns->type = ns_names[k].type;
		for (size_t j = 0; j < i; j++)
			if (c->namespaces[j].type == ns->type)
				return sl_error_set(e, 0,
						    "%s.type: namespace `%s` "
						    "given twice",
						    w, type);
	}
	return 0;
}

/**
 * parse_idmaps() - linux.uidMappings or linux.gidMappings
 * @l:		the linux object
 * @key:	"uidMappings" or "gidMappings"
 * @out:	array to allocate
 * @nout:	its length
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_idmaps(struct json_object *l, const char *key,
			struct sl_idmap **out, size_t *nout, struct sl_error *e)
{
	struct json_object *a, *o;
	char where[64];
	size_t n;
	int r;

	snprintf(where, sizeof(where), "linux.%s", key);
	r = sl_json_array(l, key, "linux", &a, &n, e);
	if (r || !n)
		return r;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return sl_error_set(e, ENOMEM, "%s", where);
	for (size_t i = 0; i < n; i++) {
		struct sl_idmap *m = &(*out)[i];
		char w[80];

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if ((r = sl_json_elem(a, i, where, &o, e)) ||
		    (r = sl_json_u32(o, "containerID", w, true, &m->container,
				     NULL, e)) ||
		    (r = sl_json_u32(o, "hostID", w, true, &m->host, NULL,
				     e)) ||
		    (r = sl_json_u32(o, "size", w, true, &m->size, NULL, e)))
			return r;
		if (!m->size)
			return sl_error_set(e, 0, "%s.size: must not be 0", w);
		(*nout)++;
	}
	return 0;
}

/**
 * parse_devices() - linux.devices
 * @l:		the linux object
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_devices(struct json_object *l, struct sl_config *c,
			 struct sl_error *e)
{
	struct json_object *a, *o;
	size_t n;
	int r;

	r = sl_json_array(l, "devices", "linux", &a, &n, e);
	if (r || !n)
		return r;
	c->devices = calloc(n, sizeof(*c->devices));
	if (!c->devices)
		return sl_error_set(e, ENOMEM, "linux.devices");
	for (size_t i = 0; i < n; i++) {
		struct sl_device *d = &c->devices[i];
		_cleanup_free_ char *type = NULL;
		char w[64];

		snprintf(w, sizeof(w), "linux.devices[%zu]", i);
		c->ndevices++;
		if ((r = sl_json_elem(a, i, "linux.devices", &o, e)) ||
		    (r = sl_json_strdup(o, "path", w, true, &d->path, e)) ||
		    (r = sl_json_strdup(o, "type", w, true, &type, e)) ||
		    (r = sl_json_u32(o, "major", w, false, &d->major, NULL,
				     e)) ||
		    (r = sl_json_u32(o, "minor", w, false, &d->minor, NULL,
				     e)) ||
		    (r = sl_json_u32(o, "fileMode", w, false, &d->mode,
				     &d->has_mode, e)) ||
		    (r = sl_json_u32(o, "uid", w, false, &d->uid, &d->has_uid,
				     e)) ||
		    (r = sl_json_u32(o, "gid", w, false, &d->gid, &d->has_gid,
				     e)))
			return r;
		if (strlen(type) != 1 || !strchr("cbup", type[0]))
			return sl_error_set(e, 0, "%s.type: unknown type `%s`",
					    w, type);
		d->type = type[0];
	}
	return 0;
}

/**
 * parse_sysctl() - linux.sysctl
 * @l:		the linux object
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_sysctl(struct json_object *l, struct sl_config *c,
			struct sl_error *e)
{
	struct json_object *o;
	int r;

	r = sl_json_object(l, "sysctl", "linux", false, &o, e);
	if (r || !o)
		return r;
	c->sysctls =
		calloc(json_object_object_length(o) + 1, sizeof(*c->sysctls));
	if (!c->sysctls)
		return sl_error_set(e, ENOMEM, "linux.sysctl");
	json_object_object_foreach(o, k, v) {
		struct sl_sysctl *s = &c->sysctls[c->nsysctls];

		if (!json_object_is_type(v, json_type_string))
			return sl_error_set(
				e, 0, "linux.sysctl.%s: expected a string", k);
		s->key = strdup(k);
		s->value = strdup(json_object_get_string(v));
		c->nsysctls++;
		if (!s->key || !s->value)
			return sl_error_set(e, ENOMEM, "linux.sysctl");
	}
	return 0;
}

/**
 * parse_resources() - the parts of linux.resources applied on cgroup v2
 * @l:		the linux object
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_resources(struct json_object *l, struct sl_config *c,
			   struct sl_error *e)
{
	struct sl_resources *res = &c->resources;
	struct json_object *o, *m, *p, *cpu;
	int64_t shares;
	int r;

	r = sl_json_object(l, "resources", "linux", false, &o, e);
	if (r || !o)
		return r;
	if ((r = sl_json_object(o, "memory", "linux.resources", false, &m,
				e)) ||
	    (r = sl_json_int(m, "limit", "linux.resources.memory", false, -1,
			     INT64_MAX, &res->memory_limit,
			     &res->has_memory_limit, e)) ||
	    (r = sl_json_object(o, "pids", "linux.resources", false, &p, e)) ||
	    (r = sl_json_int(p, "limit", "linux.resources.pids", false, -1,
			     INT64_MAX, &res->pids_limit, &res->has_pids_limit,
			     e)) ||
	    (r = sl_json_object(o, "cpu", "linux.resources", false, &cpu, e)) ||
	    (r = sl_json_int(cpu, "shares", "linux.resources.cpu", false, 0,
			     INT64_MAX, &shares, &res->has_cpu_shares, e)))
		return r;
	res->cpu_shares = (uint64_t)shares;
	return 0;
}

/**
 * parse_propagation() - linux.rootfsPropagation
 * @l:		the linux object
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int parse_propagation(struct json_object *l, struct sl_config *c,
			     struct sl_error *e)
{
	_cleanup_free_ char *s = NULL;
	int r;

	c->rootfs_propagation = MS_SLAVE | MS_REC;
	r = sl_json_strdup(l, "rootfsPropagation", "linux", false, &s, e);
	if (r || !s)
		return r;
	if (sl_mount_propagation(s, &c->rootfs_propagation) == 0)
		return 0;
	return sl_error_set(e, 0, "linux.rootfsPropagation: unknown value `%s`",
			    s);
}

/**
 * sl_config_parse_linux() - the linux object
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_config_parse_linux(struct json_object *root, struct sl_config *c,
			  struct sl_error *e)
{
	struct json_object *l, *s;
	int r;

	r = sl_json_object(root, "linux", "", false, &l, e);
	if (r)
		return r;
	if ((r = parse_namespaces(l, c, e)) ||
	    (r = parse_idmaps(l, "uidMappings", &c->uid_maps, &c->nuid_maps,
			      e)) ||
	    (r = parse_idmaps(l, "gidMappings", &c->gid_maps, &c->ngid_maps,
			      e)) ||
	    (r = parse_devices(l, c, e)) ||
	    (r = sl_json_strv(l, "maskedPaths", "linux", false,
			      &c->masked_paths, e)) ||
	    (r = sl_json_strv(l, "readonlyPaths", "linux", false,
			      &c->readonly_paths, e)) ||
	    (r = parse_propagation(l, c, e)) || (r = parse_sysctl(l, c, e)) ||
	    (r = parse_resources(l, c, e)) ||
	    (r = sl_json_strdup(l, "cgroupsPath", "linux", false,
				&c->cgroups_path, e)) ||
	    (r = sl_json_strdup(l, "mountLabel", "linux", false,
				&c->mount_label, e)) ||
	    (r = sl_json_object(l, "seccomp", "linux", false, &s, e)))
		return r;
	c->seccomp = s;
	return 0;
}

/**
 * sl_config_mountns_need() - the first field that must be mounted
 * @c:	config
 *
 * Return: "mounts", "linux.maskedPaths"... or NULL when the container
 * needs no mount of its own
 */
const char *sl_config_mountns_need(const struct sl_config *c)
{
	if (c->nmounts)
		return "mounts";
	if (c->masked_paths && c->masked_paths[0])
		return "linux.maskedPaths";
	if (c->readonly_paths && c->readonly_paths[0])
		return "linux.readonlyPaths";
	if (c->ndevices)
		return "linux.devices";
	if (c->root_readonly)
		return "root.readonly";
	return NULL;
}

/**
 * sl_config_check_mountns() - refuse mounts that no namespace could hold
 * @c:	config
 * @e:	error naming the first such field
 *
 * Without a mount namespace the container shares the caller's mount
 * table: its mounts are made there, under root.path (bound on itself at
 * create, detached at delete: see sl_rootfs_bind_host()), as runc does.
 * A new user namespace has no say over the caller's mount namespace, so
 * with one such a config is refused rather than run without its mounts.
 *
 * Return: 0 or -EINVAL
 */
int sl_config_check_mountns(const struct sl_config *c, struct sl_error *e)
{
	const char *what = sl_config_mountns_need(c);

	bool mnt = false, user = false;

	/* not sl_config_has_ns(): config.c calls into this file */
	for (size_t i = 0; i < c->nnamespaces; i++) {
		mnt |= c->namespaces[i].type == CLONE_NEWNS;
		user |= c->namespaces[i].type == CLONE_NEWUSER;
	}
	if (mnt || !what || !user)
		return 0;
	return sl_error_set(e, 0,
			    "%s: needs a mount namespace (linux.namespaces "
			    "has no \"mount\")",
			    what);
}
