// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-run.c - sublet run [OPTIONS] ID: create, start, wait, delete
 *
 * In the foreground, run stays the parent of the container's init: it
 * forwards the usual terminating signals to it, relays the terminal when
 * the config asks for one and no --console-socket is given, reaps it,
 * deletes the container and exits with its status (128+N for signal N).
 * With --detach it returns once the container runs, like runc.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"
#include "runtime/oci/linux.h"

static const char usage[] =
	"Usage: sublet run [--bundle DIR] [--pid-file FILE] "
	"[--console-socket SOCKET]\n"
	"                  [--preserve-fds N] [--no-pivot] [--detach] ID\n";

static volatile pid_t run_pid;

/**
 * forward() - signal handler: pass the signal on to the container
 * @sig:	signal
 */
static void forward(int sig)
{
	if (run_pid > 0)
		kill(run_pid, sig);
}

/**
 * wait_container() - forward signals, relay the console, reap the init
 * @pid:	the init
 * @console:	our console socket end, or -1
 *
 * Return: the exit code
 */
static int wait_container(pid_t pid, int console)
{
	static const int sigs[] = { SIGINT,  SIGTERM, SIGHUP,
				    SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = forward, .sa_flags = SA_RESTART };
	struct sl_error e;
	int status;

	run_pid = pid;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	if (console >= 0) {
		sl_console_proxy(console, pid, &e);
		close(console);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	return sl_wait_status(status);
}

/**
 * cmd_run() - sublet run
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status: the container's in the foreground
 */
int cmd_run(struct cli *c, int argc, char **argv)
{
	struct sl_create_opts o = { 0 };
	struct sl_created out;
	struct sl_error e;
	bool detach = false;
	int r = cmd_create_parse("run", argc, argv, &o, &detach, usage);

	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	o.root = c->root;
	o.proxy_console = !detach;
	if (sl_container_create(&o, &out, &e))
		return cli_fail(&e);
	if (sl_container_start(c->root, o.id, cli_warn, &e)) {
		cli_fail(&e);
		sl_container_delete(c->root, o.id, true, cli_warn, &e);
		return 1;
	}
	if (detach)
		return 0;
	r = wait_container(out.pid, out.console);
	if (sl_container_delete(c->root, o.id, true, cli_warn, &e))
		cli_fail(&e);
	return r;
}
