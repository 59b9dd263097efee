/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sync.h - the sync socket protocol between the runtime and its children
 */
#ifndef SUBLET_RUNTIME_SYNC_H
#define SUBLET_RUNTIME_SYNC_H

#include "runtime/oci/error.h"

/* messages between the runtime and the init over the sync socket */
enum sl_sync_type {
	SL_SYNC_MAPS_DONE = 1, /* runtime -> init, carries the state */
	SL_SYNC_HOOKS,	       /* init -> runtime: run createRuntime now */
	SL_SYNC_HOOKS_DONE,    /* runtime -> init */
	SL_SYNC_CREATED,       /* init -> runtime: waiting on exec.fifo */
	SL_SYNC_PID,	       /* exec child -> runtime: the process's pid */
	SL_SYNC_ERROR,	       /* either way, carries a message */
	SL_SYNC_KEEP,	       /* runtime -> init: state saved, outlive me */
	SL_SYNC_KEPT,	       /* init -> runtime: no parent-death signal now */
};

struct sl_sync {
	int type;
	int code;
	int pid;
	int kind; /* enum sl_error_kind, for SL_SYNC_ERROR */
	char msg[4096];
};

int sl_sync_send(int fd, int type, int code, int pid, const char *msg);
int sl_sync_send_error(int fd, const struct sl_error *e);
int sl_sync_recv(int fd, struct sl_sync *m);
int sl_sync_error(const struct sl_sync *m, struct sl_error *e);

#endif /* SUBLET_RUNTIME_SYNC_H */
