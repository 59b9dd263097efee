// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdpass.c - pass one file descriptor with SCM_RIGHTS
 *
 * DOC: Theory of Operation
 * The runtime sends a terminal's master to conmon's console socket, and
 * helpers hand each other namespace and socket fds, the same way: one
 * sendmsg() with at least one byte of data and one SCM_RIGHTS control
 * message.  The receiver takes the fd with MSG_CMSG_CLOEXEC and closes any
 * extra fds a hostile peer may have packed into the message.
 *
 * A helper that sets something up in other namespaces is a forked child
 * that reports back over a socketpair; fork_with_socket() makes the pair
 * and leaves each process with its own end only.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/fdpass.h"

/**
 * fd_send() - send @fd with @len bytes of @data (at least one byte is sent)
 * @sock:	connected unix socket
 * @fd:		fd to pass
 * @data:	payload, or NULL to send a single NUL byte
 * @len:	payload length
 *
 * Return: 0 or -errno
 */
int fd_send(int sock, int fd, const void *data, size_t len)
{
	char zero = 0;
	struct iovec iov = {
		.iov_base = data ? (void *)data : &zero,
		.iov_len = data && len ? len : 1,
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	for (;;) {
		if (sendmsg(sock, &msg, MSG_NOSIGNAL) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

/**
 * close_extra_fds() - close every fd in a control message but @keep
 * @c:		SCM_RIGHTS control message
 * @keep:	index to keep, or -1
 */
static void close_extra_fds(struct cmsghdr *c, int keep)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), i;

	for (i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		if ((int)i != keep)
			close(fd);
	}
}

/**
 * fd_recv() - receive one fd and up to @len bytes of data
 * @sock:	connected unix socket
 * @fd:		received fd, written only on success
 * @data:	buffer for the payload, or NULL
 * @len:	buffer size
 *
 * Return: payload bytes received (>= 0), -EBADMSG if no fd came, -errno
 */
int fd_recv(int sock, int *fd, void *data, size_t len)
{
	char dummy;
	struct iovec iov = {
		.iov_base = data && len ? data : &dummy,
		.iov_len = data && len ? len : 1,
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int got = -1;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		if (got < 0 && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&got, CMSG_DATA(c), sizeof(int));
			close_extra_fds(c, 0);
		} else {
			close_extra_fds(c, -1);
		}
	}
	if (got < 0)
		return -EBADMSG;
	if (msg.msg_flags & MSG_CTRUNC) {
		close(got);
		return -EBADMSG;
	}
	*fd = got;
	return (int)(data && len ? n : 0);
}

/**
 * fork_with_socket() - fork a child joined to us by a SEQPACKET socketpair
 * @sock:	out: this process's end of the pair (close-on-exec)
 *
 * The parent gets one end and the child the other; each end is closed in
 * the process that does not own it.
 *
 * Return: the child's pid in the parent, 0 in the child, or -errno (no
 * child, nothing left open)
 */
pid_t fork_with_socket(int *sock)
{
	int sv[2], err;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(sv[0]);
		close(sv[1]);
		return -err;
	}
	close(sv[pid ? 1 : 0]);
	*sock = sv[pid ? 0 : 1];
	return pid;
}
