// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - the main loop: tap, libslirp's sockets, signals, API, exit fd
 *
 * DOC: Theory of Operation
 * One poll array per turn, waited on through an epoll set that poller.c
 * keeps in step with it.  Its first LOOP_FIXED_SLOTS entries are fixed:
 * the tap, the signalfd (SIGTERM/SIGINT), the exit fd, the API listener
 * and its client slots (unused slots hold fd -1, which the poller skips).
 * libslirp then appends its sockets through slirp_pollfds_fill(), which
 * also shortens the timeout for its TCP timers; libslirp's own timers
 * and slow API clients shorten it further.  After the wait,
 * slirp_pollfds_poll() lets libslirp serve its sockets, frames waiting on
 * the tap are read in a batch into slirp_input(), expired timers fire, and
 * the API is served.
 *
 * The poll array grows (doubling) when libslirp has more sockets than fit,
 * and never shrinks, so the packet path does not allocate: frames are read
 * into one static buffer and handed to libslirp, which writes its output
 * straight to the tap from the send_packet callback.
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
#include "netd/fastpath.h"
#include "netd/netd.h"
#include "netd/outbound.h"

#define TAP_BATCH 64
#define TAP_FRAME_MAX (NETD_MAX_MTU + 14 + 4)

/**
 * netd_poll_add() - append @fd to this turn's poll set
 * @n:		instance
 * @fd:		fd
 * @events:	poll events
 *
 * Return: its index in n->pfd (grows the array; dies when out of memory)
 */
int netd_poll_add(struct netd *n, int fd, short events)
{
	if (n->npfd == n->pfd_cap) {
		size_t cap = n->pfd_cap * 2;
		struct pollfd *p = realloc(n->pfd, cap * sizeof(*p));

		if (!p)
			die("out of memory");
		n->pfd = p;
		n->pfd_cap = cap;
	}
	n->pfd[n->npfd] = (struct pollfd){ .fd = fd, .events = events };
	return (int)n->npfd++;
}

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
	return netd_poll_add(n, fd, ev);
}

/* implements SlirpGetREventsCb */
static int get_revents(int idx, void *opaque)
{
	struct netd *n = opaque;
	short re;
	int ev = 0;

	if (idx < LOOP_FIXED_SLOTS || (size_t)idx >= n->npfd)
		return 0;
	re = n->pfd[idx].revents;
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
	uint32_t timeout = UINT32_MAX;
	int t;

	n->pfd[LOOP_SLOT_TAP] = (struct pollfd){ n->tapfd, POLLIN, 0 };
	n->pfd[LOOP_SLOT_SIG] = (struct pollfd){ n->sigfd, POLLIN, 0 };
	n->pfd[LOOP_SLOT_EXIT] = (struct pollfd){ exit_fd, POLLIN, 0 };
	api_poll_fill(n, &n->pfd[LOOP_SLOT_API]);
	n->npfd = LOOP_FIXED_SLOTS;
	slirp_pollfds_fill(n->slirp, &timeout, add_poll, n);
	fp_poll_fill(n);
	outbound_poll_fill(n);
	t = timeout == UINT32_MAX || timeout > 60000 ? 60000 : (int)timeout;
	t = netd_timers_timeout(n, t);
	t = fp_timeout(n, t);
	t = outbound_timeout(n, t);
	return api_timeout(n, t);
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

	n->pfd_cap = LOOP_FIXED_SLOTS + 64;
	n->pfd = calloc(n->pfd_cap, sizeof(*n->pfd));
	if (!n->pfd)
		return -ENOMEM;
	while (!n->quit) {
		int timeout = fill(n, exit_fd);

		r = poller_wait(&n->poller, n->pfd, n->npfd, timeout);
		if (r < 0 && errno != EINTR)
			return -errno;
		slirp_pollfds_poll(n->slirp, r < 0, get_revents, n);
		if (r < 0)
			continue;
		if (n->pfd[LOOP_SLOT_TAP].revents) {
			ret = tap_read(n);
			if (ret < 0) {
				err_errno(-ret, "tap device");
				return ret;
			}
		}
		fp_poll_handle(n);
		outbound_poll_handle(n);
		netd_timers_run(n);
		api_poll_handle(n, &n->pfd[LOOP_SLOT_API]);
		if (n->pfd[LOOP_SLOT_SIG].revents) {
			struct signalfd_siginfo si;

			if (read(n->sigfd, &si, sizeof(si)) > 0)
				debug("signal %u: exiting", si.ssi_signo);
			n->quit = true;
		}
		if (exit_fd >= 0 && n->pfd[LOOP_SLOT_EXIT].revents) {
			debug("exit fd: exiting");
			n->quit = true;
		}
	}
	return 0;
}
