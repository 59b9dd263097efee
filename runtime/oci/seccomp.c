// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp.c - build the OCI seccomp filter with libseccomp
 *
 * DOC: Theory of Operation
 * linux.seccomp is compiled into a libseccomp context by the runtime
 * before the container exists, so a bad profile (unknown action,
 * architecture or operator, wrong types) fails create cleanly with the
 * field named.  The init inherits the context across clone() and loads it
 * as the last step before exec.
 *
 * Syscall names the running libseccomp does not know are skipped, as
 * other runtimes do (profiles list syscalls of newer kernels).  Rules
 * whose action equals the default are skipped (libseccomp refuses them).
 * Several conditions on the same argument index cannot be ANDed by
 * libseccomp; like runc, each such condition then becomes its own rule.
 *
 * SCMP_ACT_NOTIFY: the init connects to linux.seccomp.listenerPath before
 * pivot_root and, once the filter is loaded, sends the notify fd there
 * with SCM_RIGHTS together with the container state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>
#include <seccomp.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "runtime/oci/json.h"
#include "runtime/oci/linux.h"

struct sl_seccomp {
	scmp_filter_ctx ctx;
	char *listener; /* listenerPath, NULL if none */
	char *metadata; /* listenerMetadata */
	int listener_fd;
	bool notify;
};

/**
 * parse_action() - an SCMP_ACT_* name to a libseccomp action
 * @name:	action name
 * @errno_ret:	errno for SCMP_ACT_ERRNO / SCMP_ACT_TRACE
 * @out:	action
 *
 * Return: 0 or -EINVAL
 */
static int parse_action(const char *name, uint32_t errno_ret, uint32_t *out)
{
	if (!strcmp(name, "SCMP_ACT_KILL") ||
	    !strcmp(name, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL_THREAD;
	else if (!strcmp(name, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(name, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(name, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO(errno_ret);
	else if (!strcmp(name, "SCMP_ACT_TRACE"))
		*out = SCMP_ACT_TRACE(errno_ret);
	else if (!strcmp(name, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(name, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else if (!strcmp(name, "SCMP_ACT_NOTIFY"))
		*out = SCMP_ACT_NOTIFY;
	else
		return -EINVAL;
	return 0;
}

/**
 * get_errno_ret() - the errnoRet member, EPERM when absent
 * @o:		object
 * @k:		key
 * @out:	value (written on success)
 * @where:	dotted path
 * @e:		error
 *
 * A negative value is refused with the same message as a wrong type
 * ("expected an integer"), not sl_json_int()'s "is out of range"; a
 * value past UINT32_MAX is cut to its low 32 bits.
 *
 * Return: 0 or -EINVAL
 */
static int get_errno_ret(struct json_object *o, const char *k, uint32_t *out,
			 const char *where, struct sl_error *e)
{
	int64_t x = EPERM;
	int r;

	r = sl_json_int(o, k, where, false, INT64_MIN, INT64_MAX, &x, NULL, e);
	if (r)
		return r;
	if (x < 0)
		return sl_error_set(e, 0, "%s.%s: expected an integer", where,
				    k);
	*out = (uint32_t)x;
	return 0;
}

/**
 * parse_args() - a rule's argument conditions
 * @args:	the args array
 * @cmp:	conditions out (up to 6)
 * @n:		their number
 * @where:	dotted path of the rule
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int parse_args(struct json_object *args, struct scmp_arg_cmp *cmp,
		      unsigned int *n, const char *where, struct sl_error *e)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t len = json_object_array_length(args);

	if (len > 6)
		return sl_error_set(e, 0, "%s.args: more than 6 conditions",
				    where);
	for (size_t i = 0; i < len; i++) {
		struct json_object *a = json_object_array_get_idx(args, i), *v;
		const char *op;
		size_t k;

		if (!json_object_is_type(a, json_type_object) ||
		    sl_json_str(a, "op", where, false, &op, e) || !op)
			return sl_error_set(e, 0,
					    "%s.args[%zu].op: expected a "
					    "string",
					    where, i);
		for (k = 0; k < ARRAY_SIZE(ops); k++)
			if (!strcmp(op, ops[k].name))
				break;
		if (k == ARRAY_SIZE(ops))
			return sl_error_set(e, 0,
					    "%s.args[%zu].op: unknown operator "
					    "`%s`",
					    where, i, op);
		memset(&cmp[i], 0, sizeof(cmp[i]));
		cmp[i].op = ops[k].op;
		v = sl_json_peek(a, "index", json_type_int);
		if (!v || json_object_get_int(v) < 0 ||
		    json_object_get_int(v) > 5)
			return sl_error_set(e, 0,
					    "%s.args[%zu].index: expected "
					    "0..5",
					    where, i);
		cmp[i].arg = (unsigned int)json_object_get_int(v);
		v = sl_json_peek(a, "value", json_type_int);
		if (!v)
			return sl_error_set(e, 0,
					    "%s.args[%zu].value: expected "
					    "an integer",
					    where, i);
		cmp[i].datum_a = json_object_get_uint64(v);
		v = sl_json_peek(a, "valueTwo", json_type_int);
		if (v)
			cmp[i].datum_b = json_object_get_uint64(v);
	}
	*n = (unsigned int)len;
	return 0;
}

/**
 * add_rule() - add one syscall rule, splitting repeated arg indexes
 * @ctx:	filter
 * @act:	action
 * @nr:		syscall number
 * @cmp:	conditions
 * @n:		their number
 *
 * Return: 0 or a negative libseccomp error
 */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr,
		    const struct scmp_arg_cmp *cmp, unsigned int n)
{
	bool repeated = false;
	int r = 0;

	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++)
			if (cmp[i].arg == cmp[j].arg)
				repeated = true;
	if (!repeated)
		return seccomp_rule_add_array(ctx, act, nr, n, cmp);
	for (unsigned int i = 0; i < n && !r; i++)
		r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i]);
	return r;
}

/**
 * add_syscalls() - one element of linux.seccomp.syscalls
 * @s:		filter being built
 * @o:		the element
 * @def:	the default action
 * @where:	its dotted path
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_syscalls(struct sl_seccomp *s, struct json_object *o,
			uint32_t def, const char *where, struct sl_error *e)
{
	struct json_object *names, *args = NULL;
	struct scmp_arg_cmp cmp[6];
	unsigned int ncmp = 0;
	const char *action;
	uint32_t eret, act;
	size_t nargs;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return sl_error_set(e, 0, "%s: expected an object", where);
	if ((r = sl_json_str(o, "action", where, false, &action, e)) ||
	    (r = get_errno_ret(o, "errnoRet", &eret, where, e)))
		return r;
	if (!action)
		return sl_error_set(e, 0, "%s.action: missing required field",
				    where);
	if (parse_action(action, eret, &act) < 0)
		return sl_error_set(e, 0, "%s.action: unknown action `%s`",
				    where, action);
	names = sl_json_peek(o, "names", json_type_array);
	if (!names)
		return sl_error_set(e, 0, "%s.names: expected array of strings",
				    where);
	if ((r = sl_json_array(o, "args", where, &args, &nargs, e)) ||
	    (args && (r = parse_args(args, cmp, &ncmp, where, e))))
		return r;
	if (act == SCMP_ACT_NOTIFY)
		s->notify = true;
	if (act == def)
		return 0;
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		struct json_object *n = json_object_array_get_idx(names, i);
		int nr;

		if (!json_object_is_type(n, json_type_string))
			return sl_error_set(
				e, 0, "%s.names: expected array of strings",
				where);
		nr = seccomp_syscall_resolve_name(json_object_get_string(n));
		if (nr == __NR_SCMP_ERROR)
			continue;
		r = add_rule(s->ctx, act, nr, cmp, ncmp);
		if (r < 0)
			return sl_error_set(e, -r, "%s: add rule for `%s`",
					    where, json_object_get_string(n));
	}
	return 0;
}

/**
 * add_arch_flags() - architectures and flags of the profile
 * @s:		filter being built
 * @spec:	linux.seccomp
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_arch_flags(struct sl_seccomp *s, struct json_object *spec,
			  struct sl_error *e)
{
	struct json_object *a;
	int r;

	r = sl_json_field(spec, "architectures", json_type_array,
			  "array of strings", "", false, &a, e);
	if (r)
		return r;
	if (a) {
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			const char *n = json_object_get_string(
				json_object_array_get_idx(a, i));
			char lower[32];
			uint32_t arch;
			size_t k;

			if (!n || strncmp(n, "SCMP_ARCH_", 10))
				return sl_error_set(e, 0,
						    "architectures[%zu]: "
						    "unknown `%s`",
						    i, n ? n : "");
			for (k = 0; n[10 + k] && k < sizeof(lower) - 1; k++)
				lower[k] =
					(char)tolower((unsigned char)n[10 + k]);
			lower[k] = '\0';
			arch = seccomp_arch_resolve_name(lower);
			if (!arch)
				return sl_error_set(e, 0,
						    "architectures[%zu]: "
						    "unknown `%s`",
						    i, n);
			if (seccomp_arch_add(s->ctx, arch) < 0 &&
			    arch != seccomp_arch_native())
				continue;
		}
	}
	a = sl_json_peek(spec, "flags", json_type_array);
	if (a) {
		for (size_t i = 0; i < json_object_array_length(a); i++) {
			const char *f = json_object_get_string(
				json_object_array_get_idx(a, i));

			if (!f)
				continue;
			if (!strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC"))
				seccomp_attr_set(s->ctx, SCMP_FLTATR_CTL_TSYNC,
						 1);
			else if (!strcmp(f, "SECCOMP_FILTER_FLAG_LOG"))
				seccomp_attr_set(s->ctx, SCMP_FLTATR_CTL_LOG,
						 1);
			else if (!strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
				seccomp_attr_set(s->ctx, SCMP_FLTATR_CTL_SSB,
						 1);
			else
				return sl_error_set(
					e, 0, "flags[%zu]: unknown `%s`", i, f);
		}
	}
	return 0;
}

/**
 * build() - fill @s from @spec
 * @s:		filter being built
 * @spec:	linux.seccomp
 * @e:		error (without the "linux.seccomp" prefix)
 *
 * Return: 0 or -errno
 */
static int build(struct sl_seccomp *s, struct json_object *spec,
		 struct sl_error *e)
{
	struct json_object *calls;
	const char *def, *listener, *meta;
	uint32_t eret, act;
	size_t n;
	int r;

	if ((r = sl_json_str(spec, "defaultAction", "linux.seccomp", false,
			     &def, e)) ||
	    (r = get_errno_ret(spec, "defaultErrnoRet", &eret, "linux.seccomp",
			       e)) ||
	    (r = sl_json_str(spec, "listenerPath", "linux.seccomp", false,
			     &listener, e)) ||
	    (r = sl_json_str(spec, "listenerMetadata", "linux.seccomp", false,
			     &meta, e)))
		return r;
	if (!def)
		return sl_error_set(e, 0,
				    "linux.seccomp.defaultAction: missing "
				    "required field");
	if (parse_action(def, eret, &act) < 0)
		return sl_error_set(e, 0,
				    "linux.seccomp.defaultAction: unknown "
				    "action `%s`",
				    def);
	s->ctx = seccomp_init(act);
	if (!s->ctx)
		return sl_error_set(e, ENOMEM, "seccomp_init");
	if (act == SCMP_ACT_NOTIFY)
		s->notify = true;
	r = add_arch_flags(s, spec, e);
	if (r)
		return sl_error_prefix(e, "linux.seccomp");
	r = sl_json_array(spec, "syscalls", "linux.seccomp", &calls, &n, e);
	if (r)
		return r;
	for (size_t i = 0; i < n; i++) {
		char where[64];

		snprintf(where, sizeof(where), "linux.seccomp.syscalls[%zu]",
			 i);
		r = add_syscalls(s, json_object_array_get_idx(calls, i), act,
				 where, e);
		if (r)
			return r;
	}
	if (s->notify && !listener)
		return sl_error_set(e, 0,
				    "linux.seccomp.listenerPath: needed for "
				    "SCMP_ACT_NOTIFY");
	s->listener = listener ? strdup(listener) : NULL;
	s->metadata = meta ? strdup(meta) : NULL;
	return 0;
}

/**
 * sl_seccomp_build() - compile linux.seccomp
 * @spec:	the object (NULL: no filter)
 * @out:	filter, NULL when @spec is NULL (written on success)
 * @e:		error naming the field
 *
 * Return: 0 or -errno
 */
int sl_seccomp_build(struct json_object *spec, struct sl_seccomp **out,
		     struct sl_error *e)
{
	struct sl_seccomp *s;
	int r;

	*out = NULL;
	if (!spec)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return sl_error_set(e, ENOMEM, "seccomp");
	s->listener_fd = -1;
	r = build(s, spec, e);
	if (r) {
		sl_seccomp_free(s);
		return r;
	}
	*out = s;
	return 0;
}

/**
 * sl_seccomp_connect() - connect to the notify listener, if any
 * @s:	filter (may be NULL)
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_seccomp_connect(struct sl_seccomp *s, struct sl_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!s || !s->notify)
		return 0;
	if (strlen(s->listener) >= sizeof(sa.sun_path))
		return sl_error_set(e, ENAMETOOLONG, "listenerPath");
	strcpy(sa.sun_path, s->listener);
	s->listener_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listener_fd < 0 ||
	    connect(s->listener_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return sl_error_set(e, errno, "connect to listenerPath `%s`",
				    s->listener);
	return 0;
}

/**
 * sl_seccomp_load() - load the filter into the calling process
 * @s:		filter (may be NULL)
 * @nnp:	whether the process asked for no_new_privs
 * @state:	container state JSON sent with the notify fd
 * @e:		error
 *
 * libseccomp sets no_new_privs itself before loading a filter unless told
 * not to (SCMP_FLTATR_CTL_NNP defaults to 1).  The config decides it, so
 * the attribute follows @nnp; without it the kernel wants CAP_SYS_ADMIN
 * in the caller's user namespace, which the caller must still hold.
 *
 * Return: 0 or -errno
 */
int sl_seccomp_load(struct sl_seccomp *s, bool nnp, const char *state,
		    struct sl_error *e)
{
	int r, fd;

	if (!s)
		return 0;
	r = seccomp_attr_set(s->ctx, SCMP_FLTATR_CTL_NNP, nnp ? 1 : 0);
	if (r < 0)
		return sl_error_set(e, -r,
				    "seccomp: set no_new_privs attribute");
	r = seccomp_load(s->ctx);
	if (r < 0 && !nnp && (r == -EACCES || r == -EPERM))
		return sl_error_set(e, -r,
				    "load seccomp filter without "
				    "no_new_privs (needs CAP_SYS_ADMIN)");
	if (r < 0)
		return sl_error_set(e, -r, "load seccomp filter");
	if (!s->notify)
		return 0;
	fd = seccomp_notify_fd(s->ctx);
	if (fd < 0)
		return sl_error_set(e, -fd, "seccomp notify fd");
	r = fd_send(s->listener_fd, fd, state, strlen(state));
	close(fd);
	if (r < 0)
		return sl_error_set(e, r, "send notify fd to `%s`",
				    s->listener);
	return 0;
}

/**
 * sl_seccomp_free() - release a filter
 * @s:	filter (may be NULL)
 */
void sl_seccomp_free(struct sl_seccomp *s)
{
	if (!s)
		return;
	if (s->ctx)
		seccomp_release(s->ctx);
	if (s->listener_fd >= 0)
		close(s->listener_fd);
	free(s->listener);
	free(s->metadata);
	free(s);
}
