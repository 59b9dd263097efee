/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - containers' state directories under the runtime root
 */
#ifndef SUBLET_RUNTIME_STATE_H
#define SUBLET_RUNTIME_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/oci/error.h"

/* the version of the OCI runtime spec implemented: state, features */
#define SL_OCI_VERSION "1.1.0"

struct json_object;

enum sl_status {
	SL_STATUS_CREATING = 0,
	SL_STATUS_CREATED,
	SL_STATUS_RUNNING,
	SL_STATUS_STOPPED,
	SL_STATUS_PAUSED,
};

struct sl_state {
	char *id;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char *cgroup;  /* cgroup directories, one a line; NULL if none */
	char *unit;    /* systemd scope (--systemd-cgroup); NULL if none */
	pid_t pid;
	unsigned long long starttime; /* /proc/PID/stat field 22 */
	unsigned int owner;
	bool rootfs_bound; /* sl_rootfs_bind_host() made a bind to detach */
	struct json_object *annotations;
};

bool sl_rootless(void);
int sl_state_root(const char *opt, char **out, struct sl_error *e);
int sl_id_valid(const char *id, struct sl_error *e);
int sl_state_path(const char *root, const char *id, const char *file,
		  char **out);
int sl_state_mkdir(const char *root, const char *id, struct sl_error *e);
int sl_state_save(const char *root, const struct sl_state *st,
		  struct sl_error *e);
int sl_state_load(const char *root, const char *id, struct sl_state *st,
		  struct sl_error *e);
void sl_state_free(struct sl_state *st);
int sl_state_remove(const char *root, const char *id, struct sl_error *e);
int sl_state_lock(const char *root, const char *id, struct sl_error *e);
enum sl_status sl_state_status(const char *root, const struct sl_state *st);
const char *sl_status_name(enum sl_status s);
struct json_object *sl_state_json(const struct sl_state *st,
				  enum sl_status status);
int sl_state_text(const struct sl_state *st, enum sl_status status, char **out);
int sl_state_list(const char *root, char ***ids, size_t *n, struct sl_error *e);
int sl_proc_starttime(pid_t pid, unsigned long long *out);

#endif /* SUBLET_RUNTIME_STATE_H */
