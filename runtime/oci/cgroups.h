/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroups.h - a container's cgroups: placement, resources, freezer, stats
 *
 * A container's cgroups are recorded in its state as a list of
 * directories, one per hierarchy it joined, separated by newlines (one
 * directory on a unified host, one per mounted v1 hierarchy plus the v2
 * one on a hybrid host).
 */
#ifndef SUBLET_RUNTIME_CGROUPS_H
#define SUBLET_RUNTIME_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/oci/error.h"

struct json_object;
struct sl_config;

#define CG_MAX_HIER 16

/* one mounted hierarchy */
struct cg_hier {
	char mnt[256];	 /* mount point */
	char ctrls[128]; /* "cpu,cpuacct", "name=systemd"; "" for v2 */
	bool v2;
	char own[512]; /* the caller's cgroup in it, from /proc/self/cgroup */
};

/* the hierarchies and, once placed, the container's directory in each */
struct cg_set {
	struct cg_hier h[CG_MAX_HIER];
	char *dir[CG_MAX_HIER]; /* NULL: not joined */
	size_t n;
};

/* how resources are written: checked only, or applied; errors or
 * warnings */
struct cg_apply {
	const struct cg_set *set;
	bool dry;    /* validate only */
	bool strict; /* root: a resource not applied is an error */
	bool update; /* sublet update: pids.limit 0 is "max", not "none" */
	char *warn;  /* rootless: what was not applied */
	size_t wlen;
	struct sl_error *e;
};

/* cgroups.c */
void sl_cgroup_use_systemd(bool on);
int sl_cgroup_enter(const char *id, const struct sl_config *c, pid_t pid,
		    char **dirs, char **unit, char *warning, size_t wlen,
		    struct sl_error *e);
int sl_cgroup_remove(const char *dirs, const char *unit);
int sl_cgroup_join(const char *dirs, struct sl_error *e);
int sl_cgroup_freeze(const char *dirs, bool freeze, struct sl_error *e);
bool sl_cgroup_frozen(const char *dirs);
int sl_cgroup_pids(const char *dirs, pid_t **pids, size_t *n);
int sl_cgroup_update(const char *dirs, const char *unit,
		     struct json_object *res, struct sl_error *e);
int sl_cgroup_stats(const char *dirs, struct json_object **out,
		    struct sl_error *e);

/* shared by the cgroups*.c files */
bool cg_has_token(const char *list, const char *w);
int cg_set_scan(struct cg_set *s);
int cg_set_load(struct cg_set *s, const char *dirs);
void cg_set_free(struct cg_set *s);
int cg_v1_index(const struct cg_set *s, const char *ctrl);
const char *cg_dir(const struct cg_set *s, const char *ctrl, bool *v2);
bool cg_v2_has(const struct cg_set *s, const char *ctrl);
int cg_write(const char *dir, const char *file, const char *val);
int cg_read(const char *dir, const char *file, char *buf, size_t len);
int cg_read_u64(const char *dir, const char *file, unsigned long long *v);
int cg_put(struct cg_apply *a, const char *what, const char *ctrl,
	   const char *file, const char *val);
int cg_fail(struct cg_apply *a, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cgroups-res.c: linux.resources into the controllers' files */
int cg_apply_resources(struct cg_apply *a, struct json_object *res);
int cg_apply_devices(struct cg_apply *a, struct json_object *res,
		     const struct sl_config *c);

/* cgroups-v1.c, cgroups-v2.c */
int cg_v1_memory(struct cg_apply *a, struct json_object *m);
int cg_v2_memory(struct cg_apply *a, struct json_object *m);
int cg_v1_cpu(struct cg_apply *a, struct json_object *c);
int cg_v2_cpu(struct cg_apply *a, struct json_object *c);
int cg_v1_blkio(struct cg_apply *a, struct json_object *b);
int cg_v2_blkio(struct cg_apply *a, struct json_object *b);
int cg_devlist(struct cg_apply *a, struct json_object *b, const char *key,
	       const char *valkey, const char *ctrl, const char *file,
	       const char *prefix);

/* cgroups-systemd.c: the container's scope unit */
struct cg_scope {
	const char *unit;  /* "prefix-name.scope" */
	const char *slice; /* "system.slice" */
	const char *desc;
	pid_t pid; /* the container's init */
	bool user; /* the user's manager (rootless), else the system's */
	bool v1;   /* controllers on v1 hierarchies: v1 property names */
};
int cg_sd_start(const struct cg_scope *sc, struct json_object *res,
		struct sl_error *e);
int cg_sd_set(const char *unit, bool user, struct json_object *res, bool v1,
	      struct sl_error *e);
int cg_sd_stop(const char *unit, bool user);

/* cgroups-stats.c */
struct json_object *cg_stats(const struct cg_set *s);

#endif /* SUBLET_RUNTIME_CGROUPS_H */
