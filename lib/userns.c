// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * userns.c - which user namespace we run in, and who can map ids in a new
 * one
 */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "lib/userns.h"

/**
 * initial_userns() - are we in the initial user namespace?
 *
 * Return: true if /proc/self/uid_map maps every id to itself (false
 *	   also when it cannot be read)
 */
bool initial_userns(void)
{
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n;

	if (!f)
		return false;
	n = fscanf(f, "%lu %lu %lu", &a, &b, &c);
	fclose(f);
	return n == 3 && a == 0 && b == 0 && c == 4294967295UL;
}

/**
 * helper_privileged() - can a newuidmap or newgidmap map ids beyond the
 * caller's own?
 * @path:	the helper
 *
 * It can when it is setuid root or carries file capabilities (any
 * security.capability attribute: the helper itself checks which).  The
 * runtime uses this to choose a helper, sublet-idmap's check to say
 * whether one is there.
 *
 * Return: true or false
 */
bool helper_privileged(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if ((st.st_mode & S_ISUID) && st.st_uid == 0)
		return true;
	return getxattr(path, "security.capability", NULL, 0) > 0;
}
