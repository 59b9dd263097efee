// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - the per-user configuration file
 *
 * DOC: Theory of Operation
 * Engines start sublet-netd (as slirp4netns) with a command line of their
 * own, so a user who wants a default changed for every container cannot
 * do it with a flag.  The file $XDG_CONFIG_HOME/sublet/netd.conf (or
 * ~/.config/sublet/netd.conf, from $HOME) does it, whatever name the
 * program was called by.  Only the environment says where it is: under
 * an engine sublet-netd may run as uid 0 of a user namespace, where the
 * password database would name root's home, not the user's.
 *
 * The format is one "key = value" a line; blank lines and lines starting
 * with '#' are skipped.  One key is known:
 *
 *   outbound-fastpath = true | false
 *
 * The command line wins over the file.  A missing file (or no $HOME and
 * no $XDG_CONFIG_HOME) is no file, and so is one we may not read (one
 * line says so: $HOME may be another user's, as sudo keeps it); an
 * unknown key or a bad value is refused with one line naming the file
 * and the line number.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "netd/netd.h"

/**
 * config_path() - where the file is
 * @buf:	the path, written on success
 * @size:	size of @buf
 *
 * Return: 0, or -ENOENT when the environment names no directory for it
 */
static int config_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/%s", xdg, NETD_CONFIG_NAME);
	else if (home && *home == '/')
		n = snprintf(buf, size, "%s/.config/%s", home,
			     NETD_CONFIG_NAME);
	else
		return -ENOENT;
	return n > 0 && (size_t)n < size ? 0 : -ENOENT;
}

/**
 * trim() - @s without leading and trailing white space
 * @s:		text, changed in place
 *
 * Return: the trimmed text, inside @s
 */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/**
 * config_line() - apply one line
 * @o:		options
 * @line:	the line, changed in place
 * @path:	the file, for the message
 * @no:		the line number, for the message
 *
 * Return: 0, or -EINVAL (message printed)
 */
static int config_line(struct netd_opts *o, char *line, const char *path,
		       unsigned int no)
{
	char *eq, *key, *val;
	bool on;

	key = trim(line);
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (!eq) {
		err("%s:%u: want KEY = VALUE, not '%s'", path, no, key);
		return -EINVAL;
	}
	*eq = '\0';
	key = trim(key);
	val = trim(eq + 1);
	if (strcmp(key, "outbound-fastpath")) {
		err("%s:%u: unknown key '%s' (known: outbound-fastpath)", path,
		    no, key);
		return -EINVAL;
	}
	if (strcmp(val, "true") && strcmp(val, "false")) {
		err("%s:%u: outbound-fastpath: want true or false, not '%s'",
		    path, no, val);
		return -EINVAL;
	}
	on = !strcmp(val, "true");
	if (!o->outbound_fastpath_given)
		o->outbound_fastpath = on;
	return 0;
}

/**
 * config_read() - read the per-user configuration file, if there is one
 * @o:		options, parsed from the command line already
 *
 * Return: 0, or -errno (message printed)
 */
int config_read(struct netd_opts *o)
{
	char path[PATH_MAX], line[512];
	unsigned int no = 0;
	FILE *f;
	int ret = 0;

	if (config_path(path, sizeof(path)) < 0)
		return 0;
	f = fopen(path, "re");
	if (!f && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (!f) { /* e.g. $HOME another user's, kept by sudo or setpriv */
		warn("cannot read %s: %s; going on without it", path,
		     strerror(errno));
		return 0;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			err("%s:%u: line too long", path, no);
			ret = -EINVAL;
		} else {
			ret = config_line(o, line, path, no);
		}
	}
	fclose(f);
	return ret;
}
