// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - sublet-netd: user-mode networking for a network namespace
 *
 * DOC: Theory of Operation
 * Setup happens in a fixed order, and any failure before the main loop
 * is fatal with one line on stderr: parse the command line (options.c),
 * check the -e/-r fds, create the tap in the target namespace and
 * configure it, starting the namespace helper there (tap.c,
 * nshelper.c), create the libslirp instance (slirp.c), start the
 * published-port fast path (fastpath.c), set up the outbound fast path's
 * tables (outbound.c, outsetup.c), register libslirp's timers, open the
 * API socket (api.c), sandbox (sandbox.c), bind the outbound fast path's
 * queue and apply seccomp last (seccomp.c).  Only then is "1" written to
 * the ready fd, so an engine that waits for it finds the network, the
 * API and the sandbox all in place.  The modules register with the
 * poller in that order, and the main loop (loop.c) serves them in it
 * until SIGTERM/SIGINT or an event on the exit fd; on the way out the
 * API socket is unlinked and every module's state freed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libslirp.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "netd/fastpath.h"
#include "netd/hostfwd.h"
#include "netd/netd.h"
#include "netd/outbound.h"
#include "netd/sandbox.h"

/**
 * check_fd() - is @fd an open fd?
 * @flag:	flag name for the message
 * @fd:		fd, or -1 for none
 *
 * Return: 0, or -EBADF (message printed)
 */
static int check_fd(const char *flag, int fd)
{
	if (fd < 0 || fcntl(fd, F_GETFD) >= 0)
		return 0;
	err("bad %s %d: not an open file descriptor", flag, fd);
	return -EBADF;
}

/**
 * signals_open() - block SIGTERM/SIGINT and return a signalfd for them
 *
 * Return: the fd; dies on failure
 */
static int signals_open(void)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die_errno(errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		die_errno(errno, "signalfd");
	return fd;
}

/**
 * nofile_raise() - raise the soft fd limit to the hard one: each
 * published-port connection on the fast path holds six fds
 */
static void nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/**
 * malloc_tune() - give large buffers back to the system when freed
 *
 * libslirp allocates two 128 KiB buffers per TCP connection.  glibc
 * first serves such sizes with mmap(), but raises its threshold to the
 * size of the first one freed, and from then on takes them from the heap,
 * which does not shrink while any later chunk is in use: after a burst of
 * connections VmRSS stayed several MiB higher.  A fixed threshold keeps
 * them on mmap(), returned on free().
 */
static void malloc_tune(void)
{
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
}

/**
 * signal_ready() - write "1" to the ready fd and close it
 * @fd:		ready fd, or -1
 *
 * Return: 0, or -errno
 */
static int signal_ready(int fd)
{
	ssize_t w;

	if (fd < 0)
		return 0;
	do
		w = write(fd, "1", 1);
	while (w < 0 && errno == EINTR);
	close(fd);
	return w == 1 ? 0 : -errno;
}

/**
 * setup() - everything between the command line and the main loop
 * @n:		instance (options set)
 *
 * Return: 0, or -errno (message printed)
 */
static int setup(struct netd *n)
{
	const struct netd_opts *o = n->o;
	uint8_t mac[6];
	int ret;

	ret = tap_setup(n, mac);
	if (ret < 0)
		return ret;
	ret = netd_slirp_new(n);
	if (ret < 0) {
		err("cannot create the libslirp instance");
		return ret;
	}
	if (o->configure)
		netd_slirp_learn_guest(n, mac);
	/* the main loop serves its modules in the order they register */
	ret = fp_start(n);
	if (ret < 0)
		return ret;
	outbound_start(n);
	ret = netd_timers_start(n);
	if (ret < 0)
		return ret;
	if (o->api_socket) {
		ret = api_open(n, o->api_socket);
		if (ret < 0)
			return ret;
	}
	if (o->enable_sandbox) {
		ret = sandbox_enter(o, outbound_on(n));
		if (ret < 0)
			return ret;
	}
	outbound_bind(n);
	/* the queue refused: the capability kept for it goes too */
	if (o->enable_sandbox && !outbound_on(n)) {
		ret = sandbox_drop_net_admin();
		if (ret < 0)
			return ret;
	}
	if (o->enable_seccomp) {
		ret = seccomp_apply();
		if (ret < 0)
			return ret;
	}
	ret = signal_ready(o->ready_fd);
	if (ret < 0)
		warn("cannot write to --ready-fd: %s", strerror(-ret));
	return 0;
}

/**
 * target_open() - pin the target PID: its /proc directory
 * @o:		options
 *
 * A /proc/PID directory fd keeps naming that process: once it is gone,
 * lookups under it fail with ESRCH, whoever gets the PID next.  It works
 * after the sandbox's pivot_root too.
 *
 * Return: the fd, or -1 (a path target, or no /proc)
 */
static int target_open(const struct netd_opts *o)
{
	char path[32];

	if (o->netns_is_path)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)o->pid);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/**
 * target_gone() - has the target PID exited?
 * @n:		instance
 *
 * Return: true when it has, reaped (ESRCH) or a zombie (state Z or X);
 * false for a path target, or when unknown
 */
static bool target_gone(const struct netd *n)
{
	char buf[512], *paren;
	ssize_t len;
	int fd;

	if (n->target < 0)
		return false;
	fd = openat(n->target, "stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ESRCH || errno == ENOENT;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 && errno == ESRCH;
	buf[len] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

/**
 * hand_over() - at exit, once the target PID has exited: let the
 * namespace helper hold the tap and the outbound fast path's sockets
 * @n:		instance
 *
 * Closing them takes the kernel tens of milliseconds (the tap device,
 * the nftables table, the queue), which whoever waits for our exit (sublet
 * run, before it returns) would wait for too.  The helper exits right
 * after us and they go down then.  Only once the target PID is gone:
 * nobody can start another sublet-netd on its namespace by that PID,
 * which would find the tap and the table still there.
 */
static void hand_over(struct netd *n)
{
	if (!target_gone(n))
		return;
	/* ours closed now, before the helper's socket closes */
	if (nshelper_keep(n->nsh, n->tapfd) == 0) {
		close(n->tapfd);
		n->tapfd = -1;
	}
	outbound_hand_over(n);
}

/**
 * netd_free() - release the instance: every module's state, libslirp (and
 * its timers), the poll state, the tap
 * @n:		instance
 */
static void netd_free(struct netd *n)
{
	outbound_free(n);
	fp_free(n);
	nshelper_free(n->nsh);
	n->nsh = NULL;
	hostfwd_table_free(n->fwds);
	n->fwds = NULL;
	if (n->slirp)
		slirp_cleanup(n->slirp);
	n->slirp = NULL;
	poller_free(&n->poller);
	if (n->tapfd >= 0)
		close(n->tapfd);
	if (n->sigfd >= 0)
		close(n->sigfd);
	if (n->target >= 0)
		close(n->target);
}

int main(int argc, char **argv)
{
	struct netd_opts o;
	struct netd n = { .o = &o, .tapfd = -1, .sigfd = -1, .target = -1 };
	int ret;

	n.poller.epfd = -1;
	log_init(argv[0]);
	ret = opts_parse(&o, argc, argv);
	if (ret)
		return ret > 0 ? 0 : 1;
	if (config_read(&o) < 0)
		return 1;
	if (check_fd("--exit-fd", o.exit_fd) < 0 ||
	    check_fd("--ready-fd", o.ready_fd) < 0)
		return 1;
	if (o.api_socket && api_path_check(o.api_socket) < 0)
		return 1;
	n.sigfd = signals_open();
	n.target = target_open(&o);
	nofile_raise();
	malloc_tune();
	if (poller_init(&n.poller) < 0)
		die_errno(errno, "epoll_create1");
	if (setup(&n) < 0) {
		api_close(&n);
		netd_free(&n);
		return 1;
	}
	info("started: %s, MTU %u, network %s/%u", o.tapname, o.mtu,
	     inet_ntoa(o.vnetwork), o.prefix);
	ret = netd_loop(&n);
	api_close(&n);
	hand_over(&n);
	netd_free(&n);
	return ret < 0 ? 1 : 0;
}
