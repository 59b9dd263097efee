// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups.c - cgroup v2, where the user has a delegated subtree
 *
 * DOC: Theory of Operation
 * Only cgroup v2 is used, and only where it can be used without
 * privileges: the cgroup v2 hierarchy is found (/sys/fs/cgroup on a
 * unified host, /sys/fs/cgroup/unified on a hybrid v1/v2 one), the
 * caller's own cgroup is read from /proc/self/cgroup ("0::/path"), and if
 * that directory is writable by the caller (delegated, as systemd does
 * for user@.service) a child "sublet-ID" is created, the init moved into
 * it, and linux.resources applied (memory.max, pids.max, cpu.weight)
 * as far as the controllers enabled there allow.  Otherwise nothing is
 * done: the container runs without cgroup limits
 * and the caller gets one warning if the config asked for resources.
 * Unlike runtimes that refuse to run on hybrid hosts without delegation,
 * this keeps rootless containers working everywhere.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/linux.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/**
 * write_at() - write @s to DIR/@file
 * @dir:	cgroup directory
 * @file:	control file
 * @s:		value
 *
 * Return: 0 or -errno
 */
static int write_at(const char *dir, const char *file, const char *s)
{
	char p[PATH_MAX];
	int fd, r = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/**
 * own_cgroup() - the caller's cgroup v2 directory
 * @out:	buffer for the path
 * @len:	its size
 *
 * Return: 0, or -ENOENT when there is no cgroup v2 hierarchy
 */
static int own_cgroup(char *out, size_t len)
{
	static const char *const mounts[] = { "/sys/fs/cgroup",
					      "/sys/fs/cgroup/unified" };
	_cleanup_fclose_ FILE *f = NULL;
	const char *base = NULL;
	char line[PATH_MAX];
	struct statfs sf;

	for (size_t i = 0; i < ARRAY_SIZE(mounts) && !base; i++)
		if (statfs(mounts[i], &sf) == 0 &&
		    sf.f_type == CGROUP2_SUPER_MAGIC)
			base = mounts[i];
	if (!base)
		return -ENOENT;
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, len, "%s%s", base, line + 3);
		return 0;
	}
	return -ENOENT;
}

/**
 * apply_resources() - write linux.resources into the cgroup
 * @dir:	the container's cgroup
 * @r:		resources
 *
 * Return: 0 or -errno of the first write that failed
 */
static int apply_resources(const char *dir, const struct sl_resources *r)
{
	char v[32];
	int ret = 0;

	if (r->has_memory_limit) {
		if (r->memory_limit < 0)
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%lld",
				 (long long)r->memory_limit);
		ret = ret ? ret : write_at(dir, "memory.max", v);
	}
	if (r->has_pids_limit) {
		if (r->pids_limit <= 0)
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%lld",
				 (long long)r->pids_limit);
		ret = ret ? ret : write_at(dir, "pids.max", v);
	}
	if (r->has_cpu_shares && r->cpu_shares) {
		/* the conversion the OCI and systemd use: [2,262144] ->
		 * [1,10000] */
		unsigned long long w =
			1 + ((r->cpu_shares - 2) * 9999) / 262142;

		snprintf(v, sizeof(v), "%llu", w);
		ret = ret ? ret : write_at(dir, "cpu.weight", v);
	}
	return ret;
}

/**
 * sl_cgroup_enter() - put @pid in its own cgroup if delegation allows
 * @id:		container id
 * @c:		config (linux.resources)
 * @pid:	the container's init
 * @dir:	malloc'ed cgroup directory, NULL when skipped
 * @warning:	set to a message when resources were asked but cannot be
 *		applied, else left empty
 * @wlen:	its size
 * @e:		error
 *
 * Return: 0 (a cgroup that cannot be used is a warning, not an error)
 */
int sl_cgroup_enter(const char *id, const struct sl_config *c, pid_t pid,
		    char **dir, char *warning, size_t wlen, struct sl_error *e)
{
	const struct sl_resources *res = &c->resources;
	bool wants = res->has_memory_limit || res->has_pids_limit ||
		     res->has_cpu_shares;
	char own[PATH_MAX], sub[PATH_MAX + 300], pidbuf[16];
	int r;

	*dir = NULL;
	warning[0] = '\0';
	if (own_cgroup(own, sizeof(own)) < 0 || access(own, W_OK) < 0) {
		if (wants)
			snprintf(warning, wlen,
				 "cgroups: no delegated cgroup v2 subtree, "
				 "linux.resources not applied");
		return 0;
	}
	snprintf(sub, sizeof(sub), "%s/sublet-%s", own, id);
	if (mkdir(sub, 0755) < 0 && errno != EEXIST) {
		if (wants)
			snprintf(warning, wlen,
				 "cgroups: cannot create `%s`: %s; "
				 "linux.resources not applied",
				 sub, strerror(errno));
		return 0;
	}
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	r = write_at(sub, "cgroup.procs", pidbuf);
	if (r) {
		rmdir(sub);
		if (wants)
			snprintf(warning, wlen,
				 "cgroups: cannot join `%s`: %s; "
				 "linux.resources not applied",
				 sub, strerror(-r));
		return 0;
	}
	r = apply_resources(sub, res);
	if (r)
		/* e.g. pids.max on a hybrid host, where pids is a v1
		 * controller: run without that limit, and say so */
		snprintf(warning, wlen,
			 "cgroups: linux.resources not fully applied in `%s`: "
			 "%s",
			 sub, strerror(-r));
	*dir = strdup(sub);
	return 0;
}

/**
 * sl_cgroup_remove() - remove a container's cgroup
 * @dir:	the directory (may be NULL)
 *
 * Return: 0 or -errno
 */
int sl_cgroup_remove(const char *dir)
{
	if (!dir)
		return 0;
	return rmdir(dir) < 0 && errno != ENOENT ? -errno : 0;
}

/**
 * sl_cgroup_freeze() - freeze or thaw a cgroup
 * @dir:	the container's cgroup (NULL: not available)
 * @freeze:	freeze (else thaw)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_cgroup_freeze(const char *dir, bool freeze, struct sl_error *e)
{
	int r;

	if (!dir)
		return sl_error_set(e, ENOTSUP,
				    "%s needs the container in a delegated "
				    "cgroup v2 subtree",
				    freeze ? "pause" : "resume");
	r = write_at(dir, "cgroup.freeze", freeze ? "1" : "0");
	if (r)
		return sl_error_set(e, r, "write `%s/cgroup.freeze`", dir);
	return 0;
}

/**
 * sl_cgroup_pids() - the pids in a cgroup
 * @dir:	cgroup directory
 * @pids:	malloc'ed array (written on success)
 * @n:		its length
 *
 * Return: 0 or -errno
 */
int sl_cgroup_pids(const char *dir, pid_t **pids, size_t *n)
{
	char p[PATH_MAX];
	_cleanup_fclose_ FILE *f = NULL;
	pid_t *v = NULL;
	size_t k = 0;
	int pid;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	f = fopen(p, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &pid) == 1) {
		pid_t *nv = realloc(v, (k + 1) * sizeof(*v));

		if (!nv) {
			free(v);
			return -ENOMEM;
		}
		v = nv;
		v[k++] = pid;
	}
	*pids = v;
	*n = k;
	return 0;
}
