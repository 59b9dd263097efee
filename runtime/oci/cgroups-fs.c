// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-fs.c - the mounted hierarchies and their control files
 *
 * DOC: Theory of Operation
 * The hierarchies come from /proc/self/mountinfo (cgroup2, and each v1
 * cgroup mount with its controllers or name=), the caller's cgroup in
 * each from /proc/self/cgroup.  A controller mounted as a v1 hierarchy
 * is used there, any other in v2 when v2's root offers it.  cg_put()
 * writes one resource, turning a failure into an error as root or into
 * the rootless warning.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/cgroups.h"

/**
 * is_controller() - whether a super option of a v1 mount names a
 * hierarchy's controller
 * @opt:	one option
 *
 * Return: true for controllers and name=
 */
static bool is_controller(const char *opt)
{
	static const char *const known[] = {
		"cpu",	   "cpuacct", "cpuset",	  "memory", "devices",
		"freezer", "net_cls", "net_prio", "blkio",  "perf_event",
		"hugetlb", "pids",    "rdma",	  "misc",
	};

	if (!strncmp(opt, "name=", 5))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(opt, known[i]))
			return true;
	return false;
}

/**
 * parse_mount() - one line of mountinfo into a hierarchy
 * @line:	the line
 * @h:		hierarchy (written when it is a cgroup mount)
 *
 * Return: true for a cgroup or cgroup2 mount of its hierarchy's root
 */
static bool parse_mount(char *line, struct cg_hier *h)
{
	char root[PATH_MAX], mnt[PATH_MAX], fstype[64], src[256], opts[512];
	char *sep = strstr(line, " - "), *tok, *save = NULL;

	if (!sep || sscanf(line, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
	    sscanf(sep + 3, "%63s %255s %511s", fstype, src, opts) != 3)
		return false;
	if (strcmp(root, "/") || strlen(mnt) >= sizeof(h->mnt))
		return false;
	memset(h, 0, sizeof(*h));
	snprintf(h->mnt, sizeof(h->mnt), "%s", mnt);
	if (!strcmp(fstype, "cgroup2"))
		return h->v2 = true;
	if (strcmp(fstype, "cgroup"))
		return false;
	for (tok = strtok_r(opts, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!is_controller(tok))
			continue;
		if (h->ctrls[0])
			strncat(h->ctrls, ",",
				sizeof(h->ctrls) - strlen(h->ctrls) - 1);
		strncat(h->ctrls, tok, sizeof(h->ctrls) - strlen(h->ctrls) - 1);
	}
	return h->ctrls[0] != '\0';
}

/**
 * find_own() - the caller's cgroup in each hierarchy
 * @s:		hierarchies
 */
static void find_own(struct cg_set *s)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 256];

	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;

		if (!p)
			continue;
		*p++ = '\0';
		p[strcspn(p, "\n")] = '\0';
		for (size_t i = 0; i < s->n; i++)
			if (!strcmp(s->h[i].ctrls, c + 1))
				snprintf(s->h[i].own, sizeof(s->h[i].own), "%s",
					 strcmp(p, "/") ? p : "");
	}
}

/**
 * cg_set_scan() - the mounted cgroup hierarchies
 * @s:		result (zeroed first)
 *
 * Return: 0, or -ENOENT when no cgroup hierarchy is mounted
 */
int cg_set_scan(struct cg_set *s)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[PATH_MAX * 2];

	memset(s, 0, sizeof(*s));
	while (f && fgets(line, sizeof(line), f) && s->n < CG_MAX_HIER) {
		struct cg_hier *h = &s->h[s->n];
		bool dup = false;

		if (!parse_mount(line, h))
			continue;
		for (size_t i = 0; i < s->n; i++)
			dup |= s->h[i].v2 == h->v2 &&
			       !strcmp(s->h[i].ctrls, h->ctrls);
		if (!dup)
			s->n++;
	}
	find_own(s);
	return s->n ? 0 : -ENOENT;
}

/**
 * cg_set_load() - the hierarchies and a container's directories in them
 * @s:		result
 * @dirs:	the state's list, one directory a line
 *
 * Return: 0, or -ENOENT when no directory is known
 */
int cg_set_load(struct cg_set *s, const char *dirs)
{
	_cleanup_free_ char *copy = dirs ? strdup(dirs) : NULL;
	char *save = NULL, *d;
	bool any = false;

	cg_set_scan(s);
	if (!copy)
		return -ENOENT;
	for (d = strtok_r(copy, "\n", &save); d;
	     d = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < s->n; i++) {
			size_t l = strlen(s->h[i].mnt);

			if (s->dir[i] || strncmp(d, s->h[i].mnt, l) ||
			    d[l] != '/')
				continue;
			s->dir[i] = strdup(d);
			any = true;
			break;
		}
	return any ? 0 : -ENOENT;
}

/**
 * cg_set_free() - free the directories of a set
 * @s:		set
 */
void cg_set_free(struct cg_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->dir[i]);
		s->dir[i] = NULL;
	}
}

/**
 * cg_has_token() - whether a comma- or space-separated list holds a word
 * @list:	list
 * @w:		word
 *
 * Return: true if present
 */
bool cg_has_token(const char *list, const char *w)
{
	size_t l = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += l)
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[l] == '\0' || p[l] == ',' || p[l] == ' ' ||
		     p[l] == '\n'))
			return true;
	return false;
}

/**
 * cg_v2_has() - whether the v2 hierarchy offers a controller
 * @s:		hierarchies
 * @ctrl:	controller
 *
 * Return: true if its root's cgroup.controllers lists it
 */
bool cg_v2_has(const struct cg_set *s, const char *ctrl)
{
	char buf[512];

	for (size_t i = 0; i < s->n; i++)
		if (s->h[i].v2 && cg_read(s->h[i].mnt, "cgroup.controllers",
					  buf, sizeof(buf)) == 0)
			return cg_has_token(buf, ctrl);
	return false;
}

/**
 * cg_v1_index() - the v1 hierarchy that holds a controller
 * @s:		set
 * @ctrl:	controller, or "name=NAME" for a named hierarchy
 *
 * Return: its index in @s, or -1 when no v1 hierarchy holds it
 */
int cg_v1_index(const struct cg_set *s, const char *ctrl)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->h[i].v2 && cg_has_token(s->h[i].ctrls, ctrl))
			return (int)i;
	return -1;
}

/**
 * cg_dir() - the container's directory for a controller
 * @s:		set
 * @ctrl:	controller ("cgroup" for the v2 directory itself)
 * @v2:		set to whether it is the v2 one (may be NULL)
 *
 * A controller mounted as a v1 hierarchy is used there, else in v2.
 *
 * Return: the directory, or NULL when not available or not joined
 */
const char *cg_dir(const struct cg_set *s, const char *ctrl, bool *v2)
{
	bool in_v2 = !strcmp(ctrl, "cgroup") || cg_v2_has(s, ctrl);
	int k = cg_v1_index(s, ctrl);

	if (k >= 0) {
		if (v2)
			*v2 = false;
		return s->dir[k];
	}
	for (size_t i = 0; i < s->n && in_v2; i++)
		if (s->h[i].v2) {
			if (v2)
				*v2 = true;
			return s->dir[i];
		}
	return NULL;
}

/**
 * cg_write() - write a value to a control file
 * @dir:	cgroup directory
 * @file:	control file
 * @val:	value
 *
 * Return: 0 or -errno
 */
int cg_write(const char *dir, const char *file, const char *val)
{
	char p[PATH_MAX];
	int fd, r = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/**
 * cg_read() - read a control file, without its last newline
 * @dir:	cgroup directory
 * @file:	control file
 * @buf:	buffer
 * @len:	its size
 *
 * Return: 0 or -errno
 */
int cg_read(const char *dir, const char *file, char *buf, size_t len)
{
	char p[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

/**
 * cg_read_u64() - a control file holding one number ("max": UINT64_MAX)
 * @dir:	cgroup directory
 * @file:	control file
 * @v:		value
 *
 * Return: 0 or -errno
 */
int cg_read_u64(const char *dir, const char *file, unsigned long long *v)
{
	char buf[64];
	int r = cg_read(dir, file, buf, sizeof(buf));

	if (r)
		return r;
	*v = strcmp(buf, "max") ? strtoull(buf, NULL, 10) : ~0ULL;
	return 0;
}

/**
 * cg_fail() - a resource not applied: an error, or rootless a warning
 * @a:		apply context
 * @err:	errno
 * @fmt:	what, printf-style
 *
 * Return: -@err when strict, else 0 (the first warning is kept)
 */
int cg_fail(struct cg_apply *a, int err, const char *fmt, ...)
{
	char msg[SL_ERROR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a->strict)
		return sl_error_set(a->e, err, "cgroups: %s", msg);
	if (a->warn && !a->warn[0])
		snprintf(a->warn, a->wlen,
			 "cgroups: linux.resources not fully applied: %s: %s",
			 msg, strerror(err));
	return 0;
}

/**
 * cg_put() - write one resource to its controller's file
 * @a:		apply context
 * @what:	the resource, for messages ("linux.resources.pids.limit")
 * @ctrl:	controller
 * @file:	control file
 * @val:	value
 *
 * Return: 0 or -errno (see cg_fail())
 */
int cg_put(struct cg_apply *a, const char *what, const char *ctrl,
	   const char *file, const char *val)
{
	const char *dir = cg_dir(a->set, ctrl, NULL);
	int r;

	if (!dir)
		return cg_fail(a, ENOTSUP,
			       "%s: no %s controller available to the "
			       "container",
			       what, ctrl);
	if (a->dry)
		return 0;
	r = cg_write(dir, file, val);
	if (r)
		return cg_fail(a, -r, "%s: write %s to `%s/%s`", what, val, dir,
			       file);
	return 0;
}

/**
 * sl_cgroup_frozen() - whether a container's cgroup is frozen
 * @dirs:	the state's list (may be NULL)
 *
 * Return: true if the freezer in use says so
 */
bool sl_cgroup_frozen(const char *dirs)
{
	struct cg_set s;
	char buf[256];
	const char *d;
	bool v2 = false, frozen = false;

	if (cg_set_load(&s, dirs) < 0)
		return false;
	d = cg_dir(&s, "freezer", &v2);
	if (!d)
		d = cg_dir(&s, "cgroup", &v2);
	if (d && !v2)
		frozen = cg_read(d, "freezer.state", buf, sizeof(buf)) == 0 &&
			 !strcmp(buf, "FROZEN");
	else if (d)
		frozen = cg_read(d, "cgroup.events", buf, sizeof(buf)) == 0 &&
			 strstr(buf, "frozen 1");
	cg_set_free(&s);
	return frozen;
}
