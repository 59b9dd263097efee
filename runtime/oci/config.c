// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - parse an OCI bundle's config.json with json-c
 *
 * DOC: Theory of Operation
 * The whole document is parsed once, and every field the runtime uses is
 * copied into struct sl_config, so the code that sets a container up
 * never looks at JSON.  Every field is type-checked: a field of the wrong
 * type or a missing required field fails the whole parse with a message
 * naming the field by its dotted path ("process.args: expected array of
 * strings").  Unknown fields are ignored, as the spec asks.
 *
 * The seccomp section and the annotations are kept as json-c objects:
 * seccomp.c reads them when it builds the filter (still before anything
 * is created, so its errors also leave nothing behind).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sys/capability.h>

#include "lib/cleanup.h"
#include "runtime/oci/config.h"

/**
 * field() - look up @key in @o, checking its type
 * @o:		parent object (may be NULL: the field is then absent)
 * @key:	member name
 * @t:		expected type
 * @tname:	the type as a message says it ("a string")
 * @path:	dotted path of @o, for messages ("" for the top)
 * @required:	whether absence is an error
 * @out:	the member, NULL when absent or on error
 * @e:		error
 *
 * Return: 0, or -EINVAL with the field named in @e
 */
static int field(struct json_object *o, const char *key, json_type t,
		 const char *tname, const char *path, bool required,
		 struct json_object **out, struct sl_error *e)
{
	struct json_object *v = NULL;
	const char *dot = *path ? "." : "";

	*out = NULL; /* absent, also for callers that go on after an error */
	if (o && !json_object_object_get_ex(o, key, &v))
		v = NULL;
	if (v && json_object_get_type(v) == json_type_null)
		v = NULL;
	if (!v && required)
		return sl_error_set(e, 0, "%s%s%s: missing required field",
				    path, dot, key);
	if (v && json_object_get_type(v) != t &&
	    !(t == json_type_double && json_object_is_type(v, json_type_int)))
		return sl_error_set(e, 0, "%s%s%s: expected %s", path, dot, key,
				    tname);
	*out = v;
	return 0;
}

/**
 * get_str() - copy a string member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	strdup'ed value, left alone when absent
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int get_str(struct json_object *o, const char *key, const char *path,
		   bool required, char **out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = field(o, key, json_type_string, "a string", path, required, &v, e);
	if (r || !v)
		return r;
	*out = strdup(json_object_get_string(v));
	if (!*out)
		return sl_error_set(e, ENOMEM, "%s.%s", path, key);
	return 0;
}

/**
 * get_bool() - read a boolean member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @out:	value, left alone when absent
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int get_bool(struct json_object *o, const char *key, const char *path,
		    bool *out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = field(o, key, json_type_boolean, "a boolean", path, false, &v, e);
	if (!r && v)
		*out = json_object_get_boolean(v);
	return r;
}

/**
 * get_int() - read an integer member within [@min, @max]
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @min:	smallest allowed value
 * @max:	largest allowed value
 * @out:	value, left alone when absent
 * @present:	set to true when present (may be NULL)
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int get_int(struct json_object *o, const char *key, const char *path,
		   bool required, int64_t min, int64_t max, int64_t *out,
		   bool *present, struct sl_error *e)
{
	struct json_object *v;
	int64_t x;
	int r;

	r = field(o, key, json_type_int, "an integer", path, required, &v, e);
	if (r || !v)
		return r;
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return sl_error_set(e, 0, "%s%s%s: %lld is out of range", path,
				    *path ? "." : "", key, (long long)x);
	*out = x;
	if (present)
		*present = true;
	return 0;
}

/**
 * get_u64() - read a non-negative integer member up to UINT64_MAX
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @out:	value
 * @e:		error
 *
 * Return: 0 or -EINVAL (the member is required)
 */
static int get_u64(struct json_object *o, const char *key, const char *path,
		   uint64_t *out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = field(o, key, json_type_int, "an integer", path, true, &v, e);
	if (r)
		return r;
	if (json_object_get_int64(v) < 0)
		return sl_error_set(e, 0, "%s.%s: must not be negative", path,
				    key);
	*out = json_object_get_uint64(v);
	return 0;
}

/**
 * get_u32() - read a uint32 member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	value, left alone when absent
 * @present:	set to true when present (may be NULL)
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int get_u32(struct json_object *o, const char *key, const char *path,
		   bool required, uint32_t *out, bool *present,
		   struct sl_error *e)
{
	int64_t x;
	bool has = false;
	int r;

	r = get_int(o, key, path, required, 0, UINT32_MAX, &x, &has, e);
	if (!r && has) {
		*out = (uint32_t)x;
		if (present)
			*present = true;
	}
	return r;
}

/**
 * strv_free() - free a NULL-terminated string array
 * @v:	array (may be NULL)
 */
static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/**
 * get_strv() - copy an array of strings member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	NULL-terminated array, left alone when absent
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int get_strv(struct json_object *o, const char *key, const char *path,
		    bool required, char ***out, struct sl_error *e)
{
	struct json_object *v;
	size_t n;
	char **a;
	int r;

	r = field(o, key, json_type_array, "array of strings", path, required,
		  &v, e);
	if (r || !v)
		return r;
	n = json_object_array_length(v);
	a = calloc(n + 1, sizeof(*a));
	if (!a)
		return sl_error_set(e, ENOMEM, "%s.%s", path, key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(v, i);

		if (!json_object_is_type(s, json_type_string)) {
			strv_free(a);
			return sl_error_set(e, 0,
					    "%s%s%s: expected array of strings",
					    path, *path ? "." : "", key);
		}
		a[i] = strdup(json_object_get_string(s));
		if (!a[i]) {
			strv_free(a);
			return sl_error_set(e, ENOMEM, "%s.%s", path, key);
		}
	}
	*out = a;
	return 0;
}

/**
 * get_array() - look up an array member, returning its length
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @out:	the array, NULL when absent
 * @n:		its length, 0 when absent
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int get_array(struct json_object *o, const char *key, const char *path,
		     struct json_object **out, size_t *n, struct sl_error *e)
{
	int r = field(o, key, json_type_array, "an array", path, false, out, e);

	if (!r)
		*n = *out ? json_object_array_length(*out) : 0;
	return r;
}

/**
 * elem() - element @i of @a, which must be an object
 * @a:		array
 * @i:		index
 * @path:	dotted path of @a, for messages
 * @out:	the element
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int elem(struct json_object *a, size_t i, const char *path,
		struct json_object **out, struct sl_error *e)
{
	struct json_object *v = json_object_array_get_idx(a, i);

	*out = NULL;
	if (!json_object_is_type(v, json_type_object))
		return sl_error_set(e, 0, "%s[%zu]: expected an object", path,
				    i);
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

/**
 * parse_rlimits() - process.rlimits
 * @o:		process object
 * @path:	its dotted path
 * @p:		process to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_rlimits(struct json_object *o, const char *path,
			 struct sl_process *p, struct sl_error *e)
{
	struct json_object *a, *r;
	char where[128];
	size_t n;
	int ret;

	snprintf(where, sizeof(where), "%s.rlimits", path);
	ret = get_array(o, "rlimits", path, &a, &n, e);
	if (ret || !n)
		return ret;
	p->rlimits = calloc(n, sizeof(*p->rlimits));
	if (!p->rlimits)
		return sl_error_set(e, ENOMEM, "%s", where);
	for (size_t i = 0; i < n; i++) {
		struct sl_rlimit *l = &p->rlimits[i];
		_cleanup_free_ char *type = NULL;
		char w[160];
		size_t k;

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if ((ret = elem(a, i, where, &r, e)) ||
		    (ret = get_str(r, "type", w, true, &type, e)) ||
		    (ret = get_u64(r, "soft", w, &l->soft, e)) ||
		    (ret = get_u64(r, "hard", w, &l->hard, e)))
			return ret;
		for (k = 0; k < ARRAY_SIZE(rlimit_names); k++)
			if (!strcmp(type, rlimit_names[k].name))
				break;
		if (k == ARRAY_SIZE(rlimit_names))
			return sl_error_set(
				e, 0, "%s.type: unknown rlimit `%s`", w, type);
		l->resource = rlimit_names[k].resource;
		p->nrlimits++;
	}
	return 0;
}

/**
 * parse_caps() - process.capabilities
 * @o:		process object
 * @path:	its dotted path
 * @caps:	sets to fill
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int parse_caps(struct json_object *o, const char *path,
		      struct sl_caps *caps, struct sl_error *e)
{
	static const char *const names[SL_CAP_NSETS] = {
		"bounding", "effective", "inheritable", "permitted", "ambient"
	};
	struct json_object *c;
	char where[128];
	int r;

	r = field(o, "capabilities", json_type_object, "an object", path, false,
		  &c, e);
	if (r || !c)
		return r;
	snprintf(where, sizeof(where), "%s.capabilities", path);
	caps->present = true;
	for (int s = 0; s < SL_CAP_NSETS; s++) {
		char **v = NULL;

		r = get_strv(c, names[s], where, false, &v, e);
		if (r)
			return r;
		for (size_t i = 0; v && v[i]; i++) {
			cap_value_t cap;

			if (cap_from_name(v[i], &cap) < 0) {
				r = sl_error_set(
					e, 0, "%s.%s: unknown capability `%s`",
					where, names[s], v[i]);
				strv_free(v);
				return r;
			}
			if (cap < 64 && CAP_IS_SUPPORTED(cap))
				caps->set[s] |= 1ULL << cap;
		}
		strv_free(v);
	}
	return 0;
}

/**
 * parse_user() - process.user
 * @o:		process object
 * @path:	its dotted path
 * @p:		process to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_user(struct json_object *o, const char *path,
		      struct sl_process *p, struct sl_error *e)
{
	struct json_object *u, *g;
	char where[128];
	size_t n;
	int r;

	snprintf(where, sizeof(where), "%s.user", path);
	r = field(o, "user", json_type_object, "an object", path, false, &u, e);
	if (r || !u)
		return r;
	if ((r = get_u32(u, "uid", where, false, &p->uid, NULL, e)) ||
	    (r = get_u32(u, "gid", where, false, &p->gid, NULL, e)) ||
	    (r = get_u32(u, "umask", where, false, &p->umask, &p->has_umask,
			 e)) ||
	    (r = get_array(u, "additionalGids", where, &g, &n, e)))
		return r;
	if (!n)
		return 0;
	p->gids = calloc(n, sizeof(*p->gids));
	if (!p->gids)
		return sl_error_set(e, ENOMEM, "%s", where);
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(g, i);
		int64_t v;

		if (!json_object_is_type(x, json_type_int) ||
		    (v = json_object_get_int64(x)) < 0 || v > UINT32_MAX)
			return sl_error_set(e, 0,
					    "%s.additionalGids: expected array "
					    "of gids",
					    where);
		p->gids[p->ngids++] = (uint32_t)v;
	}
	return 0;
}

/**
 * sl_process_parse() - parse a process object (config's or exec's)
 * @o:		the object
 * @where:	its dotted path for messages ("process")
 * @p:		zeroed process to fill; free with sl_process_free()
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_process_parse(struct json_object *o, const char *where,
		     struct sl_process *p, struct sl_error *e)
{
	struct json_object *cs;
	char w[128];
	int64_t oom;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return sl_error_set(e, 0, "%s: expected an object", where);
	snprintf(w, sizeof(w), "%s.consoleSize", where);
	if ((r = get_bool(o, "terminal", where, &p->terminal, e)) ||
	    (r = field(o, "consoleSize", json_type_object, "an object", where,
		       false, &cs, e)) ||
	    (r = get_u32(cs, "height", w, false, &p->console_height, NULL,
			 e)) ||
	    (r = get_u32(cs, "width", w, false, &p->console_width, NULL, e)) ||
	    (r = parse_user(o, where, p, e)) ||
	    (r = get_strv(o, "args", where, true, &p->args, e)) ||
	    (r = get_strv(o, "env", where, false, &p->env, e)) ||
	    (r = get_str(o, "cwd", where, true, &p->cwd, e)) ||
	    (r = parse_caps(o, where, &p->caps, e)) ||
	    (r = parse_rlimits(o, where, p, e)) ||
	    (r = get_bool(o, "noNewPrivileges", where, &p->no_new_privileges,
			  e)) ||
	    (r = get_int(o, "oomScoreAdj", where, false, -1000, 1000, &oom,
			 &p->has_oom_score_adj, e)) ||
	    (r = get_str(o, "apparmorProfile", where, false, &p->apparmor,
			 e)) ||
	    (r = get_str(o, "selinuxLabel", where, false, &p->selinux, e)))
		return r;
	if (!p->args[0])
		return sl_error_set(e, 0, "%s.args: must not be empty", where);
	if (p->cwd[0] != '/')
		return sl_error_set(e, 0,
				    "%s.cwd: `%s` is not an absolute path",
				    where, p->cwd);
	if (p->has_oom_score_adj)
		p->oom_score_adj = (int)oom;
	return 0;
}

/**
 * sl_process_free() - free what sl_process_parse() allocated
 * @p:	process (the struct itself is not freed)
 */
void sl_process_free(struct sl_process *p)
{
	free(p->gids);
	strv_free(p->args);
	strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor);
	free(p->selinux);
	memset(p, 0, sizeof(*p));
}

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
		for (k = 0; k < ARRAY_SIZE(mount_props); k++)
			if (!strcmp(o, mount_props[k].name))
				break;
		if (k < ARRAY_SIZE(mount_props)) {
			m->propagation = mount_props[k].flag;
			continue;
		}
		/* runtime-only hints that carry no kernel meaning here */
		if (!strcmp(o, "tmpcopyup") || !strcmp(o, "copy-symlink") ||
		    !strcmp(o, "notmpcopyup") || !strncmp(o, "idmap", 5) ||
		    !strncmp(o, "ridmap", 6))
			continue;
		if (append_data(m, o) < 0)
			return sl_error_set(e, ENOMEM, "mount options");
	}
	return 0;
}

/**
 * parse_mounts() - the mounts array
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_mounts(struct json_object *root, struct sl_config *c,
			struct sl_error *e)
{
	struct json_object *a, *o;
	size_t n;
	int r;

	r = get_array(root, "mounts", "", &a, &n, e);
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
		if ((r = elem(a, i, "mounts", &o, e)) ||
		    (r = get_str(o, "destination", w, true, &m->destination,
				 e)) ||
		    (r = get_str(o, "type", w, false, &m->type, e)) ||
		    (r = get_str(o, "source", w, false, &m->source, e)))
			return r;
		if (m->destination[0] != '/')
			return sl_error_set(e, 0,
					    "%s.destination: `%s` is not an "
					    "absolute path",
					    w, m->destination);
		if ((r = get_strv(o, "options", w, false, &opts, e)))
			return r;
		for (k = 0; opts && opts[k]; k++)
			;
		r = sl_mount_options((const char *const *)opts, k, m, e);
		strv_free(opts);
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

	r = get_array(l, "namespaces", "linux", &a, &n, e);
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
		if ((r = elem(a, i, "linux.namespaces", &o, e)) ||
		    (r = get_str(o, "type", w, true, &type, e)) ||
		    (r = get_str(o, "path", w, false, &ns->path, e)))
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
	r = get_array(l, key, "linux", &a, &n, e);
	if (r || !n)
		return r;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return sl_error_set(e, ENOMEM, "%s", where);
	for (size_t i = 0; i < n; i++) {
		struct sl_idmap *m = &(*out)[i];
		char w[80];

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if ((r = elem(a, i, where, &o, e)) ||
		    (r = get_u32(o, "containerID", w, true, &m->container, NULL,
				 e)) ||
		    (r = get_u32(o, "hostID", w, true, &m->host, NULL, e)) ||
		    (r = get_u32(o, "size", w, true, &m->size, NULL, e)))
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

	r = get_array(l, "devices", "linux", &a, &n, e);
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
		if ((r = elem(a, i, "linux.devices", &o, e)) ||
		    (r = get_str(o, "path", w, true, &d->path, e)) ||
		    (r = get_str(o, "type", w, true, &type, e)) ||
		    (r = get_u32(o, "major", w, false, &d->major, NULL, e)) ||
		    (r = get_u32(o, "minor", w, false, &d->minor, NULL, e)) ||
		    (r = get_u32(o, "fileMode", w, false, &d->mode,
				 &d->has_mode, e)) ||
		    (r = get_u32(o, "uid", w, false, &d->uid, &d->has_uid,
				 e)) ||
		    (r = get_u32(o, "gid", w, false, &d->gid, &d->has_gid, e)))
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

	r = field(l, "sysctl", json_type_object, "an object", "linux", false,
		  &o, e);
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

	r = field(l, "resources", json_type_object, "an object", "linux", false,
		  &o, e);
	if (r || !o)
		return r;
	if ((r = field(o, "memory", json_type_object, "an object",
		       "linux.resources", false, &m, e)) ||
	    (r = get_int(m, "limit", "linux.resources.memory", false, -1,
			 INT64_MAX, &res->memory_limit, &res->has_memory_limit,
			 e)) ||
	    (r = field(o, "pids", json_type_object, "an object",
		       "linux.resources", false, &p, e)) ||
	    (r = get_int(p, "limit", "linux.resources.pids", false, -1,
			 INT64_MAX, &res->pids_limit, &res->has_pids_limit,
			 e)) ||
	    (r = field(o, "cpu", json_type_object, "an object",
		       "linux.resources", false, &cpu, e)) ||
	    (r = get_int(cpu, "shares", "linux.resources.cpu", false, 0,
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
	r = get_str(l, "rootfsPropagation", "linux", false, &s, e);
	if (r || !s)
		return r;
	for (size_t k = 0; k < ARRAY_SIZE(mount_props); k++)
		if (!strcmp(s, mount_props[k].name)) {
			c->rootfs_propagation = mount_props[k].flag;
			return 0;
		}
	return sl_error_set(e, 0, "linux.rootfsPropagation: unknown value `%s`",
			    s);
}

/**
 * parse_linux() - the linux object
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_linux(struct json_object *root, struct sl_config *c,
		       struct sl_error *e)
{
	struct json_object *l, *s;
	int r;

	r = field(root, "linux", json_type_object, "an object", "", false, &l,
		  e);
	if (r)
		return r;
	if ((r = parse_namespaces(l, c, e)) ||
	    (r = parse_idmaps(l, "uidMappings", &c->uid_maps, &c->nuid_maps,
			      e)) ||
	    (r = parse_idmaps(l, "gidMappings", &c->gid_maps, &c->ngid_maps,
			      e)) ||
	    (r = parse_devices(l, c, e)) ||
	    (r = get_strv(l, "maskedPaths", "linux", false, &c->masked_paths,
			  e)) ||
	    (r = get_strv(l, "readonlyPaths", "linux", false,
			  &c->readonly_paths, e)) ||
	    (r = parse_propagation(l, c, e)) || (r = parse_sysctl(l, c, e)) ||
	    (r = parse_resources(l, c, e)) ||
	    (r = get_str(l, "cgroupsPath", "linux", false, &c->cgroups_path,
			 e)) ||
	    (r = get_str(l, "mountLabel", "linux", false, &c->mount_label,
			 e)) ||
	    (r = field(l, "seccomp", json_type_object, "an object", "linux",
		       false, &s, e)))
		return r;
	c->seccomp = s;
	return 0;
}

/**
 * parse_hooks() - the hooks object
 * @root:	the document
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_hooks(struct json_object *root, struct sl_config *c,
		       struct sl_error *e)
{
	static const char *const names[SL_HOOK_NKINDS] = {
		"prestart",	  "createRuntime", "createContainer",
		"startContainer", "poststart",	   "poststop",
	};
	struct json_object *h, *a, *o;
	int r;

	r = field(root, "hooks", json_type_object, "an object", "", false, &h,
		  e);
	if (r || !h)
		return r;
	for (int k = 0; k < SL_HOOK_NKINDS; k++) {
		char where[64];
		size_t n;

		snprintf(where, sizeof(where), "hooks.%s", names[k]);
		r = get_array(h, names[k], "hooks", &a, &n, e);
		if (r || !n)
			continue;
		c->hooks.hooks[k] = calloc(n, sizeof(struct sl_hook));
		if (!c->hooks.hooks[k])
			return sl_error_set(e, ENOMEM, "%s", where);
		for (size_t i = 0; i < n; i++) {
			struct sl_hook *hk = &c->hooks.hooks[k][i];
			int64_t t = 0;
			char w[80];

			snprintf(w, sizeof(w), "%s[%zu]", where, i);
			c->hooks.n[k]++;
			if ((r = elem(a, i, where, &o, e)) ||
			    (r = get_str(o, "path", w, true, &hk->path, e)) ||
			    (r = get_strv(o, "args", w, false, &hk->args, e)) ||
			    (r = get_strv(o, "env", w, false, &hk->env, e)) ||
			    (r = get_int(o, "timeout", w, false, 1, INT32_MAX,
					 &t, NULL, e)))
				return r;
			hk->timeout = (int)t;
		}
	}
	return r;
}

/**
 * parse_root() - root.path (made absolute against @bundle) and readonly
 * @doc:	the document
 * @bundle:	bundle directory
 * @c:		config to fill
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int parse_root(struct json_object *doc, const char *bundle,
		      struct sl_config *c, struct sl_error *e)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *root;
	int r;

	if ((r = field(doc, "root", json_type_object, "an object", "", true,
		       &root, e)) ||
	    (r = get_str(root, "path", "root", true, &path, e)) ||
	    (r = get_bool(root, "readonly", "root", &c->root_readonly, e)))
		return r;
	if (path[0] == '/')
		c->root_path = steal_ptr(&path);
	else if (asprintf(&c->root_path, "%s/%s", bundle, path) < 0)
		return sl_error_set(e, ENOMEM, "root.path");
	return 0;
}

/**
 * sl_config_parse() - parse config.json text
 * @text:	the document
 * @bundle:	absolute bundle directory, for the relative root.path
 * @out:	the config, free with sl_config_free() (written on success)
 * @e:		error, naming the offending field
 *
 * Return: 0 or -errno
 */
int sl_config_parse(const char *text, const char *bundle,
		    struct sl_config **out, struct sl_error *e)
{
	struct sl_config *c = calloc(1, sizeof(*c));
	struct json_tokener *tok;
	struct json_object *p;
	int r;

	if (!c)
		return sl_error_set(e, ENOMEM, "config");
	tok = json_tokener_new();
	c->root = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (!c->root) {
		r = sl_error_set(
			e, 0, "malformed JSON: %s",
			json_tokener_error_desc(json_tokener_get_error(tok)));
		json_tokener_free(tok);
		goto out_free;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(c->root, json_type_object)) {
		r = sl_error_set(e, 0, "expected a JSON object");
		goto out_free;
	}
	if ((r = get_str(c->root, "ociVersion", "", true, &c->oci_version,
			 e)) ||
	    (r = parse_root(c->root, bundle, c, e)) ||
	    (r = get_str(c->root, "hostname", "", false, &c->hostname, e)) ||
	    (r = get_str(c->root, "domainname", "", false, &c->domainname,
			 e)) ||
	    (r = field(c->root, "process", json_type_object, "an object", "",
		       false, &p, e)) ||
	    (p && (r = sl_process_parse(p, "process", &c->process, e))) ||
	    (r = parse_mounts(c->root, c, e)) ||
	    (r = parse_linux(c->root, c, e)) ||
	    (r = parse_hooks(c->root, c, e)) ||
	    (r = field(c->root, "annotations", json_type_object, "an object",
		       "", false, &c->annotations, e)))
		goto out_free;
	c->has_process = p != NULL;
	*out = c;
	return 0;
out_free:
	sl_config_free(c);
	return r;
}

/**
 * sl_config_load() - read and parse BUNDLE/config.json
 * @bundle:	absolute bundle directory
 * @out:	the config (written on success)
 * @e:		error, starting with "config.json: "
 *
 * Return: 0 or -errno
 */
int sl_config_load(const char *bundle, struct sl_config **out,
		   struct sl_error *e)
{
	_cleanup_free_ char *path = NULL, *text = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	ssize_t n;
	int r;

	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return sl_error_set(e, ENOMEM, "config.json");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return sl_error_set(e, errno, "open `%s`", path);
	if (st.st_size > 16 << 20)
		return sl_error_set(e, EFBIG, "read `%s`", path);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return sl_error_set(e, ENOMEM, "read `%s`", path);
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0)
		return sl_error_set(e, errno, "read `%s`", path);
	text[n] = '\0';
	r = sl_config_parse(text, bundle, out, e);
	if (r)
		return sl_error_prefix(e, "config.json");
	return 0;
}

/**
 * free_hooks() - free the hooks of a config
 * @h:	hooks
 */
static void free_hooks(struct sl_hooks *h)
{
	for (int k = 0; k < SL_HOOK_NKINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->hooks[k][i].path);
			strv_free(h->hooks[k][i].args);
			strv_free(h->hooks[k][i].env);
		}
		free(h->hooks[k]);
	}
}

/**
 * sl_config_free() - free a config
 * @c:	config (may be NULL)
 */
void sl_config_free(struct sl_config *c)
{
	if (!c)
		return;
	free(c->oci_version);
	free(c->root_path);
	free(c->hostname);
	free(c->domainname);
	sl_process_free(&c->process);
	for (size_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		free(c->mounts[i].data);
	}
	free(c->mounts);
	for (size_t i = 0; i < c->nnamespaces; i++)
		free(c->namespaces[i].path);
	free(c->namespaces);
	free(c->uid_maps);
	free(c->gid_maps);
	for (size_t i = 0; i < c->ndevices; i++)
		free(c->devices[i].path);
	free(c->devices);
	strv_free(c->masked_paths);
	strv_free(c->readonly_paths);
	for (size_t i = 0; i < c->nsysctls; i++) {
		free(c->sysctls[i].key);
		free(c->sysctls[i].value);
	}
	free(c->sysctls);
	free(c->cgroups_path);
	free(c->mount_label);
	free_hooks(&c->hooks);
	json_object_put(c->root);
	free(c);
}

/**
 * sl_config_ns() - the namespace entry of @type
 * @c:		config
 * @type:	CLONE_NEW*
 *
 * Return: the entry, or NULL when the config does not list it
 */
const struct sl_namespace *sl_config_ns(const struct sl_config *c, int type)
{
	for (size_t i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].type == type)
			return &c->namespaces[i];
	return NULL;
}

/**
 * sl_config_has_ns() - whether the config lists a namespace of @type
 * @c:		config
 * @type:	CLONE_NEW*
 *
 * Return: true if listed (created or joined)
 */
bool sl_config_has_ns(const struct sl_config *c, int type)
{
	return sl_config_ns(c, type) != NULL;
}
