// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nshelper.c - a helper process that opens sockets inside the namespace
 *
 * DOC: Theory of Operation
 * The published-port fast path (fastpath.c) needs sockets that live in
 * the target's network namespace while sublet-netd itself stays in the
 * host's.  A socket belongs to the namespace it was created in for its
 * whole life, whoever uses it later, so only socket() itself has to run
 * there: bind(), connect(), splice() and close() work from anywhere.
 *
 * nshelper_start() forks, before the sandbox and seccomp, a helper that
 * joins the target's user namespace (when it differs from ours) and
 * network namespace exactly as the tap child does, closes every other
 * fd, and then serves requests on a SOCK_SEQPACKET socketpair: each
 * request names a family and a socket type, and the reply is the new
 * socket (SCM_RIGHTS, lib/fdpass.h) or an errno.  The helper dies with
 * sublet-netd (PR_SET_PDEATHSIG) and exits when its socket closes.
 * Requests are answered at once, so nshelper_socket() waits for the reply
 * in the main loop: one round trip per published-port connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "netd/fastpath.h"

/**
 * struct ns_req - a request to the helper
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 */
struct ns_req {
	int family;
	int type;
};

static int helper_sock = -1;

/**
 * helper_serve() - answer requests until the socket closes
 * @sock:	socket to sublet-netd
 */
static void __attribute__((noreturn)) helper_serve(int sock)
{
	struct ns_req q;
	ssize_t r;
	int e, fd;

	for (;;) {
		r = recv(sock, &q, sizeof(q), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(q))
			_exit(0);
		fd = socket(q.family, q.type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			e = errno;
			if (send(sock, &e, sizeof(e), 0) < 0)
				_exit(1);
			continue;
		}
		e = 0;
		if (fd_send(sock, fd, &e, sizeof(e)) < 0)
			_exit(1);
		close(fd);
	}
}

/**
 * helper_main() - join the namespaces and serve
 * @userns:	user namespace to join, or -1
 * @netns:	network namespace to join
 * @sock:	socket to sublet-netd
 * @parent:	sublet-netd's pid
 */
static void __attribute__((noreturn))
helper_main(int userns, int netns, int sock, pid_t parent)
{
	int e = 0;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		e = errno;
	if (!e && setns(netns, CLONE_NEWNET) < 0)
		e = errno;
	if (send(sock, &e, sizeof(e), 0) < 0 || e)
		_exit(1);
	if (dup2(sock, 3) < 0)
		_exit(1);
	close_range(4, ~0U, 0);
	helper_serve(3);
}

/**
 * nshelper_start() - fork the helper into the target's namespaces
 * @userns:	user namespace to join, or -1 to stay in ours
 * @netns:	the target's network namespace
 *
 * Return: 0, or -errno (the fast path is then off)
 */
int nshelper_start(int userns, int netns)
{
	_cleanup_close_ int s0 = -1, s1 = -1;
	pid_t parent = getpid(), pid;
	int sv[2], e = 0;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	s0 = sv[0];
	s1 = sv[1];
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(s0);
		helper_main(userns, netns, s1, parent);
	}
	if (recv(s0, &e, sizeof(e), 0) != sizeof(e))
		return -EIO;
	if (e)
		return -e;
	helper_sock = steal_fd(&s0);
	return 0;
}

/**
 * nshelper_socket() - a new socket inside the target's network namespace
 * @family:	AF_INET or AF_INET6
 * @type:	SOCK_STREAM or SOCK_DGRAM
 *
 * Return: the socket (non-blocking, close-on-exec), or -errno
 */
int nshelper_socket(int family, int type)
{
	struct ns_req q = { .family = family, .type = type };
	int fd = -1, e = 0, ret;

	if (helper_sock < 0)
		return -ENOTCONN;
	if (send(helper_sock, &q, sizeof(q), 0) != sizeof(q))
		return -errno;
	ret = fd_recv(helper_sock, &fd, &e, sizeof(e));
	if (ret < 0) /* a refusal comes without an fd, with its errno */
		return e ? -e : ret;
	return fd;
}

/**
 * nshelper_running() - is the helper there?
 *
 * Return: true when nshelper_socket() can be asked
 */
bool nshelper_running(void)
{
	return helper_sock >= 0;
}
