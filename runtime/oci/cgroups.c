// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups.c - a container's cgroups: where they are, joining, freezing
 *
 * DOC: Theory of Operation
 * The cgroupfs driver, as runc's: the hierarchies are read from
 * /proc/self/mountinfo (one cgroup2 mount on a unified host; on a hybrid
 * host also one mount per v1 hierarchy, e.g. memory, cpu, name=systemd),
 * and the container gets a directory in each of them:
 *
 *  - linux.cgroupsPath absolute ("/kubepods/pod1/c1"): that path under
 *    the root of every hierarchy;
 *  - relative, or absent ("sublet-ID"): under the caller's own cgroup in
 *    each hierarchy (/proc/self/cgroup);
 *  - with --systemd-cgroup, "slice:prefix:name" names the scope unit
 *    "prefix-name.scope" in that slice (default: system.slice as root,
 *    user.slice rootless), which systemd makes and moves the init into
 *    (cgroups-systemd.c); the container's path in every hierarchy is
 *    then the scope's.  Refused where systemd is not running.
 *
 * The directories are made with their parents (a new v1 cpuset level
 * gets its parent's cpus and mems, without which no task may join), the
 * init is written to each cgroup.procs, the v2 controllers are enabled
 * down to the container's parent, and linux.resources is written
 * (cgroups-res.c).  As root every failure is an error and create fails;
 * rootless (not uid 0, or uid 0 of a user namespace other than the
 * initial one, as under rootless Podman), a hierarchy that is not writable (no delegated subtree) is
 * skipped and whatever could not be applied is one warning.
 *
 * The directories joined are the container's "cgroup" in its state,
 * one per line; pause uses the v1 freezer where it is mounted and
 * cgroup.freeze otherwise, ps reads cgroup.procs, exec's process joins
 * the same directories before it enters the container's namespaces
 * (its cgroup namespace included), delete stops the
 * scope (kept in the state as "systemdUnit") and removes the leaf
 * directories.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/cgroups.h"
#include "runtime/oci/config.h"
#include "runtime/oci/json.h"
#include "runtime/oci/state.h"

static bool use_systemd;

/**
 * sl_cgroup_use_systemd() - the global --systemd-cgroup
 * @on:		given
 */
void sl_cgroup_use_systemd(bool on)
{
	use_systemd = on;
}

/**
 * slice_valid() - check a slice name as systemd reads it ("a-b.slice" is
 * /a.slice/a-b.slice: no empty part between dashes)
 * @slice:	slice name
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int slice_valid(const char *slice, struct sl_error *e)
{
	size_t n = strlen(slice);

	if (n < 7 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return sl_error_set(e, EINVAL,
				    "cgroups: linux.cgroupsPath: `%s` is not "
				    "a slice name",
				    slice);
	if (!strcmp(slice, "-.slice"))
		return 0;
	for (size_t i = 0; i < n - 6; i++)
		if (slice[i] == '-' &&
		    (!i || slice[i - 1] == '-' || i == n - 7))
			return sl_error_set(e, EINVAL,
					    "cgroups: linux.cgroupsPath: bad "
					    "slice name `%s`",
					    slice);
	return 0;
}

/**
 * systemd_unit() - "slice:prefix:name" as a slice and a scope unit
 * @spec:	linux.cgroupsPath (or NULL: the default slice, "sublet-ID")
 * @id:		container id
 * @slice:	the slice, 256 bytes (written on success)
 * @unit:	the unit, 600 bytes (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int systemd_unit(const char *spec, const char *id, char *slice,
			char *unit, struct sl_error *e)
{
	char sl[256] = "", prefix[256] = "sublet", name[256] = "";
	size_t n;
	int r;

	if (spec &&
	    (sscanf(spec, "%255[^:]:%255[^:]:%255s", sl, prefix, name) != 3 &&
	     (prefix[0] = '\0',
	      sscanf(spec, "%255[^:]::%255s", sl, name) != 2)))
		return sl_error_say(e, EINVAL,
				    "cgroups: linux.cgroupsPath `%s`: expected "
				    "slice:prefix:name with --systemd-cgroup",
				    spec);
	if (access("/run/systemd/system", F_OK) < 0)
		return sl_error_say(e, ENOTSUP,
				    "cgroups: --systemd-cgroup: systemd is "
				    "not running on this host (no "
				    "/run/systemd/system); use the cgroupfs "
				    "driver");
	if (!sl[0])
		snprintf(sl, sizeof(sl), "%s",
			 sl_rootless() ? "user.slice" : "system.slice");
	if ((r = slice_valid(sl, e)))
		return r;
	if (!name[0])
		snprintf(name, sizeof(name), "%s", id);
	n = strlen(name);
	if (n > 6 && !strcmp(name + n - 6, ".slice"))
		return sl_error_say(e, ENOTSUP,
				    "cgroups: linux.cgroupsPath `%s`: a slice "
				    "as the container's unit is not supported",
				    spec);
	snprintf(slice, 256, "%s", sl);
	snprintf(unit, 600, "%s%s%s.scope", prefix, prefix[0] ? "-" : "", name);
	return 0;
}

/**
 * container_path() - the container's cgroup path
 * @c:		config
 * @id:		container id
 * @out:	buffer: absolute, or relative to the caller's cgroups
 * @len:	its size
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int container_path(const struct sl_config *c, const char *id, char *out,
			  size_t len, struct sl_error *e)
{
	const char *p = c->cgroups_path;

	if (!p || !p[0]) {
		snprintf(out, len, "sublet-%s", id);
		return 0;
	}
	if (!strcmp(p, "..") || !strncmp(p, "../", 3) || strstr(p, "/../") ||
	    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
		return sl_error_set(e, EINVAL,
				    "cgroups: linux.cgroupsPath `%s` has a "
				    "`..` component",
				    p);
	if (strlen(p) >= len)
		return sl_error_set(e, ENAMETOOLONG,
				    "cgroups: linux.cgroupsPath is too long");
	snprintf(out, len, "%s", p);
	return 0;
}

/**
 * cpuset_init() - give a new v1 cpuset directory its parent's cpus and
 * mems, without which no task may join it
 * @dir:	the new directory
 *
 * Return: 0 or -errno
 */
static int cpuset_init(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	_cleanup_free_ char *parent = strdup(dir);
	char v[1024], *slash = parent ? strrchr(parent, '/') : NULL;
	int r;

	if (!slash)
		return -ENOMEM;
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (cg_read(dir, files[i], v, sizeof(v)) == 0 && v[0])
			continue;
		if ((r = cg_read(parent, files[i], v, sizeof(v))) ||
		    (r = cg_write(dir, files[i], v)))
			return r;
	}
	return 0;
}

/**
 * make_dirs() - mkdir -p below a hierarchy's mount
 * @h:		hierarchy
 * @dir:	the directory
 *
 * Return: 0 or -errno
 */
static int make_dirs(const struct cg_hier *h, const char *dir)
{
	char p[PATH_MAX];
	size_t start = strlen(h->mnt);
	bool cpuset = !h->v2 && cg_has_token(h->ctrls, "cpuset");
	int r;

	snprintf(p, sizeof(p), "%s", dir);
	for (size_t i = start + 1;; i++) {
		char ch = p[i];

		if (ch != '/' && ch != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		if (cpuset && (r = cpuset_init(p)))
			return r;
		if (!ch)
			return 0;
		p[i] = '/';
	}
}

/**
 * enable_v2() - enable the available v2 controllers from the root down
 * to the container's parent (best effort: limits that need one that
 * could not be enabled fail when written)
 * @h:		the v2 hierarchy
 * @dir:	the container's directory
 */
static void enable_v2(const struct cg_hier *h, const char *dir)
{
	char p[PATH_MAX], avail[512], *save = NULL, *c;
	size_t start = strlen(h->mnt);

	snprintf(p, sizeof(p), "%s", dir);
	for (size_t i = start; p[i]; i++) {
		if (p[i] != '/' && i != start)
			continue;
		p[i] = '\0';
		if (cg_read(i == start ? h->mnt : p, "cgroup.controllers",
			    avail, sizeof(avail)) == 0)
			for (c = strtok_r(avail, " ", &save); c;
			     c = strtok_r(NULL, " ", &save)) {
				char plus[64];

				snprintf(plus, sizeof(plus), "+%s", c);
				cg_write(i == start ? h->mnt : p,
					 "cgroup.subtree_control", plus);
			}
		p[i] = '/';
		if (i == start && p[i] != '/')
			break;
	}
}

/**
 * join() - make the container's directory in every hierarchy and move
 * the init there
 * @s:		hierarchies; the directories joined are recorded in it
 * @path:	the container's path (absolute, or relative to own)
 * @pid:	the init
 * @strict:	root: any failure is an error
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int join(struct cg_set *s, const char *path, pid_t pid, bool strict,
		struct sl_error *e)
{
	char dir[PATH_MAX + 600], pidbuf[16];
	int r;

	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	for (size_t i = 0; i < s->n; i++) {
		const struct cg_hier *h = &s->h[i];

		snprintf(dir, sizeof(dir), "%s%s%s%s", h->mnt,
			 path[0] == '/' ? "" : h->own,
			 path[0] == '/' ? "" : "/", path);
		r = make_dirs(h, dir);
		if (!r && h->v2)
			enable_v2(h, dir);
		if (!r)
			r = cg_write(dir, "cgroup.procs", pidbuf);
		if (r && strict)
			return sl_error_set(e, r, "cgroups: join `%s`", dir);
		if (r)
			continue;
		s->dir[i] = strdup(dir);
		if (!s->dir[i])
			return sl_error_set(e, ENOMEM, "cgroups");
	}
	return 0;
}

/**
 * dirs_text() - the state's list of directories
 * @s:		set
 *
 * Return: malloc'ed text, NULL when none was joined
 */
static char *dirs_text(const struct cg_set *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	bool any = false;

	if (!f)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->dir[i]) {
			fprintf(f, "%s%s", any ? "\n" : "", s->dir[i]);
			any = true;
		}
	fclose(f);
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

/**
 * wants_resources() - whether linux.resources asks for anything a
 * rootless container would miss (device rules are not: it cannot make
 * device nodes anyway)
 * @res:	linux.resources (may be NULL)
 *
 * Return: true if some member other than devices is set
 */
static bool wants_resources(struct json_object *res)
{
	if (!res || !json_object_is_type(res, json_type_object))
		return false;
	json_object_object_foreach(res, k, v) {
		if (strcmp(k, "devices") && v &&
		    !(json_object_is_type(v, json_type_object) &&
		      json_object_object_length(v) == 0))
			return true;
	}
	return false;
}

/**
 * v1_controllers() - whether the memory and cpu controllers are on v1
 * hierarchies (a hybrid or legacy host), which decides systemd's names
 * for their properties
 * @s:		hierarchies
 *
 * Return: true on a v1 host
 */
static bool v1_controllers(const struct cg_set *s)
{
	return cg_v1_index(s, "memory") >= 0 || cg_v1_index(s, "cpu") >= 0;
}

/**
 * scope_path() - where systemd put the init: its cgroup in the
 * hierarchy systemd tracks units in (name=systemd where it is mounted,
 * else v2)
 * @pid:	the init
 * @unit:	its scope
 * @v1:		name=systemd is mounted
 * @out:	the path, absolute (written on success)
 * @len:	its size
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int scope_path(pid_t pid, const char *unit, bool v1, char *out,
		      size_t len, struct sl_error *e)
{
	_cleanup_fclose_ FILE *f = NULL;
	char p[64], line[PATH_MAX + 128], v2[PATH_MAX] = "", *path = NULL;
	size_t n, u = strlen(unit);

	snprintf(p, sizeof(p), "/proc/%d/cgroup", pid);
	if (!(f = fopen(p, "re")))
		return sl_error_set(e, errno, "cgroups: open `%s`", p);
	while (!path && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *q = c ? strchr(c + 1, ':') : NULL;

		if (!q)
			continue;
		q[strcspn(q, "\n")] = '\0';
		*q = '\0';
		if (v1 && cg_has_token(c + 1, "name=systemd"))
			path = q + 1;
		else if (!c[1])
			snprintf(v2, sizeof(v2), "%s", q + 1);
	}
	if (!path)
		path = v2;
	n = strlen(path);
	if (n <= u || path[n - u - 1] != '/' || strcmp(path + n - u, unit))
		return sl_error_set(e, ESRCH,
				    "cgroups: systemd did not put the init in "
				    "`%s` (it is in `%s`)",
				    unit, path);
	snprintf(out, len, "%s", path);
	return 0;
}

/**
 * scope_start() - start the container's scope through systemd
 * @s:		hierarchies
 * @id:		container id
 * @slice:	its slice
 * @name:	its unit
 * @pid:	the init
 * @res:	linux.resources (may be NULL)
 * @path:	the scope's cgroup path, PATH_MAX bytes (written on success)
 * @unit:	malloc'ed copy of @name once the unit runs, else NULL
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int scope_start(const struct cg_set *s, const char *id,
		       const char *slice, const char *name, pid_t pid,
		       struct json_object *res, char *path, char **unit,
		       struct sl_error *e)
{
	char desc[300];
	struct cg_scope sc = { .unit = name,
			       .slice = slice,
			       .desc = desc,
			       .pid = pid,
			       .user = sl_rootless(),
			       .v1 = v1_controllers(s) };
	int r;

	snprintf(desc, sizeof(desc), "sublet container %s", id);
	if ((r = cg_sd_start(&sc, res, e)))
		return r;
	if (!(*unit = strdup(name)))
		return sl_error_set(e, ENOMEM, "cgroups");
	/* the hierarchy systemd tracks units in is name=systemd where it is
	 * mounted here; the kernel lists it in /proc/PID/cgroup wherever it
	 * exists, also where only cgroup2 is mounted (a unified systemd's
	 * mount namespace on a hybrid host) */
	return scope_path(pid, name, cg_v1_index(s, "name=systemd") >= 0, path,
			  PATH_MAX, e);
}

/**
 * sl_cgroup_enter() - put the init in its cgroups and apply resources
 * @id:		container id
 * @c:		config (linux.cgroupsPath, linux.resources)
 * @pid:	the container's init
 * @dirs:	malloc'ed list of directories joined, NULL when none
 * @unit:	malloc'ed name of the systemd scope started, NULL when none
 * @warning:	rootless: what could not be applied, else left empty
 * @wlen:	its size
 * @e:		error
 *
 * With --systemd-cgroup systemd makes the scope and moves the init into
 * it first; the directories are then those of the scope's path, in every
 * hierarchy, and linux.resources is written there as without systemd.
 * On failure @dirs and @unit still name what was made, for
 * sl_cgroup_remove().
 *
 * Return: 0 or -errno (as root; rootless, failures are the warning)
 */
int sl_cgroup_enter(const char *id, const struct sl_config *c, pid_t pid,
		    char **dirs, char **unit, char *warning, size_t wlen,
		    struct sl_error *e)
{
	struct json_object *res =
		sl_json_peek(sl_json_peek(c->root, "linux", json_type_object),
			     "resources", json_type_object);
	const char *cp =
		c->cgroups_path && c->cgroups_path[0] ? c->cgroups_path : NULL;
	bool strict = !sl_rootless();
	struct cg_set s;
	struct cg_apply a = { .set = &s,
			      .strict = strict,
			      .warn = warning,
			      .wlen = wlen,
			      .e = e };
	char path[PATH_MAX], slice[256], name[600];
	int r;

	*dirs = *unit = NULL;
	warning[0] = '\0';
	r = use_systemd ? systemd_unit(cp, id, slice, name, e)
			: container_path(c, id, path, sizeof(path), e);
	if (r)
		return r;
	if (cg_set_scan(&s) < 0)
		return strict ? sl_error_set(e, ENOENT,
					     "cgroups: no cgroup hierarchy is "
					     "mounted")
			      : 0;
	if (use_systemd)
		r = scope_start(&s, id, slice, name, pid, res, path, unit, e);
	if (!r)
		r = join(&s, path, pid, strict, e);
	*dirs = dirs_text(&s);
	if (!r && !*dirs && wants_resources(res))
		snprintf(warning, wlen,
			 "cgroups: no writable cgroup for the container "
			 "(no delegated subtree), linux.resources not "
			 "applied");
	else if (!r && *dirs && res)
		r = cg_apply_resources(&a, res);
	if (!r && *dirs && res && strict)
		r = cg_apply_devices(&a, res, c);
	cg_set_free(&s);
	return r;
}

/**
 * sl_cgroup_remove() - stop a container's scope, remove its leaf
 * directories
 * @dirs:	the state's list (may be NULL)
 * @unit:	its systemd scope (may be NULL)
 *
 * A directory whose last tasks are still exiting is retried for a while.
 *
 * Return: 0 or the first -errno
 */
int sl_cgroup_remove(const char *dirs, const char *unit)
{
	struct cg_set s;
	int ret = 0;

	if (unit)
		ret = cg_sd_stop(unit, sl_rootless());
	if (cg_set_load(&s, dirs) < 0)
		return ret;
	for (size_t i = 0; i < s.n; i++) {
		for (int t = 0; s.dir[i] && t < 200; t++) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (rmdir(s.dir[i]) == 0 || errno == ENOENT)
				break;
			if (errno != EBUSY) {
				ret = ret ? ret : -errno;
				break;
			}
			nanosleep(&ts, NULL);
		}
	}
	cg_set_free(&s);
	return ret;
}

/**
 * freeze_v1() - write the v1 freezer's state and wait for it
 * @dir:	freezer directory
 * @freeze:	FROZEN, else THAWED
 *
 * Return: 0 or -errno
 */
static int freeze_v1(const char *dir, bool freeze)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	char v[32];
	int r;

	for (int t = 0; t < 1000; t++) {
		struct timespec ts = { 0, 1000 * 1000 };

		if ((r = cg_write(dir, "freezer.state", want)) ||
		    (r = cg_read(dir, "freezer.state", v, sizeof(v))))
			return r;
		if (!strcmp(v, want))
			return 0;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/**
 * sl_cgroup_freeze() - freeze or thaw a container: the v1 freezer where
 * it is mounted, else cgroup v2's cgroup.freeze
 * @dirs:	the state's list (NULL: none)
 * @freeze:	freeze (else thaw)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_cgroup_freeze(const char *dirs, bool freeze, struct sl_error *e)
{
	struct cg_set s;
	const char *d;
	bool v2 = false;
	int r;

	if (cg_set_load(&s, dirs) < 0)
		return sl_error_set(e, ENOTSUP,
				    "%s needs the container in a writable "
				    "cgroup (a delegated subtree)",
				    freeze ? "pause" : "resume");
	d = cg_dir(&s, "freezer", &v2);
	if (!d)
		d = cg_dir(&s, "cgroup", &v2);
	if (!d)
		r = sl_error_set(e, ENOTSUP, "%s: no freezer for the container",
				 freeze ? "pause" : "resume");
	else if (v2 && (r = cg_write(d, "cgroup.freeze", freeze ? "1" : "0")))
		r = sl_error_set(e, r, "write `%s/cgroup.freeze`", d);
	else if (!v2 && (r = freeze_v1(d, freeze)))
		r = sl_error_set(e, r, "write `%s/freezer.state`", d);
	cg_set_free(&s);
	return r;
}

/**
 * sl_cgroup_pids() - the pids in a container's cgroup
 * @dirs:	the state's list
 * @pids:	malloc'ed array (written on success)
 * @n:		its length
 *
 * Return: 0 or -errno
 */
int sl_cgroup_pids(const char *dirs, pid_t **pids, size_t *n)
{
	char p[PATH_MAX + 32];
	_cleanup_fclose_ FILE *f = NULL;
	pid_t *v = NULL;
	size_t k = 0;
	int pid;

	if (!dirs)
		return -ENOENT;
	snprintf(p, sizeof(p), "%.*s/cgroup.procs", (int)strcspn(dirs, "\n"),
		 dirs);
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &pid) == 1) {
		pid_t *nv = realloc(v, (k + 1) * sizeof(*v));

		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		v[k++] = pid;
	}
	*pids = v;
	*n = k;
	return 0;
}

/**
 * sl_cgroup_join() - move the calling process into a container's cgroups,
 * for exec (the process then counts against the container's limits, is
 * frozen with it and listed by ps, as under runc)
 * @dirs:	the state's list (NULL: the container has none)
 * @e:		error
 *
 * As root a cgroup that cannot be joined is an error, but for EBUSY: a
 * v2 cgroup whose subtree the container manages itself takes no process,
 * which then stays where it is.  Rootless a cgroup that is not writable
 * is skipped, as at create.
 *
 * Return: 0 or -errno
 */
int sl_cgroup_join(const char *dirs, struct sl_error *e)
{
	_cleanup_free_ char *copy = dirs ? strdup(dirs) : NULL;
	bool strict = !sl_rootless();
	char *save = NULL, *d;
	int r;

	if (dirs && !copy)
		return sl_error_set(e, ENOMEM, "cgroups");
	for (d = copy ? strtok_r(copy, "\n", &save) : NULL; d;
	     d = strtok_r(NULL, "\n", &save)) {
		r = cg_write(d, "cgroup.procs", "0");
		if (r && strict && r != -EBUSY)
			return sl_error_set(e, r, "cgroups: join `%s`", d);
	}
	return 0;
}

/**
 * sl_cgroup_update() - write new resources to a running container's
 * cgroups (all checked first, then written; any failure is an error)
 * @dirs:	the state's list
 * @unit:	its systemd scope (may be NULL), given the limits too
 * @res:	resources, as linux.resources
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_cgroup_update(const char *dirs, const char *unit,
		     struct json_object *res, struct sl_error *e)
{
	struct cg_set s;
	struct cg_apply a = {
		.set = &s, .strict = true, .dry = true, .update = true, .e = e
	};
	int r;

	if (cg_set_load(&s, dirs) < 0)
		return sl_error_set(e, ENOTSUP,
				    "the container has no cgroup of its own");
	r = cg_apply_resources(&a, res);
	a.dry = false;
	if (!r && unit)
		r = cg_sd_set(unit, sl_rootless(), res, v1_controllers(&s), e);
	if (!r)
		r = cg_apply_resources(&a, res);
	cg_set_free(&s);
	return r;
}

/**
 * sl_cgroup_stats() - a container's statistics, as runc's events --stats
 * @dirs:	the state's list
 * @out:	new json-c object, runc's "data" (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_cgroup_stats(const char *dirs, struct json_object **out,
		    struct sl_error *e)
{
	struct cg_set s;

	if (cg_set_load(&s, dirs) < 0)
		return sl_error_set(e, ENOTSUP,
				    "the container has no cgroup of its own");
	*out = cg_stats(&s);
	cg_set_free(&s);
	return 0;
}
