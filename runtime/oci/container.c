// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * container.c - start, kill, delete, state, pause: the runtime's side
 *
 * DOC: Theory of Operation
 * create is create.c's: it leaves the init blocked on exec.fifo.
 *
 * start opens exec.fifo for reading, which releases the init blocked in
 * its open for writing, reads its byte, removes the fifo (the container is
 * now "running"), waits for the end of file that the init's execve()
 * makes (its end is close-on-exec) and runs poststart hooks.  The read
 * end is opened non-blocking and polled so an init that died meanwhile is
 * noticed.
 *
 * delete kills what is left (with --force, or when the container was only
 * created), waits for it to go, runs poststop hooks and removes the state.
 * Like runc, `delete --force` of a container that does not exist succeeds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/container.h"
#include "runtime/oci/linux.h"

/**
 * sl_wait_status() - a shell-style exit code from a wait status
 * @status:	from waitpid()
 *
 * Return: the exit code, or 128+N for a process killed by signal N
 */
int sl_wait_status(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/**
 * release_init() - open exec.fifo, take the init's byte, wait for exec
 * @fifo:	path
 * @st:		state: the init's pid and start time
 * @e:		error
 *
 * The init writes its byte and keeps its end open, close-on-exec, until
 * execve() of the process: end of file after the byte means the process
 * runs (or the init failed on the way and exited), so the poststart hooks
 * that follow see the user's process, as the spec asks.  End of file
 * before it means no writer yet (a FIFO that never had one reports a
 * hangup at once); the init gone, or a zombie, is noticed by its pid.
 *
 * Return: 0 or -errno
 */
static int release_init(const char *fifo, const struct sl_state *st,
			struct sl_error *e)
{
	_cleanup_close_ int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct timespec t = { 0, 5 * 1000 * 1000 };
	unsigned long long start;
	bool got = false;
	char b;

	if (fd < 0)
		return sl_error_set(e, errno, "open `%s`", fifo);
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		int n = poll(&pf, 1, 100);
		ssize_t k = n > 0 ? read(fd, &b, 1) : -1;

		if (n < 0 && errno != EINTR)
			return sl_error_set(e, errno, "poll exec.fifo");
		if (k == 1) {
			got = true;
			continue;
		}
		if (k == 0 && got)
			return 0;
		if (k < 0 && n > 0 && errno != EAGAIN && errno != EINTR)
			return sl_error_set(e, errno, "read exec.fifo");
		if (sl_proc_starttime(st->pid, &start) < 0 ||
		    start != st->starttime)
			return got ? 0
				   : sl_error_set(e, 0,
						  "container init exited");
		if (k == 0)
			nanosleep(&t, NULL);
	}
}

/**
 * run_late_hooks() - poststart or poststop hooks; failures are warnings
 * @st:		state
 * @kind:	SL_HOOK_POSTSTART or SL_HOOK_POSTSTOP
 * @status:	status to report on stdin
 * @warn:	warning callback
 *
 * A failing hook does not stop the ones after it: the container has
 * started (or stopped) whatever they say.
 */
static void run_late_hooks(const struct sl_state *st, enum sl_hook_kind kind,
			   enum sl_status status, sl_warn_fn warn)
{
	_cleanup_free_ char *text = NULL;
	struct sl_config *cfg = NULL;
	struct sl_error e;

	if (!st->bundle || sl_config_load(st->bundle, &cfg, &e))
		return;
	if (!cfg->hooks.n[kind] || sl_state_text(st, status, &text) < 0)
		goto out;
	for (size_t i = 0; i < cfg->hooks.n[kind]; i++) {
		char msg[SL_ERROR_MSG + 32];

		if (!sl_hooks_run(&cfg->hooks.hooks[kind][i], 1, text, &e) ||
		    !warn)
			continue;
		snprintf(msg, sizeof(msg), "%s hook: %s",
			 kind == SL_HOOK_POSTSTART ? "poststart" : "poststop",
			 e.msg);
		warn(msg);
	}
out:
	sl_config_free(cfg);
}

/**
 * sl_container_start() - let a created container's process run
 * @root:	runtime root
 * @id:		container id
 * @warn:	warning callback (poststart hook failures)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_start(const char *root, const char *id, sl_warn_fn warn,
		       struct sl_error *e)
{
	_cleanup_free_ char *fifo = NULL;
	_cleanup_close_ int lock = -1;
	struct sl_state st;
	enum sl_status s;
	int r;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	lock = sl_state_lock(root, id, e);
	if (lock < 0) {
		sl_state_free(&st);
		return lock;
	}
	s = sl_state_status(root, &st);
	if (s != SL_STATUS_CREATED) {
		r = sl_error_set(e, 0, "container `%s` is %s, not created", id,
				 sl_status_name(s));
		goto out;
	}
	if (sl_state_path(root, id, "exec.fifo", &fifo) < 0) {
		r = sl_error_set(e, ENOMEM, "fifo");
		goto out;
	}
	r = release_init(fifo, &st, e);
	unlink(fifo);
	if (!r)
		run_late_hooks(&st, SL_HOOK_POSTSTART, SL_STATUS_RUNNING, warn);
out:
	sl_state_free(&st);
	return r;
}

/**
 * same_pidns() - whether @pid is in the pid namespace with inode @ino
 * @pid:	process
 * @ino:	namespace inode
 *
 * Return: true if so
 */
static bool same_pidns(pid_t pid, ino_t ino)
{
	char p[64];
	struct stat s;

	snprintf(p, sizeof(p), "/proc/%d/ns/pid", pid);
	return stat(p, &s) == 0 && s.st_ino == ino;
}

/**
 * sl_container_pids() - every process of a container
 * @root:	runtime root
 * @id:		container id
 * @pids:	malloc'ed array (written on success)
 * @n:		its length
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_pids(const char *root, const char *id, pid_t **pids, size_t *n,
		      struct sl_error *e)
{
	struct sl_state st;
	char p[64];
	struct stat ns, self;
	pid_t *v = NULL;
	size_t k = 0;
	DIR *d;
	struct dirent *de;
	int r;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	if (sl_state_status(root, &st) == SL_STATUS_STOPPED) {
		*pids = NULL;
		*n = 0;
		sl_state_free(&st);
		return 0;
	}
	if (st.cgroup && sl_cgroup_pids(st.cgroup, pids, n) == 0) {
		sl_state_free(&st);
		return 0;
	}
	snprintf(p, sizeof(p), "/proc/%d/ns/pid", st.pid);
	r = stat(p, &ns);
	if (r == 0 && stat("/proc/self/ns/pid", &self) == 0 &&
	    self.st_ino == ns.st_ino)
		r = -1; /* no own pid namespace: only the init is known */
	d = r == 0 ? opendir("/proc") : NULL;
	while (d && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		pid_t *nv;

		if (pid <= 0 || !same_pidns(pid, ns.st_ino))
			continue;
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[k++] = pid;
	}
	if (d)
		closedir(d);
	if (!k && (v = malloc(sizeof(*v))))
		v[k++] = st.pid;
	sl_state_free(&st);
	*pids = v;
	*n = k;
	return 0;
}

/**
 * sl_container_kill() - send a signal to the init, or to every process
 * @root:	runtime root
 * @id:		container id
 * @sig:	signal
 * @all:	signal every process of the container
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_kill(const char *root, const char *id, int sig, bool all,
		      struct sl_error *e)
{
	struct sl_state st;
	int r = 0;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	if (sl_state_status(root, &st) == SL_STATUS_STOPPED) {
		r = sl_error_set(e, 0, "container `%s` is not running", id);
	} else if (all) {
		pid_t *pids = NULL;
		size_t n = 0;

		if (!(r = sl_container_pids(root, id, &pids, &n, e)))
			for (size_t i = 0; i < n; i++)
				kill(pids[i], sig);
		free(pids);
	} else if (kill(st.pid, sig) < 0) {
		r = sl_error_set(e, errno, "kill %d", st.pid);
	}
	sl_state_free(&st);
	return r;
}

/**
 * wait_gone() - wait up to 5 s for a container's init to disappear
 * @root:	runtime root
 * @st:		state
 *
 * Return: 0, or -ETIMEDOUT
 */
static int wait_gone(const char *root, const struct sl_state *st)
{
	struct timespec t = { 0, 2 * 1000 * 1000 };

	for (int i = 0; i < 2500; i++) {
		if (sl_state_status(root, st) == SL_STATUS_STOPPED)
			return 0;
		waitpid(st->pid, NULL, WNOHANG);
		nanosleep(&t, NULL);
	}
	return -ETIMEDOUT;
}

/**
 * sl_container_delete() - remove a container
 * @root:	runtime root
 * @id:		container id
 * @force:	kill it if it is running
 * @warn:	warning callback (poststop hook failures)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_delete(const char *root, const char *id, bool force,
			sl_warn_fn warn, struct sl_error *e)
{
	_cleanup_close_ int lock = -1;
	struct sl_state st;
	enum sl_status s;
	int r;

	r = sl_state_load(root, id, &st, e);
	if (r == -ENOENT) {
		/* a create that died before state.json: remove what is
		 * there; --force also makes a missing container no error,
		 * as engines clean up with it */
		if (sl_id_valid(id, e) == 0)
			sl_state_remove(root, id, e);
		return force ? 0 : r;
	}
	if (r)
		return r;
	lock = sl_state_lock(root, id, e);
	if (lock < 0) {
		sl_state_free(&st);
		return lock;
	}
	s = sl_state_status(root, &st);
	if ((s == SL_STATUS_RUNNING || s == SL_STATUS_PAUSED) && !force) {
		r = sl_error_set(e, 0,
				 "cannot delete container `%s` that is not "
				 "stopped: %s",
				 id, sl_status_name(s));
		goto out;
	}
	if (s != SL_STATUS_STOPPED) {
		if (s == SL_STATUS_PAUSED)
			sl_cgroup_freeze(st.cgroup, false, e);
		kill(st.pid, SIGKILL);
		if (wait_gone(root, &st) < 0) {
			r = sl_error_set(e, ETIMEDOUT, "kill container `%s`",
					 id);
			goto out;
		}
	}
	run_late_hooks(&st, SL_HOOK_POSTSTOP, SL_STATUS_STOPPED, warn);
	sl_cgroup_remove(st.cgroup, st.unit);
	if (st.rootfs_bound)
		sl_rootfs_unbind_host(st.rootfs);
	r = sl_state_remove(root, id, e);
out:
	sl_state_free(&st);
	return r;
}

/**
 * sl_container_state() - the spec's state object of a container
 * @root:	runtime root
 * @id:		container id
 * @out:	new json-c object (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_state(const char *root, const char *id,
		       struct json_object **out, struct sl_error *e)
{
	struct sl_state st;
	int r;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	*out = sl_state_json(&st, sl_state_status(root, &st));
	sl_state_free(&st);
	return 0;
}

/**
 * sl_container_config() - the config.json a container was created from
 * @root:	runtime root
 * @id:		container id
 * @out:	config (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_config(const char *root, const char *id,
			struct sl_config **out, struct sl_error *e)
{
	struct sl_state st;
	int r;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	r = st.bundle ? sl_config_load(st.bundle, out, e)
		      : sl_error_set(e, 0, "container `%s` has no bundle", id);
	sl_state_free(&st);
	return r;
}

/**
 * sl_container_pause() - freeze or thaw a container (cgroup v2 only)
 * @root:	runtime root
 * @id:		container id
 * @pause:	freeze (else thaw)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_container_pause(const char *root, const char *id, bool pause,
		       struct sl_error *e)
{
	struct sl_state st;
	enum sl_status s;
	int r;

	if ((r = sl_state_load(root, id, &st, e)))
		return r;
	s = sl_state_status(root, &st);
	if (s == SL_STATUS_STOPPED || s == SL_STATUS_CREATED)
		r = sl_error_set(e, 0, "container `%s` is %s", id,
				 sl_status_name(s));
	else
		r = sl_cgroup_freeze(st.cgroup, pause, e);
	sl_state_free(&st);
	return r;
}
