/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * container.h - the runtime library's lifecycle operations
 */
#ifndef SUBLET_RUNTIME_CONTAINER_H
#define SUBLET_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/config.h"
#include "runtime/error.h"
#include "runtime/state.h"

struct json_object;
struct sl_seccomp;

/* warnings the library reports instead of printing */
typedef void (*sl_warn_fn)(const char *msg);

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

/* messages between the runtime and the init over the sync socket */
enum sl_sync_type {
	SL_SYNC_MAPS_DONE = 1, /* runtime -> init, carries the state */
	SL_SYNC_HOOKS,	       /* init -> runtime: run createRuntime now */
	SL_SYNC_HOOKS_DONE,    /* runtime -> init */
	SL_SYNC_CREATED,       /* init -> runtime: waiting on exec.fifo */
	SL_SYNC_PID,	       /* exec child -> runtime: the process's pid */
	SL_SYNC_ERROR,	       /* either way, carries a message */
};

struct sl_sync {
	int type;
	int code;
	int pid;
	char msg[4096];
};

struct sl_init_ctx {
	struct sl_config *config;
	struct sl_seccomp *filter;
	int sync;    /* our end of the sync socket */
	int console; /* console socket, or -1 */
	int preserve_fds;
	bool no_pivot;
	int fifo; /* O_PATH fd of exec.fifo */
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
int sl_sync_send(int fd, int type, int code, int pid, const char *msg);
int sl_sync_recv(int fd, struct sl_sync *m);
void sl_init_main(struct sl_init_ctx *ctx) __attribute__((noreturn));

#endif /* SUBLET_RUNTIME_CONTAINER_H */
