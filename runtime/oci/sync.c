// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sync.c - the messages between the runtime and a container's processes
 *
 * DOC: Theory of Operation
 * create and exec talk to the process they cloned (the init, or exec's
 * middle process) over a SOCK_SEQPACKET socket pair: one struct sl_sync
 * per packet, so a message is never split or merged and a peer that died
 * reads as end of file.  Only the used part of msg is sent.  Both ends are
 * the same binary, so the struct is the wire format.  The steps of each
 * conversation are described in init.c and exec.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "runtime/oci/sync.h"

/**
 * sl_sync_send() - send one sync message
 * @fd:		sync socket
 * @type:	enum sl_sync_type
 * @code:	errno for SL_SYNC_ERROR
 * @pid:	pid for SL_SYNC_PID
 * @msg:	text (may be NULL)
 *
 * Return: 0 or -errno
 */
int sl_sync_send(int fd, int type, int code, int pid, const char *msg)
{
	struct sl_sync m = { .type = type, .code = code, .pid = pid };
	size_t len = offsetof(struct sl_sync, msg) + 1;

	if (msg) {
		snprintf(m.msg, sizeof(m.msg), "%s", msg);
		len += strlen(m.msg);
	}
	if (send(fd, &m, len, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/**
 * sl_sync_send_error() - send an error, its code and kind as SL_SYNC_ERROR
 * @fd:		sync socket
 * @e:		the error
 *
 * Return: 0 or -errno
 */
int sl_sync_send_error(int fd, const struct sl_error *e)
{
	struct sl_sync m = { .type = SL_SYNC_ERROR,
			     .code = e->code,
			     .kind = e->kind };
	size_t len;

	snprintf(m.msg, sizeof(m.msg), "%s", e->msg);
	len = offsetof(struct sl_sync, msg) + strlen(m.msg) + 1;
	if (send(fd, &m, len, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/**
 * sl_sync_recv() - receive one sync message
 * @fd:		sync socket
 * @m:		message (msg always NUL-terminated)
 *
 * Return: 0, -EPIPE when the peer closed, -errno
 */
int sl_sync_recv(int fd, struct sl_sync *m)
{
	ssize_t n;

	do
		n = recv(fd, m, sizeof(*m) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)offsetof(struct sl_sync, msg))
		return -EPIPE;
	((char *)m)[n] = '\0';
	m->msg[sizeof(m->msg) - 1] = '\0';
	return 0;
}

/**
 * sl_sync_error() - the error an SL_SYNC_ERROR message carries
 * @m:		the message received
 * @e:		error, filled with its message, code and kind
 *
 * Return: the negative errno now stored in @e
 */
int sl_sync_error(const struct sl_sync *m, struct sl_error *e)
{
	sl_error_set(e, 0, "%s", m->msg);
	e->code = m->code ? m->code : -EINVAL;
	return sl_error_mark(e, (enum sl_error_kind)m->kind);
}
