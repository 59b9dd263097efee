// SPDX-License-Identifier: GPL-2.0-or-later
/* netd-poller.c - unit tests for netd/poller.c (poll semantics on epoll) */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "netd/poller.h"
#include "tests/unit/tap.h"

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
	return done_testing();
}
