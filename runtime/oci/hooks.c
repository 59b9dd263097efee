// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hooks.c - run the config's hooks with the container state on stdin
 *
 * DOC: Theory of Operation
 * Each hook is executed with its path, args (args[0] is the hook's
 * argv[0]) and env, the state JSON written to its stdin through a pipe,
 * and the runtime's stdout/stderr.  Hooks run one after the other in the
 * order given; a hook with a timeout is killed with SIGKILL when it runs
 * longer.  A hook that fails or times out is an error; the caller decides
 * whether that aborts (prestart, createRuntime, createContainer,
 * startContainer) or is only reported (poststart, poststop), as the spec
 * says.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/oci/linux.h"

/**
 * wait_hook() - wait for a hook, killing it after @timeout seconds
 * @pid:	the hook
 * @timeout:	seconds, 0 for no limit
 * @status:	its wait status
 *
 * Return: 0, or -ETIMEDOUT when it had to be killed
 */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	struct timespec start, now, tick = { 0, 10 * 1000 * 1000 };

	if (!timeout)
		return waitpid(pid, status, 0) < 0 ? -errno : 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid)
			return 0;
		if (w < 0)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
	}
}

/**
 * run_one() - run one hook
 * @h:		hook
 * @state:	state JSON for its stdin
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int run_one(const struct sl_hook *h, const char *state,
		   struct sl_error *e)
{
	char *argv0[] = { h->path, NULL };
	int pfd[2], status, r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return sl_error_set(e, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return sl_error_set(e, errno, "fork");
	if (pid == 0) {
		dup2(pfd[0], STDIN_FILENO);
		execve(h->path, h->args ? h->args : argv0,
		       h->env ? h->env : (char *[]){ NULL });
		_exit(127);
	}
	close(pfd[0]);
	signal(SIGPIPE, SIG_IGN);
	if (write(pfd[1], state, strlen(state)) < 0 && errno != EPIPE)
		r = -errno;
	close(pfd[1]);
	r = wait_hook(pid, h->timeout, &status);
	if (r == -ETIMEDOUT)
		return sl_error_set(e, 0, "hook `%s` timed out after %d s",
				    h->path, h->timeout);
	if (r)
		return sl_error_set(e, r, "wait for hook `%s`", h->path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 &&
	    access(h->path, X_OK) < 0)
		return sl_error_set(e, errno, "hook `%s`", h->path);
	if (WIFSIGNALED(status))
		return sl_error_set(e, 0, "hook `%s` killed by signal %d",
				    h->path, WTERMSIG(status));
	if (WEXITSTATUS(status))
		return sl_error_set(e, 0, "hook `%s` exited with status %d",
				    h->path, WEXITSTATUS(status));
	return 0;
}

/**
 * sl_hooks_run() - run hooks in order, stopping at the first failure
 * @hooks:	hooks
 * @n:		their number
 * @state:	state JSON for their stdin
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_hooks_run(const struct sl_hook *hooks, size_t n, const char *state,
		 struct sl_error *e)
{
	for (size_t i = 0; i < n; i++) {
		int r = run_one(&hooks[i], state, e);

		if (r)
			return r;
	}
	return 0;
}
