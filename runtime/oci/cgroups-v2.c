// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-v2.c - memory, cpu and block I/O in the v2 hierarchy
 *
 * DOC: Theory of Operation
 * The OCI's v1-shaped values converted as runc and crun convert them:
 * memory.max (-1: max), memory.low (reservation), memory.swap.max (the
 * OCI swap is memory plus swap: swap - limit), cpu.weight from shares
 * (1 + (shares - 2) * 9999 / 262142), cpu.max ("QUOTA PERIOD", quota -1:
 * max), io.weight from blkio's weight (1 + (w - 10) * 9999 / 990), io.max
 * with rbps=, wbps=, riops=, wiops=.  Members v2 has no file for
 * (swappiness, realtime cpu) are refused when set.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "runtime/oci/cgroups.h"
#include "runtime/oci/json.h"

/**
 * max_or() - a limit, with -1 (and with @zero_max 0) as "max"
 * @v:		value
 * @zero_max:	0 also means no limit
 * @buf:	buffer
 * @len:	its size
 *
 * Return: @buf
 */
static const char *max_or(int64_t v, bool zero_max, char *buf, size_t len)
{
	if (v < 0 || (zero_max && v == 0))
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/**
 * cg_v2_memory() - linux.resources.memory on v2
 * @a:		apply context
 * @m:		the object
 *
 * Return: 0 or -errno
 */
int cg_v2_memory(struct cg_apply *a, struct json_object *m)
{
	static const char p[] = "linux.resources.memory";
	int64_t lim = 0, swap = 0, resv = 0, swp = 0;
	bool hl = false, hs = false, hr = false, hw = false;
	char v[32];
	int r;

	if ((r = sl_json_int(m, "limit", p, false, -1, INT64_MAX, &lim, &hl,
			     a->e)) ||
	    (r = sl_json_int(m, "swap", p, false, -1, INT64_MAX, &swap, &hs,
			     a->e)) ||
	    (r = sl_json_int(m, "reservation", p, false, -1, INT64_MAX, &resv,
			     &hr, a->e)) ||
	    (r = sl_json_int(m, "swappiness", p, false, 0, 100, &swp, &hw,
			     a->e)))
		return r;
	if (hw)
		return cg_fail(a, ENOTSUP,
			       "%s.swappiness: not available on cgroup v2", p);
	if (hs && swap >= 0 && (!hl || lim < 0 || swap < lim))
		return sl_error_set(a->e, EINVAL,
				    "%s.swap: memory+swap (%lld) needs a "
				    "memory limit at most as large",
				    p, (long long)swap);
	if (hl && (r = cg_put(a, "linux.resources.memory.limit", "memory",
			      "memory.max", max_or(lim, false, v, sizeof(v)))))
		return r;
	if (hs && (r = cg_put(a, "linux.resources.memory.swap", "memory",
			      "memory.swap.max",
			      max_or(swap < 0 ? -1 : swap - lim, false, v,
				     sizeof(v)))))
		return r;
	if (hr && (r = cg_put(a, "linux.resources.memory.reservation", "memory",
			      "memory.low", max_or(resv, false, v, sizeof(v)))))
		return r;
	return 0;
}

/**
 * cpu_max() - cpu.max from quota and period, keeping what is not given
 * @a:		apply context
 * @quota:	quota (-1: max), valid if @hq
 * @hq:		given
 * @period:	period, valid if @hp
 * @hp:		given
 *
 * Return: 0 or -errno
 */
static int cpu_max(struct cg_apply *a, int64_t quota, bool hq, int64_t period,
		   bool hp)
{
	const char *dir = cg_dir(a->set, "cpu", NULL);
	char old[64] = "max 100000", q[32], v[80];
	unsigned long long per = 100000;

	if (!hq && !hp)
		return 0;
	if (dir)
		cg_read(dir, "cpu.max", old, sizeof(old));
	if (sscanf(old, "%31s %llu", q, &per) < 1)
		snprintf(q, sizeof(q), "max");
	if (hq)
		max_or(quota, true, q, sizeof(q));
	if (hp)
		per = period;
	snprintf(v, sizeof(v), "%s %llu", q, per);
	return cg_put(a, "linux.resources.cpu", "cpu", "cpu.max", v);
}

/**
 * cg_v2_cpu() - linux.resources.cpu on v2 (and its cpuset part)
 * @a:		apply context
 * @c:		the object
 *
 * Return: 0 or -errno
 */
int cg_v2_cpu(struct cg_apply *a, struct json_object *c)
{
	static const char p[] = "linux.resources.cpu";
	int64_t shares = 0, quota = 0, period = 0, rt = 0;
	bool hs = false, hq = false, hp = false, hrt = false;
	const char *cpus = NULL, *mems = NULL;
	char v[32];
	int r;

	if ((r = sl_json_int(c, "shares", p, false, 0, 262144, &shares, &hs,
			     a->e)) ||
	    (r = sl_json_int(c, "quota", p, false, -1, INT64_MAX, &quota, &hq,
			     a->e)) ||
	    (r = sl_json_int(c, "period", p, false, 0, INT64_MAX, &period, &hp,
			     a->e)) ||
	    (r = sl_json_int(c, "realtimeRuntime", p, false, INT64_MIN,
			     INT64_MAX, &rt, &hrt, a->e)) ||
	    (r = sl_json_str(c, "cpus", p, false, &cpus, a->e)) ||
	    (r = sl_json_str(c, "mems", p, false, &mems, a->e)))
		return r;
	if (hrt && rt)
		return cg_fail(a, ENOTSUP,
			       "%s.realtimeRuntime: not available on cgroup "
			       "v2",
			       p);
	if (hs && shares) {
		shares = shares < 2 ? 2 : shares;
		snprintf(v, sizeof(v), "%lld",
			 1 + ((long long)shares - 2) * 9999 / 262142);
		if ((r = cg_put(a, "linux.resources.cpu.shares", "cpu",
				"cpu.weight", v)))
			return r;
	}
	if ((r = cpu_max(a, quota, hq, period, hp)))
		return r;
	if (cpus && cpus[0] &&
	    (r = cg_put(a, "linux.resources.cpu.cpus", "cpuset", "cpuset.cpus",
			cpus)))
		return r;
	if (mems && mems[0])
		return cg_put(a, "linux.resources.cpu.mems", "cpuset",
			      "cpuset.mems", mems);
	return 0;
}

/**
 * cg_v2_blkio() - linux.resources.blockIO on v2's io controller
 * @a:		apply context
 * @b:		the object
 *
 * Return: 0 or -errno
 */
int cg_v2_blkio(struct cg_apply *a, struct json_object *b)
{
	static const char p[] = "linux.resources.blockIO";
	static const struct {
		const char *key, *prefix;
	} t[] = {
		{ "throttleReadBpsDevice", "rbps=" },
		{ "throttleWriteBpsDevice", "wbps=" },
		{ "throttleReadIOPSDevice", "riops=" },
		{ "throttleWriteIOPSDevice", "wiops=" },
	};
	int64_t w = 0;
	bool hw = false;
	char v[48];
	int r;

	if ((r = sl_json_int(b, "weight", p, false, 10, 1000, &w, &hw, a->e)))
		return r;
	snprintf(v, sizeof(v), "default %lld",
		 1 + ((long long)w - 10) * 9999 / 990);
	if (hw && (r = cg_put(a, "linux.resources.blockIO.weight", "io",
			      "io.weight", v)))
		return r;
	if ((r = cg_devlist(a, b, "weightDevice", "weight", "io", "io.weight",
			    "")))
		return r;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((r = cg_devlist(a, b, t[i].key, "rate", "io", "io.max",
				    t[i].prefix)))
			return r;
	return 0;
}
