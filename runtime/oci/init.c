// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init.c - the container's init, from clone() to exec of the process
 *
 * DOC: Theory of Operation
 * The init is cloned by create with the config's new namespaces.  It
 * talks to the runtime over a SOCK_SEQPACKET sync socket:
 *
 *  1. wait for SL_SYNC_MAPS_DONE (the runtime has written the id maps and
 *     moved it into its cgroup); the message carries the state JSON that
 *     hooks get on stdin;
 *  2. become root of the user namespace, make the new cgroup namespace
 *     (now that the init is in its cgroup, that cgroup is the namespace's
 *     root; see namespaces.c), join namespaces given by path
 *     (for a pid namespace, fork into it: see enter_pidns()),
 *     prepare the rootfs, make the mounts and /dev (exec.fifo was opened
 *     O_PATH by create: neither after pivot_root nor under another uid
 *     could the init reach it by path);
 *  3. SL_SYNC_HOOKS: the runtime runs prestart and createRuntime hooks;
 *     then the init runs createContainer hooks itself, in its namespaces;
 *  4. pivot_root, masked/read-only paths, hostname, sysctl, console, rlimits,
 *     cwd, and the executable is looked up in the container;
 *     without a mount namespace, steps 2 and 4 make the mounts in the
 *     caller's mount namespace, on the rootfs that create bound on
 *     itself there (sl_rootfs_bind_host()), and chroot instead of
 *     pivot_root;
 *  5. exec.fifo is reached once without blocking (O_PATH), the way step 6
 *     will open it; SL_SYNC_CREATED: create may now return; any earlier
 *     failure is sent as SL_SYNC_ERROR instead and the init waits for
 *     create to kill it (fail()), so create reports it and removes
 *     everything, its caller's early start first;
 *  6. block opening exec.fifo for writing until start opens it for
 *     reading, run startContainer hooks, set credentials, capabilities and
 *     seccomp, and execve().  The fifo's write end is close-on-exec and
 *     kept open until then: its end of file tells start that the process
 *     runs.  Errors from here on can only go to the process's stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/init.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/overlay.h"
#include "runtime/oci/sync.h"

/**
 * fail() - report @e to the runtime and exit once it has seen it
 * @ctx:	init context
 * @e:		error
 *
 * The init waits for create to kill it (or to go away): what create's
 * caller started early on the init (struct sl_create_early) is stopped
 * first, and must not find the init gone before that.
 */
static void fail(struct sl_init_ctx *ctx, struct sl_error *e)
{
	struct sl_sync m;

	if (sl_sync_send_error(ctx->sync, e) == 0)
		sl_sync_recv(ctx->sync, &m);
	_exit(1);
}

/**
 * become_root() - take uid/gid 0 of the new user namespace, if mapped
 */
static void become_root(void)
{
	syscall(SYS_setresgid, 0, 0, 0);
	syscall(SYS_setresuid, 0, 0, 0);
}

/**
 * set_names() - hostname and domainname
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int set_names(const struct sl_config *c, struct sl_error *e)
{
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return sl_error_set(e, errno, "hostname `%s`", c->hostname);
	if (c->domainname &&
	    setdomainname(c->domainname, strlen(c->domainname)) < 0)
		return sl_error_set(e, errno, "domainname `%s`", c->domainname);
	return 0;
}

/**
 * run_hooks_here() - run createContainer or startContainer hooks
 * @ctx:	init context
 * @kind:	which hooks
 * @state:	state JSON
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int run_hooks_here(struct sl_init_ctx *ctx, enum sl_hook_kind kind,
			  const char *state, struct sl_error *e)
{
	const struct sl_hooks *h = &ctx->config->hooks;
	int r = sl_hooks_run(h->hooks[kind], h->n[kind], state, e);

	if (r)
		return sl_error_prefix(e, "%s hook",
				       kind == SL_HOOK_CREATE_CONTAINER
					       ? "createContainer"
					       : "startContainer");
	return 0;
}

/**
 * setup_mounts() - steps 2 and 3: loopback, rootfs, mounts, /dev, hooks
 * @ctx:	init context
 * @state:	state JSON for the hooks
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int setup_mounts(struct sl_init_ctx *ctx, const char *state,
			struct sl_error *e)
{
	const struct sl_config *c = ctx->config;
	const struct sl_namespace *net = sl_config_ns(c, CLONE_NEWNET);
	struct sl_sync m;
	int r;

	if (net && !net->path && (r = sl_ns_loopback_up(e)))
		return r;
	if (sl_config_has_ns(c, CLONE_NEWNS)) {
		if ((r = sl_overlay_mount(c, e)) ||
		    (r = sl_rootfs_prepare(c, e)) ||
		    (r = sl_mounts_setup(c, net != NULL, e)) ||
		    (r = sl_mount_devices(c, e)))
			return r;
	} else if (sl_config_mountns_need(c)) {
		/* in the caller's mount namespace, on the bind create made */
		if ((r = sl_mounts_setup(c, net && !net->path, e)) ||
		    (r = sl_mount_devices(c, e)))
			return r;
	}
	if ((r = sl_seccomp_connect(ctx->filter, e)))
		return r;
	if (c->hooks.n[SL_HOOK_PRESTART] ||
	    c->hooks.n[SL_HOOK_CREATE_RUNTIME]) {
		if (sl_sync_send(ctx->sync, SL_SYNC_HOOKS, 0, 0, NULL) < 0 ||
		    sl_sync_recv(ctx->sync, &m) < 0)
			return sl_error_set(e, EPIPE, "sync with runtime");
		if (m.type != SL_SYNC_HOOKS_DONE)
			_exit(1); /* the runtime reports its own error */
	}
	return run_hooks_here(ctx, SL_HOOK_CREATE_CONTAINER, state, e);
}

/**
 * setup_inside() - step 4: everything after pivot_root up to exec lookup
 * @ctx:	init context
 * @exe:	the executable found (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int setup_inside(struct sl_init_ctx *ctx, char **exe, struct sl_error *e)
{
	const struct sl_config *c = ctx->config;
	const struct sl_process *p = &c->process;
	int r;

	if (sl_config_has_ns(c, CLONE_NEWNS)) {
		/* sysctls before /proc/sys becomes read-only */
		if ((r = sl_rootfs_pivot(c->root_path, ctx->no_pivot, e)) ||
		    (r = sl_sysctl_apply(c, e)) || (r = sl_rootfs_finish(c, e)))
			return r;
	} else if (chroot(c->root_path) < 0 || chdir("/") < 0) {
		return sl_error_set(e, errno, "chroot `%s`", c->root_path);
	} else if ((r = sl_sysctl_apply(c, e)) ||
		   (sl_config_mountns_need(c) &&
		    (r = sl_rootfs_finish(c, e)))) {
		return r;
	}
	if ((r = set_names(c, e)))
		return r;
	if (p->terminal && ctx->console >= 0 &&
	    (r = sl_console_setup(p, ctx->console, e)))
		return r;
	if ((r = sl_process_limits(p, e)) || (r = sl_process_lookup(p, exe, e)))
		return r;
	return 0;
}

/**
 * open_fd_dir() - the init's /proc/self/fd, when nothing else reaches it
 * @c:		config
 * @fd_dir:	an O_PATH fd, or -1 when /proc/self/fd will do (written on
 *		success)
 * @e:		error
 *
 * exec.fifo is reopened for writing through /proc/self/fd.  With a mount
 * namespace the init mounts the container's own /proc; without one,
 * after chroot there is none, so the host's is held open from here until
 * the fifo is opened (close-on-exec: no hook inherits it).
 *
 * Return: 0 or -errno
 */
static int open_fd_dir(const struct sl_config *c, int *fd_dir,
		       struct sl_error *e)
{
	int fd = -1;

	if (!sl_config_has_ns(c, CLONE_NEWNS)) {
		fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return sl_error_set(e, errno, "open /proc/self/fd");
	}
	*fd_dir = fd;
	return 0;
}

/**
 * open_fifo() - reopen exec.fifo through /proc/self/fd
 * @fifo:	O_PATH fd of exec.fifo
 * @fd_dir:	from open_fd_dir()
 * @flags:	open flags
 *
 * Return: the fd, or -1 with errno set
 */
static int open_fifo(int fifo, int fd_dir, int flags)
{
	char path[64];

	if (fd_dir >= 0) {
		snprintf(path, sizeof(path), "%d", fifo);
		return openat(fd_dir, path, flags | O_CLOEXEC);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fifo);
	return open(path, flags | O_CLOEXEC);
}

/**
 * check_fifo() - step 5a: whether wait_start() will reach exec.fifo
 * @fifo:	O_PATH fd of exec.fifo
 * @fd_dir:	from open_fd_dir()
 * @e:		error
 *
 * An O_PATH open does not block; failing here fails create (a config
 * whose mounts leave no /proc, say) instead of an init that dies once
 * create has reported success.
 *
 * Return: 0 or -errno
 */
static int check_fifo(int fifo, int fd_dir, struct sl_error *e)
{
	int fd = open_fifo(fifo, fd_dir, O_PATH);

	if (fd < 0)
		return sl_error_set(e, errno,
				    "reach exec.fifo through /proc/self/fd");
	close(fd);
	return 0;
}

/**
 * wait_start() - step 6a: block until start opens exec.fifo
 * @fifo:	O_PATH fd of exec.fifo
 * @fd_dir:	from open_fd_dir(), closed here
 * @keep:	fds 3..@keep-1 are the process's preserved fds
 * @e:		error
 *
 * The write end stays open, close-on-exec and above the preserved fds,
 * until execve(): start waits for its end of file before the poststart
 * hooks.
 *
 * Return: 0 or -errno
 */
static int wait_start(int fifo, int fd_dir, int keep, struct sl_error *e)
{
	int fd = open_fifo(fifo, fd_dir, O_WRONLY), err = errno, hi;

	if (fd_dir >= 0)
		close(fd_dir);
	if (fd < 0)
		return sl_error_set(e, err, "open exec.fifo");
	if (fd < keep) {
		hi = fcntl(fd, F_DUPFD_CLOEXEC, keep);
		close(fd);
		if (hi < 0)
			return sl_error_set(e, errno, "dup exec.fifo");
		fd = hi;
	}
	if (write(fd, "0", 1) != 1) {
		close(fd);
		return sl_error_set(e, errno, "write exec.fifo");
	}
	close(fifo);
	return 0;
}

/**
 * enter_pidns() - after joining a pid namespace by path, fork into it
 * @ctx:	init context
 *
 * setns() into a pid namespace applies to children only.  The child
 * returns and goes on as the container's init; this process tells create
 * the child's pid and exits, so the child is reparented to create (a
 * child subreaper) and, once create is gone, to the engine's subreaper
 * (conmon), which must be its parent to collect its exit status.
 */
static void enter_pidns(struct sl_init_ctx *ctx)
{
	struct sl_error e = { 0 };
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		sl_error_set(&e, errno, "fork into the joined pid namespace");
		fail(ctx, &e);
	}
	if (pid == 0)
		return; /* a dying create shows as EPIPE on the sync socket */
	sl_sync_send(ctx->sync, SL_SYNC_PID, 0, pid, NULL);
	_exit(0);
}

/**
 * sl_init_main() - the container's init
 * @ctx:	what create prepared
 */
void sl_init_main(struct sl_init_ctx *ctx)
{
	const struct sl_config *c = ctx->config;
	struct sl_error e = { 0 };
	_cleanup_free_ char *exe = NULL;
	struct sl_sync m, keep; /* m.msg: the state, for startContainer */
	int fifo, fd_dir = -1;

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (sl_sync_recv(ctx->sync, &m) < 0 || m.type != SL_SYNC_MAPS_DONE)
		_exit(1);
	if (sl_config_has_ns(c, CLONE_NEWUSER))
		become_root();
	if (sl_config_ns(c, CLONE_NEWCGROUP) &&
	    !sl_config_ns(c, CLONE_NEWCGROUP)->path &&
	    unshare(CLONE_NEWCGROUP) < 0) {
		sl_error_set(&e, errno, "new cgroup namespace");
		fail(ctx, &e);
	}
	if (sl_ns_join_paths(c, &e))
		fail(ctx, &e);
	if (sl_config_ns(c, CLONE_NEWPID) &&
	    sl_config_ns(c, CLONE_NEWPID)->path)
		enter_pidns(ctx);
	/* a session and process group of its own, as under runc: conmon
	 * kills the container's group when run --timeout expires, and must
	 * not be in it */
	if (setsid() < 0) {
		sl_error_set(&e, errno, "setsid");
		fail(ctx, &e);
	}
	fifo = ctx->fifo;
	if (open_fd_dir(c, &fd_dir, &e) || setup_mounts(ctx, m.msg, &e) ||
	    setup_inside(ctx, &exe, &e) || check_fifo(fifo, fd_dir, &e))
		fail(ctx, &e);
	/* until create has saved state.json, its death kills us too: a
	 * create killed half way leaves nothing running that no state
	 * names; once it is saved, create's exit must not kill us */
	if (sl_sync_send(ctx->sync, SL_SYNC_CREATED, 0, 0, NULL) < 0 ||
	    sl_sync_recv(ctx->sync, &keep) < 0 || keep.type != SL_SYNC_KEEP)
		_exit(1);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	sl_sync_send(ctx->sync, SL_SYNC_KEPT, 0, 0, NULL);
	close(ctx->sync);
	if (wait_start(fifo, fd_dir, 3 + ctx->preserve_fds, &e) ||
	    run_hooks_here(ctx, SL_HOOK_START_CONTAINER, m.msg, &e))
		goto out_fail;
	sl_process_finish(&c->process, ctx->filter, ctx->preserve_fds, exe, &e);
out_fail:
	dprintf(STDERR_FILENO, "sublet: %s\n", e.msg);
	_exit(127);
}
