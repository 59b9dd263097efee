// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * process.c - turn the init (or exec's child) into the user's process
 *
 * DOC: Theory of Operation
 * Split in two so that every error a user can cause in the config is
 * reported by create, before the init blocks on exec.fifo:
 *
 *  - sl_process_lookup() and sl_process_limits() run before: the
 *    executable is searched in the container's $PATH (the process's own
 *    env), the working directory is entered, rlimits and oom_score_adj
 *    are set;
 *  - sl_process_finish() runs after start released the init: signal
 *    dispositions back to default and the mask emptied, bounding
 *    set, additional gids, gid and uid (keeping capabilities across the
 *    uid change), the capability sets, no_new_privs, umask, the preserved
 *    fds (3 .. 3+N-1 stay open, everything else above 2 is closed on
 *    exec), seccomp last, and execve().
 *
 * When no_new_privs is off, loading a seccomp filter needs CAP_SYS_ADMIN
 * in the process's user namespace, so it is then loaded first, before the
 * bounding set, the uid change and the capability sets take it away; and
 * libseccomp is told not to set no_new_privs on its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/linux.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/**
 * env_get() - look up a variable in a NULL-terminated environment
 * @env:	environment (may be NULL)
 * @name:	variable name
 *
 * Return: its value or NULL
 */
static const char *env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], name, n) && env[i][n] == '=')
			return env[i] + n + 1;
	return NULL;
}

/**
 * is_exe() - whether @path is an executable regular file
 * @path:	path
 *
 * Return: true if so
 */
static bool is_exe(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

/**
 * sl_process_lookup() - find the executable of args[0], as execvp would
 * @p:		process (its env's PATH is searched)
 * @path:	malloc'ed path of the executable (written on success)
 * @e:		error: `exec: "NAME": executable file not found in $PATH`, of
 *		kind SL_ERR_CMD_NOT_FOUND when the search of $PATH failed
 *
 * Return: 0 or -errno
 */
int sl_process_lookup(const struct sl_process *p, char **path,
		      struct sl_error *e)
{
	const char *name = p->args[0], *dirs = env_get(p->env, "PATH");
	char cand[PATH_MAX];

	if (strchr(name, '/')) {
		if (!is_exe(name))
			return sl_error_set(e, 0, "exec: \"%s\": %s", name,
					    access(name, F_OK)
						    ? strerror(ENOENT)
						    : "permission denied");
		*path = strdup(name);
		return *path ? 0 : -ENOMEM;
	}
	if (!dirs)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin";
	while (*dirs) {
		size_t len = strcspn(dirs, ":");

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)len,
			 len ? dirs : ".", name);
		if (is_exe(cand)) {
			*path = strdup(cand);
			return *path ? 0 : -ENOMEM;
		}
		dirs += len + (dirs[len] == ':');
	}
	sl_error_set(e, 0, "exec: \"%s\": executable file not found in $PATH",
		     name);
	return sl_error_mark(e, SL_ERR_CMD_NOT_FOUND);
}

/**
 * sl_process_limits() - rlimits, oom_score_adj and the working directory
 * @p:	process
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_process_limits(const struct sl_process *p, struct sl_error *e)
{
	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };

		if (setrlimit(p->rlimits[i].resource, &rl) < 0)
			return sl_error_set(
				e, errno, "process.rlimits[%zu]: setrlimit", i);
	}
	if (p->has_oom_score_adj) {
		char buf[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
		int r = fd < 0 || write(fd, buf, (size_t)n) != n ? -errno : 0;

		if (fd >= 0)
			close(fd);
		if (r)
			return sl_error_set(e, r, "process.oomScoreAdj: %d",
					    p->oom_score_adj);
	}
	if (chdir(p->cwd) < 0)
		return sl_error_set(e, errno, "process.cwd: chdir `%s`",
				    p->cwd);
	return 0;
}

/**
 * set_ids() - additional gids, gid and uid, keeping capabilities
 * @p:	process
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int set_ids(const struct sl_process *p, struct sl_error *e)
{
	_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t size");
	const gid_t *gids = (const gid_t *)p->gids;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sl_error_set(e, errno, "PR_SET_KEEPCAPS");
	/* setgroups is denied in a userns whose gid map we wrote ourselves */
	if (setgroups(p->ngids, gids) < 0 && (p->ngids || errno != EPERM))
		return sl_error_set(e, errno, "process.user.additionalGids");
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		return sl_error_set(e, errno, "process.user.gid: setgid %u",
				    p->gid);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		return sl_error_set(e, errno, "process.user.uid: setuid %u",
				    p->uid);
	return 0;
}

/**
 * keep_fds() - fds 3..3+@n-1 survive exec, every other fd above 2 not
 * @n:	number of preserved fds
 */
static void keep_fds(int n)
{
	for (int fd = 3; fd < 3 + n; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0)
			fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
	}
	if (syscall(SYS_close_range, 3 + n, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = 3 + n; fd < 1024; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/**
 * reset_signals() - every disposition default, the signal mask empty
 *
 * Handlers are reset by execve() but ignored signals and the mask are
 * inherited: the runtime's own (a hook run ignores SIGPIPE, the caller
 * may ignore or block anything) must not reach the process.  The system
 * call is used directly: glibc's sigaction() refuses the two real-time
 * signals it keeps for itself, which a caller may still have ignored.
 * An all-zero kernel sigaction is SIG_DFL, no flags, an empty mask,
 * whatever the architecture's layout.
 */
static void reset_signals(void)
{
	unsigned long dfl[4] = { 0 };
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, dfl, NULL,
				(NSIG - 1) / 8);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/**
 * sl_process_finish() - credentials, capabilities, seccomp, then exec
 * @p:			process
 * @filter:		seccomp filter (may be NULL)
 * @preserve_fds:	fds 3.. kept open for the process
 * @exe:		executable found by sl_process_lookup()
 * @e:			error
 *
 * Return: only on failure, -errno
 */
int sl_process_finish(const struct sl_process *p, struct sl_seccomp *filter,
		      int preserve_fds, const char *exe, struct sl_error *e)
{
	int r;

	reset_signals();
	if (filter && !p->no_new_privileges &&
	    (r = sl_seccomp_load(filter, false, "{}", e)))
		return r;
	if ((r = sl_caps_drop_bounding(&p->caps, e)) || (r = set_ids(p, e)) ||
	    (r = sl_caps_apply(&p->caps, e)))
		return r;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sl_error_set(e, errno, "no_new_privs");
	umask(p->has_umask ? p->umask : 022);
	keep_fds(preserve_fds);
	if (filter && p->no_new_privileges &&
	    (r = sl_seccomp_load(filter, true, "{}", e)))
		return r;
	execve(exe, p->args, p->env ? p->env : (char *[]){ NULL });
	return sl_error_set(e, errno, "exec `%s`", exe);
}

/**
 * sl_sysctl_apply() - write linux.sysctl under /proc/sys
 * @c:	config
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_sysctl_apply(const struct sl_config *c, struct sl_error *e)
{
	for (size_t i = 0; i < c->nsysctls; i++) {
		char path[PATH_MAX];
		const char *v = c->sysctls[i].value;
		char *q;
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/%s", c->sysctls[i].key);
		for (q = path + 10; *q; q++)
			if (*q == '.')
				*q = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, v, strlen(v)) < 0) {
			int r = sl_error_set(e, errno, "linux.sysctl: `%s`",
					     c->sysctls[i].key);

			if (fd >= 0)
				close(fd);
			return r;
		}
		close(fd);
	}
	return 0;
}
