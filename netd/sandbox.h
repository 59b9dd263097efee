/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox.h - --enable-sandbox and --enable-seccomp
 */
#ifndef SUBLET_NETD_SANDBOX_H
#define SUBLET_NETD_SANDBOX_H

#include "netd/netd.h"

int sandbox_enter(const struct netd_opts *o, bool net_admin);
int seccomp_apply(void);
int sandbox_drop_caps(int keep);
int sandbox_drop_net_admin(void);

#endif /* SUBLET_NETD_SANDBOX_H */
