/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fastpath.h - published ports joined kernel to kernel
 */
#ifndef SUBLET_NETD_FASTPATH_H
#define SUBLET_NETD_FASTPATH_H

#include <stdbool.h>

#include "netd/hostfwd.h"
#include "netd/netd.h"

/* how long a UDP flow lives without traffic */
#define FP_UDP_IDLE_MS 60000
/* UDP flows per forward */
#define FP_UDP_FLOWS 256

/* nshelper.c */
struct nshelper;
int nshelper_start(int userns, int netns, bool seccomp, struct nshelper **hp);
int nshelper_socket(struct nshelper *h, int family, int type);
bool nshelper_running(const struct nshelper *h);
int nshelper_keep(struct nshelper *h, int fd);
void nshelper_free(struct nshelper *h);

/* fastpath.c */
int fp_start(struct netd *n);
void fp_free(struct netd *n);
int fp_add(struct netd *n, const struct hostfwd *f);
void fp_remove(struct netd *n, int id);
int fp_join(struct netd *n, int host_fd, int ns_fd);

#endif /* SUBLET_NETD_FASTPATH_H */
