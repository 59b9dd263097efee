// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - run another process in a running container
 *
 * DOC: Theory of Operation
 * The runtime forks a child that joins the container's cgroups
 * (cgroups.c), then the init's namespaces through
 * /proc/PID/ns (user first, see namespaces.c).  Joining a pid namespace
 * only applies to children, so that child forks once more: the
 * grandchild is the process, inside every namespace of the container.
 * The grandchild sets up the terminal, limits and working directory,
 * finds the executable, sends its readiness through a SOCK_SEQPACKET
 * socket whose end is close-on-exec, and executes: end of file on the
 * socket means the exec happened, a message means it failed, and that
 * message is reported by `sublet exec` as its error.
 *
 * The middle child sends the grandchild's pid (for --pid-file) and then
 * either exits at once (--detach: the process is reparented to the
 * nearest subreaper, conmon in Podman's case) or waits for it and exits
 * with the same status, which `sublet exec` returns as its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "runtime/oci/container.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/sync.h"

/**
 * exec_process() - the grandchild: set up and execute
 * @p:		process
 * @filter:	container's seccomp filter (may be NULL)
 * @o:		exec options
 * @console:	connected console socket or -1
 * @sync:	sync socket end (close-on-exec)
 */
static void exec_process(struct sl_process *p, struct sl_seccomp *filter,
			 const struct sl_exec_opts *o, int console, int sync)
{
	_cleanup_free_ char *exe = NULL;
	struct sl_error e = { 0 };

	if ((p->terminal && console >= 0 && sl_console_setup(p, console, &e)) ||
	    sl_process_limits(p, &e) || sl_process_lookup(p, &exe, &e))
		goto out_fail;
	if (console >= 0)
		close(console);
	sl_process_finish(p, filter, o->preserve_fds, exe, &e);
out_fail:
	sl_sync_send_error(sync, &e);
	_exit(127);
}

/**
 * exec_middle() - the child: join cgroups and namespaces, fork the
 * process, wait
 * @init:	the container's init
 * @cgroups:	the container's cgroups, from its state (may be NULL)
 * @p:		process
 * @filter:	seccomp filter
 * @o:		exec options
 * @console:	console socket or -1
 * @sync:	sync socket end
 */
static void __attribute__((noreturn))
exec_middle(pid_t init, const char *cgroups, struct sl_process *p,
	    struct sl_seccomp *filter, const struct sl_exec_opts *o,
	    int console, int sync)
{
	struct sl_error e = { 0 };
	int joined, status;
	pid_t pid;

	if (sl_cgroup_join(cgroups, &e) || sl_ns_join_pid(init, &joined, &e)) {
		sl_sync_send_error(sync, &e);
		_exit(127);
	}
	pid = fork();
	if (pid < 0) {
		sl_error_set(&e, errno, "fork");
		sl_sync_send_error(sync, &e);
		_exit(127);
	}
	if (pid == 0)
		exec_process(p, filter, o, console, sync);
	sl_sync_send(sync, SL_SYNC_PID, 0, pid, NULL);
	close(sync);
	if (console >= 0)
		close(console);
	if (o->detach)
		_exit(0);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(127);
	_exit(sl_wait_status(status));
}

/**
 * exec_wait_ready() - read the pid, then the outcome of the exec
 * @sync:	our sync socket end
 * @pid:	the process's pid (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int exec_wait_ready(int sync, pid_t *pid, struct sl_error *e)
{
	struct sl_sync m;
	pid_t got = 0;

	for (;;) {
		if (sl_sync_recv(sync, &m) < 0)
			break;
		if (m.type == SL_SYNC_ERROR)
			return sl_sync_error(&m, e);
		if (m.type == SL_SYNC_PID)
			got = m.pid;
	}
	if (!got)
		return sl_error_set(e, 0, "exec child exited");
	*pid = got;
	return 0;
}

/**
 * exec_console() - connect to --console-socket when a terminal is asked
 * @o:		exec options
 * @e:		error
 *
 * Return: fd, -1 for none, or -errno (< -1)
 */
static int exec_console(const struct sl_exec_opts *o, struct sl_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!o->process->terminal)
		return -1;
	if (!o->console_socket)
		return sl_error_set(e, 0, "--tty needs --console-socket");
	if (strlen(o->console_socket) >= sizeof(sa.sun_path))
		return sl_error_set(e, ENAMETOOLONG, "console socket");
	strcpy(sa.sun_path, o->console_socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = sl_error_set(e, errno, "connect console socket `%s`",
				     o->console_socket);

		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

/**
 * sl_container_exec() - run a process in a running container
 * @o:		options
 * @exit_code:	the process's exit code (foreground) or 0 (--detach)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_exec(const struct sl_exec_opts *o, int *exit_code,
		      struct sl_error *e)
{
	struct sl_seccomp *filter = NULL;
	struct sl_config *cfg = NULL;
	struct sl_state st;
	int sync = -1, console = -1, status, r;
	pid_t child = -1, pid = 0;
	enum sl_status s;
	char buf[16];

	if ((r = sl_state_load(o->root, o->id, &st, e)))
		return r;
	s = sl_state_status(o->root, &st);
	if (s != SL_STATUS_RUNNING && s != SL_STATUS_CREATED) {
		r = sl_error_set(e, 0, "container `%s` is not running", o->id);
		goto out;
	}
	/* the notify listener is a host path: connect before setns */
	if (st.bundle && sl_config_load(st.bundle, &cfg, e) == 0 &&
	    ((r = sl_seccomp_build(cfg->seccomp, &filter, e)) ||
	     (r = sl_seccomp_connect(filter, e))))
		goto out;
	console = exec_console(o, e);
	if (console < -1) {
		r = console;
		goto out;
	}
	child = fork_with_socket(&sync);
	if (child < 0) {
		r = sl_error_set(e, (int)-child, "fork");
		goto out;
	}
	if (child == 0)
		exec_middle(st.pid, st.cgroup, o->process, filter, o, console,
			    sync);
	r = exec_wait_ready(sync, &pid, e);
	if (!r && o->pid_file) {
		int fd = open(o->pid_file,
			      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int n = snprintf(buf, sizeof(buf), "%d", pid);

		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			r = sl_error_set(e, errno, "pid file `%s`",
					 o->pid_file);
		if (fd >= 0)
			close(fd);
		if (r)
			kill(pid, SIGKILL);
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	*exit_code = o->detach ? 0 : sl_wait_status(status);
out:
	if (console >= 0)
		close(console);
	if (sync >= 0)
		close(sync);
	sl_seccomp_free(filter);
	sl_config_free(cfg);
	sl_state_free(&st);
	return r;
}
