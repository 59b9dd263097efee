// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * env.c - start from a known process state
 *
 * DOC: Theory of Operation
 * sublet-idmap runs with privileges its caller does not have, so nothing
 * the caller set up may steer it:
 *
 * - fds 0, 1 and 2 are made to exist (opened on /dev/null when closed),
 *   so that no file this program opens later can land on fd 2 and
 *   receive its error messages;
 * - every other inherited fd is closed, except the one an "fd:N" target
 *   names;
 * - the environment is emptied (no PATH, locale, TZ or NSS tuning is
 *   ever read), and the umask is set.
 *
 * This runs first in main(), before anything else reads the arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/parse.h"

/**
 * env_keep_fd() - the fd an "fd:N" target argument names
 * @arg:	target argument, or NULL
 *
 * Return: N, or -1 if @arg is not a well-formed "fd:N"
 */
int env_keep_fd(const char *arg)
{
	unsigned int v;

	if (!arg || strncmp(arg, "fd:", 3) ||
	    parse_uint_range(arg + 3, 0, INT_MAX, &v))
		return -1;
	return (int)v;
}

/**
 * close_from() - close every fd in [@lo, @hi]
 * @lo:	first fd
 * @hi:	last fd
 */
static void close_from(unsigned int lo, unsigned int hi)
{
	long max;
	unsigned int fd;

	if (lo > hi || !close_range(lo, hi, 0))
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = lo; fd <= hi && fd < (unsigned int)max; fd++)
		close((int)fd);
}

/**
 * env_sanitize() - fds, environment and umask to a known state
 * @keep_fd:	an inherited fd to keep open, or -1
 */
void env_sanitize(int keep_fd)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", O_RDWR | O_NOCTTY) != fd)
			_exit(EXIT_FAILURE);
	}
	if (keep_fd > 2) {
		close_from(3, (unsigned int)keep_fd - 1);
		close_from((unsigned int)keep_fd + 1, ~0U);
	} else {
		close_from(3, ~0U);
	}
	clearenv();
	umask(022);
}
