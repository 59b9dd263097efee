// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostfwd.c - published ports: API requests and the forward table
 *
 * DOC: Theory of Operation
 * An API request is one JSON object, as slirp4netns 1.2 takes it:
 * {"execute": VERB, "arguments": {...}}.  api_parse() checks everything a
 * client controls before anything happens: the JSON itself (malformed,
 * truncated, trailing garbage, nesting deeper than a request needs), each
 * field's presence and type, the protocol, addresses of one family, ports
 * 1..65535, a guest address inside --cidr.  It fills a struct api_req or
 * writes "bad request: ..." for the reply.  Clients written for
 * slirp4netns match its words, so a refusal slirp4netns 1.2 also makes
 * starts with its text ("bad request: cannot parse JSON", "bad request:
 * add_hostfwd: bad arguments.host_port", ...) and our detail follows after
 * ": ".
 *
 * api_execute() then applies the request: to the fast path (fastpath.c)
 * when it can take the forward, else to libslirp (slirp_add_hostxfwd()
 * and slirp_remove_hostxfwd(); "fastpath": false asks for libslirp; IPv6 host sockets are V6ONLY so "::" and
 * "0.0.0.0" can publish the same port side by side) and keeps a table of
 * what it added, by id, for list_hostfwd and remove_hostfwd.  Replies are
 * {"return": {...}} or {"error": {"desc": "..."}}.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libslirp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/hostfwd.h"

/* slirp4netns 1.2's words, which its clients match */
#define ADD "add_hostfwd"
#define REMOVE "remove_hostfwd"
#define BAD_JSON "bad request: cannot parse JSON"

/**
 * struct hostfwd_table - what api_execute() added, in that order
 * @fwd:	the forwards
 * @n:		entries in @fwd
 * @next_id:	id of the next forward
 */
struct hostfwd_table {
	struct hostfwd fwd[HOSTFWD_MAX];
	size_t n;
	int next_id;
};

/**
 * hostfwd_table_new() - an empty forward table
 *
 * Return: the table, or NULL when out of memory
 */
struct hostfwd_table *hostfwd_table_new(void)
{
	struct hostfwd_table *t = calloc(1, sizeof(*t));

	if (t)
		t->next_id = 1;
	return t;
}

/**
 * hostfwd_table_free() - free a forward table
 * @t:		table, or NULL
 */
void hostfwd_table_free(struct hostfwd_table *t)
{
	free(t);
}

/**
 * arg_error() - "bad request: VERB: bad arguments.KEY: DETAIL"
 * @errbuf:	message
 * @errlen:	its size
 * @verb:	"add_hostfwd" or "remove_hostfwd"
 * @key:	field name
 * @fmt:	detail, printf-style
 *
 * The text up to KEY is slirp4netns 1.2's.
 *
 * Return: -EINVAL
 */
__attribute__((format(printf, 5, 6))) static int
arg_error(char *errbuf, size_t errlen, const char *verb, const char *key,
	  const char *fmt, ...)
{
	char detail[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(errbuf, errlen, "bad request: %s: bad arguments.%s: %s", verb,
		 key, detail);
	return -EINVAL;
}

/**
 * get_field() - fetch @key from @obj with type @type
 * @obj:	JSON object
 * @verb:	request verb, for the message
 * @key:	field name
 * @type:	wanted type
 * @out:	the field, or NULL when absent (written on success)
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: 0 (present with @type, or absent), or -EINVAL for a wrong type
 */
static int get_field(json_object *obj, const char *verb, const char *key,
		     json_type type, json_object **out, char *errbuf,
		     size_t errlen)
{
	static const char *const names[] = {
		[json_type_null] = "null",
		[json_type_boolean] = "a boolean",
		[json_type_double] = "a number",
		[json_type_int] = "an integer",
		[json_type_object] = "an object",
		[json_type_array] = "an array",
		[json_type_string] = "a string",
	};
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v)) {
		*out = NULL;
		return 0;
	}
	if (!json_object_is_type(v, type))
		return arg_error(errbuf, errlen, verb, key, "must be %s",
				 names[type]);
	*out = v;
	return 0;
}

/**
 * get_port() - fetch a required port field (1..65535) of add_hostfwd
 * @args:	arguments object
 * @key:	field name
 * @port:	the port, written on success
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int get_port(json_object *args, const char *key, uint16_t *port,
		    char *errbuf, size_t errlen)
{
	json_object *v;
	int64_t p;

	if (get_field(args, ADD, key, json_type_int, &v, errbuf, errlen) < 0)
		return -EINVAL;
	if (!v)
		return arg_error(errbuf, errlen, ADD, key, "missing");
	p = json_object_get_int64(v);
	if (p < 1 || p > 65535)
		return arg_error(errbuf, errlen, ADD, key,
				 "must be 1..65535, not %lld", (long long)p);
	*port = (uint16_t)p;
	return 0;
}

/**
 * get_addr() - fetch an optional address field of add_hostfwd ("" counts
 * as absent)
 * @args:	arguments object
 * @key:	field name
 * @family:	AF_INET or AF_INET6 parsed, or 0 when absent (on success)
 * @addr:	the address, written on success when present
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int get_addr(json_object *args, const char *key, int *family,
		    struct in6_addr *addr, char *errbuf, size_t errlen)
{
	json_object *v;
	const char *s;

	if (get_field(args, ADD, key, json_type_string, &v, errbuf, errlen) < 0)
		return -EINVAL;
	if (!v) {
		*family = 0;
		return 0;
	}
	s = json_object_get_string(v);
	if (!*s) {
		*family = 0; /* "" means the default, as Podman sends it */
		return 0;
	}
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return arg_error(errbuf, errlen, ADD, key, "not an IP address");
}

/**
 * guest_default() - fill the guest address of @f's family by default
 * @o:		options
 * @f:		forward (family set)
 */
static void guest_default(const struct netd_opts *o, struct hostfwd *f)
{
	struct in_addr a = netd_addr(o, 100);

	memset(&f->guest, 0, sizeof(f->guest));
	if (f->family == AF_INET)
		memcpy(&f->guest, &a, sizeof(a));
	else
		inet_pton(AF_INET6, NETD_IP6_GUEST, &f->guest);
}

/**
 * parse_add() - the arguments of add_hostfwd
 * @o:		options
 * @args:	arguments object
 * @f:		the forward, written on success
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_add(const struct netd_opts *o, json_object *args,
		     struct hostfwd *f, char *errbuf, size_t errlen)
{
	struct hostfwd r = { 0 };
	json_object *proto;
	int hf, gf;

	if (get_field(args, ADD, "proto", json_type_string, &proto, errbuf,
		      errlen) < 0)
		return -EINVAL;
	if (!proto)
		return arg_error(errbuf, errlen, ADD, "proto", "missing");
	if (strcmp(json_object_get_string(proto), "tcp") &&
	    strcmp(json_object_get_string(proto), "udp"))
		return arg_error(errbuf, errlen, ADD, "proto",
				 "must be \"tcp\" or \"udp\"");
	r.udp = !strcmp(json_object_get_string(proto), "udp");
	if (get_addr(args, "host_addr", &hf, &r.host, errbuf, errlen) < 0 ||
	    get_port(args, "host_port", &r.host_port, errbuf, errlen) < 0 ||
	    get_addr(args, "guest_addr", &gf, &r.guest, errbuf, errlen) < 0 ||
	    get_port(args, "guest_port", &r.guest_port, errbuf, errlen) < 0)
		return -EINVAL;
	if (get_field(args, ADD, "fastpath", json_type_boolean, &proto, errbuf,
		      errlen) < 0)
		return -EINVAL;
	r.slow = proto && !json_object_get_boolean(proto);
	r.family = hf ? hf : gf ? gf : AF_INET;
	if (!hf)
		memset(&r.host, 0, sizeof(r.host)); /* 0.0.0.0 or :: */
	if (!gf)
		guest_default(o, &r);
	if (gf && gf != r.family)
		return arg_error(errbuf, errlen, ADD, "guest_addr",
				 "not of host_addr's family");
	if (r.family == AF_INET) {
		uint32_t g;

		memcpy(&g, &r.guest, 4);
		if ((g & o->vnetmask.s_addr) != o->vnetwork.s_addr)
			return arg_error(errbuf, errlen, ADD, "guest_addr",
					 "outside the network");
	}
	*f = r;
	return 0;
}

/**
 * parse_remove() - the arguments of remove_hostfwd
 * @args:	arguments object
 * @id:		the id, written on success
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int parse_remove(json_object *args, int *id, char *errbuf, size_t errlen)
{
	json_object *v;
	int64_t i;

	if (get_field(args, REMOVE, "id", json_type_int, &v, errbuf, errlen) <
	    0)
		return -EINVAL;
	if (!v)
		return arg_error(errbuf, errlen, REMOVE, "id", "missing");
	i = json_object_get_int64(v);
	if (i < 1 || i > INT32_MAX)
		return arg_error(errbuf, errlen, REMOVE, "id",
				 "no forward with id %lld", (long long)i);
	*id = (int)i;
	return 0;
}

/**
 * parse_json() - parse @buf as exactly one JSON object
 * @buf:	request text
 * @len:	its length
 * @errbuf:	message on failure
 * @errlen:	its size
 *
 * Return: the object (caller puts it), or NULL with @errbuf set
 */
static json_object *parse_json(const char *buf, size_t len, char *errbuf,
			       size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(8);
	enum json_tokener_error e;
	json_object *obj;
	size_t end;

	if (!tok) {
		snprintf(errbuf, errlen, "bad request: out of memory");
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(errbuf, errlen, BAD_JSON ": NUL byte in request");
		json_tokener_free(tok);
		return NULL;
	}
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (e == json_tokener_continue || (!obj && e == json_tokener_success)) {
		snprintf(errbuf, errlen, BAD_JSON ": truncated");
		return NULL;
	}
	if (e != json_tokener_success) {
		snprintf(errbuf, errlen, BAD_JSON ": %s",
			 json_tokener_error_desc(e));
		return NULL;
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", buf[end])) {
			snprintf(errbuf, errlen,
				 BAD_JSON
				 ": trailing data after the JSON object");
			json_object_put(obj);
			return NULL;
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(
			errbuf, errlen,
			"bad request: json_object() failed: the request must be a JSON object");
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/**
 * api_parse() - parse and check one API request
 * @o:		options (network for defaults and checks)
 * @buf:	request text (not NUL-terminated)
 * @len:	its length
 * @req:	the request, written on success
 * @errbuf:	"bad request: ..." on failure
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int api_parse(const struct netd_opts *o, const char *buf, size_t len,
	      struct api_req *req, char *errbuf, size_t errlen)
{
	json_object *obj = parse_json(buf, len, errbuf, errlen);
	json_object *exec = NULL, *args = NULL;
	struct api_req r = { 0 };
	const char *verb;
	int ret = -EINVAL;

	if (!obj)
		return -EINVAL;
	json_object_object_get_ex(obj, "execute", &exec);
	json_object_object_get_ex(obj, "arguments", &args);
	if (!json_object_is_type(exec, json_type_string)) {
		snprintf(errbuf, errlen, "bad request: no execute found%s",
			 exec ? ": \"execute\" must be a string" : "");
		goto out;
	}
	verb = json_object_get_string(exec);
	if (!strcmp(verb, "list_hostfwd")) {
		r.verb = API_LIST_HOSTFWD;
		ret = 0;
		if (args && !json_object_is_type(args, json_type_object)) {
			snprintf(
				errbuf, errlen,
				"bad request: \"arguments\" must be an object");
			ret = -EINVAL;
		}
	} else if (strcmp(verb, ADD) && strcmp(verb, REMOVE)) {
		snprintf(errbuf, errlen,
			 "bad request: unknown execute: \"%.64s\"", verb);
	} else if (!json_object_is_type(args, json_type_object)) {
		/* slirp4netns names the first field it looks for */
		arg_error(errbuf, errlen, verb, verb[0] == 'a' ? "proto" : "id",
			  "%s",
			  args ? "\"arguments\" must be an object"
			       : "missing \"arguments\"");
	} else if (verb[0] == 'a') {
		r.verb = API_ADD_HOSTFWD;
		ret = parse_add(o, args, &r.fwd, errbuf, errlen);
	} else {
		r.verb = API_REMOVE_HOSTFWD;
		ret = parse_remove(args, &r.id, errbuf, errlen);
	}
	if (!ret)
		*req = r;
out:
	json_object_put(obj);
	return ret;
}

/**
 * reply() - serialize {KEY: VALUE} and free it
 * @key:	"return" or "error"
 * @value:	JSON value (owned)
 *
 * Return: a heap string for the caller to free, or NULL
 */
static char *reply(const char *key, json_object *value)
{
	json_object *top = json_object_new_object();
	char *s = NULL;

	if (top) {
		json_object_object_add(top, key, value);
		s = strdup(json_object_to_json_string_ext(
			top, JSON_C_TO_STRING_PLAIN |
				     JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(top);
	} else {
		json_object_put(value);
	}
	return s;
}

/**
 * api_error_reply() - {"error": {"desc": DESC}}
 * @desc:	message
 *
 * Return: a heap string for the caller to free, or NULL
 */
char *api_error_reply(const char *desc)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "desc", json_object_new_string(desc));
	return reply("error", e);
}

/**
 * fwd_sockaddrs() - the host and guest socket addresses of @f
 * @f:		forward
 * @h:		host address out
 * @g:		guest address out
 *
 * Return: the length of each address
 */
static socklen_t fwd_sockaddrs(const struct hostfwd *f,
			       struct sockaddr_storage *h,
			       struct sockaddr_storage *g)
{
	memset(h, 0, sizeof(*h));
	memset(g, 0, sizeof(*g));
	if (f->family == AF_INET) {
		struct sockaddr_in *h4 = (void *)h, *g4 = (void *)g;

		h4->sin_family = g4->sin_family = AF_INET;
		memcpy(&h4->sin_addr, &f->host, 4);
		memcpy(&g4->sin_addr, &f->guest, 4);
		h4->sin_port = htons(f->host_port);
		g4->sin_port = htons(f->guest_port);
		return sizeof(*h4);
	} else {
		struct sockaddr_in6 *h6 = (void *)h, *g6 = (void *)g;

		h6->sin6_family = g6->sin6_family = AF_INET6;
		h6->sin6_addr = f->host;
		g6->sin6_addr = f->guest;
		h6->sin6_port = htons(f->host_port);
		g6->sin6_port = htons(f->guest_port);
		return sizeof(*h6);
	}
}

/**
 * fwd_flags() - libslirp's hostxfwd flags for @f
 * @f:		forward
 *
 * Return: the flags
 */
static int fwd_flags(const struct hostfwd *f)
{
	return (f->udp ? SLIRP_HOSTFWD_UDP : 0) |
	       (f->family == AF_INET6 ? SLIRP_HOSTFWD_V6ONLY : 0);
}

/**
 * lowest_free_fd() - the number the next socket() will get
 *
 * Return: the fd number, or -1
 */
static int lowest_free_fd(void)
{
	int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/**
 * widen_backlog() - give libslirp's new listening socket a full backlog
 * @fd:		where the socket should be (lowest_free_fd() before the add)
 * @h:		its host address
 * @hlen:	that address's length
 *
 * libslirp listens with a backlog of 1: with a connection or two waiting
 * to be accepted, the kernel drops the next SYN and the client retries a
 * second later.  listen() again on a listening socket only changes its
 * backlog.  The socket is checked first (listening, on @h): anything else
 * is left alone.
 */
static void widen_backlog(int fd, const struct sockaddr_storage *h,
			  socklen_t hlen)
{
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	int on = 0;
	socklen_t olen = sizeof(on);

	if (fd < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen) < 0 || !on ||
	    getsockname(fd, (struct sockaddr *)&got, &glen) < 0 ||
	    glen != hlen || memcmp(&got, h, hlen) || listen(fd, SOMAXCONN) < 0)
		debug("libslirp's listening socket: backlog left at 1");
}

/**
 * exec_add() - add_hostfwd
 * @n:		instance
 * @f:		the forward
 *
 * Return: the reply (heap), or NULL
 */
static char *exec_add(struct netd *n, const struct hostfwd *f)
{
	struct sockaddr_storage h, g;
	socklen_t len = fwd_sockaddrs(f, &h, &g);
	char buf[224], a[INET6_ADDRSTRLEN];
	struct hostfwd_table *tb = n->fwds;
	struct hostfwd t = *f;
	json_object *r;
	int ret = 1, next_fd = -1;

	if (tb->n >= HOSTFWD_MAX)
		return api_error_reply(
			"bad request: add_hostfwd: slirp_add_hostfwd failed: too many forwards");
	t.id = tb->next_id;
	if (!n->o->disable_fastpath && !f->slow)
		ret = fp_add(n, &t);
	if (ret == 1 && !f->udp)
		next_fd = lowest_free_fd(); /* where libslirp's listener goes */
	errno = 0;
	if (ret == 1 &&
	    slirp_add_hostxfwd(n->slirp, (struct sockaddr *)&h, len,
			       (struct sockaddr *)&g, len, fwd_flags(f)) < 0)
		ret = errno ? -errno : -EIO;
	else if (ret == 1 && !f->udp)
		widen_backlog(next_fd, &h, len);
	if (ret < 0) {
		inet_ntop(f->family, &f->host, a, sizeof(a));
		snprintf(
			buf, sizeof(buf),
			"bad request: add_hostfwd: slirp_add_hostfwd failed: cannot listen on %s port %u/%s: %s",
			a, f->host_port, f->udp ? "udp" : "tcp",
			ret == -EIO ? "failed" : strerror(-ret));
		return api_error_reply(buf);
	}
	t.fast = ret == 0;
	debug("forward %d: %s", t.id, t.fast ? "fast path" : "libslirp");
	tb->fwd[tb->n] = t;
	tb->next_id++;
	r = json_object_new_object();
	json_object_object_add(r, "id", json_object_new_int(tb->fwd[tb->n].id));
	tb->n++;
	return reply("return", r);
}

/**
 * exec_remove() - remove_hostfwd
 * @n:		instance
 * @id:		forward id
 *
 * Return: the reply (heap), or NULL
 */
static char *exec_remove(struct netd *n, int id)
{
	struct hostfwd_table *tb = n->fwds;
	struct sockaddr_storage h, g;
	char buf[128];
	size_t i;

	for (i = 0; i < tb->n; i++)
		if (tb->fwd[i].id == id)
			break;
	if (i == tb->n) {
		snprintf(
			buf, sizeof(buf),
			"bad request: remove_hostfwd: bad arguments.id: no forward with id %d",
			id);
		return api_error_reply(buf);
	}
	if (tb->fwd[i].fast)
		fp_remove(n, id);
	else if (slirp_remove_hostxfwd(n->slirp, (struct sockaddr *)&h,
				       fwd_sockaddrs(&tb->fwd[i], &h, &g),
				       fwd_flags(&tb->fwd[i])) < 0)
		return api_error_reply(
			"bad request: remove_hostfwd: slirp_remove_hostfwd failed: libslirp has no such forward");
	memmove(&tb->fwd[i], &tb->fwd[i + 1],
		(tb->n - i - 1) * sizeof(tb->fwd[0]));
	tb->n--;
	return reply("return", json_object_new_object());
}

/**
 * fwd_entry() - one list_hostfwd entry
 * @f:		forward
 *
 * Return: a JSON object
 */
static json_object *fwd_entry(const struct hostfwd *f)
{
	json_object *e = json_object_new_object();
	char a[INET6_ADDRSTRLEN];

	json_object_object_add(e, "id", json_object_new_int(f->id));
	json_object_object_add(e, "proto",
			       json_object_new_string(f->udp ? "udp" : "tcp"));
	inet_ntop(f->family, &f->host, a, sizeof(a));
	json_object_object_add(e, "host_addr", json_object_new_string(a));
	json_object_object_add(e, "host_port",
			       json_object_new_int(f->host_port));
	inet_ntop(f->family, &f->guest, a, sizeof(a));
	json_object_object_add(e, "guest_addr", json_object_new_string(a));
	json_object_object_add(e, "guest_port",
			       json_object_new_int(f->guest_port));
	return e;
}

/**
 * api_execute() - carry out a parsed request
 * @n:		instance
 * @req:	request
 *
 * Return: the reply text (heap, caller frees), or NULL when out of memory
 */
char *api_execute(struct netd *n, const struct api_req *req)
{
	json_object *r, *entries;
	size_t i;

	switch (req->verb) {
	case API_ADD_HOSTFWD:
		return exec_add(n, &req->fwd);
	case API_REMOVE_HOSTFWD:
		return exec_remove(n, req->id);
	case API_LIST_HOSTFWD:
		break;
	}
	entries = json_object_new_array();
	for (i = 0; i < n->fwds->n; i++)
		json_object_array_add(entries, fwd_entry(&n->fwds->fwd[i]));
	r = json_object_new_object();
	json_object_object_add(r, "entries", entries);
	return reply("return", r);
}
