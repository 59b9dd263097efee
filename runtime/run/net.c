// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net.c - `sublet run`'s network: sublet-netd, from its start to its exit
 *
 * DOC: Theory of Operation
 * sublet-netd works on the container's network namespace, which exists
 * as soon as the init is cloned; it needs the init's user namespace
 * mapped too.  So it is started from create itself (struct
 * sl_create_early): create writes the id maps, lets the init go on with
 * its mounts, and calls sl_netd_start(), which forks and execs
 * sublet-netd on the init's pid with two pipes, an exit fd (it stops
 * when the write end closes, which is ours until teardown) and a ready
 * fd.  The two start at the same time; neither polls or sleeps.
 *
 * Once create has returned, sl_netd_ready() blocks on the ready pipe:
 * "1" means the tap is up and configured, the API socket open and the
 * sandbox in place; end of file means sublet-netd exited, having printed
 * its one line (its contract for any failure before its main loop), and
 * the container is torn down by the caller.  The published ports are
 * then added through the API socket, before the container starts, so
 * that the first connection after `run -d` returns is served.
 *
 * If create fails after the start, sl_netd_abort() kills sublet-netd
 * before create kills the init: it would otherwise report the init it
 * has not reached yet as gone.  At the end, sl_netd_stop() asks it to go
 * and sl_netd_reap() collects it only after the rest of the teardown,
 * which its exit (the kernel closing the tap and the nftables sockets)
 * overlaps.  It also dies with us: parent-death signal and exit fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runtime/oci/container.h"
#include "runtime/run/run.h"

/**
 * api_call() - one request to sublet-netd's API socket
 * @n:		sublet-netd
 * @req:	JSON request
 * @reply:	reply output
 * @len:	its size
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int api_call(const struct sl_netd *n, const char *req, char *reply,
		    size_t len, struct sl_error *e)
{
	_cleanup_close_ int dir = open(n->dir, O_PATH | O_CLOEXEC);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t off = 0;
	ssize_t k;

	snprintf(sun.sun_path, sizeof(sun.sun_path),
		 "/proc/self/fd/%d/netd.sock", dir);
	if (dir < 0 || s < 0 ||
	    connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return sl_error_set(e, errno, "connect to sublet-netd's API");
	if (write(s, req, strlen(req)) < 0)
		return sl_error_set(e, errno, "write to sublet-netd's API");
	shutdown(s, SHUT_WR);
	while (off < len - 1 && (k = read(s, reply + off, len - 1 - off)) > 0)
		off += (size_t)k;
	reply[off] = '\0';
	return 0;
}

/**
 * publish() - add the published ports through sublet-netd's API
 * @n:	sublet-netd
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int publish(const struct sl_netd *n, struct sl_error *e)
{
	char req[512], reply[1024];
	int ret;

	for (size_t i = 0; i < n->nports; i++) {
		const struct sl_port *p = &n->ports[i];

		snprintf(
			req, sizeof(req),
			"{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":"
			"\"%s\",\"host_addr\":\"%s\",\"host_port\":%u,"
			"\"guest_port\":%u}}",
			p->udp ? "udp" : "tcp", p->addr, p->host, p->ctr);
		if ((ret = api_call(n, req, reply, sizeof(reply), e)))
			return ret;
		if (!strstr(reply, "\"error\""))
			continue;
		if (strstr(reply, "in use"))
			return sl_error_say(e, EADDRINUSE,
					    "port %u is already in use on the "
					    "host: publish another one (-p "
					    "HOST:%u)",
					    p->host, p->ctr);
		return sl_error_say(e, EINVAL, "publish port %u: %s", p->host,
				    reply);
	}
	return 0;
}

/**
 * netd_exec() - the sublet-netd child: set up fds 3 and 4, exec
 * @n:		sublet-netd
 * @exitfd:	read end of the exit pipe
 * @readyfd:	write end of the ready pipe
 * @pid:	the container's init
 */
static void __attribute__((noreturn))
netd_exec(const struct sl_netd *n, int exitfd, int readyfd, pid_t pid)
{
	char pidbuf[16], sock[PATH_MAX];

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (dup2(exitfd, 100) < 0 || dup2(readyfd, 101) < 0 ||
	    dup2(100, 3) < 0 || dup2(101, 4) < 0)
		_exit(127);
	close(100);
	close(101);
	snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
	snprintf(sock, sizeof(sock), "%s/netd.sock", n->dir);
	/* the outbound fast path is netd's default, which the user's
	 * ~/.config/sublet/netd.conf may change: no flag for it here */
	execl(n->prog, "sublet-netd", "-c", "-e", "3", "-r", "4",
	      "--api-socket", sock, "--mtu", "65520", "--enable-ipv6", pidbuf,
	      "tap0", NULL);
	_exit(127);
}

/**
 * sl_netd_find() - where sublet-netd is: next to sublet, else in PATH
 * @n:	sublet-netd: prog written, and pid, exitw and ready reset
 * @e:	error
 *
 * Called before create, so that a missing helper fails before anything
 * exists.
 *
 * Return: 0 or -ENOENT
 */
int sl_netd_find(struct sl_netd *n, struct sl_error *e)
{
	n->pid = 0;
	n->exitw = n->ready = -1;
	if (sl_find_program("sublet-netd", n->prog, sizeof(n->prog)))
		return sl_error_say(e, ENOENT,
				    "sublet-netd not found next to "
				    "sublet or in PATH: use --net "
				    "none or host");
	return 0;
}

/**
 * sl_netd_start() - fork and exec sublet-netd on the init (struct
 * sl_create_early's start, called by create once the maps are written)
 * @arg:	struct sl_netd
 * @init:	the container's init
 * @e:		error
 *
 * Return: 0, or -errno with nothing left open
 */
int sl_netd_start(void *arg, pid_t init, struct sl_error *e)
{
	struct sl_netd *n = arg;
	int ex[2], rd[2];
	pid_t pid;

	if (pipe2(ex, O_CLOEXEC) < 0)
		return sl_error_set(e, errno, "pipe");
	if (pipe2(rd, O_CLOEXEC) < 0) {
		close(ex[0]);
		close(ex[1]);
		return sl_error_set(e, errno, "pipe");
	}
	if ((pid = fork()) == 0)
		netd_exec(n, ex[0], rd[1], init);
	close(ex[0]);
	close(rd[1]);
	if (pid < 0) {
		close(ex[1]);
		close(rd[0]);
		return sl_error_set(e, errno, "fork sublet-netd");
	}
	n->pid = pid;
	n->exitw = ex[1];
	n->ready = rd[0];
	return 0;
}

/**
 * reap() - wait for sublet-netd, forget it and close our pipe ends
 * @n:		sublet-netd
 * @status:	its wait status (output), or NULL
 */
static void reap(struct sl_netd *n, int *status)
{
	int st = 0;

	if (n->pid > 0)
		while (waitpid(n->pid, &st, 0) < 0 && errno == EINTR)
			;
	if (status)
		*status = st;
	n->pid = 0;
	if (n->exitw >= 0)
		close(steal_fd(&n->exitw));
	if (n->ready >= 0)
		close(steal_fd(&n->ready));
}

/**
 * sl_netd_abort() - kill sublet-netd at once (struct sl_create_early's
 * undo: create failed; also after any failure before it was ready)
 * @arg:	struct sl_netd
 */
void sl_netd_abort(void *arg)
{
	struct sl_netd *n = arg;

	if (n->pid > 0)
		kill(n->pid, SIGKILL);
	reap(n, NULL);
}

/**
 * sl_netd_ready() - wait until sublet-netd is ready, then publish ports
 * @n:	sublet-netd, started
 * @e:	error
 *
 * Return: 0, or -errno (sublet-netd is reaped if it exited)
 */
int sl_netd_ready(struct sl_netd *n, struct sl_error *e)
{
	ssize_t k;
	char c = 0;
	int status;

	while ((k = read(n->ready, &c, 1)) < 0 && errno == EINTR)
		;
	close(steal_fd(&n->ready));
	if (k == 1 && c == '1')
		return publish(n, e);
	/* it exited (a zombie keeps its status), or it closed the fd and
	 * goes on: it is not going to be ready */
	kill(n->pid, SIGKILL);
	reap(n, &status);
	/* exit status 1: it printed its one line, as it does for every
	 * failure before its main loop */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		return sl_error_say(e, EIO,
				    "sublet-netd did not start: see its "
				    "message above, or use --net none");
	return sl_error_say(e, EIO,
			    "sublet-netd did not start (exit status %d): "
			    "use --net none to run without a network",
			    sl_wait_status(status));
}

/**
 * sl_netd_stop() - ask sublet-netd to exit: signal, and its exit fd
 * @n:	sublet-netd, or none (pid 0)
 *
 * It is not waited for here (sl_netd_reap()): its exit goes on while
 * the caller removes the rest.
 */
void sl_netd_stop(struct sl_netd *n)
{
	if (n->pid > 0)
		kill(n->pid, SIGTERM);
	if (n->exitw >= 0)
		close(steal_fd(&n->exitw));
}

/**
 * sl_netd_reap() - wait for a stopped (or dead) sublet-netd
 * @n:	sublet-netd, or none
 */
void sl_netd_reap(struct sl_netd *n)
{
	reap(n, NULL);
}
