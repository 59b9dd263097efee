// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-stats.c - a container's statistics in runc's events format
 *
 * DOC: Theory of Operation
 * The "data" of runc's `events --stats`: cpu (usage in ns: total,
 * percpu, kernel, user; throttling), memory (usage, limit, max, failcnt
 * of memory and swap, cache, raw memory.stat), pids (current, limit: 0
 * for none) and hugetlb per page size, read from the container's own
 * directories, the v1 ones where those controllers are v1 hierarchies.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/cgroups.h"

/**
 * add_u64() - a number member
 * @o:		object
 * @key:	member
 * @v:		value
 */
static void add_u64(struct json_object *o, const char *key,
		    unsigned long long v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/**
 * add_file() - a member from a one-number control file (absent: 0)
 * @o:		object
 * @key:	member
 * @dir:	cgroup directory
 * @file:	control file
 * @mult:	unit factor
 */
static void add_file(struct json_object *o, const char *key, const char *dir,
		     const char *file, unsigned long long mult)
{
	unsigned long long v = 0;

	if (cg_read_u64(dir, file, &v) == 0 && v != ~0ULL)
		v *= mult;
	else if (v != ~0ULL)
		v = 0;
	add_u64(o, key, v);
}

/**
 * keyed() - a "KEY VALUE" per line file as an object
 * @dir:	cgroup directory
 * @file:	control file
 *
 * Return: new object (empty when unreadable)
 */
static struct json_object *keyed(const char *dir, const char *file)
{
	struct json_object *o = json_object_new_object();
	char p[4096], k[128];
	unsigned long long v;
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "re");
	while (f && fscanf(f, "%127s %llu", k, &v) == 2)
		add_u64(o, k, v);
	return o;
}

/**
 * peek_u64() - a number member of an object (0 when absent)
 * @o:		object
 * @key:	member
 *
 * Return: the value
 */
static unsigned long long peek_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v)
						     : 0;
}

/**
 * cpu_v1() - cpu from cpuacct and cpu (v1)
 * @s:		set
 * @cpu:	object to fill
 */
static void cpu_v1(const struct cg_set *s, struct json_object *cpu)
{
	const char *acct = cg_dir(s, "cpuacct", NULL),
		   *c = cg_dir(s, "cpu", NULL);
	struct json_object *u = json_object_new_object(), *per, *st, *th;
	long hz = sysconf(_SC_CLK_TCK);
	char buf[4096], *save = NULL, *t;

	hz = hz > 0 ? hz : 100;
	add_file(u, "total", acct ? acct : "", "cpuacct.usage", 1);
	per = json_object_new_array();
	if (acct &&
	    cg_read(acct, "cpuacct.usage_percpu", buf, sizeof(buf)) == 0)
		for (t = strtok_r(buf, " ", &save); t;
		     t = strtok_r(NULL, " ", &save))
			json_object_array_add(
				per,
				json_object_new_uint64(strtoull(t, NULL, 10)));
	json_object_object_add(u, "percpu", per);
	st = keyed(acct ? acct : "", "cpuacct.stat");
	add_u64(u, "kernel", peek_u64(st, "system") * (1000000000ULL / hz));
	add_u64(u, "user", peek_u64(st, "user") * (1000000000ULL / hz));
	json_object_put(st);
	json_object_object_add(cpu, "usage", u);
	st = keyed(c ? c : "", "cpu.stat");
	th = json_object_new_object();
	add_u64(th, "periods", peek_u64(st, "nr_periods"));
	add_u64(th, "throttled_periods", peek_u64(st, "nr_throttled"));
	add_u64(th, "throttled_time", peek_u64(st, "throttled_time"));
	json_object_put(st);
	json_object_object_add(cpu, "throttling", th);
}

/**
 * cpu_v2() - cpu from cpu.stat (v2, microseconds)
 * @dir:	the v2 directory
 * @cpu:	object to fill
 */
static void cpu_v2(const char *dir, struct json_object *cpu)
{
	struct json_object *st = keyed(dir, "cpu.stat"),
			   *u = json_object_new_object(),
			   *th = json_object_new_object();

	add_u64(u, "total", peek_u64(st, "usage_usec") * 1000);
	add_u64(u, "kernel", peek_u64(st, "system_usec") * 1000);
	add_u64(u, "user", peek_u64(st, "user_usec") * 1000);
	add_u64(th, "periods", peek_u64(st, "nr_periods"));
	add_u64(th, "throttled_periods", peek_u64(st, "nr_throttled"));
	add_u64(th, "throttled_time", peek_u64(st, "throttled_usec") * 1000);
	json_object_put(st);
	json_object_object_add(cpu, "usage", u);
	json_object_object_add(cpu, "throttling", th);
}

/**
 * entry() - one of runc's memory entries from four files
 * @dir:	memory directory
 * @prefix:	"memory", "memory.memsw", "memory.kmem" (v1), "memory" or
 *		"memory.swap" (v2)
 * @v2:		v2 names
 *
 * Return: new object
 */
static struct json_object *entry(const char *dir, const char *prefix, bool v2)
{
	struct json_object *o = json_object_new_object();
	char f[96];

	snprintf(f, sizeof(f), "%s.%s", prefix, v2 ? "max" : "limit_in_bytes");
	add_file(o, "limit", dir, f, 1);
	snprintf(f, sizeof(f), "%s.%s", prefix,
		 v2 ? "current" : "usage_in_bytes");
	add_file(o, "usage", dir, f, 1);
	snprintf(f, sizeof(f), "%s.%s", prefix,
		 v2 ? "peak" : "max_usage_in_bytes");
	add_file(o, "max", dir, f, 1);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	add_file(o, "failcnt", dir, v2 ? "none" : f, 1);
	return o;
}

/**
 * memory() - the memory object
 * @s:		set
 *
 * Return: new object, NULL without a memory controller
 */
static struct json_object *memory(const struct cg_set *s)
{
	bool v2 = false;
	const char *d = cg_dir(s, "memory", &v2);
	struct json_object *m, *raw;

	if (!d)
		return NULL;
	m = json_object_new_object();
	raw = keyed(d, "memory.stat");
	add_u64(m, "cache", peek_u64(raw, v2 ? "file" : "total_cache"));
	json_object_object_add(m, "usage", entry(d, "memory", v2));
	json_object_object_add(
		m, "swap", entry(d, v2 ? "memory.swap" : "memory.memsw", v2));
	if (!v2)
		json_object_object_add(m, "kernel",
				       entry(d, "memory.kmem", false));
	json_object_object_add(m, "raw", raw);
	return m;
}

/**
 * hugetlb() - the hugetlb object, one member per page size
 * @s:		set
 *
 * Return: new object, NULL without a hugetlb controller
 */
static struct json_object *hugetlb(const struct cg_set *s)
{
	bool v2 = false;
	const char *d = cg_dir(s, "hugetlb", &v2);
	DIR *sys = d ? opendir("/sys/kernel/mm/hugepages") : NULL;
	struct json_object *h;
	struct dirent *de;

	if (!sys)
		return NULL;
	h = json_object_new_object();
	while ((de = readdir(sys))) {
		unsigned long kb;
		char size[32], f[96];
		struct json_object *o;

		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		if (kb >= 1024 * 1024)
			snprintf(size, sizeof(size), "%luGB", kb / 1024 / 1024);
		else if (kb >= 1024)
			snprintf(size, sizeof(size), "%luMB", kb / 1024);
		else
			snprintf(size, sizeof(size), "%luKB", kb);
		o = json_object_new_object();
		snprintf(f, sizeof(f), "hugetlb.%s.%s", size,
			 v2 ? "current" : "usage_in_bytes");
		add_file(o, "usage", d, f, 1);
		snprintf(f, sizeof(f), "hugetlb.%s.%s", size,
			 v2 ? "max" : "max_usage_in_bytes");
		add_file(o, "max", d, f, 1);
		snprintf(f, sizeof(f), "hugetlb.%s.failcnt", size);
		add_file(o, "failcnt", d, f, 1);
		json_object_object_add(h, size, o);
	}
	closedir(sys);
	return h;
}

/**
 * cg_stats() - runc's stats "data" for a container's cgroups
 * @s:		the set, with the container's directories
 *
 * Return: new object
 */
struct json_object *cg_stats(const struct cg_set *s)
{
	struct json_object *o = json_object_new_object(),
			   *cpu = json_object_new_object(), *p, *m, *h;
	bool v2 = false;
	const char *d = cg_dir(s, "cpu", &v2), *pd = cg_dir(s, "pids", NULL);
	unsigned long long lim = 0;

	if (d && v2)
		cpu_v2(d, cpu);
	else
		cpu_v1(s, cpu);
	json_object_object_add(o, "cpu", cpu);
	if ((m = memory(s)))
		json_object_object_add(o, "memory", m);
	if (pd) {
		p = json_object_new_object();
		add_file(p, "current", pd, "pids.current", 1);
		if (cg_read_u64(pd, "pids.max", &lim) < 0 || lim == ~0ULL)
			lim = 0;
		add_u64(p, "limit", lim);
		json_object_object_add(o, "pids", p);
	}
	if ((h = hugetlb(s)))
		json_object_object_add(o, "hugetlb", h);
	return o;
}
