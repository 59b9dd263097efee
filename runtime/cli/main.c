// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - sublet's command line: global options and the command table
 *
 * DOC: Theory of Operation
 * `sublet [GLOBAL OPTIONS] COMMAND [OPTIONS] ARGS` with the runc/crun
 * command line that conmon, containerd shims and people use.  Global
 * options are parsed here; each command lives in its own cmd-*.c, parses
 * its own options and calls the runtime library, which never prints: the
 * CLI prints the library's error (one line, "sublet: ...") and exits 1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "lib/log.h"
#include "runtime/cli/cli.h"
#include "runtime/oci/cgroups.h"

static const struct {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "create", cmd_create, "create a container from a bundle" },
	{ "start", cmd_start, "start the process of a created container" },
	{ "state", cmd_state, "print a container's state as JSON" },
	{ "kill", cmd_kill, "send a signal to a container" },
	{ "delete", cmd_delete, "remove a container" },
	{ "run", cmd_run_any,
	  "run IMAGE as a container (or runc's run ID: see run --help)" },
	{ "exec", cmd_exec, "run a process in a running container" },
	{ "list", cmd_list, "list containers" },
	{ "ps", cmd_cps, "list containers of `run IMAGE`; ps ID: processes" },
	{ "stop", cmd_stop, "stop a container of `run IMAGE`" },
	{ "rm", cmd_rm, "remove a container of `run IMAGE`" },
	{ "logs", cmd_logs, "print a detached container's output" },
	{ "image", cmd_image, "import, list and remove images" },
	{ "export", cmd_export, "write a container's changes as a layer" },
	{ "pause", cmd_pause, "freeze a container" },
	{ "resume", cmd_resume, "thaw a paused container" },
	{ "update", cmd_update, "change a container's cgroup resources" },
	{ "events", cmd_events, "print a container's resource statistics" },
	{ "spec", cmd_spec, "write a template config.json" },
	{ "features", cmd_features, "print the runtime's features as JSON" },
};

static const char main_usage[] =
	"Usage: sublet [--root DIR] [--log FILE] [--log-format text|json] "
	"[--debug]\n"
	"              [--systemd-cgroup] [--rootless[=true|false|auto]] "
	"COMMAND [ARGS]\n"
	"       sublet --help | --version\n"
	"\n"
	"An OCI runtime for unprivileged users.\n"
	"\nCommands:\n";

/**
 * print_help() - the global --help text
 */
static void print_help(void)
{
	fputs(main_usage, stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-10s %s\n", commands[i].name, commands[i].help);
	printf("\n`sublet COMMAND --help` describes a command.\n");
}

/**
 * print_version() - --version, runc style
 */
static void print_version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("sublet version %s\nspec: %s\nlibseccomp: %u.%u.%u\n",
	       SUBLET_VERSION, SUBLET_OCI_VERSION, v->major, v->minor,
	       v->micro);
}

/**
 * parse_globals() - the options before the command
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: index of the command in @argv, 0 to exit 0, -1 to exit 1
 */
static int parse_globals(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "systemd-cgroup", no_argument, NULL, 's' },
		{ "rootless", optional_argument, NULL, 'R' },
		{ "criu", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *log = NULL, *fmt = "text";
	bool systemd = false;
	int o;

	while ((o = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (o) {
		case 'r':
			c->root_opt = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'd':
			log_set_level(LOG_LVL_DEBUG);
			break;
		case 's':
			systemd = true;
			break;
		case 'R':
			if (optarg && strcmp(optarg, "true") &&
			    strcmp(optarg, "false") && strcmp(optarg, "auto"))
				return cli_usage("--rootless",
						 "expected true, false or "
						 "auto, not `%s`",
						 optarg),
				       -1;
			break;
		case 'C':
			break;
		case 'h':
			print_help();
			return 0;
		case 'v':
			print_version();
			return 0;
		default:
			return cli_usage(NULL, "bad option (see --help)"), -1;
		}
	}
	if (strcmp(fmt, "text") && strcmp(fmt, "json"))
		return cli_usage("--log-format",
				 "expected text or json, not `%s`", fmt),
		       -1;
	if (log && log_set_file(log, !strcmp(fmt, "json")) < 0)
		return cli_usage("--log", "cannot open `%s`", log), -1;
	c->log_file = log != NULL;
	sl_cgroup_use_systemd(systemd);
	if (optind >= argc)
		return cli_usage(NULL, "missing command (see --help)"), -1;
	return optind;
}

/**
 * main() - dispatch to the command
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: the command's exit status
 */
int main(int argc, char **argv)
{
	struct cli c = { 0 };
	int i, r;

	log_init("sublet");
	cli_init(&c);
	i = parse_globals(&c, argc, argv);
	if (i <= 0)
		return i < 0;
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
		if (strcmp(argv[i], commands[k].name))
			continue;
		optind = 0;
		r = commands[k].fn(&c, argc - i, argv + i);
		free(c.root);
		return r;
	}
	return cli_usage(NULL, "unknown command `%s` (see --help)", argv[i]);
}
