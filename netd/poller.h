/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * poller.h - poll() semantics on top of epoll
 */
#ifndef SUBLET_NETD_POLLER_H
#define SUBLET_NETD_POLLER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct poller_fd - what epoll holds for one fd
 * @want:	epoll events registered
 * @reg:	registered with epoll
 * @always:	epoll refuses this fd (a regular file): always ready
 * @turn:	last turn the fd was asked for
 * @revents:	poll events seen this turn
 */
struct poller_fd {
	uint32_t want;
	bool reg;
	bool always;
	uint32_t turn;
	short revents;
};

/**
 * struct poller - an epoll set kept in step with a poll array
 * @epfd:	epoll fd
 * @fds:	state by fd number
 * @nfds:	entries in @fds
 * @reg:	fds registered after the last turn
 * @nreg:	entries in @reg
 * @next:	fds registered this turn (swapped with @reg)
 * @cap:	entries allocated in @reg and @next
 * @turn:	turn counter
 * @resync_at:	netd_now_ms() of the next full re-registration
 */
struct poller {
	int epfd;
	struct poller_fd *fds;
	size_t nfds;
	int *reg;
	size_t nreg;
	int *next;
	size_t cap;
	uint32_t turn;
	int64_t resync_at;
};

int64_t netd_now_ms(void);
int poller_init(struct poller *p);
void poller_free(struct poller *p);
void poller_forget(struct poller *p, int fd);
void poller_close(struct poller *p, int fd);
int poller_wait(struct poller *p, struct pollfd *pfd, size_t n, int timeout);

#endif /* SUBLET_NETD_POLLER_H */
