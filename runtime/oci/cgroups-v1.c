// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-v1.c - memory, cpu and block I/O in v1 hierarchies
 *
 * DOC: Theory of Operation
 * v1 files and units: memory.limit_in_bytes, memory.soft_limit_in_bytes
 * (reservation), memory.memsw.limit_in_bytes (OCI's swap is memory plus
 * swap, as memsw; written before the limit when the limit would exceed
 * the old memsw), cpu.shares, cpu.cfs_period_us then cpu.cfs_quota_us,
 * cpu.rt_*, cpuset.cpus and cpuset.mems, blkio.weight and the
 * blkio.throttle.*_device files ("MAJ:MIN VALUE").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "runtime/oci/cgroups.h"
#include "runtime/oci/json.h"

/**
 * put_i64() - an optional integer member written as a decimal
 * @a:		apply context
 * @o:		parent object
 * @path:	its path ("linux.resources.memory")
 * @key:	member
 * @min:	smallest value allowed
 * @ctrl:	controller
 * @file:	control file
 *
 * Return: 0 or -errno
 */
static int put_i64(struct cg_apply *a, struct json_object *o, const char *path,
		   const char *key, int64_t min, const char *ctrl,
		   const char *file)
{
	char what[96], v[32];
	int64_t x = 0;
	bool has = false;
	int r;

	if ((r = sl_json_int(o, key, path, false, min, INT64_MAX, &x, &has,
			     a->e)) ||
	    !has)
		return r;
	snprintf(what, sizeof(what), "%s.%s", path, key);
	snprintf(v, sizeof(v), "%lld", (long long)x);
	return cg_put(a, what, ctrl, file, v);
}

/**
 * put_str() - an optional string member written as is
 * @a:		apply context
 * @o:		parent object
 * @path:	its path
 * @key:	member
 * @ctrl:	controller
 * @file:	control file
 *
 * Return: 0 or -errno
 */
static int put_str(struct cg_apply *a, struct json_object *o, const char *path,
		   const char *key, const char *ctrl, const char *file)
{
	const char *s = NULL;
	char what[96];
	int r;

	if ((r = sl_json_str(o, key, path, false, &s, a->e)) || !s || !s[0])
		return r;
	snprintf(what, sizeof(what), "%s.%s", path, key);
	return cg_put(a, what, ctrl, file, s);
}

/**
 * cg_v1_memory() - linux.resources.memory on v1
 * @a:		apply context
 * @m:		the object
 *
 * Return: 0 or -errno
 */
int cg_v1_memory(struct cg_apply *a, struct json_object *m)
{
	static const char p[] = "linux.resources.memory";
	const char *dir = cg_dir(a->set, "memory", NULL);
	int64_t lim = 0;
	bool has_lim = false, has_swap = json_object_object_get(m, "swap"),
	     oom = false;
	int r;

	if ((r = sl_json_int(m, "limit", p, false, -1, INT64_MAX, &lim,
			     &has_lim, a->e)) ||
	    (r = sl_json_bool(m, "disableOOMKiller", p, &oom, a->e)))
		return r;
	if (has_lim && has_swap && !a->dry && dir) {
		char v[32];

		snprintf(v, sizeof(v), "%lld", (long long)lim);
		/* a limit above the old memory+swap is refused: swap first */
		if (cg_write(dir, "memory.limit_in_bytes", v) < 0 &&
		    (r = put_i64(a, m, p, "swap", -1, "memory",
				 "memory.memsw.limit_in_bytes")))
			return r;
	}
	if ((r = put_i64(a, m, p, "limit", -1, "memory",
			 "memory.limit_in_bytes")) ||
	    (r = put_i64(a, m, p, "swap", -1, "memory",
			 "memory.memsw.limit_in_bytes")) ||
	    (r = put_i64(a, m, p, "reservation", -1, "memory",
			 "memory.soft_limit_in_bytes")) ||
	    (r = put_i64(a, m, p, "swappiness", 0, "memory",
			 "memory.swappiness")))
		return r;
	if (oom)
		return cg_put(a, "linux.resources.memory.disableOOMKiller",
			      "memory", "memory.oom_control", "1");
	return 0;
}

/**
 * cg_v1_cpu() - linux.resources.cpu on v1 (and its cpuset part)
 * @a:		apply context
 * @c:		the object
 *
 * Return: 0 or -errno
 */
int cg_v1_cpu(struct cg_apply *a, struct json_object *c)
{
	static const char p[] = "linux.resources.cpu";
	int r;

	if ((r = put_i64(a, c, p, "shares", 0, "cpu", "cpu.shares")) ||
	    (r = put_i64(a, c, p, "period", 0, "cpu", "cpu.cfs_period_us")) ||
	    (r = put_i64(a, c, p, "quota", -1, "cpu", "cpu.cfs_quota_us")) ||
	    (r = put_i64(a, c, p, "realtimePeriod", 0, "cpu",
			 "cpu.rt_period_us")) ||
	    (r = put_i64(a, c, p, "realtimeRuntime", -1, "cpu",
			 "cpu.rt_runtime_us")) ||
	    (r = put_i64(a, c, p, "idle", 0, "cpu", "cpu.idle")) ||
	    (r = put_str(a, c, p, "cpus", "cpuset", "cpuset.cpus")) ||
	    (r = put_str(a, c, p, "mems", "cpuset", "cpuset.mems")))
		return r;
	return 0;
}

/**
 * cg_devlist() - an array of per-device values into one file, one write
 * each ("MAJ:MIN PREFIXVALUE")
 * @a:		apply context
 * @b:		linux.resources.blockIO
 * @key:	the array ("throttleReadBpsDevice")
 * @valkey:	the value's member ("rate", "weight")
 * @ctrl:	controller
 * @file:	control file
 * @prefix:	before the value ("" on v1, "rbps=" on v2's io.max)
 *
 * Return: 0 or -errno
 */
int cg_devlist(struct cg_apply *a, struct json_object *b, const char *key,
	       const char *valkey, const char *ctrl, const char *file,
	       const char *prefix)
{
	struct json_object *arr, *o;
	char path[96], v[128];
	size_t n = 0;
	int r;

	snprintf(path, sizeof(path), "linux.resources.blockIO.%s", key);
	if ((r = sl_json_array(b, key, "linux.resources.blockIO", &arr, &n,
			       a->e)))
		return r;
	for (size_t i = 0; i < n; i++) {
		int64_t ma = 0, mi = 0, val = 0;
		bool has = false;

		if ((r = sl_json_elem(arr, i, path, &o, a->e)) ||
		    (r = sl_json_int(o, "major", path, true, 0, INT32_MAX, &ma,
				     NULL, a->e)) ||
		    (r = sl_json_int(o, "minor", path, true, 0, INT32_MAX, &mi,
				     NULL, a->e)) ||
		    (r = sl_json_int(o, valkey, path, false, 0, INT64_MAX, &val,
				     &has, a->e)))
			return r;
		if (!has)
			continue;
		snprintf(v, sizeof(v), "%lld:%lld %s%lld", (long long)ma,
			 (long long)mi, prefix, (long long)val);
		if ((r = cg_put(a, path, ctrl, file, v)))
			return r;
	}
	return 0;
}

/**
 * cg_v1_blkio() - linux.resources.blockIO on v1
 * @a:		apply context
 * @b:		the object
 *
 * Return: 0 or -errno
 */
int cg_v1_blkio(struct cg_apply *a, struct json_object *b)
{
	static const char p[] = "linux.resources.blockIO";
	static const struct {
		const char *key, *file;
	} t[] = {
		{ "throttleReadBpsDevice", "blkio.throttle.read_bps_device" },
		{ "throttleWriteBpsDevice", "blkio.throttle.write_bps_device" },
		{ "throttleReadIOPSDevice", "blkio.throttle.read_iops_device" },
		{ "throttleWriteIOPSDevice",
		  "blkio.throttle.write_iops_device" },
	};
	int r;

	if ((r = put_i64(a, b, p, "weight", 0, "blkio", "blkio.weight")) ||
	    (r = put_i64(a, b, p, "leafWeight", 0, "blkio",
			 "blkio.leaf_weight")) ||
	    (r = cg_devlist(a, b, "weightDevice", "weight", "blkio",
			    "blkio.weight_device", "")) ||
	    (r = cg_devlist(a, b, "weightDevice", "leafWeight", "blkio",
			    "blkio.leaf_weight_device", "")))
		return r;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((r = cg_devlist(a, b, t[i].key, "rate", "blkio", t[i].file,
				    "")))
			return r;
	return 0;
}
