// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-ps.c - sublet ps [--format table|json] ID
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

static const char usage[] = "Usage: sublet ps [--format table|json] ID\n";

/**
 * print_cmdline() - print a process's command line on one line
 * @pid:	process
 */
static void print_cmdline(pid_t pid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = '\0';
	printf("%-8d %s\n", pid, buf);
}

/**
 * cmd_ps() - sublet ps
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_ps(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fmt = "table";
	struct sl_error e;
	pid_t *pids;
	size_t n;
	int o;

	while ((o = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			fmt = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("ps", "bad option (see --help)");
		}
	}
	if (strcmp(fmt, "table") && strcmp(fmt, "json"))
		return cli_usage("ps",
				 "--format: expected table or json, not "
				 "`%s`",
				 fmt);
	if (optind >= argc)
		return cli_usage("ps", "missing container ID");
	if (cli_root(c))
		return 1;
	if (sl_container_pids(c->root, argv[optind], &pids, &n, &e))
		return cli_fail(&e);
	if (!strcmp(fmt, "json")) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		puts("]");
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++)
			print_cmdline(pids[i]);
	}
	free(pids);
	return 0;
}
