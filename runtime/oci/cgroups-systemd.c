// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups-systemd.c - the container's scope through systemd's D-Bus API
 *
 * DOC: Theory of Operation
 * With --systemd-cgroup the container's cgroup belongs to systemd, as
 * with runc's systemd driver: a transient scope unit "PREFIX-NAME.scope"
 * in the spec's slice, asked for with the manager's StartTransientUnit()
 * on the system bus (as root) or on the user's bus (rootless:
 * $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus).  The unit gets
 * the container's init as its only pid, Delegate=yes (the container may
 * manage its subtree, and systemd realizes every controller it knows for
 * it), DefaultDependencies=no (no ordering against shutdown.target), and
 * the limits of linux.resources that systemd itself understands, so that
 * systemd keeps them when it writes the unit's cgroup again:
 *
 *  - memory.limit: MemoryLimit on v1 hierarchies, MemoryMax on v2;
 *  - cpu.shares: CPUShares on v1, CPUWeight (scaled as the kernel's
 *    conversion does) on v2;
 *  - cpu.quota and cpu.period: CPUQuotaPerSecUSec (rounded up to whole
 *    10 ms, as systemd keeps it as a percentage) and CPUQuotaPeriodUSec;
 *  - pids.limit: TasksMax.
 *
 * The method returns a job; the scope is running once that job's
 * JobRemoved signal says "done".  The match for the signal is added
 * before the call, so that the signal cannot be missed, and the wait is
 * bounded.  Every other result ("failed", "dependency", ...) is an error
 * and the failed unit is reset, so that nothing stays behind.  The caller
 * (cgroups.c) then finds the scope's cgroup in /proc/PID/cgroup and
 * writes linux.resources through cgroupfs in every hierarchy, as runc
 * does, since most of linux.resources has no systemd property.
 *
 * On delete the unit is stopped (StopUnit(), again waiting for its job)
 * unless systemd already forgot it, which it does once the scope's last
 * process is gone.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "runtime/oci/cgroups.h"
#include "runtime/oci/json.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define SD_JOB_TIMEOUT_S 30

/* the JobRemoved signal awaited */
struct job_wait {
	const char *unit;
	char path[256]; /* the job's object path, "" until known */
	char result[32];
	bool done;
};

/**
 * bus_unref() - cleanup for an sd_bus handle
 * @b:	the handle's address
 */
static void bus_unref(sd_bus **b)
{
	sd_bus_flush_close_unref(*b);
}

/**
 * msg_unref() - cleanup for an sd_bus_message
 * @m:	the message's address
 */
static void msg_unref(sd_bus_message **m)
{
	sd_bus_message_unref(*m);
}

/**
 * slot_unref() - cleanup for an sd_bus_slot
 * @s:	the slot's address
 */
static void slot_unref(sd_bus_slot **s)
{
	sd_bus_slot_unref(*s);
}

/**
 * user_bus_present() - whether a user bus address is there to try
 *
 * Return: true if $DBUS_SESSION_BUS_ADDRESS is set or
 * $XDG_RUNTIME_DIR/bus exists
 */
static bool user_bus_present(void)
{
	const char *d = getenv("XDG_RUNTIME_DIR");
	char p[512];

	if (getenv("DBUS_SESSION_BUS_ADDRESS"))
		return true;
	if (!d || !d[0])
		return false;
	snprintf(p, sizeof(p), "%s/bus", d);
	return access(p, F_OK) == 0;
}

/**
 * bus_open() - connect to the system bus, or rootless to the user's
 * @user:	the user's bus
 * @out:	the connection (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int bus_open(bool user, sd_bus **out, struct sl_error *e)
{
	sd_bus *b = NULL;
	int r;

	if (user && !user_bus_present())
		return sl_error_say(e, ENOENT,
				    "cgroups: --systemd-cgroup: no user bus "
				    "for systemd --user "
				    "($DBUS_SESSION_BUS_ADDRESS is unset and "
				    "there is no $XDG_RUNTIME_DIR/bus)");
	r = user ? sd_bus_open_user(&b) : sd_bus_open_system(&b);
	if (r < 0)
		return sl_error_set(e, r,
				    "cgroups: --systemd-cgroup: cannot "
				    "connect to the %s bus",
				    user ? "user" : "system");
	*out = b;
	return 0;
}

/**
 * on_job_removed() - JobRemoved(id, job, unit, result): note the result
 * of the job awaited
 * @m:		the signal
 * @data:	struct job_wait
 * @err:	unused
 *
 * Return: 0 (the signal is only looked at)
 */
static int on_job_removed(sd_bus_message *m, void *data, sd_bus_error *err)
{
	struct job_wait *w = data;
	const char *job, *unit, *result;
	uint32_t id;

	(void)err;
	if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0)
		return 0;
	if (strcmp(unit, w->unit) || (w->path[0] && strcmp(job, w->path)))
		return 0;
	snprintf(w->result, sizeof(w->result), "%s", result);
	w->done = true;
	return 0;
}

/**
 * now_us() - the monotonic clock
 *
 * Return: microseconds
 */
static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/**
 * job_wait() - wait, bounded, for the JobRemoved signal of a job
 * @b:		bus (the match was added before the job was made)
 * @w:		the job; its result on success
 * @e:		error
 *
 * Return: 0 once the job is gone (whatever its result) or -errno
 */
static int job_wait(sd_bus *b, struct job_wait *w, struct sl_error *e)
{
	uint64_t end = now_us() + SD_JOB_TIMEOUT_S * 1000000ULL, t;
	int r;

	while (!w->done) {
		r = sd_bus_process(b, NULL);
		if (r > 0)
			continue;
		if (r == 0 && (t = now_us()) < end)
			r = sd_bus_wait(b, end - t);
		else if (r == 0)
			return sl_error_set(e, ETIMEDOUT,
					    "cgroups: systemd: no end of the "
					    "job for `%s` after %d s",
					    w->unit, SD_JOB_TIMEOUT_S);
		if (r < 0)
			return sl_error_set(e, r,
					    "cgroups: systemd: waiting for "
					    "the job for `%s`",
					    w->unit);
	}
	return 0;
}

/**
 * reset_failed() - forget a failed unit (best effort)
 * @b:		bus
 * @unit:	unit name
 */
static void reset_failed(sd_bus *b, const char *unit)
{
	sd_bus_call_method(b, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit",
			   NULL, NULL, "s", unit);
}

/**
 * add_u64() - one (sv) property of type t
 * @m:		message, inside the property array
 * @name:	property
 * @v:		value
 *
 * Return: 0 or -errno
 */
static int add_u64(sd_bus_message *m, const char *name, uint64_t v)
{
	int r = sd_bus_message_append(m, "(sv)", name, "t", v);

	return r < 0 ? r : 0;
}

/**
 * add_memory() - linux.resources.memory.limit as MemoryLimit/MemoryMax
 * @m:		message, inside the property array
 * @mem:	linux.resources.memory (may be NULL)
 * @v1:		memory is a v1 controller
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_memory(sd_bus_message *m, struct json_object *mem, bool v1,
		      struct sl_error *e)
{
	int64_t lim = 0;
	int r;

	if ((r = sl_json_int(mem, "limit", "linux.resources.memory", false, -1,
			     INT64_MAX, &lim, NULL, e)) ||
	    !lim)
		return r;
	return add_u64(m, v1 ? "MemoryLimit" : "MemoryMax",
		       lim < 0 ? UINT64_MAX : (uint64_t)lim);
}

/**
 * add_cpu() - linux.resources.cpu shares, quota and period
 * @m:		message, inside the property array
 * @cpu:	linux.resources.cpu (may be NULL)
 * @v1:		cpu is a v1 controller
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_cpu(sd_bus_message *m, struct json_object *cpu, bool v1,
		   struct sl_error *e)
{
	static const char p[] = "linux.resources.cpu";
	int64_t shares = 0, period = 0, quota = 0;
	uint64_t persec;
	int r = 0;

	if ((r = sl_json_int(cpu, "shares", p, false, 0, INT64_MAX, &shares,
			     NULL, e)) ||
	    (r = sl_json_int(cpu, "period", p, false, 0, INT64_MAX, &period,
			     NULL, e)) ||
	    (r = sl_json_int(cpu, "quota", p, false, -1, INT64_MAX, &quota,
			     NULL, e)))
		return r;
	if (shares >= 2 && v1)
		r = add_u64(m, "CPUShares", (uint64_t)shares);
	else if (shares >= 2)
		r = add_u64(m, "CPUWeight",
			    1 + ((uint64_t)shares - 2) * 9999 / 262142);
	if (!r && period)
		r = add_u64(m, "CPUQuotaPeriodUSec", (uint64_t)period);
	if (r || !quota)
		return r;
	persec = UINT64_MAX;
	if (quota > 0) {
		persec = (uint64_t)quota * 1000000 /
			 (uint64_t)(period ? period : 100000);
		persec = (persec + 9999) / 10000 * 10000;
	}
	return add_u64(m, "CPUQuotaPerSecUSec", persec);
}

/**
 * add_resources() - the systemd properties of linux.resources
 * @m:		message, inside the property array
 * @res:	linux.resources (may be NULL)
 * @v1:		the controllers are on v1 hierarchies
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_resources(sd_bus_message *m, struct json_object *res, bool v1,
			 struct sl_error *e)
{
	struct json_object *pids = sl_json_peek(res, "pids", json_type_object);
	int64_t tasks = 0;
	int r;

	if ((r = add_memory(m, sl_json_peek(res, "memory", json_type_object),
			    v1, e)) ||
	    (r = add_cpu(m, sl_json_peek(res, "cpu", json_type_object), v1,
			 e)) ||
	    (r = sl_json_int(pids, "limit", "linux.resources.pids", false, -1,
			     INT64_MAX, &tasks, NULL, e)))
		return r;
	if (tasks)
		return add_u64(m, "TasksMax",
			       tasks < 0 ? UINT64_MAX : (uint64_t)tasks);
	return 0;
}

/**
 * start_msg() - the StartTransientUnit() call of a scope
 * @b:		bus
 * @sc:		the scope
 * @res:	linux.resources (may be NULL)
 * @out:	the message (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int start_msg(sd_bus *b, const struct cg_scope *sc,
		     struct json_object *res, sd_bus_message **out,
		     struct sl_error *e)
{
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(b, &m, SD_DEST, SD_PATH, SD_MANAGER,
					   "StartTransientUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", sc->unit, "replace");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)",
					  "Description", "s", sc->desc, "Slice",
					  "s", sc->slice, "PIDs", "au", 1,
					  (uint32_t)sc->pid, "Delegate", "b", 1,
					  "DefaultDependencies", "b", 0);
	if (r >= 0 && (r = add_resources(m, res, sc->v1, e)) < 0) {
		sd_bus_message_unref(m);
		return r;
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	if (r < 0) {
		sd_bus_message_unref(m);
		return sl_error_set(e, r, "cgroups: systemd: build the call");
	}
	*out = m;
	return 0;
}

/**
 * start_error() - the one line for a StartTransientUnit() that failed
 * @sc:		the scope
 * @err:	the bus error
 * @r:		its -errno
 * @e:		error
 *
 * Return: the negative errno
 */
static int start_error(const struct cg_scope *sc, const sd_bus_error *err,
		       int r, struct sl_error *e)
{
	if (sd_bus_error_has_name(err, "org.freedesktop.systemd1.UnitExists")) {
		return sl_error_say(e, EEXIST,
				    "cgroups: systemd unit `%s` already exists",
				    sc->unit);
	}
	if (sd_bus_error_is_set(err))
		return sl_error_set(e, r,
				    "cgroups: systemd refused to start `%s`: "
				    "%s",
				    sc->unit, err->message);
	return sl_error_set(e, r,
			    "cgroups: --systemd-cgroup: no answer from "
			    "systemd on the %s bus",
			    sc->user ? "user" : "system");
}

/**
 * call_job() - make a manager call that returns a job, and wait for it
 * @b:		bus
 * @m:		the call
 * @w:		the job awaited (w->unit set); its result on success
 * @err:	the bus error of a refused call
 * @e:		error, where the call was not refused
 *
 * Return: 0 once the job is gone, -errno
 */
static int call_job(sd_bus *b, sd_bus_message *m, struct job_wait *w,
		    sd_bus_error *err, struct sl_error *e)
{
	__attribute__((cleanup(slot_unref))) sd_bus_slot *slot = NULL;
	__attribute__((cleanup(msg_unref))) sd_bus_message *reply = NULL;
	const char *job;
	int r;

	r = sd_bus_match_signal(b, &slot, SD_DEST, SD_PATH, SD_MANAGER,
				"JobRemoved", on_job_removed, w);
	if (r < 0)
		return sl_error_set(e, r, "cgroups: systemd: add a match");
	r = sd_bus_call(b, m, SD_JOB_TIMEOUT_S * 1000000ULL, err, &reply);
	if (r < 0)
		return r;
	if ((r = sd_bus_message_read(reply, "o", &job)) < 0)
		return sl_error_set(e, r, "cgroups: systemd: reply");
	snprintf(w->path, sizeof(w->path), "%s", job);
	return job_wait(b, w, e);
}

/**
 * cg_sd_start() - start the container's scope and wait until it runs
 * @sc:		the scope: unit, slice, description, the init, bus
 * @res:	linux.resources (may be NULL)
 * @e:		error
 *
 * Return: 0 or -errno; on failure no unit is left
 */
int cg_sd_start(const struct cg_scope *sc, struct json_object *res,
		struct sl_error *e)
{
	__attribute__((cleanup(bus_unref))) sd_bus *b = NULL;
	__attribute__((cleanup(msg_unref))) sd_bus_message *m = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	struct job_wait w = { .unit = sc->unit };
	int r;

	if ((r = bus_open(sc->user, &b, e)) ||
	    (r = start_msg(b, sc, res, &m, e)))
		return r;
	e->code = 0;
	r = call_job(b, m, &w, &err, e);
	if (r < 0 && !e->code)
		r = start_error(sc, &err, r, e);
	sd_bus_error_free(&err);
	if (r < 0)
		return r;
	if (strcmp(w.result, "done")) {
		reset_failed(b, sc->unit);
		return sl_error_say(e, EIO,
				    "cgroups: systemd could not start `%s` "
				    "(job result `%s`)",
				    sc->unit, w.result);
	}
	return 0;
}

/**
 * cg_sd_set() - give a running scope new limits (SetUnitProperties), so
 * that systemd keeps what update wrote to its cgroup
 * @unit:	unit name
 * @user:	on the user's bus
 * @res:	the new resources, as linux.resources
 * @v1:		the controllers are on v1 hierarchies
 * @e:		error
 *
 * Return: 0 or -errno
 */
int cg_sd_set(const char *unit, bool user, struct json_object *res, bool v1,
	      struct sl_error *e)
{
	__attribute__((cleanup(bus_unref))) sd_bus *b = NULL;
	__attribute__((cleanup(msg_unref))) sd_bus_message *m = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	int r;

	if ((r = bus_open(user, &b, e)))
		return r;
	r = sd_bus_message_new_method_call(b, &m, SD_DEST, SD_PATH, SD_MANAGER,
					   "SetUnitProperties");
	if (r >= 0)
		r = sd_bus_message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(sv)");
	if (r >= 0 && (r = add_resources(m, res, v1, e)) < 0)
		return r;
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_call(b, m, SD_JOB_TIMEOUT_S * 1000000ULL, &err,
				NULL);
	if (r < 0)
		r = sl_error_set(e, r,
				 "cgroups: systemd: set the limits of `%s`%s%s",
				 unit, sd_bus_error_is_set(&err) ? ": " : "",
				 sd_bus_error_is_set(&err) ? err.message : "");
	sd_bus_error_free(&err);
	return r < 0 ? r : 0;
}

/**
 * cg_sd_stop() - stop a container's scope, if systemd still has it
 * @unit:	unit name
 * @user:	on the user's bus
 *
 * Return: 0 (also when the unit is not loaded) or -errno
 */
int cg_sd_stop(const char *unit, bool user)
{
	__attribute__((cleanup(bus_unref))) sd_bus *b = NULL;
	__attribute__((cleanup(msg_unref))) sd_bus_message *m = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	struct job_wait w = { .unit = unit };
	struct sl_error e = { 0 };
	int r;

	if ((r = bus_open(user, &b, &e)))
		return r;
	r = sd_bus_message_new_method_call(b, &m, SD_DEST, SD_PATH, SD_MANAGER,
					   "StopUnit");
	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "replace");
	if (r >= 0)
		r = call_job(b, m, &w, &err, &e);
	if (r < 0 &&
	    sd_bus_error_has_name(&err, "org.freedesktop.systemd1.NoSuchUnit"))
		r = 0;
	else
		reset_failed(b, unit);
	sd_bus_error_free(&err);
	return r;
}
