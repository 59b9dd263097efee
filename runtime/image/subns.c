// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subns.c - run a function as root of a user namespace with all our ids
 *
 * DOC: Theory of Operation
 * Image layers hold files owned by many ids.  The store keeps them on disk
 * through the user's subordinate ranges, the way the container will see
 * them: container id 0 is the user, ids 1..N are the ranges of
 * /etc/subuid and /etc/subgid in order (Podman's rootless layout, so a
 * file of uid 33 in a layer is owned by the 33rd subordinate id on disk).
 *
 * sl_in_userns() forks a child that unshares a user namespace and waits;
 * the parent writes the maps through newuidmap/newgidmap (runtime/userns.c,
 * so sublet-idmap is used) and lets it go; the child becomes root there,
 * runs the function and reports its error back over a pipe.  The child
 * dies with us (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/subid.h"
#include "runtime/image/store.h"
#include "runtime/oci/linux.h"

/**
 * fill() - the mapping for one kind of id
 * @file:	/etc/subuid or /etc/subgid
 * @user:	user name
 * @self:	our own id
 * @m:		mappings (written on success)
 * @n:		their number (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int fill(const char *file, const char *user, uid_t self,
		struct sl_idmap *m, size_t *n, struct sl_error *e)
{
	struct subid_list l = { 0 };
	uint32_t next = 1;
	size_t k = 1;
	int r = subid_read(file, user, self, &l);

	if (r < 0 && r != -ENOENT)
		return sl_error_set(e, -r, "read %s", file);
	if (r < 0 || !l.n) {
		subid_list_free(&l);
		return sl_error_say(e, ENOENT,
				    "no subordinate ids for `%s` in %s: ask "
				    "an administrator to add a range (usermod "
				    "--add-subuids 100000-165535 --add-subgids "
				    "100000-165535 %s)",
				    user, file, user);
	}
	m[0] = (struct sl_idmap){ 0, self, 1 };
	for (size_t i = 0; i < l.n && k < 8; i++) {
		m[k++] = (struct sl_idmap){ next, l.v[i].start, l.v[i].count };
		next += l.v[i].count;
	}
	*n = k;
	subid_list_free(&l);
	return 0;
}

/**
 * userns_enabled() - are unprivileged user namespaces allowed?
 * @e:	error, saying what to change
 *
 * Return: 0 or -EPERM
 */
static int userns_enabled(struct sl_error *e)
{
	static const struct {
		const char *path, *name, *fix;
	} knobs[] = {
		{ "/proc/sys/user/max_user_namespaces",
		  "user.max_user_namespaces", "15000" },
		{ "/proc/sys/kernel/unprivileged_userns_clone",
		  "kernel.unprivileged_userns_clone", "1" },
	};
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		_cleanup_close_ int fd =
			open(knobs[i].path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (strtol(buf, NULL, 10) == 0)
			return sl_error_say(e, EPERM,
					    "user namespaces are disabled (%s "
					    "= 0): ask an administrator to run "
					    "`sysctl -w %s=%s`",
					    knobs[i].name, knobs[i].name,
					    knobs[i].fix);
	}
	return 0;
}

/**
 * sl_idmaps_get() - our full uid and gid mapping
 * @m:	mappings (written on success)
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_idmaps_get(struct sl_idmaps *m, struct sl_error *e)
{
	struct passwd *pw = getpwuid(geteuid());
	struct sl_idmaps t;
	char num[16];
	const char *user = num;
	int r;

	if ((r = userns_enabled(e)))
		return r;
	snprintf(num, sizeof(num), "%u", geteuid());
	if (pw)
		user = pw->pw_name;
	if ((r = fill(SUBUID_FILE, user, geteuid(), t.uid, &t.nuid, e)) ||
	    (r = fill(SUBGID_FILE, user, getegid(), t.gid, &t.ngid, e)))
		return r;
	*m = t;
	return 0;
}

/**
 * child() - the user namespace side of sl_in_userns()
 * @ready:	pipe to say the namespace exists (we write [1])
 * @go:		pipe the parent writes to once the maps are written ([0])
 * @res:	pipe for the error message (we write [1])
 * @fn:		function
 * @arg:	its argument
 *
 * The parent's ends are closed first: if the parent cannot write the maps
 * it closes its end of @go, and only then does our read() see EOF.
 */
static void __attribute__((noreturn))
child(const int ready[2], const int go[2], const int res[2], sl_userns_fn fn,
      void *arg)
{
	struct sl_error e = { 0 };
	char c;

	close(ready[0]);
	close(go[1]);
	close(res[0]);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (unshare(CLONE_NEWUSER) < 0) {
		sl_error_say(&e, errno,
			     "cannot create a user namespace (%s): check "
			     "sysctl user.max_user_namespaces and "
			     "kernel.unprivileged_userns_clone",
			     strerror(errno));
		goto fail;
	}
	if (write(ready[1], "1", 1) != 1 || read(go[0], &c, 1) != 1)
		_exit(1);
	if (syscall(SYS_setresgid, 0, 0, 0) < 0 ||
	    syscall(SYS_setresuid, 0, 0, 0) < 0) {
		sl_error_set(&e, errno, "become root in the user namespace");
		goto fail;
	}
	if (!fn(arg, &e))
		_exit(0);
fail:
	if (write(res[1], e.msg, strlen(e.msg)) < 0)
		_exit(2);
	_exit(1);
}

/**
 * sl_in_userns() - run @fn as root of a new user namespace mapped by @m
 * @m:		mappings
 * @fn:		function, returns 0 or -errno and fills its error
 * @arg:	its argument
 * @e:		error, @fn's message when it failed
 *
 * Return: 0 or -errno
 */
int sl_in_userns(const struct sl_idmaps *m, sl_userns_fn fn, void *arg,
		 struct sl_error *e)
{
	struct sl_config cfg = { .uid_maps = (struct sl_idmap *)m->uid,
				 .gid_maps = (struct sl_idmap *)m->gid,
				 .nuid_maps = m->nuid,
				 .ngid_maps = m->ngid };
	int ready[2], go[2], res[2], status, r = 0;
	char c, msg[SL_ERROR_MSG] = "";
	ssize_t len;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC) ||
	    pipe2(res, O_CLOEXEC))
		return sl_error_set(e, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return sl_error_set(e, errno, "fork");
	if (pid == 0)
		child(ready, go, res, fn, arg);
	close(ready[1]);
	close(go[0]);
	close(res[1]);
	if (read(ready[0], &c, 1) == 1) {
		r = sl_userns_write_maps(pid, &cfg, e);
		if (!r && write(go[1], "1", 1) != 1)
			r = sl_error_set(e, errno, "start user namespace");
	}
	close(ready[0]);
	close(go[1]);
	len = read(res[0], msg, sizeof(msg) - 1);
	close(res[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg[len > 0 ? len : 0] = '\0';
	return sl_error_say(e, EIO, "%s",
			    *msg ? msg
				 : "user namespace helper "
				   "failed");
}

/**
 * rm_one() - nftw callback: remove one entry
 * @path:	entry
 * @st:		its status
 * @flag:	kind
 * @ftw:	position
 *
 * Return: 0 to go on, -1 to stop
 */
static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/**
 * rm_fn() - remove a tree (inside the user namespace)
 * @arg:	path
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int rm_fn(void *arg, struct sl_error *e)
{
	const char *path = arg;

	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		return sl_error_set(e, errno, "remove `%s`", path);
	return 0;
}

/**
 * sl_rm_rf_userns() - remove @path, whose files may belong to subids
 * @m:		mappings
 * @path:	tree
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_rm_rf_userns(const struct sl_idmaps *m, const char *path,
		    struct sl_error *e)
{
	if (access(path, F_OK) < 0)
		return 0;
	/* most trees are the user's own: no namespace needed (fast path) */
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 &&
	    access(path, F_OK) < 0)
		return 0;
	return sl_in_userns(m, rm_fn, (void *)path, e);
}
