// SPDX-License-Identifier: GPL-2.0-or-later
/* netd-poller.c - unit tests for netd/poller.c (poll semantics on epoll) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netd/poller.h"
#include "tests/unit/tap.h"

/**
 * struct mod - a module of the test: one fd, a deadline, a log of calls
 * @fd:		its fd
 * @deadline:	what its timeout callback offers
 * @idx:	its slot this turn
 * @seen:	revents at its last handle call
 * @log:	the calls of every module, in order
 * @name:	its letter in @log
 */
struct mod {
	int fd;
	int deadline;
	int idx;
	short seen;
	char *log;
	char name;
};

static struct poller *test_poller;

/**
 * log_call() - append a call to the log
 * @m:		module
 * @what:	'f' for fill, 'h' for handle
 */
static void log_call(struct mod *m, char what)
{
	size_t n = strlen(m->log);

	m->log[n] = what;
	m->log[n + 1] = m->name;
	m->log[n + 2] = '\0';
}

/**
 * mod_fill() - add the module's fd (implements poller_ops.fill)
 * @opaque:	struct mod
 */
static void mod_fill(void *opaque)
{
	struct mod *m = opaque;

	m->idx = poller_add(test_poller, m->fd, POLLOUT);
	log_call(m, 'f');
}

/**
 * mod_handle() - note what the module's fd saw (poller_ops.handle)
 * @opaque:	struct mod
 */
static void mod_handle(void *opaque)
{
	struct mod *m = opaque;

	m->seen = poller_revents(test_poller, m->idx);
	log_call(m, 'h');
}

/**
 * mod_timeout() - offer the module's deadline (poller_ops.timeout)
 * @opaque:	struct mod
 * @timeout:	timeout so far, ms, or -1
 *
 * Return: the shorter of the two
 */
static int mod_timeout(void *opaque, int timeout)
{
	struct mod *m = opaque;

	return timeout < 0 || m->deadline < timeout ? m->deadline : timeout;
}

static const struct poller_ops mod_ops = {
	.fill = mod_fill,
	.handle = mod_handle,
	.timeout = mod_timeout,
};

/**
 * test_modules() - registration: fill, timeout and handle in order
 * @fd:		a writable fd
 */
static void test_modules(int fd)
{
	static const struct poller_ops none = { 0 };
	char log[64] = "";
	struct mod a = { .fd = fd, .deadline = 500, .log = log, .name = 'a' };
	struct mod b = { .fd = -1, .deadline = 20, .log = log, .name = 'b' };
	struct poller p;
	int i, r = 0;

	poller_init(&p);
	test_poller = &p;
	is_int(poller_register(&p, &mod_ops, &a), 0, "register a");
	is_int(poller_register(&p, &mod_ops, &b), 0, "register b");
	is_int(poller_register(&p, &none, NULL), 0,
	       "register one without calls");
	poller_begin(&p);
	is_int(poller_add(&p, -1, POLLIN), 0,
	       "the loop's own slot comes first");
	poller_fill(&p);
	ok(!strcmp(log, "fafb") && a.idx == 1 && b.idx == 2,
	   "fill in the order of registration, slots after the loop's");
	is_int(poller_timeout(&p, 1000), 20, "the nearest deadline");
	is_int(poller_timeout(&p, 5), 5, "a shorter timeout stays");
	is_int(poller_turn(&p, 1000), 1, "the turn sees a's fd writable");
	poller_handle(&p);
	ok(!strcmp(log, "fafbhahb"), "handle in the order of registration");
	ok(a.seen == POLLOUT && b.seen == 0, "each module sees its revents");
	for (i = 3; i < POLLER_MODS; i++)
		r |= poller_register(&p, &none, NULL);
	is_int(r, 0, "POLLER_MODS modules fit");
	is_int(poller_register(&p, &none, NULL), -ENOSPC, "one more does not");
	poller_begin(&p);
	for (i = 0; i < 300; i++)
		poller_add(&p, -1, 0);
	ok(p.npfd == 300 && p.pfd_cap >= 300, "the poll array grows");
	poller_free(&p);
}

int main(void)
{
	struct poller p;
	struct pollfd pfd[3];
	int a[2], b[2], f, r;

	is_int(poller_init(&p), 0, "poller_init");
	if (pipe2(a, O_CLOEXEC) < 0 || pipe2(b, O_CLOEXEC) < 0)
		return 1;
	pfd[0] = (struct pollfd){ .fd = a[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = b[0], .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	is_int(poller_wait(&p, pfd, 3, 0), 0, "nothing ready");
	is_int(write(b[1], "x", 1), 1, "write to b");
	r = poller_wait(&p, pfd, 3, 1000);
	is_int(r, 1, "one ready");
	ok(!pfd[0].revents && pfd[1].revents == POLLIN, "b is readable");
	is_int(pfd[2].revents, 0, "fd -1 is skipped");
	/* the same set again: no change, still readable (level-triggered) */
	is_int(poller_wait(&p, pfd, 3, 0), 1, "still ready");
	/* switch b to POLLOUT-only on its write end */
	pfd[1] = (struct pollfd){ .fd = b[1], .events = POLLOUT };
	is_int(poller_wait(&p, pfd, 3, 0), 1, "b's write end is writable");
	ok(pfd[1].revents == POLLOUT, "POLLOUT");
	/* a hang-up */
	close(a[1]);
	pfd[1].fd = -1;
	is_int(poller_wait(&p, pfd, 3, 0), 1, "a hung up");
	ok(pfd[0].revents & POLLHUP, "POLLHUP");
	/* close a, reuse its number for a new pipe with data: forget() */
	poller_forget(&p, a[0]);
	close(a[0]);
	if (pipe2(a, O_CLOEXEC) < 0)
		return 1;
	pfd[0].fd = a[0];
	is_int(write(a[1], "y", 1), 1, "write to the new a");
	is_int(poller_wait(&p, pfd, 3, 1000), 1, "the new a is seen");
	ok(pfd[0].revents == POLLIN, "readable");
	/* dropped (closed without epoll_ctl), its number reused by a pipe
	 * with nothing to read: the old registration went with the close */
	poller_drop(&p, a[0]);
	close(a[1]);
	if (pipe2(a, O_CLOEXEC) < 0)
		return 1;
	pfd[0].fd = a[0];
	is_int(poller_wait(&p, pfd, 3, 0), 0, "dropped: the new a is idle");
	is_int(write(a[1], "z", 1), 1, "write to it");
	is_int(poller_wait(&p, pfd, 3, 1000), 1, "and it is seen");
	ok(pfd[0].revents == POLLIN, "readable");
	/* a regular file: epoll refuses it, poll says ready */
	f = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	pfd[1] = (struct pollfd){ .fd = f, .events = POLLIN };
	pfd[0].fd = -1;
	is_int(poller_wait(&p, pfd, 3, 1000), 1, "a regular file");
	ok(pfd[1].revents == POLLIN, "is always readable");
	/* a closed fd */
	poller_forget(&p, f);
	close(f);
	is_int(poller_wait(&p, pfd, 3, 0), 1, "a closed fd");
	ok(pfd[1].revents == POLLNVAL, "is POLLNVAL");
	/* many fds: the state arrays grow */
	{
		struct pollfd many[200];
		int i, n = 0, fds[200];

		for (i = 0; i < 200; i++) {
			fds[i] = dup(b[1]);
			many[i] = (struct pollfd){ .fd = fds[i],
						   .events = POLLOUT };
		}
		r = poller_wait(&p, many, 200, 0);
		for (i = 0; i < 200; i++)
			n += many[i].revents == POLLOUT;
		ok(r == 200 && n == 200, "200 fds, all writable");
		for (i = 0; i < 200; i++) {
			poller_forget(&p, fds[i]);
			close(fds[i]);
		}
	}
	poller_free(&p);
	test_modules(b[1]);
	return done_testing();
}
