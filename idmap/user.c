// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * user.c - who is asking, and what /etc/subuid and /etc/subgid allot them
 *
 * DOC: Theory of Operation
 * The caller is its real uid and real gid: those are the ids the kernel
 * says the caller holds, whatever the program's own privileges.  The
 * passwd entry only supplies the name that subid lines may use; a uid
 * without one is matched by number alone.  Subid files name owners by
 * user name or by numeric uid, in both files (shadow's subgid(5)).
 *
 * A subid file that is not owned by root, or that anyone may write, is
 * refused: its lines would grant ids nobody vetted.  A missing file is
 * reported as -ENOENT, which the map verbs treat as "no allotment".
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/parse.h"

/**
 * user_from_pw() - fill a user from a passwd entry
 * @pw:		entry
 * @out:	result, written only on success
 *
 * Return: 0 or -ENOMEM
 */
static int user_from_pw(const struct passwd *pw, struct idmap_user *out)
{
	char *name = strdup(pw->pw_name);

	if (!name)
		return -ENOMEM;
	out->name = name;
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	return 0;
}

/**
 * user_caller() - the calling user: real uid, real gid, passwd name
 * @out:	result, written only on success; free with user_free()
 *
 * Return: 0 or -ENOMEM
 */
int user_caller(struct idmap_user *out)
{
	struct passwd *pw = getpwuid(getuid());
	char *name = NULL;

	if (pw && !(name = strdup(pw->pw_name)))
		return -ENOMEM;
	out->name = name;
	out->uid = getuid();
	out->gid = getgid();
	return 0;
}

/**
 * user_lookup() - a user by name or numeric uid, or the caller
 * @arg:	name, decimal uid, or NULL for the caller
 * @out:	result, written only on success; free with user_free()
 *
 * A numeric uid without a passwd entry gives a user without a name and
 * with gid (gid_t)-1.
 *
 * Return: 0, -ENOENT (with a message) if no such user, -ENOMEM
 */
int user_lookup(const char *arg, struct idmap_user *out)
{
	struct passwd *pw;
	uint32_t uid;

	if (!arg)
		return user_caller(out);
	pw = getpwnam(arg);
	if (pw)
		return user_from_pw(pw, out);
	if (parse_u32(arg, &uid) || uid == UINT32_MAX) {
		err("no such user '%s'", arg);
		return -ENOENT;
	}
	pw = getpwuid(uid);
	if (pw)
		return user_from_pw(pw, out);
	out->name = NULL;
	out->uid = uid;
	out->gid = (gid_t)-1;
	return 0;
}

/**
 * user_free() - release a user's name
 * @u:	user
 */
void user_free(struct idmap_user *u)
{
	free(u->name);
	u->name = NULL;
}

/**
 * user_allotment() - the ranges a subid file allots to @u
 * @u:		user
 * @kind:	IDMAP_UID for /etc/subuid, IDMAP_GID for /etc/subgid
 * @out:	result, written only on success; free with subid_list_free()
 *
 * Return: 0, -ENOENT if the file does not exist, -EPERM (with a message)
 * if it is not root's or is world-writable, other -errno (with a message)
 */
int user_allotment(const struct idmap_user *u, enum idmap_kind kind,
		   struct subid_list *out)
{
	const char *path = idmap_kind_file(kind);
	_cleanup_close_ int fd = -1;
	struct stat st;
	int ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0 || fstat(fd, &st)) {
		ret = -errno;
		err_errno(-ret, "%s", path);
		return ret;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & S_IWOTH)) {
		err("refusing %s: not a regular file closed to writes by others",
		    path);
		return -EPERM;
	}
	if (st.st_uid != 0) {
		err("refusing %s: owned by uid %u, not root", path, st.st_uid);
		return -EPERM;
	}
	ret = subid_read_fd(fd, u->name, (uint32_t)u->uid, out);
	if (ret)
		err_errno(-ret, "reading %s", path);
	return ret;
}
