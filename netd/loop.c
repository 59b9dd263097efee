// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - the main loop: tap, signals, exit fd, libslirp, registered modules
 *
 * DOC: Theory of Operation
 * One poll array per turn, owned by the poller (poller.c), which waits
 * on it through an epoll set kept in step with it.  Its first
 * LOOP_FIXED_SLOTS entries are the loop's own: the tap, the signalfd
 * (SIGTERM/SIGINT) and the exit fd (fd -1 when there is none, which the
 * poller skips).  libslirp then appends its sockets through
 * slirp_pollfds_fill(), which also shortens the timeout for its TCP
 * timers, and every module that registered with the poller (the
 * published-port fast path, the outbound fast path, libslirp's timers,
 * the API socket) appends its own and shortens the timeout to its
 * nearest deadline.  After the wait, slirp_pollfds_poll() lets libslirp
 * serve its sockets, frames waiting on the tap are read in a batch into
 * slirp_input(), and the registered modules serve theirs.  The loop
 * names none of them: it depends on the poller and on slirp.c only.
 *
 * The poll array grows (doubling) when a turn needs more slots than ever
 * before, and never shrinks, so the packet path does not allocate:
 * frames are read into one static buffer and handed to libslirp, which
 * writes its output straight to the tap from the send_packet callback.
 *
 * The exit fd: any event on it (data, end of file, hang-up) ends the loop
 * with status 0, as slirp4netns does; engines close their end to stop us.
 */
#include <errno.h>
#include <libslirp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/netd.h"

#define TAP_BATCH 64
#define TAP_FRAME_MAX (NETD_MAX_MTU + 14 + 4)

/* implements SlirpAddPollCb */
static int add_poll(int fd, int events, void *opaque)
{
	struct netd *n = opaque;
	short ev = 0;

	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	return poller_add(&n->poller, fd, ev);
}

/* implements SlirpGetREventsCb */
static int get_revents(int idx, void *opaque)
{
	struct netd *n = opaque;
	short re;
	int ev = 0;

	if (idx < LOOP_FIXED_SLOTS || (size_t)idx >= n->poller.npfd)
		return 0;
	re = poller_revents(&n->poller, idx);
	if (re & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (re & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (re & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (re & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (re & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/**
 * tap_read() - read up to TAP_BATCH frames from the tap into libslirp
 * @n:		instance
 *
 * Return: 0, or -errno when the tap failed
 */
static int tap_read(struct netd *n)
{
	static uint8_t frame[TAP_FRAME_MAX];
	ssize_t r;
	int i;

	for (i = 0; i < TAP_BATCH; i++) {
		r = read(n->tapfd, frame, sizeof(frame));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EPIPE;
		slirp_input(n->slirp, frame, (int)r);
	}
	return 0;
}

/**
 * fill() - build this turn's poll set
 * @n:		instance
 * @exit_fd:	exit fd or -1
 *
 * Return: the poll timeout in ms
 */
static int fill(struct netd *n, int exit_fd)
{
	struct poller *p = &n->poller;
	uint32_t timeout = UINT32_MAX;
	int t;

	/* in the order of LOOP_SLOT_TAP, LOOP_SLOT_SIG, LOOP_SLOT_EXIT */
	poller_begin(p);
	poller_add(p, n->tapfd, POLLIN);
	poller_add(p, n->sigfd, POLLIN);
	poller_add(p, exit_fd, POLLIN);
	slirp_pollfds_fill(n->slirp, &timeout, add_poll, n);
	poller_fill(p);
	t = timeout == UINT32_MAX || timeout > 60000 ? 60000 : (int)timeout;
	return poller_timeout(p, t);
}

/**
 * netd_loop() - run until a signal, the exit fd or a tap failure
 * @n:		instance (slirp, tap, signalfd, API ready)
 *
 * Return: 0 for a clean exit, or -errno
 */
int netd_loop(struct netd *n)
{
	int exit_fd = n->o->exit_fd, r, ret;
	struct poller *p = &n->poller;

	while (!n->quit) {
		int timeout = fill(n, exit_fd);

		r = poller_turn(p, timeout);
		if (r < 0 && errno != EINTR)
			return -errno;
		slirp_pollfds_poll(n->slirp, r < 0, get_revents, n);
		if (r < 0)
			continue;
		if (poller_revents(p, LOOP_SLOT_TAP)) {
			ret = tap_read(n);
			if (ret < 0) {
				err_errno(-ret, "tap device");
				return ret;
			}
		}
		poller_handle(p);
		if (poller_revents(p, LOOP_SLOT_SIG)) {
			struct signalfd_siginfo si;

			if (read(n->sigfd, &si, sizeof(si)) > 0)
				debug("signal %u: exiting", si.ssi_signo);
			n->quit = true;
		}
		if (exit_fd >= 0 && poller_revents(p, LOOP_SLOT_EXIT)) {
			debug("exit fd: exiting");
			n->quit = true;
		}
	}
	return 0;
}
