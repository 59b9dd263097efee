// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * api.c - the API socket: one JSON request per connection
 *
 * DOC: Theory of Operation
 * The API socket is a listening unix stream socket at --api-socket.  A
 * client connects, writes one request, shuts down its write side and reads
 * the reply.  Connections are served from the main loop without blocking
 * it: each of up to API_MAX_CLIENTS connections has a buffer that fills as
 * data arrives; at end of file the request is parsed (hostfwd.c), carried
 * out and answered, and the connection closed.  A request larger than
 * API_MAX_REQUEST gets "bad request: too large message" at once, and the rest of
 * it is read and dropped so the client can finish writing and read the
 * reply; a client that neither
 * finishes nor hangs up within API_TIMEOUT_MS gets "bad request: timeout".
 * While every slot is taken, new connections wait in the listen backlog.
 *
 * The socket's directory is kept open, so the socket can be unlinked at
 * exit even after the sandbox has pivoted away from the host's tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "netd/hostfwd.h"
#include "netd/netd.h"

/**
 * struct api_client - one connection being served
 * @fd:		socket, or -1 for a free slot
 * @buf:	request bytes (API_MAX_REQUEST)
 * @len:	bytes in @buf
 * @deadline:	netd_now_ms() after which it is answered with a timeout
 * @draining:	answered early (too large): discard input until end of file
 * @idx:	poll slot this turn, or -1
 */
struct api_client {
	int fd;
	char *buf;
	size_t len;
	int64_t deadline;
	bool draining;
	int idx;
};

/**
 * struct api - the API socket
 * @listen_fd:	listening socket
 * @dirfd:	directory holding the socket
 * @name:	the socket's name in @dirfd
 * @lidx:	@listen_fd's poll slot this turn, or -1
 * @clients:	connection slots
 */
struct api {
	int listen_fd;
	int lidx;
	int dirfd;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct api_client clients[API_MAX_CLIENTS];
};

static void api_poll_fill(void *opaque);
static void api_poll_handle(void *opaque);
static int api_timeout(void *opaque, int timeout);

static const struct poller_ops api_ops = {
	.fill = api_poll_fill,
	.handle = api_poll_handle,
	.timeout = api_timeout,
};

/**
 * stale_socket() - is @path a socket nobody listens on?
 * @path:	socket path
 *
 * Return: true if it may be replaced
 */
static bool stale_socket(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, r;

	if (lstat(sun->sun_path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	r = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return r < 0 && errno == ECONNREFUSED;
}

/**
 * api_path_check() - refuse a path that does not fit a unix socket address
 * @path:	socket path
 *
 * Return: 0, or -ENAMETOOLONG (message printed)
 */
int api_path_check(const char *path)
{
	struct sockaddr_un sun;

	if (*path && strlen(path) < sizeof(sun.sun_path))
		return 0;
	if (*path)
		err("the specified API socket path is too long (>= %zu): '%s'",
		    sizeof(sun.sun_path), path);
	else
		err("bad --api-socket '': empty path");
	return -ENAMETOOLONG;
}

/**
 * api_open() - create the listening API socket at @path
 * @n:		instance
 * @path:	socket path
 *
 * Return: 0, or -errno (message printed)
 */
int api_open(struct netd *n, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	_cleanup_free_ struct api *a = calloc(1, sizeof(*a));
	_cleanup_free_ char *dir = NULL, *base = NULL;
	int i, e;

	if (api_path_check(path) < 0)
		return -ENAMETOOLONG;
	if (!a || !(dir = strdup(path)) || !(base = strdup(path)))
		return -ENOMEM;
	if (poller_register(&n->poller, &api_ops, n) < 0)
		return -ENOSPC;
	if (!n->fwds && !(n->fwds = hostfwd_table_new()))
		return -ENOMEM;
	strcpy(sun.sun_path, path);
	strcpy(a->name, basename(base));
	a->dirfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (a->dirfd < 0) {
		e = errno;
		err_errno(e, "cannot open the directory of --api-socket %s",
			  path);
		return -e;
	}
	a->listen_fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (a->listen_fd < 0)
		goto fail;
	if (bind(a->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 &&
	    (errno != EADDRINUSE || !stale_socket(&sun) || unlink(path) < 0 ||
	     bind(a->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0))
		goto fail;
	if (listen(a->listen_fd, 16) < 0)
		goto fail;
	for (i = 0; i < API_MAX_CLIENTS; i++)
		a->clients[i] = (struct api_client){ .fd = -1, .idx = -1 };
	a->lidx = -1;
	n->api = steal_ptr(&a);
	return 0;
fail:
	e = errno;
	err_errno(e, "cannot listen on --api-socket %s", path);
	if (a->listen_fd >= 0)
		close(a->listen_fd);
	close(a->dirfd);
	return -e;
}

/**
 * client_close() - free a connection slot
 * @n:		instance
 * @c:		client
 */
static void client_close(struct netd *n, struct api_client *c)
{
	poller_close(&n->poller, steal_fd(&c->fd));
	free(c->buf);
	c->buf = NULL;
	c->len = 0;
	c->draining = false;
}

/**
 * api_close() - close the API socket and unlink it
 * @n:		instance
 */
void api_close(struct netd *n)
{
	struct api *a = n->api;
	int i;

	if (!a)
		return;
	for (i = 0; i < API_MAX_CLIENTS; i++)
		if (a->clients[i].fd >= 0)
			client_close(n, &a->clients[i]);
	close(a->listen_fd);
	unlinkat(a->dirfd, a->name, 0);
	close(a->dirfd);
	free(a);
	n->api = NULL;
}

/**
 * api_poll_fill() - add the listener (while a slot is free) and the
 * clients to this turn's poll array
 * @opaque:	instance
 */
static void api_poll_fill(void *opaque)
{
	struct netd *n = opaque;
	struct api *a = n->api;
	bool room = false;
	int i;

	if (!a)
		return;
	for (i = 0; i < API_MAX_CLIENTS; i++) {
		struct api_client *c = &a->clients[i];

		c->idx = -1;
		if (c->fd < 0)
			room = true;
		else
			c->idx = poller_add(&n->poller, c->fd, POLLIN);
	}
	a->lidx = room ? poller_add(&n->poller, a->listen_fd, POLLIN) : -1;
}

/**
 * client_reply() - send @text to a client
 * @c:		client
 * @text:	reply (heap, freed here), or NULL when out of memory
 */
static void client_reply(struct api_client *c, char *text)
{
	static const char oom[] = "{\"error\":{\"desc\":\"out of memory\"}}";
	const char *s = text ? text : oom;

	/* replies are small: one non-blocking send fits the socket buffer */
	if (send(c->fd, s, strlen(s), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		debug("api: reply not sent: %s", strerror(errno));
	free(text);
}

/**
 * client_answer() - send @text to a client and close it
 * @n:		instance
 * @c:		client
 * @text:	reply (heap, freed here), or NULL when out of memory
 */
static void client_answer(struct netd *n, struct api_client *c, char *text)
{
	client_reply(c, text);
	client_close(n, c);
}

/**
 * client_request() - the client hung up its write side: serve it
 * @n:		instance
 * @c:		client
 */
static void client_request(struct netd *n, struct api_client *c)
{
	char errbuf[256];
	struct api_req req;

	if (api_parse(n->o, c->buf, c->len, &req, errbuf, sizeof(errbuf)) < 0) {
		debug("api: %s", errbuf);
		client_answer(n, c, api_error_reply(errbuf));
		return;
	}
	client_answer(n, c, api_execute(n, &req));
}

/**
 * client_read() - read what a client sent
 * @n:		instance
 * @c:		client
 */
static void client_read(struct netd *n, struct api_client *c)
{
	ssize_t r;

	for (;;) {
		if (c->len == API_MAX_REQUEST && !c->draining) {
			client_reply(
				c,
				api_error_reply(
					"bad request: too large message: over 64 KiB"));
			shutdown(c->fd, SHUT_WR);
			c->draining = true;
		}
		if (c->draining)
			c->len = 0; /* discard until the client is done */
		r = recv(c->fd, c->buf + c->len, API_MAX_REQUEST - c->len,
			 MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r < 0) {
			client_close(n, c);
			return;
		}
		if (r == 0 && c->draining) {
			client_close(n, c);
			return;
		}
		if (r == 0) {
			client_request(n, c);
			return;
		}
		c->len += (size_t)r;
	}
}

/**
 * api_accept() - take one new connection into a free slot
 * @a:		API state
 */
static void api_accept(struct api *a)
{
	int i, fd;

	for (i = 0; i < API_MAX_CLIENTS; i++)
		if (a->clients[i].fd < 0)
			break;
	if (i == API_MAX_CLIENTS)
		return;
	fd = accept4(a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	a->clients[i].buf = malloc(API_MAX_REQUEST);
	if (!a->clients[i].buf) {
		close(fd);
		return;
	}
	a->clients[i].fd = fd;
	a->clients[i].idx = -1;
	a->clients[i].len = 0;
	a->clients[i].deadline = netd_now_ms() + API_TIMEOUT_MS;
}

/**
 * api_poll_handle() - serve the API's ready slots and expire slow clients
 * @opaque:	instance
 */
static void api_poll_handle(void *opaque)
{
	struct netd *n = opaque;
	struct api *a = n->api;
	int64_t now = netd_now_ms();
	int i;

	if (!a)
		return;
	for (i = 0; i < API_MAX_CLIENTS; i++) {
		struct api_client *c = &a->clients[i];

		if (c->fd >= 0 && poller_revents(&n->poller, c->idx))
			client_read(n, c);
		if (c->fd >= 0 && now >= c->deadline)
			client_answer(n, c,
				      api_error_reply("bad request: timeout"));
	}
	if (poller_revents(&n->poller, a->lidx) & POLLIN)
		api_accept(a);
}

/**
 * api_timeout() - shorten a poll timeout to the nearest client deadline
 * @opaque:	instance
 * @timeout:	timeout in ms, or -1
 *
 * Return: the timeout to use
 */
static int api_timeout(void *opaque, int timeout)
{
	struct netd *n = opaque;
	int64_t now = netd_now_ms(), d;
	int i;

	if (!n->api)
		return timeout;
	for (i = 0; i < API_MAX_CLIENTS; i++) {
		if (n->api->clients[i].fd < 0)
			continue;
		d = n->api->clients[i].deadline - now;
		if (d < 0)
			d = 0;
		if (timeout < 0 || d < timeout)
			timeout = (int)d;
	}
	return timeout;
}
