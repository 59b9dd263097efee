// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recvtty.c - test helper: the receiving end of a --console-socket
 *
 * DOC: Theory of Operation
 * `recvtty SOCKET` listens on the unix socket SOCKET, accepts one
 * connection, receives the pty master sent with SCM_RIGHTS (as conmon
 * does), then copies stdin to the master and the master to stdout until
 * the pty hangs up (the container's process exited).  With --count N it
 * accepts N connections one after the other (create, then exec -t).
 * With --drop it closes each fd it receives at once (a seccomp notify
 * listener that answers nothing: the notifying calls then fail ENOSYS).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/fdpass.h"
#include "lib/log.h"

/**
 * relay() - copy between stdin/stdout and @master until hang-up
 * @master:	pty master
 */
static void relay(int master)
{
	bool in_open = true;
	char buf[4096];

	for (;;) {
		struct pollfd pf[2] = { { master, POLLIN, 0 },
					{ STDIN_FILENO, POLLIN, 0 } };
		ssize_t n;

		if (poll(pf, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pf[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n <= 0)
				return;
			if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
				return;
		}
		if (in_open && pf[1].revents) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				in_open = false;
			else if (write(master, buf, (size_t)n) < 0)
				return;
		}
	}
}

/**
 * main() - recvtty SOCKET [--count N] [--drop]
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: 0, or 1 on error
 */
int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	bool drop = false;
	int lfd, count = 1;

	log_init("recvtty");
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--drop"))
			drop = true;
		else
			die("usage: recvtty SOCKET [--count N] [--drop]");
	}
	if (argc < 2)
		die("usage: recvtty SOCKET [--count N] [--drop]");
	if (strlen(argv[1]) >= sizeof(sa.sun_path))
		die("socket path too long");
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0)
		die_errno(errno, "listen on `%s`", argv[1]);
	for (int i = 0; i < count; i++) {
		int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC), master = -1;
		char data[64];

		if (c < 0)
			die_errno(errno, "accept");
		if (fd_recv(c, &master, data, sizeof(data)) < 0 || master < 0)
			die("no pty received");
		close(c);
		if (!drop)
			relay(master);
		close(master);
	}
	unlink(argv[1]);
	return 0;
}
