// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * overlay.c - mount the rootfs overlay from inside the container's init
 *
 * DOC: Theory of Operation
 * `sublet run` asks for its root filesystem through annotations of the
 * config it writes (SL_ANN_*).  The init, root of the container's fresh
 * user and mount namespaces, mounts it on root.path before anything else:
 *  - "kernel": the kernel's overlayfs with the userxattr option, which an
 *    unprivileged user namespace may mount since Linux 5.11;
 *  - "fuse": sublet-overlayfs, started by the init; it returns once the
 *    mount is up and leaves its daemon inside the container's PID
 *    namespace.
 * Either way the mount belongs to the container's mount namespace and
 * vanishes with it; the daemon dies with the container's PID namespace.
 * Nothing is ever mounted in the caller's namespace, so a killed sublet
 * leaves no mount behind.  A config without the annotations (every
 * ordinary OCI bundle) is untouched.
 *
 * This is part of the OCI core, not of run/, because the init performs it
 * and reads nothing but the config: the annotations are a small interface
 * of the core that any bundle may use, and run/ writes them.  A callback
 * registered by run/ could not cross into the cloned init without the
 * core carrying it anyway.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "runtime/oci/overlay.h"

/**
 * ann() - an annotation's value
 * @c:		config
 * @key:	annotation
 *
 * Return: the value or NULL
 */
static const char *ann(const struct sl_config *c, const char *key)
{
	struct json_object *v;

	if (!c->annotations ||
	    !json_object_object_get_ex(c->annotations, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/**
 * run_fuse() - start sublet-overlayfs and wait until it has mounted
 * @prog:	its path
 * @opts:	-o options
 * @target:	mount point
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int run_fuse(const char *prog, const char *opts, const char *target,
		    struct sl_error *e)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return sl_error_set(e, errno, "fork");
	if (pid == 0) {
		execl(prog, "sublet-overlayfs", "-o", opts, target, NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sl_error_set(e, errno, "wait sublet-overlayfs");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return sl_error_say(e, EIO,
				    "sublet-overlayfs failed (status %d): is "
				    "/dev/fuse usable? try --storage-driver "
				    "kernel",
				    WIFEXITED(status) ? WEXITSTATUS(status)
						      : -1);
	return 0;
}

/**
 * sl_overlay_mount() - mount the rootfs overlay the annotations ask for
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_overlay_mount(const struct sl_config *c, struct sl_error *e)
{
	const char *drv = ann(c, SL_ANN_DRIVER), *lower = ann(c, SL_ANN_LOWER),
		   *upper = ann(c, SL_ANN_UPPER), *work = ann(c, SL_ANN_WORK),
		   *prog = ann(c, SL_ANN_PROGRAM);
	char opts[65536];

	if (!drv)
		return 0;
	if (!lower || !upper || !work)
		return sl_error_say(e, EINVAL,
				    "overlay annotations incomplete");
	if (!strcmp(drv, "kernel")) {
		snprintf(opts, sizeof(opts),
			 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower,
			 upper, work);
		if (mount("overlay", c->root_path, "overlay", 0, opts) < 0)
			return sl_error_say(e, errno,
					    "mount the kernel's overlay: try "
					    "--storage-driver fuse");
		return 0;
	}
	if (!prog)
		return sl_error_say(e, EINVAL, "no sublet-overlayfs given");
	snprintf(opts, sizeof(opts),
		 "lowerdir=%s,upperdir=%s,workdir=%s,allow_other", lower, upper,
		 work);
	return run_fuse(prog, opts, c->root_path, e);
}
