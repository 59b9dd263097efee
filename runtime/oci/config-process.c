// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config-process.c - parse an OCI process object
 *
 * DOC: Theory of Operation
 * A process object comes from config.json's "process" or, for `sublet
 * exec --process`, from a file of its own; both go through
 * sl_process_parse(), which copies it into struct sl_process with the
 * same type checks and messages as the rest of config.json (the caller
 * gives the dotted path the messages start with).  Capability and
 * rlimit names are resolved here, so an unknown one fails the parse
 * before anything is created.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <json-c/json.h>
#include <sys/capability.h>

#include "lib/cleanup.h"
#include "runtime/oci/config.h"
#include "runtime/oci/json.h"

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
	ret = sl_json_array(o, "rlimits", path, &a, &n, e);
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
		if ((ret = sl_json_elem(a, i, where, &r, e)) ||
		    (ret = sl_json_strdup(r, "type", w, true, &type, e)) ||
		    (ret = sl_json_u64(r, "soft", w, &l->soft, e)) ||
		    (ret = sl_json_u64(r, "hard", w, &l->hard, e)))
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

	r = sl_json_object(o, "capabilities", path, false, &c, e);
	if (r || !c)
		return r;
	snprintf(where, sizeof(where), "%s.capabilities", path);
	caps->present = true;
	for (int s = 0; s < SL_CAP_NSETS; s++) {
		char **v = NULL;

		r = sl_json_strv(c, names[s], where, false, &v, e);
		if (r)
			return r;
		for (size_t i = 0; v && v[i]; i++) {
			cap_value_t cap;

			if (cap_from_name(v[i], &cap) < 0) {
				r = sl_error_set(
					e, 0, "%s.%s: unknown capability `%s`",
					where, names[s], v[i]);
				sl_json_strv_free(v);
				return r;
			}
			if (cap < 64 && CAP_IS_SUPPORTED(cap))
				caps->set[s] |= 1ULL << cap;
		}
		sl_json_strv_free(v);
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
	r = sl_json_object(o, "user", path, false, &u, e);
	if (r || !u)
		return r;
	if ((r = sl_json_u32(u, "uid", where, false, &p->uid, NULL, e)) ||
	    (r = sl_json_u32(u, "gid", where, false, &p->gid, NULL, e)) ||
	    (r = sl_json_u32(u, "umask", where, false, &p->umask, &p->has_umask,
			     e)) ||
	    (r = sl_json_array(u, "additionalGids", where, &g, &n, e)))
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
	if ((r = sl_json_bool(o, "terminal", where, &p->terminal, e)) ||
	    (r = sl_json_object(o, "consoleSize", where, false, &cs, e)) ||
	    (r = sl_json_u32(cs, "height", w, false, &p->console_height, NULL,
			     e)) ||
	    (r = sl_json_u32(cs, "width", w, false, &p->console_width, NULL,
			     e)) ||
	    (r = parse_user(o, where, p, e)) ||
	    (r = sl_json_strv(o, "args", where, true, &p->args, e)) ||
	    (r = sl_json_strv(o, "env", where, false, &p->env, e)) ||
	    (r = sl_json_strdup(o, "cwd", where, true, &p->cwd, e)) ||
	    (r = parse_caps(o, where, &p->caps, e)) ||
	    (r = parse_rlimits(o, where, p, e)) ||
	    (r = sl_json_bool(o, "noNewPrivileges", where,
			      &p->no_new_privileges, e)) ||
	    (r = sl_json_int(o, "oomScoreAdj", where, false, -1000, 1000, &oom,
			     &p->has_oom_score_adj, e)) ||
	    (r = sl_json_strdup(o, "apparmorProfile", where, false,
				&p->apparmor, e)) ||
	    (r = sl_json_strdup(o, "selinuxLabel", where, false, &p->selinux,
				e)))
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
	sl_json_strv_free(p->args);
	sl_json_strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor);
	free(p->selinux);
	memset(p, 0, sizeof(*p));
}
