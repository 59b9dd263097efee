// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * map.c - the uid and gid verbs: newuidmap and newgidmap
 *
 * DOC: Theory of Operation
 * One run writes one map, in this order:
 *
 * 1. parse the command line (args.c) and refuse colliding ranges
 *    (validate.c); drop CAP_SETFCAP unless host uid 0 is mapped;
 * 2. pin the target and check it is the caller's, in a fresh user
 *    namespace the caller created, with its map still unwritten
 *    (target.c);
 * 3. check every range against the caller's allotment (validate.c);
 * 4. for a gid map, handle setgroups (below);
 * 5. check the target is still alive, raise the one capability, open
 *    the map file through the pinned /proc directory, write the whole
 *    map in one write(2) as the kernel requires, and drop every
 *    capability.
 *
 * setgroups: a process that could call setgroups(2) could drop a
 * supplementary group, and with it escape a "deny to group" permission.
 * The kernel therefore lets an unprivileged writer map a gid only after
 * setgroups was set to "deny".  sublet-idmap writes with CAP_SETGID, so
 * the kernel would not insist; it keeps the same rule itself, as shadow's
 * newgidmap does: when no range comes from /etc/subgid (only the caller's
 * own gid is mapped), "deny" is written to /proc/PID/setgroups before
 * gid_map.  When /etc/subgid grants a range, setgroups is left as the
 * process has it (allowed by default; a process that chose "deny" keeps
 * it - shadow would fail trying to write "allow" there, we do not widen
 * what the process asked for).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/cleanup.h"
#include "lib/log.h"

/**
 * maps_host_root() - does the request map host id 0?
 * @req:	request
 *
 * Return: true if some range's LOWER is 0
 */
static bool maps_host_root(const struct idmap_req *req)
{
	size_t i;

	for (i = 0; i < req->n; i++)
		if (req->v[i].lower == 0)
			return true;
	return false;
}

/**
 * deny_setgroups() - write "deny" to the target's setgroups
 * @t:	target
 *
 * Return: 0, or -errno with a message
 */
static int deny_setgroups(const struct idmap_target *t)
{
	_cleanup_close_ int fd = -1;
	char cur[16] = "";
	ssize_t n;

	fd = openat(t->dirfd, "setgroups", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		err_errno(e, "process %d: setgroups", t->pid);
		return -e;
	}
	n = read(fd, cur, sizeof(cur) - 1);
	if (n > 0 && !strncmp(cur, "deny\n", 5))
		return 0;
	if (lseek(fd, 0, SEEK_SET) || write(fd, "deny\n", 5) != 5) {
		int e = errno;

		err_errno(e, "writing \"deny\" to /proc/%d/setgroups", t->pid);
		return -e;
	}
	return 0;
}

/**
 * write_map() - open the map file through the pinned directory and write
 * @t:		target
 * @kind:	uid or gid
 * @text:	map text
 * @len:	its length
 *
 * Return: 0, or -errno with a message
 */
static int write_map(const struct idmap_target *t, enum idmap_kind kind,
		     const char *text, size_t len)
{
	const char *name = kind == IDMAP_UID ? "uid_map" : "gid_map";
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int e, ret = target_alive(t);

	if (ret)
		return ret;
	ret = caps_raise();
	if (ret)
		die_errno(-ret, "raising capabilities");
	fd = openat(t->dirfd, name, O_WRONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : write(fd, text, len);
	e = errno;
	ret = caps_drop_all();
	if (ret)
		die_errno(-ret, "dropping capabilities");
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		e = EIO;
	if (e == EPERM && !caps_have_needed())
		err("writing /proc/%d/%s: %s (this sublet-idmap has neither file capabilities nor setuid root)",
		    t->pid, name, strerror(e));
	else
		err_errno(e, "writing /proc/%d/%s", t->pid, name);
	return -e;
}

/**
 * map_checked() - steps 2 to 5 for a parsed request
 * @req:	parsed request
 * @text:	its map text
 * @len:	length of @text
 *
 * Return: 0, or -errno with a message
 */
static int map_checked(const struct idmap_req *req, const char *text,
		       size_t len)
{
	struct idmap_target_spec spec;
	struct idmap_target t = { .pidfd = -1, .dirfd = -1 };
	struct idmap_user u = { 0 };
	struct subid_list allot = { 0 };
	bool any_subid = false;
	int ret;

	if (idmap_parse_target(req->target, &spec))
		return -EINVAL;
	ret = target_open(&spec, &t);
	if (ret)
		return ret;
	ret = user_caller(&u);
	if (!ret)
		ret = target_check_owner(&t, u.uid, u.gid);
	if (!ret)
		ret = target_check_userns(&t, req->kind, u.uid);
	if (!ret) {
		ret = user_allotment(&u, req->kind, &allot);
		if (ret == -ENOENT)
			ret = 0;
	}
	if (!ret)
		ret = idmap_check_allowed(
			req, &allot, req->kind == IDMAP_UID ? u.uid : u.gid,
			u.name ? u.name : "this uid", &any_subid);
	if (!ret && req->kind == IDMAP_GID && !any_subid)
		ret = deny_setgroups(&t);
	if (!ret)
		ret = write_map(&t, req->kind, text, len);
	subid_list_free(&allot);
	user_free(&u);
	target_close(&t);
	return ret;
}

/**
 * idmap_map_main() - run newuidmap / newgidmap / "sublet-idmap uid|gid"
 * @kind:	which map
 * @prog:	how the program was called, for the usage line
 * @argc:	number of arguments in @argv
 * @argv:	arguments after the program name (and verb)
 *
 * Return: exit status
 */
int idmap_map_main(enum idmap_kind kind, const char *prog, int argc,
		   char *const argv[])
{
	static struct idmap_req req;
	char text[4096];
	long page = sysconf(_SC_PAGESIZE);
	int ret, len;

	ret = idmap_parse_args(kind, argc, argv, &req);
	if (ret == -EDOM) {
		fprintf(stderr,
			"usage: %s PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...\n",
			prog);
		return 1;
	}
	if (ret || idmap_check_overlap(&req))
		return 1;
	ret = caps_limit(kind, maps_host_root(&req));
	if (ret)
		die_errno(-ret, "limiting capabilities");
	len = idmap_format(&req, text, sizeof(text));
	if (len < 0 || (page > 0 && len >= page)) {
		err("the map text is longer than the %ld bytes the kernel takes",
		    page - 1);
		return 1;
	}
	ret = map_checked(&req, text, (size_t)len);
	caps_drop_all();
	return ret ? 1 : 0;
}
