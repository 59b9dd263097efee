/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linux.h - the pieces that set a container up, one file per topic
 *
 * These run either in the runtime (userns.c writes id maps, hooks.c runs
 * hooks, cgroups.c places the init) or in the container's init before it
 * executes the user's process (mounts.c, rootfs.c, caps.c, process.c,
 * console.c).  All report through struct sl_error.
 */
#ifndef SUBLET_RUNTIME_LINUX_H
#define SUBLET_RUNTIME_LINUX_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/oci/config.h"
#include "runtime/oci/error.h"

struct sl_seccomp;

/* userns.c */
int sl_userns_write_maps(pid_t pid, const struct sl_config *c,
			 struct sl_error *e);
int sl_userns_helper(const char *name, char **out);

/* namespaces.c */
int sl_ns_clone_flags(const struct sl_config *c, struct sl_error *e);
int sl_ns_join_paths(const struct sl_config *c, struct sl_error *e);
int sl_ns_join_pid(pid_t pid, int *joined_pidns, struct sl_error *e);
int sl_ns_loopback_up(struct sl_error *e);

/* mounts.c */
int sl_mounts_setup(const struct sl_config *c, bool own_netns,
		    struct sl_error *e);
int sl_mount_devices(const struct sl_config *c, struct sl_error *e);

/* copyup.c */
int sl_copyup(int from, int to, bool keep_mode);

/* rootfs.c */
int sl_rootfs_prepare(const struct sl_config *c, struct sl_error *e);
int sl_rootfs_pivot(const char *rootfs, bool no_pivot, struct sl_error *e);
int sl_rootfs_finish(const struct sl_config *c, struct sl_error *e);
int sl_rootfs_bind_host(const struct sl_config *c, struct sl_error *e);
void sl_rootfs_unbind_host(const char *rootfs);

/* caps.c */
int sl_caps_apply(const struct sl_caps *caps, struct sl_error *e);
int sl_caps_drop_bounding(const struct sl_caps *caps, struct sl_error *e);

/* seccomp.c */
int sl_seccomp_build(struct json_object *spec, struct sl_seccomp **out,
		     struct sl_error *e);
int sl_seccomp_connect(struct sl_seccomp *s, struct sl_error *e);
int sl_seccomp_load(struct sl_seccomp *s, bool nnp, const char *state_json,
		    struct sl_error *e);
void sl_seccomp_free(struct sl_seccomp *s);

/* process.c */
int sl_process_lookup(const struct sl_process *p, char **path,
		      struct sl_error *e);
int sl_process_limits(const struct sl_process *p, struct sl_error *e);
int sl_process_finish(const struct sl_process *p, struct sl_seccomp *filter,
		      int preserve_fds, const char *exe, struct sl_error *e);
int sl_sysctl_apply(const struct sl_config *c, struct sl_error *e);

/* console.c */
int sl_console_setup(const struct sl_process *p, int console_sock,
		     struct sl_error *e);
int sl_console_proxy(int sock, pid_t pid, struct sl_error *e);

/* hooks.c */
int sl_hooks_run(const struct sl_hook *hooks, size_t n, const char *state,
		 struct sl_error *e);

/* cgroups.c */
#include "runtime/oci/cgroups.h"

#endif /* SUBLET_RUNTIME_LINUX_H */
