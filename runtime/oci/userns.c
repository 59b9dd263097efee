// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * userns.c - write a new user namespace's uid and gid maps
 *
 * DOC: Theory of Operation
 * The runtime writes the maps of its container's init from outside, while
 * the init waits.  Three cases:
 *
 *  - the runtime is root: it writes /proc/PID/uid_map and gid_map itself;
 *  - the config maps only the caller's own uid (and gid), one id each: an
 *    unprivileged process may write that itself, after writing "deny" to
 *    /proc/PID/setgroups for the gid map, as the kernel requires;
 *  - anything larger (the subordinate ranges of /etc/subuid): the setuid
 *    or file-capability helpers `newuidmap PID ID LOWER COUNT...` and
 *    `newgidmap` do it.  They are looked up first next to our own binary
 *    (PREFIX/libexec/sublet/, where sublet-idmap installs them), then in
 *    $PATH, so shadow's helpers work as well; a helper that is neither
 *    setuid root nor has file capabilities is passed over, and when no
 *    helper is privileged the error says how to make one so.
 *
 * A config without maps gets the caller's own ids mapped to 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/userns.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/self.h"

/**
 * write_file() - write @s to /proc/@pid/@name
 * @pid:	process
 * @name:	file in its /proc directory
 * @s:		text
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int write_file(pid_t pid, const char *name, const char *s,
		      struct sl_error *e)
{
	char path[64];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		return sl_error_set(e, errno, "write `%s`", path);
	return 0;
}

/**
 * consider() - look at one candidate helper
 * @cand:	its path
 * @first:	the first executable candidate seen (malloc'ed, set once)
 *
 * Return: true when @cand is executable and privileged
 */
static bool consider(const char *cand, char **first)
{
	if (access(cand, X_OK) < 0)
		return false;
	if (!*first)
		*first = strdup(cand);
	return helper_privileged(cand);
}

/**
 * sl_userns_helper() - find a privileged newuidmap or newgidmap
 * @name:	"newuidmap" or "newgidmap"
 * @out:	malloc'ed path (written on success, and on -EPERM)
 *
 * Candidates are ours (PREFIX/libexec/sublet/@name) first, then each
 * directory of $PATH; the first that is setuid root or has file
 * capabilities wins, so that a sublet-idmap installed without its
 * capabilities (`make install` as a normal user) gives way to shadow's
 * setuid helpers instead of failing.
 *
 * Return: 0; -EPERM when helpers exist but none is privileged (@out is
 * then the first one found); -ENOENT when there is none
 */
int sl_userns_helper(const char *name, char **out)
{
	char self[PATH_MAX], cand[PATH_MAX * 2];
	_cleanup_free_ char *first = NULL;
	const char *path = getenv("PATH");
	size_t n;

	if (!sl_self_dir(self, sizeof(self))) {
		snprintf(cand, sizeof(cand), "%s/../libexec/sublet/%s", self,
			 name);
		if (consider(cand, &first))
			return (*out = strdup(cand)) ? 0 : -ENOMEM;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (; *path; path += n + (path[n] == ':')) {
		n = strcspn(path, ":");
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, path, name);
		if (n && consider(cand, &first))
			return (*out = strdup(cand)) ? 0 : -ENOMEM;
	}
	if (!first)
		return -ENOENT;
	*out = steal_ptr(&first);
	return -EPERM;
}

/**
 * no_privilege() - the error for helpers that exist but cannot map
 * @name:	"newuidmap" or "newgidmap"
 * @path:	the first one found
 * @e:		error
 *
 * Return: -EPERM
 */
static int no_privilege(const char *name, const char *path, struct sl_error *e)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	return sl_error_say(e, EPERM,
			    "%s cannot map ids: %s has neither file "
			    "capabilities nor setuid root; as root, run "
			    "`setcap cap_setuid,cap_setgid+ep %s`, or install "
			    "shadow's newuidmap and newgidmap (Debian: uidmap)",
			    name, real, real);
}

/* a newuidmap or newgidmap on its way */
struct helper_run {
	const char *name;
	char *path; /* malloc'ed */
	pid_t pid;  /* 0: none */
	int err;    /* read end of its stderr */
};

/**
 * helper_start() - start newuidmap/newgidmap PID ID LOWER COUNT...
 * @h:		run (name set; the rest written)
 * @pid:	target process
 * @m:		mappings
 * @n:		their number
 * @e:		error
 *
 * Return: 0 (helper_finish() must follow) or -errno
 */
static int helper_start(struct helper_run *h, pid_t pid,
			const struct sl_idmap *m, size_t n, struct sl_error *e)
{
	char *argv[3 + 3 * 340 + 1];
	char nums[3 * 340][12], pidbuf[16];
	int pfd[2], r;
	size_t k = 0;

	if (n > 340)
		return sl_error_set(e, 0, "too many id mappings");
	r = sl_userns_helper(h->name, &h->path);
	if (r == -EPERM)
		return no_privilege(h->name, h->path, e);
	if (r < 0)
		return sl_error_set(e, ENOENT,
				    "%s (from sublet-idmap or shadow's uidmap) "
				    "is needed to map more than one id",
				    h->name);
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	argv[k++] = (char *)h->name;
	argv[k++] = pidbuf;
	for (size_t i = 0; i < n; i++) {
		snprintf(nums[3 * i], 12, "%u", m[i].container);
		snprintf(nums[3 * i + 1], 12, "%u", m[i].host);
		snprintf(nums[3 * i + 2], 12, "%u", m[i].size);
		argv[k++] = nums[3 * i];
		argv[k++] = nums[3 * i + 1];
		argv[k++] = nums[3 * i + 2];
	}
	argv[k] = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return sl_error_set(e, errno, "pipe");
	h->pid = fork();
	if (h->pid < 0) {
		h->pid = 0;
		close(pfd[0]);
		close(pfd[1]);
		return sl_error_set(e, errno, "fork");
	}
	if (h->pid == 0) {
		dup2(pfd[1], STDERR_FILENO);
		execv(h->path, argv);
		dprintf(pfd[1], "exec `%s`: %s\n", h->path, strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	h->err = pfd[0];
	return 0;
}

/**
 * helper_finish() - wait for a helper_start()ed helper, free the run
 * @h:		run (may be one that never started)
 * @e:		error, with the helper's first line of stderr
 *
 * Return: 0 or -errno
 */
static int helper_finish(struct helper_run *h, struct sl_error *e)
{
	char msg[256] = "";
	ssize_t len;
	int status, r = 0;

	if (h->pid <= 0)
		goto out;
	len = read(h->err, msg, sizeof(msg) - 1);
	close(h->err);
	msg[len > 0 ? len : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	if (waitpid(h->pid, &status, 0) < 0)
		r = sl_error_set(e, errno, "wait for %s", h->name);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		r = sl_error_set(e, 0, "%s failed%s%s", h->path,
				 *msg ? ": " : "", msg);
	h->pid = 0;
out:
	free(h->path);
	h->path = NULL;
	return r;
}

/**
 * map_text() - format mappings the way /proc/PID/uid_map takes them
 * @m:		mappings
 * @n:		their number
 * @buf:	output
 * @len:	its size
 */
static void map_text(const struct sl_idmap *m, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%u %u %u\n",
					m[i].container, m[i].host, m[i].size);
}

/**
 * needs_helper() - whether a map takes newuidmap/newgidmap
 * @gid:	the gid map (else the uid map)
 * @m:		mappings
 * @n:		their number
 *
 * Root writes any map; anybody may map their own id alone.
 *
 * Return: true if a helper must write it
 */
static bool needs_helper(bool gid, const struct sl_idmap *m, size_t n)
{
	unsigned int self = gid ? getegid() : geteuid();

	return geteuid() != 0 &&
	       !(n == 1 && m[0].size == 1 && m[0].host == self);
}

/**
 * write_own() - write one of the two maps without a helper
 * @pid:	target process
 * @gid:	the gid map (else the uid map)
 * @m:		mappings
 * @n:		their number
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int write_own(pid_t pid, bool gid, const struct sl_idmap *m, size_t n,
		     struct sl_error *e)
{
	char text[4096];
	int r;

	if (gid && geteuid() != 0) {
		r = write_file(pid, "setgroups", "deny", e);
		if (r)
			return r;
	}
	map_text(m, n, text, sizeof(text));
	return write_file(pid, gid ? "gid_map" : "uid_map", text, e);
}

/**
 * sl_userns_write_maps() - write the uid and gid maps of @pid's userns
 * @pid:	the container's init, waiting in its new user namespace
 * @c:		config with linux.uidMappings / gidMappings
 * @e:		error
 *
 * Where both maps take a helper, newuidmap and newgidmap run at the same
 * time: each writes its own file of @pid.
 *
 * Return: 0 or -errno
 */
int sl_userns_write_maps(pid_t pid, const struct sl_config *c,
			 struct sl_error *e)
{
	struct sl_idmap own_u = { 0, geteuid(), 1 },
			own_g = { 0, getegid(), 1 };
	const struct sl_idmap *um = c->nuid_maps ? c->uid_maps : &own_u,
			      *gm = c->ngid_maps ? c->gid_maps : &own_g;
	size_t un = c->nuid_maps ? c->nuid_maps : 1,
	       gn = c->ngid_maps ? c->ngid_maps : 1;
	struct helper_run hu = { .name = "newuidmap" },
			  hg = { .name = "newgidmap" };
	struct sl_error later = { 0 }; /* a second failure, not reported */

	if (needs_helper(false, um, un) ? helper_start(&hu, pid, um, un, e)
					: write_own(pid, false, um, un, e)) {
		helper_finish(&hu, &later);
		return sl_error_prefix(e, "uid map");
	}
	if (needs_helper(true, gm, gn) ? helper_start(&hg, pid, gm, gn, e)
				       : write_own(pid, true, gm, gn, e)) {
		helper_finish(&hu, &later);
		helper_finish(&hg, &later);
		return sl_error_prefix(e, "gid map");
	}
	if (helper_finish(&hu, e)) {
		helper_finish(&hg, &later);
		return sl_error_prefix(e, "uid map");
	}
	if (helper_finish(&hg, e))
		return sl_error_prefix(e, "gid map");
	return 0;
}
