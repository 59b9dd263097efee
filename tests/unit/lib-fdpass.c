// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-fdpass.c - unit tests for lib/fdpass.c */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fdpass.h"
#include "tests/unit/tap.h"

/*
 * test_fork_with_socket() - each side has one end: the child sees end of
 * file once the parent closes its end (it would not, holding a copy)
 */
static void test_fork_with_socket(void)
{
	int sock = -1, type = 0, status = -1;
	socklen_t len = sizeof(type);
	char c = 0;
	pid_t pid = fork_with_socket(&sock);

	if (pid == 0) {
		alarm(5); /* holding the parent's end, it would wait forever */
		if (write(sock, "c", 1) != 1)
			_exit(2);
		_exit(read(sock, &c, 1) == 0 ? 0 : 1);
	}
	ok(pid > 0 && sock >= 0, "fork_with_socket forks");
	ok(getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
		   type == SOCK_SEQPACKET,
	   "the pair is SEQPACKET");
	ok(fcntl(sock, F_GETFD) & FD_CLOEXEC, "our end is close-on-exec");
	ok(read(sock, &c, 1) == 1 && c == 'c', "the child's message arrives");
	close(sock);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		   WEXITSTATUS(status) == 0,
	   "the child sees end of file: it holds only its own end");
}

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
	test_fork_with_socket();
	return done_testing();
}
