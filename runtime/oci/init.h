/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init.h - the container's init, as create starts it
 */
#ifndef SUBLET_RUNTIME_INIT_H
#define SUBLET_RUNTIME_INIT_H

#include <stdbool.h>

#include "runtime/oci/config.h"

struct sl_seccomp;

struct sl_init_ctx {
	struct sl_config *config;
	struct sl_seccomp *filter;
	int sync;    /* our end of the sync socket */
	int console; /* console socket, or -1 */
	int preserve_fds;
	bool no_pivot;
	int fifo; /* O_PATH fd of exec.fifo */
};

void sl_init_main(struct sl_init_ctx *ctx) __attribute__((noreturn));

#endif /* SUBLET_RUNTIME_INIT_H */
