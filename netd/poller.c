// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * poller.c - poll() semantics on top of epoll
 *
 * DOC: Theory of Operation
 * libslirp describes what it wants to wait for as a poll array, rebuilt
 * on every turn by slirp_pollfds_fill(); most turns ask for the same fds
 * and events as the last.  poller_wait() takes that array and keeps an
 * epoll set in step with it: an fd is added or modified only when it is
 * new or its events changed, and removed when a turn no longer asks for
 * it, so a steady set of connections costs one epoll_wait() per turn and
 * no epoll_ctl() at all.  The events epoll reports are written back as
 * the array's revents, so the callers keep poll()'s contract.
 *
 * An fd closed and its number reused would look unchanged.  libslirp
 * reports closes through its unregister_poll_fd callback and the API
 * code before it closes a client; both call poller_forget().  As a safety
 * net for a close nobody reported, every fd is re-registered once a
 * second.  epoll refuses regular files; such an fd (an exit fd pointing
 * at a file, say) is always ready, as poll() reports it.
 *
 * State is kept in arrays indexed by fd and grown (doubling) only when a
 * larger fd or more fds show up, never on the packet path.
 *
 * The poll array itself is the poller's too, and so is the list of who
 * fills it.  The main loop adds its own fds first (the tap, signals, the
 * exit fd) and libslirp's; every other module (the published-port fast
 * path, the outbound fast path, libslirp's timers, the API socket)
 * registers a struct poller_ops once, at setup, and the poller calls its
 * fill, timeout and handle callbacks on every turn, in the order they
 * registered.  Modules sit above the poller and call down into it
 * (poller_add(), poller_revents(), poller_close()); the poller never
 * names them, nor does the loop.  The array grows (doubling) when a turn
 * needs more slots than ever before, and never shrinks.
 *
 * The loop's clock, netd_now_ms(), lives here too: the poller is the
 * lowest file of the program, and every deadline in it (the resync
 * above, libslirp's timers, API clients, held SYNs, UDP flows) is kept in
 * that clock's milliseconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/poller.h"

#define POLLER_EVENTS 256
#define POLLER_RESYNC_MS 1000
/*
 * Slots in the first poll array.  The array lives as long as the loop and
 * grows by doubling, so this sets where its blocks land in the heap, and
 * that decides how much glibc can give back after a burst of libslirp
 * connections (load-netd.bats bounds it): 84 is the size the loop has
 * always started with, and a start of 64 measured 1 MiB more per round.
 */
#define POLLER_PFD_FIRST 84

/**
 * netd_now_ms() - CLOCK_MONOTONIC in milliseconds
 *
 * Return: the time
 */
int64_t netd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * poller_init() - create the epoll set
 * @p:		poller to fill
 *
 * Return: 0, or -errno
 */
int poller_init(struct poller *p)
{
	memset(p, 0, sizeof(*p));
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	return p->epfd < 0 ? -errno : 0;
}

/**
 * grow() - make room for fd @fd and @n registered fds
 * @p:		poller
 * @fd:		largest fd to hold
 * @n:		number of fds this turn
 *
 * Return: 0, or -ENOMEM
 */
static int grow(struct poller *p, int fd, size_t n)
{
	if ((size_t)fd >= p->nfds) {
		size_t nn = p->nfds ? p->nfds : 64;
		struct poller_fd *f;

		while (nn <= (size_t)fd)
			nn *= 2;
		f = realloc(p->fds, nn * sizeof(*f));
		if (!f)
			return -ENOMEM;
		memset(f + p->nfds, 0, (nn - p->nfds) * sizeof(*f));
		p->fds = f;
		p->nfds = nn;
	}
	if (n > p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		int *a, *b;

		while (nc < n)
			nc *= 2;
		a = realloc(p->reg, nc * sizeof(int));
		if (a)
			p->reg = a;
		b = a ? realloc(p->next, nc * sizeof(int)) : NULL;
		if (!b)
			return -ENOMEM;
		p->next = b;
		p->cap = nc;
	}
	return 0;
}

/**
 * poller_close() - drop @fd from the set and close it
 * @p:		poller
 * @fd:		fd, or -1 (nothing to do)
 */
void poller_close(struct poller *p, int fd)
{
	if (fd < 0)
		return;
	poller_forget(p, fd);
	close(fd);
}

/**
 * unset() - forget what the poller knew of @fd's registration
 * @p:		poller
 * @fd:		fd (>= 0)
 */
static void unset(struct poller *p, int fd)
{
	if ((size_t)fd >= p->nfds)
		return;
	p->fds[fd].reg = false;
	p->fds[fd].always = false;
}

/**
 * poller_drop() - close @fd, which nothing else holds
 * @p:		poller
 * @fd:		fd, or -1 (nothing to do)
 *
 * The last close of a file takes it out of every epoll set, so an fd no
 * other process or fd refers to (a socket made here and never passed on)
 * costs no epoll_ctl().
 */
void poller_drop(struct poller *p, int fd)
{
	if (fd < 0)
		return;
	unset(p, fd);
	close(fd);
}

/**
 * poller_forget() - drop @fd from the set (it is about to be closed)
 * @p:		poller
 * @fd:		fd
 */
void poller_forget(struct poller *p, int fd)
{
	if (fd < 0 || (size_t)fd >= p->nfds)
		return;
	if (p->fds[fd].reg)
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL);
	unset(p, fd);
}

/**
 * to_epoll() - poll events to epoll events
 * @ev:		POLLIN/POLLOUT/POLLPRI/POLLRDHUP
 *
 * Return: EPOLLIN/EPOLLOUT/EPOLLPRI/EPOLLRDHUP
 */
static uint32_t to_epoll(short ev)
{
	return (ev & POLLIN ? EPOLLIN : 0) | (ev & POLLOUT ? EPOLLOUT : 0) |
	       (ev & POLLPRI ? EPOLLPRI : 0) |
	       (ev & POLLRDHUP ? EPOLLRDHUP : 0);
}

/**
 * sync_one() - bring @fd's registration to @want
 * @p:		poller
 * @fd:		fd
 * @want:	epoll events wanted
 */
static void sync_one(struct poller *p, int fd, uint32_t want)
{
	struct poller_fd *s = &p->fds[fd];
	struct epoll_event ev = { .events = want, .data.fd = fd };
	int r;

	if (s->always || (s->reg && s->want == want))
		return;
	r = epoll_ctl(p->epfd, s->reg ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
	if (r < 0 && errno == EEXIST)
		r = epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev);
	else if (r < 0 && errno == ENOENT)
		r = epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
	if (r == 0) {
		s->reg = true;
		s->want = want;
	} else if (errno == EPERM) {
		s->always = true; /* a regular file: poll() says ready */
	} else {
		s->reg = false;
		s->revents = POLLNVAL;
	}
}

/**
 * sync_all() - register what @pfd asks for, drop what it no longer does
 * @p:		poller
 * @pfd:	poll array
 * @n:		its length
 *
 * Return: 0, or -ENOMEM
 */
static int sync_all(struct poller *p, struct pollfd *pfd, size_t n)
{
	size_t i, nnext = 0;
	int maxfd = 0, *t;

	for (i = 0; i < n; i++)
		if (pfd[i].fd > maxfd)
			maxfd = pfd[i].fd;
	if (grow(p, maxfd, n) < 0)
		return -ENOMEM;
	p->turn++;
	for (i = 0; i < n; i++) {
		struct poller_fd *s;
		uint32_t want;

		if (pfd[i].fd < 0)
			continue;
		s = &p->fds[pfd[i].fd];
		want = to_epoll(pfd[i].events);
		if (s->turn == p->turn)
			want |= s->want; /* the same fd twice: merge */
		else
			s->revents = 0;
		s->turn = p->turn;
		sync_one(p, pfd[i].fd, want);
		if (s->reg)
			p->next[nnext++] = pfd[i].fd;
	}
	for (i = 0; i < p->nreg; i++) {
		struct poller_fd *s = &p->fds[p->reg[i]];

		if (s->turn != p->turn && s->reg) {
			epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->reg[i], NULL);
			s->reg = false;
		}
	}
	t = p->reg;
	p->reg = p->next;
	p->next = t;
	p->nreg = nnext;
	return 0;
}

/**
 * resync() - forget every registration, so the next turn adds them anew
 * @p:		poller
 */
static void resync(struct poller *p)
{
	size_t i;

	for (i = 0; i < p->nreg; i++)
		poller_forget(p, p->reg[i]);
	p->nreg = 0;
}

/**
 * poller_wait() - poll(@pfd, @n, @timeout), through epoll
 * @p:		poller
 * @pfd:	poll array (fd -1 entries are skipped)
 * @n:		its length
 * @timeout:	ms, or -1
 *
 * Return: the number of entries with revents, or -1 with errno set
 */
int poller_wait(struct poller *p, struct pollfd *pfd, size_t n, int timeout)
{
	struct epoll_event evs[POLLER_EVENTS];
	int64_t now = netd_now_ms();
	int r, i, ready = 0;
	size_t k;

	if (now >= p->resync_at) {
		resync(p);
		p->resync_at = now + POLLER_RESYNC_MS;
	}
	if (sync_all(p, pfd, n) < 0) {
		errno = ENOMEM;
		return -1;
	}
	for (k = 0; k < n; k++)
		if (pfd[k].fd >= 0 && p->fds[pfd[k].fd].always)
			timeout = 0;
	r = epoll_wait(p->epfd, evs, POLLER_EVENTS, timeout);
	if (r < 0)
		return -1;
	for (i = 0; i < r; i++) {
		uint32_t e = evs[i].events;

		p->fds[evs[i].data.fd].revents =
			(short)((e & EPOLLIN ? POLLIN : 0) |
				(e & EPOLLOUT ? POLLOUT : 0) |
				(e & EPOLLPRI ? POLLPRI : 0) |
				(e & EPOLLRDHUP ? POLLRDHUP : 0) |
				(e & EPOLLERR ? POLLERR : 0) |
				(e & EPOLLHUP ? POLLHUP : 0));
	}
	for (k = 0; k < n; k++) {
		struct poller_fd *s;

		pfd[k].revents = 0;
		if (pfd[k].fd < 0)
			continue;
		s = &p->fds[pfd[k].fd];
		if (s->always)
			pfd[k].revents = pfd[k].events & (POLLIN | POLLOUT);
		else
			pfd[k].revents = s->revents & (pfd[k].events | POLLERR |
						       POLLHUP | POLLNVAL);
		if (pfd[k].revents)
			ready++;
	}
	return ready;
}

/**
 * poller_register() - have @ops called on every turn, after those before
 * @p:		poller
 * @ops:	callbacks (static: kept, not copied)
 * @opaque:	their argument
 *
 * Return: 0, or -ENOSPC when POLLER_MODS are registered already
 */
int poller_register(struct poller *p, const struct poller_ops *ops,
		    void *opaque)
{
	if (p->nmods == POLLER_MODS)
		return -ENOSPC;
	p->mods[p->nmods].ops = ops;
	p->mods[p->nmods].opaque = opaque;
	p->nmods++;
	return 0;
}

/**
 * poller_begin() - start this turn's poll array, empty
 * @p:		poller
 */
void poller_begin(struct poller *p)
{
	p->npfd = 0;
}

/**
 * poller_add() - append @fd to this turn's poll array
 * @p:		poller
 * @fd:		fd, or -1 for a slot that waits for nothing
 * @events:	poll events
 *
 * Return: its index, for poller_revents() (grows the array; dies when out
 * of memory)
 */
int poller_add(struct poller *p, int fd, short events)
{
	if (p->npfd == p->pfd_cap) {
		size_t cap = p->pfd_cap ? p->pfd_cap * 2 : POLLER_PFD_FIRST;
		struct pollfd *a = realloc(p->pfd, cap * sizeof(*a));

		if (!a)
			die("out of memory");
		p->pfd = a;
		p->pfd_cap = cap;
	}
	p->pfd[p->npfd] = (struct pollfd){ .fd = fd, .events = events };
	return (int)p->npfd++;
}

/**
 * poller_fill() - let every registered module add its fds
 * @p:		poller
 */
void poller_fill(struct poller *p)
{
	size_t i;

	for (i = 0; i < p->nmods; i++)
		if (p->mods[i].ops->fill)
			p->mods[i].ops->fill(p->mods[i].opaque);
}

/**
 * poller_timeout() - shorten @timeout to every module's nearest deadline
 * @p:		poller
 * @timeout:	ms, or -1 for none
 *
 * Return: the timeout to wait
 */
int poller_timeout(struct poller *p, int timeout)
{
	size_t i;

	for (i = 0; i < p->nmods; i++)
		if (p->mods[i].ops->timeout)
			timeout = p->mods[i].ops->timeout(p->mods[i].opaque,
							  timeout);
	return timeout;
}

/**
 * poller_turn() - wait on this turn's poll array
 * @p:		poller
 * @timeout:	ms, or -1
 *
 * Return: as poller_wait()
 */
int poller_turn(struct poller *p, int timeout)
{
	return poller_wait(p, p->pfd, p->npfd, timeout);
}

/**
 * poller_handle() - let every registered module serve its fds
 * @p:		poller
 */
void poller_handle(struct poller *p)
{
	size_t i;

	for (i = 0; i < p->nmods; i++)
		if (p->mods[i].ops->handle)
			p->mods[i].ops->handle(p->mods[i].opaque);
}

/**
 * poller_free() - close the epoll set and free the state
 * @p:		poller
 */
void poller_free(struct poller *p)
{
	if (p->epfd >= 0)
		close(p->epfd);
	free(p->fds);
	free(p->reg);
	free(p->next);
	free(p->pfd);
	memset(p, 0, sizeof(*p));
	p->epfd = -1;
}
