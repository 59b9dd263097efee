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
 * struct poller_ops - what a module of the loop hands the poller
 * @fill:	add the module's fds for this turn with poller_add()
 * @handle:	serve them after the wait (poller_revents())
 * @timeout:	shorten @timeout (ms, -1 for none) to the module's nearest
 *		deadline, and return it
 *
 * Any of them may be NULL.  Each is called with the opaque pointer given
 * to poller_register().
 */
struct poller_ops {
	void (*fill)(void *opaque);
	void (*handle)(void *opaque);
	int (*timeout)(void *opaque, int timeout);
};

#define POLLER_MODS 8

/**
 * struct poller_mod - one registered module
 * @ops:	its callbacks
 * @opaque:	their argument
 */
struct poller_mod {
	const struct poller_ops *ops;
	void *opaque;
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
 * @pfd:	this turn's poll array, built with poller_add()
 * @npfd:	entries used in @pfd
 * @pfd_cap:	entries allocated in @pfd
 * @mods:	registered modules, in the order they registered
 * @nmods:	entries in @mods
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
	struct pollfd *pfd;
	size_t npfd;
	size_t pfd_cap;
	struct poller_mod mods[POLLER_MODS];
	size_t nmods;
};

int64_t netd_now_ms(void);
int poller_init(struct poller *p);
void poller_free(struct poller *p);
void poller_forget(struct poller *p, int fd);
void poller_close(struct poller *p, int fd);
void poller_drop(struct poller *p, int fd);
int poller_wait(struct poller *p, struct pollfd *pfd, size_t n, int timeout);
int poller_register(struct poller *p, const struct poller_ops *ops,
		    void *opaque);
void poller_begin(struct poller *p);
int poller_add(struct poller *p, int fd, short events);
void poller_fill(struct poller *p);
int poller_timeout(struct poller *p, int timeout);
int poller_turn(struct poller *p, int timeout);
void poller_handle(struct poller *p);

/**
 * poller_revents() - what this turn's wait saw on slot @idx
 * @p:		poller
 * @idx:	an index poller_add() returned this turn, or -1
 *
 * Return: the slot's revents, 0 for -1
 */
static inline short poller_revents(const struct poller *p, int idx)
{
	return idx >= 0 ? p->pfd[idx].revents : 0;
}

#endif /* SUBLET_NETD_POLLER_H */
