/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.h - `sublet run IMAGE`: its options, the composed bundle, the monitor
 */
#ifndef SUBLET_RUNTIME_RUN_H
#define SUBLET_RUNTIME_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/oci/error.h"

/* a published port, -p [IP:]HOST:CTR[/udp] */
struct sl_port {
	char addr[64];
	unsigned int host, ctr;
	bool udp;
};

/* a bind mount, -v SRC:DST[:ro] */
struct sl_volume {
	char *src, *dst;
	bool ro;
};

enum sl_net { SL_NET_NETD, SL_NET_NONE, SL_NET_HOST };
enum sl_driver { SL_DRV_AUTO, SL_DRV_FUSE, SL_DRV_KERNEL };

struct sl_run_opts {
	const char *image;
	char **cmd; /* NULL: the image's */
	int ncmd;
	const char *name;
	const char *user, *workdir, *hostname;
	char **env; /* KEY=VALUE or KEY, later ones win */
	size_t nenv;
	size_t nenv_owned; /* the first ones, malloc'ed (from --env-file) */
	struct sl_volume vols[32];
	size_t nvols;
	struct sl_port ports[32];
	size_t nports;
	enum sl_net net;
	enum sl_driver driver;
	bool rm, tty, interactive, detach;
	unsigned int stop_timeout; /* seconds from a forwarded signal to
				      SIGKILL; 0: the default, 10 */
};

/* compose.c */
struct sl_image;
struct sl_idmaps;
int sl_compose_config(const struct sl_run_opts *o, const struct sl_image *img,
		      const struct sl_idmaps *m, const char *dir,
		      const char *id, enum sl_driver drv, struct sl_error *e);
int sl_find_program(const char *name, char *buf, size_t len);
int sl_driver_pick(enum sl_driver want, char **layers, size_t n,
		   enum sl_driver *out, struct sl_error *e);

/* net.c: sublet-netd for one container */
struct sl_netd {
	char prog[PATH_MAX];
	const char *dir; /* the container's directory: netd.sock */
	const struct sl_port *ports;
	size_t nports;
	pid_t pid; /* 0: not running */
	int exitw; /* write end of its exit pipe, or -1 */
	int ready; /* read end of its ready pipe, or -1 */
};

int sl_netd_find(struct sl_netd *n, struct sl_error *e);
int sl_netd_start(void *arg, pid_t init, struct sl_error *e);
void sl_netd_abort(void *arg);
int sl_netd_ready(struct sl_netd *n, struct sl_error *e);
void sl_netd_stop(struct sl_netd *n);
void sl_netd_reap(struct sl_netd *n);

/* people-run.c */
int sl_people_run(const struct sl_run_opts *o, const char *root,
		  struct sl_error *e);
bool sl_run_image_user(const char *image, char *id, size_t len);

/* export.c */
int sl_export(const char *dir, int out, struct sl_error *e);

#endif /* SUBLET_RUNTIME_RUN_H */
