/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h - an OCI bundle's config.json, parsed into plain structs
 */
#ifndef SUBLET_RUNTIME_CONFIG_H
#define SUBLET_RUNTIME_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/oci/error.h"

struct json_object;

/* Capability sets, in the order of struct sl_caps.set[] */
enum sl_capset {
	SL_CAP_BOUNDING = 0,
	SL_CAP_EFFECTIVE,
	SL_CAP_INHERITABLE,
	SL_CAP_PERMITTED,
	SL_CAP_AMBIENT,
	SL_CAP_NSETS,
};

struct sl_caps {
	bool present;		    /* process.capabilities given */
	uint64_t set[SL_CAP_NSETS]; /* bit n: capability n */
};

struct sl_rlimit {
	int resource;
	uint64_t soft, hard;
};

struct sl_process {
	bool terminal;
	unsigned int console_height, console_width;
	uint32_t uid, gid;
	uint32_t *gids;
	size_t ngids;
	bool has_umask;
	uint32_t umask;
	char **args; /* NULL-terminated */
	char **env;  /* NULL-terminated */
	char *cwd;
	struct sl_caps caps;
	struct sl_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor, *selinux;
};

struct sl_mount {
	char *destination;
	char *type;
	char *source;
	unsigned long flags;	   /* MS_* applied at mount time */
	unsigned long clear;	   /* MS_* asked to be cleared (rw, suid...) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE... with MS_REC */
	bool bind;
	bool tmpcopyup; /* a tmpfs starts with what it covers */
	char *data;	/* remaining options, comma-separated */
};

struct sl_idmap {
	uint32_t container, host, size;
};

struct sl_namespace {
	int type;   /* CLONE_NEW* */
	char *path; /* join this one, NULL: create */
};

struct sl_device {
	char *path;
	char type; /* 'c', 'b', 'u', 'p' */
	uint32_t major, minor;
	bool has_mode, has_uid, has_gid;
	uint32_t mode, uid, gid;
};

struct sl_hook {
	char *path;
	char **args;
	char **env;
	int timeout; /* seconds, 0 for none */
};

enum sl_hook_kind {
	SL_HOOK_PRESTART = 0,
	SL_HOOK_CREATE_RUNTIME,
	SL_HOOK_CREATE_CONTAINER,
	SL_HOOK_START_CONTAINER,
	SL_HOOK_POSTSTART,
	SL_HOOK_POSTSTOP,
	SL_HOOK_NKINDS,
};

struct sl_hooks {
	struct sl_hook *hooks[SL_HOOK_NKINDS];
	size_t n[SL_HOOK_NKINDS];
};

struct sl_sysctl {
	char *key, *value;
};

struct sl_resources {
	bool has_memory_limit, has_pids_limit, has_cpu_shares;
	int64_t memory_limit, pids_limit;
	uint64_t cpu_shares;
};

struct sl_config {
	char *oci_version;
	char *root_path; /* absolute */
	bool root_readonly;
	char *hostname, *domainname;
	struct sl_process process;
	bool has_process;
	struct sl_mount *mounts;
	size_t nmounts;
	struct sl_namespace *namespaces;
	size_t nnamespaces;
	struct sl_idmap *uid_maps, *gid_maps;
	size_t nuid_maps, ngid_maps;
	struct sl_device *devices;
	size_t ndevices;
	char **masked_paths, **readonly_paths;
	unsigned long rootfs_propagation;
	struct sl_sysctl *sysctls;
	size_t nsysctls;
	struct sl_resources resources;
	char *cgroups_path;
	char *mount_label;
	struct json_object *seccomp;	 /* linux.seccomp, NULL if absent */
	struct json_object *annotations; /* NULL if absent */
	struct sl_hooks hooks;
	struct json_object *root; /* the whole document */
};

int sl_config_load(const char *bundle, struct sl_config **out,
		   struct sl_error *e);
int sl_config_parse(const char *text, const char *bundle,
		    struct sl_config **out, struct sl_error *e);
int sl_process_parse(struct json_object *o, const char *where,
		     struct sl_process *p, struct sl_error *e);
void sl_process_free(struct sl_process *p);
void sl_config_free(struct sl_config *c);
bool sl_config_has_ns(const struct sl_config *c, int type);
const struct sl_namespace *sl_config_ns(const struct sl_config *c, int type);
int sl_mount_options(const char *const *opts, size_t n, struct sl_mount *m,
		     struct sl_error *e);
int sl_mount_propagation(const char *name, unsigned long *flag);

/* the parts of sl_config_parse() in config-mounts.c and config-linux.c */
int sl_config_parse_mounts(struct json_object *root, struct sl_config *c,
			   struct sl_error *e);
int sl_config_parse_linux(struct json_object *root, struct sl_config *c,
			  struct sl_error *e);
const char *sl_config_mountns_need(const struct sl_config *c);
int sl_config_check_mountns(const struct sl_config *c, struct sl_error *e);

#endif /* SUBLET_RUNTIME_CONFIG_H */
