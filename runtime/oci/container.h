/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * container.h - the runtime library's lifecycle operations
 */
#ifndef SUBLET_RUNTIME_CONTAINER_H
#define SUBLET_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/oci/config.h"
#include "runtime/oci/error.h"
#include "runtime/oci/state.h"

struct json_object;

/* warnings the library reports instead of printing */
typedef void (*sl_warn_fn)(const char *msg);

/*
 * The caller's early start (sublet run's network helper): called by create
 * with the init's pid once the namespaces the config creates exist and
 * the id maps are written, while the init goes on with its mounts; its
 * undo is called if create fails after that, before the init is killed.
 * Namespaces the config joins by path are not joined yet then.
 */
struct sl_create_early {
	int (*start)(void *arg, pid_t init, struct sl_error *e);
	void (*undo)(void *arg);
	void *arg;
};

struct sl_create_opts {
	const char *root; /* runtime root (resolved) */
	const char *id;
	const char *bundle;	    /* NULL: current directory */
	const char *pid_file;	    /* NULL: none */
	const char *console_socket; /* NULL: none */
	int preserve_fds;
	bool no_pivot;
	bool proxy_console; /* terminal without socket: return a fd */
	sl_warn_fn warn;
	const struct sl_create_early *early; /* NULL: none */
};

struct sl_created {
	pid_t pid;   /* the container's init */
	int console; /* our end of the console socket, or -1 */
};

struct sl_exec_opts {
	const char *root;
	const char *id;
	struct sl_process *process;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool detach;
};

int sl_container_create(const struct sl_create_opts *o, struct sl_created *out,
			struct sl_error *e);
int sl_container_start(const char *root, const char *id, sl_warn_fn warn,
		       struct sl_error *e);
int sl_container_kill(const char *root, const char *id, int sig, bool all,
		      struct sl_error *e);
int sl_container_delete(const char *root, const char *id, bool force,
			sl_warn_fn warn, struct sl_error *e);
int sl_container_state(const char *root, const char *id,
		       struct json_object **out, struct sl_error *e);
int sl_container_config(const char *root, const char *id,
			struct sl_config **out, struct sl_error *e);
int sl_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		      struct sl_error *e);
int sl_container_pause(const char *root, const char *id, bool pause,
		       struct sl_error *e);
int sl_container_exec(const struct sl_exec_opts *o, int *exit_code,
		      struct sl_error *e);
int sl_wait_status(int status);

#endif /* SUBLET_RUNTIME_CONTAINER_H */
