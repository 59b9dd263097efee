// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor.c - "sublet-idmap check [USER]": will rootless containers work?
 *
 * DOC: Theory of Operation
 * Each check prints one line, "ok", "warning" or "missing", then what
 * it found and, when something is missing, what to do about it.  The
 * exit status is 1 if any line says "missing".  The checks:
 *
 * - the user has a passwd entry;
 * - /etc/subuid and /etc/subgid allot the user ranges, at least 65536
 *   ids in all (images use ids 0-65535);
 * - user namespaces are enabled (user.max_user_namespaces above 0,
 *   kernel.unprivileged_userns_clone not 0 where that Debian sysctl
 *   exists), and a child process can really create one;
 * - /dev/fuse and /dev/net/tun open read-write (sublet-overlayfs and
 *   sublet-netd need them);
 * - this sublet-idmap binary holds cap_setuid and cap_setgid as file
 *   capabilities, or is setuid root; when it does not, but a privileged
 *   newuidmap and newgidmap (shadow's) are in a directory of the default
 *   PATH, sublet maps with those: a warning, not a missing piece.  The
 *   environment is emptied at start (env.c), so that PATH is the fixed
 *   /usr/local/bin:/usr/bin:/bin, not the caller's.
 *
 * The namespace and device checks run as the calling user (with every
 * capability dropped), whichever USER is named.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/userns.h"

static int doctor_missing;

/**
 * report() - print one check's result
 * @ok:		0 for "ok", 1 for "warning", 2 for "missing"
 * @fmt:	what was found
 */
static __attribute__((format(printf, 2, 3))) void report(int ok,
							 const char *fmt, ...)
{
	static const char *const words[] = { "ok", "warning", "missing" };
	va_list ap;

	if (ok == 2)
		doctor_missing++;
	printf("%-8s ", words[ok]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/**
 * names_user() - does a subid line's owner field name @u?
 * @line:	the line
 * @len:	its length
 * @u:		user
 *
 * Return: true if the text before the first ':' is @u's name or uid
 */
static bool names_user(const char *line, size_t len, const struct idmap_user *u)
{
	const char *colon = memchr(line, ':', len);
	size_t olen = colon ? (size_t)(colon - line) : len;
	uint32_t id;

	if (u->name && strlen(u->name) == olen && !memcmp(line, u->name, olen))
		return true;
	return !parse_u32_n(line, olen, &id) && id == u->uid;
}

/**
 * report_bad_lines() - warn about malformed lines that name @u
 * @u:		user
 * @path:	subid file
 *
 * Each line naming the user goes through the same parser the map verbs
 * use, one at a time; a line it rejects grants nothing, which is worth
 * telling whoever typed it.
 */
static void report_bad_lines(const struct idmap_user *u, const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t n;

	while (f && (n = getline(&line, &cap, f)) >= 0) {
		struct subid_list l = { 0 };

		no++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (!n || line[0] == '#' || !names_user(line, (size_t)n, u))
			continue;
		if (!subid_parse(line, (size_t)n, u->name, u->uid, &l) &&
		    l.bad_lines)
			report(1,
			       "%s: line %zu is malformed and grants nothing: %s",
			       path, no, line);
		subid_list_free(&l);
	}
}

/**
 * check_subid() - the user's allotment in one subid file
 * @u:		user
 * @kind:	uid or gid
 */
static void check_subid(const struct idmap_user *u, enum idmap_kind kind)
{
	const char *path = idmap_kind_file(kind);
	const char *who = u->name ? u->name : "this uid";
	struct subid_list l = { 0 };
	uint64_t total;
	int ret = user_allotment(u, kind, &l);

	if (ret == -ENOENT) {
		report(2, "%s: no such file (add a line \"%s:100000:65536\")",
		       path, who);
		return;
	}
	if (ret) {
		report(2, "%s: cannot be used (%s)", path, strerror(-ret));
		return;
	}
	total = subid_list_total(&l);
	if (!l.n)
		report(2,
		       "%s: no entries for %s (add a line \"%s:START:65536\", e.g. with usermod --add-subuids)",
		       path, who, who);
	else if (total < IDMAP_WANT_IDS)
		report(2,
		       "%s: only %llu ids for %s in %zu ranges, images need %u",
		       path, (unsigned long long)total, who, l.n,
		       IDMAP_WANT_IDS);
	else
		report(0, "%s: %llu ids for %s in %zu range%s", path,
		       (unsigned long long)total, who, l.n,
		       l.n == 1 ? "" : "s");
	subid_list_free(&l);
	report_bad_lines(u, path);
}

/**
 * read_sysctl() - read a numeric sysctl
 * @path:	/proc/sys path
 * @out:	value, written only on success
 *
 * Return: 0 or -errno
 */
static int read_sysctl(const char *path, uint32_t *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	return parse_u32_n(buf, (size_t)n, out);
}

/**
 * try_userns() - can a child of ours create a user namespace?
 *
 * Return: 0, or the errno unshare(2) failed with
 */
static int try_userns(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) ? (errno & 0xff) : 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

/**
 * check_userns() - are user namespaces enabled for unprivileged users?
 */
static void check_userns(void)
{
	uint32_t v;
	int e;

	if (!read_sysctl("/proc/sys/user/max_user_namespaces", &v) && !v) {
		report(2,
		       "user namespaces: user.max_user_namespaces is 0 (sysctl -w user.max_user_namespaces=28633)");
		return;
	}
	if (!read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", &v) &&
	    !v) {
		report(2,
		       "user namespaces: kernel.unprivileged_userns_clone is 0 (sysctl -w kernel.unprivileged_userns_clone=1)");
		return;
	}
	e = try_userns();
	if (e)
		report(2, "user namespaces: creating one fails: %s",
		       strerror(e));
	else
		report(0, "user namespaces: enabled");
}

/**
 * check_device() - can the caller open @path read-write?
 * @path:	device node
 * @who:	what needs it
 */
static void check_device(const char *path, const char *who)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		report(2, "%s: %s (%s needs it; mode 0666 as udev sets it)",
		       path, strerror(errno), who);
	else
		report(0, "%s: usable", path);
}

/**
 * system_helper() - a privileged @name in a directory of the default PATH
 * @name:	"newuidmap" or "newgidmap"
 * @buf:	its path (written when found)
 * @len:	size of @buf
 *
 * Return: true when found
 */
static bool system_helper(const char *name, char *buf, size_t len)
{
	static const char *const dirs[] = { "/usr/local/bin", "/usr/bin",
					    "/bin" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s", dirs[i], name);
		if (!access(buf, X_OK) && helper_privileged(buf))
			return true;
	}
	return false;
}

/**
 * check_self() - does this binary carry the privilege it needs?
 */
static void check_self(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cap_flag_value_t u = CAP_CLEAR, g = CAP_CLEAR;
	char nu[64], ng[64];
	struct stat st;
	cap_t c;

	if (fd < 0 || fstat(fd, &st)) {
		report(1, "sublet-idmap: cannot inspect its own binary");
		return;
	}
	if ((st.st_mode & S_ISUID) && st.st_uid == 0) {
		report(0, "sublet-idmap: setuid root");
		return;
	}
	c = cap_get_fd(fd);
	if (c) {
		cap_get_flag(c, CAP_SETUID, CAP_PERMITTED, &u);
		cap_get_flag(c, CAP_SETGID, CAP_PERMITTED, &g);
		cap_free(c);
	}
	if (u == CAP_SET && g == CAP_SET)
		report(0,
		       "sublet-idmap: file capabilities cap_setuid,cap_setgid");
	else if (system_helper("newuidmap", nu, sizeof(nu)) &&
		 system_helper("newgidmap", ng, sizeof(ng)))
		report(1,
		       "sublet-idmap: neither setuid root nor file capabilities; sublet maps with %s and %s instead (an engine that runs this one's newuidmap needs setcap cap_setuid,cap_setgid+ep on it)",
		       nu, ng);
	else
		report(2,
		       "sublet-idmap: neither setuid root nor file capabilities (setcap cap_setuid,cap_setgid+ep on it, as make install does as root; or install shadow's newuidmap and newgidmap, Debian: uidmap, which sublet then uses)");
}

/**
 * idmap_check_main() - the check verb
 * @argc:	number of arguments after "check"
 * @argv:	arguments after "check"
 *
 * Return: 0 if nothing is missing, else 1
 */
int idmap_check_main(int argc, char *const argv[])
{
	struct idmap_user u;

	if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
		err("check: unexpected argument '%s'", argv[argc - 1]);
		return 1;
	}
	if (user_lookup(argc ? argv[0] : NULL, &u))
		return 1;
	if (u.name)
		report(0, "user: %s (uid %u)", u.name, u.uid);
	else
		report(1, "user: uid %u has no passwd entry", u.uid);
	check_subid(&u, IDMAP_UID);
	check_subid(&u, IDMAP_GID);
	check_userns();
	check_device("/dev/fuse", "sublet-overlayfs");
	check_device("/dev/net/tun", "sublet-netd");
	check_self();
	user_free(&u);
	return doctor_missing ? 1 : 0;
}
