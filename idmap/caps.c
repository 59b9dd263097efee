// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - hold one capability, and only while it is needed
 *
 * DOC: Theory of Operation
 * Installed with file capabilities (cap_setuid,cap_setgid+ep), the
 * program starts as the caller's uid with both capabilities.  Installed
 * setuid root, it starts with euid 0 and every capability.  Either way,
 * caps_setup() runs before the arguments are parsed and brings both to
 * the same state:
 *
 * 1. setuid root: with PR_SET_KEEPCAPS, every uid and gid (real,
 *    effective, saved) is set to the caller's real ones, so no id of
 *    root's is left to return to; the permitted set survives.
 * 2. The permitted set is cut to the one capability the map needs
 *    (CAP_SETUID for uid_map, CAP_SETGID for gid_map), plus CAP_SETFCAP
 *    for a uid map until caps_limit() knows whether the request maps
 *    host uid 0 (Linux 5.12+ wants CAP_SETFCAP for that).  The effective,
 *    inheritable and ambient sets are emptied, and the process is made
 *    non-dumpable so the caller cannot ptrace it.
 * 3. caps_raise() makes the kept capability effective just before the
 *    map file is opened and written (the kernel checks both the opener's
 *    and the writer's credentials); caps_drop_all() empties every set
 *    right after.
 *
 * The verbs that write nothing (show, check) drop everything in step 2.
 * Run without any privilege (a build-tree binary), the program carries
 * on: the kernel then allows only what it allows an unprivileged user.
 */
#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/log.h"

/**
 * caps_apply() - set permitted to @keep (as far as held), the rest empty
 * @keep:	capabilities to keep permitted
 * @n:		number of entries in @keep
 * @effective:	also make them effective
 *
 * Return: 0 or -errno
 */
static int caps_apply(const cap_value_t *keep, int n, bool effective)
{
	cap_t cur = cap_get_proc(), want = cap_init();
	cap_value_t held[4];
	int i, nh = 0, ret = 0;

	if (!cur || !want) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < n && nh < 4; i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (!cap_get_flag(cur, keep[i], CAP_PERMITTED, &v) &&
		    v == CAP_SET)
			held[nh++] = keep[i];
	}
	if (nh && (cap_set_flag(want, CAP_PERMITTED, nh, held, CAP_SET) ||
		   (effective &&
		    cap_set_flag(want, CAP_EFFECTIVE, nh, held, CAP_SET)))) {
		ret = -errno;
		goto out;
	}
	if (cap_set_proc(want))
		ret = -errno;
out:
	cap_free(cur);
	cap_free(want);
	return ret;
}

/**
 * needed_cap() - the capability a map of @kind needs
 * @kind:	map kind
 *
 * Return: CAP_SETUID or CAP_SETGID
 */
static cap_value_t needed_cap(enum idmap_kind kind)
{
	return kind == IDMAP_UID ? CAP_SETUID : CAP_SETGID;
}

static cap_value_t caps_kept[2];
static int caps_nkept;

/**
 * become_caller() - a setuid-root start: all ids to the caller's
 * @keep:	keep the permitted capabilities across the uid change
 */
static void become_caller(bool keep)
{
	uid_t ruid = getuid();
	gid_t rgid = getgid();
	uid_t r, e, s;

	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		die_errno(errno, "prctl(PR_SET_KEEPCAPS)");
	if (setresgid(rgid, rgid, rgid))
		die_errno(errno, "setresgid(%u)", rgid);
	if (setresuid(ruid, ruid, ruid))
		die_errno(errno, "setresuid(%u)", ruid);
	if (getresuid(&r, &e, &s) || r != ruid || e != ruid || s != ruid)
		die("could not give up the setuid identity");
	if (keep && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
		die_errno(errno, "prctl(PR_SET_KEEPCAPS)");
}

/**
 * caps_setup() - first thing in main: shed every privilege not needed
 * @kind:	map kind (ignored when @need_caps is false)
 * @need_caps:	false for the verbs that write no map
 *
 * Dies if the setuid identity cannot be given up.
 *
 * Return: 0 or -errno
 */
int caps_setup(enum idmap_kind kind, bool need_caps)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		return -errno;
	if (getresuid(&r, &e, &s) || getresgid(&rg, &eg, &sg))
		return -errno;
	if (e != r || s != r || eg != rg || sg != rg)
		become_caller(need_caps);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL)
		return -errno;
	caps_nkept = 0;
	if (need_caps) {
		caps_kept[caps_nkept++] = needed_cap(kind);
		if (kind == IDMAP_UID)
			caps_kept[caps_nkept++] = CAP_SETFCAP;
	}
	return caps_apply(caps_kept, caps_nkept, false);
}

/**
 * caps_limit() - once the request is parsed, keep only what it needs
 * @kind:		map kind
 * @keep_setfcap:	the uid map maps host uid 0
 *
 * Return: 0 or -errno
 */
int caps_limit(enum idmap_kind kind, bool keep_setfcap)
{
	caps_nkept = 0;
	caps_kept[caps_nkept++] = needed_cap(kind);
	if (kind == IDMAP_UID && keep_setfcap)
		caps_kept[caps_nkept++] = CAP_SETFCAP;
	return caps_apply(caps_kept, caps_nkept, false);
}

/**
 * caps_raise() - make the kept capabilities effective
 *
 * Return: 0 or -errno
 */
int caps_raise(void)
{
	return caps_apply(caps_kept, caps_nkept, true);
}

/**
 * caps_drop_all() - empty every capability set for good
 *
 * Return: 0 or -errno
 */
int caps_drop_all(void)
{
	caps_nkept = 0;
	return caps_apply(caps_kept, 0, false);
}

/**
 * caps_have_needed() - is the first kept capability actually held?
 *
 * Return: true if it is in the permitted set
 */
bool caps_have_needed(void)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t cur;

	if (!caps_nkept)
		return false;
	cur = cap_get_proc();
	if (!cur)
		return false;
	if (cap_get_flag(cur, caps_kept[0], CAP_PERMITTED, &v))
		v = CAP_CLEAR;
	cap_free(cur);
	return v == CAP_SET;
}
