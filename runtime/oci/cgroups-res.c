// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-res.c - linux.resources written to the controllers' files
 *
 * DOC: Theory of Operation
 * One walk over linux.resources (of config.json at create, of update's
 * flags or -r file later): each member is checked for its type and range
 * and written to the file of the controller that holds it, v1 or v2
 * (cgroups-v1.c and cgroups-v2.c for memory, cpu and block I/O, whose
 * files and units differ).  Update walks twice, the first time only
 * checking, so a bad value changes nothing.  Device rules are v1's
 * devices.allow and devices.deny, followed, as runc does, by the nodes
 * every container gets (null, zero, full, random, urandom, tty, console,
 * ptmx, pts) and those of linux.devices; cgroup v2 has no device files
 * (its device control is an eBPF program, not attached here).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/cgroups.h"
#include "runtime/oci/config.h"
#include "runtime/oci/json.h"

/**
 * put_pids() - linux.resources.pids
 * @a:		apply context
 * @p:		the object (may be NULL)
 *
 * A limit of 0 asks for nothing at create, as under runc (Podman gives
 * it for --pids-limit 0, and rootless without the pids controller it
 * must not be a warning); update takes it as "max", as a negative one.
 *
 * Return: 0 or -errno
 */
static int put_pids(struct cg_apply *a, struct json_object *p)
{
	int64_t v = 0;
	bool has = false;
	char s[32];
	int r;

	if ((r = sl_json_int(p, "limit", "linux.resources.pids", false,
			     INT64_MIN, INT64_MAX, &v, &has, a->e)) ||
	    !has || (v == 0 && !a->update))
		return r;
	if (v > 0)
		snprintf(s, sizeof(s), "%lld", (long long)v);
	else
		snprintf(s, sizeof(s), "max");
	return cg_put(a, "linux.resources.pids.limit", "pids", "pids.max", s);
}

/**
 * put_hugetlb() - linux.resources.hugepageLimits
 * @a:		apply context
 * @res:	linux.resources
 *
 * Return: 0 or -errno
 */
static int put_hugetlb(struct cg_apply *a, struct json_object *res)
{
	struct json_object *arr, *o;
	size_t n = 0;
	bool v2 = false;
	int r;

	if ((r = sl_json_array(res, "hugepageLimits", "linux.resources", &arr,
			       &n, a->e)))
		return r;
	cg_dir(a->set, "hugetlb", &v2);
	for (size_t i = 0; i < n; i++) {
		const char *size = NULL;
		int64_t lim = 0;
		char file[96], val[32];

		if ((r = sl_json_elem(arr, i, "linux.resources.hugepageLimits",
				      &o, a->e)) ||
		    (r = sl_json_str(o, "pageSize",
				     "linux.resources.hugepageLimits[]", true,
				     &size, a->e)) ||
		    (r = sl_json_int(o, "limit",
				     "linux.resources.hugepageLimits[]", true,
				     0, INT64_MAX, &lim, NULL, a->e)))
			return r;
		if (strchr(size, '/') || strlen(size) > 16)
			return sl_error_set(a->e, EINVAL,
					    "linux.resources.hugepageLimits: "
					    "bad pageSize `%s`",
					    size);
		snprintf(file, sizeof(file), "hugetlb.%s.%s", size,
			 v2 ? "max" : "limit_in_bytes");
		snprintf(val, sizeof(val), "%lld", (long long)lim);
		if ((r = cg_put(a, "linux.resources.hugepageLimits", "hugetlb",
				file, val)))
			return r;
	}
	return 0;
}

/**
 * put_network() - linux.resources.network (v1's net_cls and net_prio)
 * @a:		apply context
 * @net:	the object (may be NULL)
 *
 * Return: 0 or -errno
 */
static int put_network(struct cg_apply *a, struct json_object *net)
{
	struct json_object *arr, *o;
	uint32_t cls = 0;
	bool has = false;
	size_t n = 0;
	char v[300];
	int r;

	if ((r = sl_json_u32(net, "classID", "linux.resources.network", false,
			     &cls, &has, a->e)))
		return r;
	snprintf(v, sizeof(v), "%u", cls);
	if (has && (r = cg_put(a, "linux.resources.network.classID", "net_cls",
			       "net_cls.classid", v)))
		return r;
	if ((r = sl_json_array(net, "priorities", "linux.resources.network",
			       &arr, &n, a->e)))
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *name = NULL;
		uint32_t prio = 0;

		if ((r = sl_json_elem(arr, i, "linux.resources.network", &o,
				      a->e)) ||
		    (r = sl_json_str(o, "name", "priorities[]", true, &name,
				     a->e)) ||
		    (r = sl_json_u32(o, "priority", "priorities[]", true, &prio,
				     NULL, a->e)))
			return r;
		snprintf(v, sizeof(v), "%.250s %u", name, prio);
		if ((r = cg_put(a, "linux.resources.network.priorities",
				"net_prio", "net_prio.ifpriomap", v)))
			return r;
	}
	return 0;
}

/**
 * put_unified() - linux.resources.unified: v2 files by name
 * @a:		apply context
 * @u:		the object (may be NULL)
 *
 * Return: 0 or -errno
 */
static int put_unified(struct cg_apply *a, struct json_object *u)
{
	if (!u)
		return 0;
	if (!json_object_is_type(u, json_type_object))
		return sl_error_set(a->e, EINVAL,
				    "linux.resources.unified: expected an "
				    "object");
	json_object_object_foreach(u, k, v) {
		char ctrl[64], what[128];
		int r;

		if (!json_object_is_type(v, json_type_string) ||
		    strchr(k, '/') || !strchr(k, '.') || k[0] == '.')
			return sl_error_set(a->e, EINVAL,
					    "linux.resources.unified: bad "
					    "entry `%s`",
					    k);
		snprintf(ctrl, sizeof(ctrl), "%.*s", (int)strcspn(k, "."), k);
		snprintf(what, sizeof(what), "linux.resources.unified.%.80s",
			 k);
		if (!cg_v2_has(a->set, ctrl) && strcmp(ctrl, "cgroup"))
			r = cg_fail(a, ENOTSUP,
				    "%s: no %s controller in cgroup v2", what,
				    ctrl);
		else
			r = cg_put(a, what, "cgroup", k,
				   json_object_get_string(v));
		if (r)
			return r;
	}
	return 0;
}

/**
 * blkio() - linux.resources.blockIO, v1 or v2
 * @a:		apply context
 * @b:		the object
 *
 * Return: 0 or -errno
 */
static int blkio(struct cg_apply *a, struct json_object *b)
{
	bool v2 = false;

	if (cg_dir(a->set, "io", &v2) && v2)
		return cg_v2_blkio(a, b);
	return cg_v1_blkio(a, b);
}

/**
 * sub() - a member object of linux.resources
 * @a:		apply context
 * @res:	linux.resources
 * @key:	member
 * @out:	the object, NULL when absent
 *
 * Return: 0 or -EINVAL
 */
static int sub(struct cg_apply *a, struct json_object *res, const char *key,
	       struct json_object **out)
{
	*out = NULL;
	return sl_json_object(res, key, "linux.resources", false, out, a->e);
}

/**
 * cg_apply_resources() - every controller of linux.resources but devices
 * @a:		apply context
 * @res:	linux.resources (an object)
 *
 * Return: 0 or -errno
 */
int cg_apply_resources(struct cg_apply *a, struct json_object *res)
{
	struct json_object *o;
	bool v2 = false;
	int r;

	if (!json_object_is_type(res, json_type_object))
		return sl_error_set(a->e, EINVAL,
				    "linux.resources: expected an object");
	if ((r = sub(a, res, "memory", &o)))
		return r;
	cg_dir(a->set, "memory", &v2);
	if (o && (r = v2 ? cg_v2_memory(a, o) : cg_v1_memory(a, o)))
		return r;
	if ((r = sub(a, res, "cpu", &o)))
		return r;
	cg_dir(a->set, "cpu", &v2);
	if (o && (r = v2 ? cg_v2_cpu(a, o) : cg_v1_cpu(a, o)))
		return r;
	if ((r = sub(a, res, "pids", &o)) || (r = put_pids(a, o)) ||
	    (r = sub(a, res, "blockIO", &o)) || (o && (r = blkio(a, o))) ||
	    (r = put_hugetlb(a, res)) || (r = sub(a, res, "network", &o)) ||
	    (o && (r = put_network(a, o))))
		return r;
	return put_unified(a, json_object_object_get(res, "unified"));
}

/**
 * put_rule() - one device rule into devices.allow or devices.deny
 * @a:		apply context
 * @allow:	allow (else deny)
 * @type:	'a', 'c' or 'b'
 * @major:	-1 for any
 * @minor:	-1 for any
 * @access:	"rwm" or a part
 *
 * Return: 0 or -errno
 */
static int put_rule(struct cg_apply *a, bool allow, char type, int64_t major,
		    int64_t minor, const char *access)
{
	char v[96], ma[24] = "*", mi[24] = "*";

	if (major >= 0)
		snprintf(ma, sizeof(ma), "%lld", (long long)major);
	if (minor >= 0)
		snprintf(mi, sizeof(mi), "%lld", (long long)minor);
	if (type == 'a')
		snprintf(v, sizeof(v), "a");
	else
		snprintf(v, sizeof(v), "%c %s:%s %s", type, ma, mi, access);
	return cg_put(a, "linux.resources.devices", "devices",
		      allow ? "devices.allow" : "devices.deny", v);
}

/**
 * put_spec_rules() - linux.resources.devices in order
 * @a:		apply context
 * @arr:	the array
 * @n:		its length
 *
 * Return: 0 or -errno
 */
static int put_spec_rules(struct cg_apply *a, struct json_object *arr, size_t n)
{
	static const char path[] = "linux.resources.devices[]";
	struct json_object *o;
	int r;

	for (size_t i = 0; i < n; i++) {
		const char *type = "a", *access = "rwm";
		int64_t major = -1, minor = -1;
		bool allow = false;

		if ((r = sl_json_elem(arr, i, "linux.resources.devices", &o,
				      a->e)) ||
		    (r = sl_json_bool(o, "allow", path, &allow, a->e)) ||
		    (r = sl_json_str(o, "type", path, false, &type, a->e)) ||
		    (r = sl_json_int(o, "major", path, false, -1, INT32_MAX,
				     &major, NULL, a->e)) ||
		    (r = sl_json_int(o, "minor", path, false, -1, INT32_MAX,
				     &minor, NULL, a->e)) ||
		    (r = sl_json_str(o, "access", path, false, &access, a->e)))
			return r;
		type = type ? type : "a";
		access = access ? access : "rwm";
		if (strlen(type) != 1 || !strchr("acb", type[0]) ||
		    strspn(access, "rwm") != strlen(access) || !access[0])
			return sl_error_set(a->e, EINVAL,
					    "%s: bad rule `%s %s`", path, type,
					    access);
		if ((r = put_rule(a, allow, type[0], major, minor, access)))
			return r;
	}
	return 0;
}

/**
 * cg_apply_devices() - the device rules (v1 only)
 * @a:		apply context
 * @res:	linux.resources
 * @c:		config (linux.devices are allowed)
 *
 * Return: 0 or -errno
 */
int cg_apply_devices(struct cg_apply *a, struct json_object *res,
		     const struct sl_config *c)
{
	static const struct {
		char type;
		int64_t major, minor;
	} always[] = {
		{ 'c', 1, 3 }, { 'c', 1, 5 }, { 'c', 1, 7 },
		{ 'c', 1, 8 }, { 'c', 1, 9 }, { 'c', 5, 0 },
		{ 'c', 5, 1 }, { 'c', 5, 2 }, { 'c', 136, -1 },
	};
	struct json_object *arr;
	bool v2 = false;
	size_t n = 0;
	int r;

	if ((r = sl_json_array(res, "devices", "linux.resources", &arr, &n,
			       a->e)) ||
	    !n)
		return r;
	if (!cg_dir(a->set, "devices", &v2) || v2)
		return 0; /* v2: no device files (see the DOC above) */
	if ((r = put_spec_rules(a, arr, n)))
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		if ((r = put_rule(a, true, always[i].type, always[i].major,
				  always[i].minor, "rwm")))
			return r;
	for (size_t i = 0; i < c->ndevices; i++) {
		const struct sl_device *d = &c->devices[i];

		if (strchr("cub", d->type) &&
		    (r = put_rule(a, true, d->type == 'b' ? 'b' : 'c', d->major,
				  d->minor, "rwm")))
			return r;
	}
	return 0;
}
