// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-fdpass.c - unit tests for lib/fdpass.c */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/fdpass.h"
#include "tests/unit/tap.h"

int main(void)
{
	int sv[2], p[2], got = -1, flags;
	char buf[16] = { 0 };

	ok(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0,
	   "socketpair");
	ok(pipe2(p, O_CLOEXEC) == 0, "pipe");
	is_int(fd_send(sv[0], p[1], "hello", 5), 0, "send fd with data");
	is_int(fd_recv(sv[1], &got, buf, sizeof(buf)), 5, "receive 5 bytes");
	ok(!strcmp(buf, "hello"), "payload intact");
	ok(got >= 0, "fd received");
	flags = fcntl(got, F_GETFD);
	ok(flags >= 0 && (flags & FD_CLOEXEC), "received fd is CLOEXEC");
	ok(write(got, "x", 1) == 1, "received fd is the pipe's write end");
	ok(read(p[0], buf, 1) == 1 && buf[0] == 'x', "data crossed the pipe");
	close(got);

	ok(write(sv[0], "y", 1) == 1, "plain data without fd");
	got = -1;
	is_int(fd_recv(sv[1], &got, buf, sizeof(buf)), -EBADMSG,
	       "no fd is an error");
	is_int(got, -1, "output untouched on failure");
	return done_testing();
}
