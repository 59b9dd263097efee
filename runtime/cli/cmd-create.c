// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-create.c - sublet create [OPTIONS] ID
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

static const char usage[] =
	"Usage: sublet create [--bundle DIR] [--pid-file FILE] "
	"[--console-socket SOCKET]\n"
	"                     [--preserve-fds N] [--no-pivot] "
	"[--no-new-keyring] ID\n";

/**
 * cli_create_opts() - parse the options create and run share
 * @cmd:	command name
 * @argc:	argument count
 * @argv:	arguments
 * @o:		options to fill
 * @detach:	set by --detach/-d (NULL: not accepted)
 *
 * Return: index of the ID argument, 0 to exit 0, -1 on error
 */
static int create_opts(const char *cmd, int argc, char **argv,
		       struct sl_create_opts *o, bool *detach)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'P' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->bundle = optarg;
			break;
		case 'p':
			o->pid_file = optarg;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'P':
			if (cli_parse_int(cmd, "--preserve-fds", optarg,
					  &o->preserve_fds))
				return -1;
			break;
		case 'n':
			o->no_pivot = true;
			break;
		case 'k':
		case 'K':
			break;
		case 'd':
			if (!detach)
				return cli_usage(cmd,
						 "unknown option --detach"),
				       -1;
			*detach = true;
			break;
		case 'h':
			return 0;
		default:
			return cli_usage(cmd, "bad option (see --help)"), -1;
		}
	}
	if (optind != argc - 1)
		return cli_usage(cmd, "expected exactly one container ID"), -1;
	o->id = argv[optind];
	o->warn = cli_warn;
	return optind;
}

/**
 * cmd_create_parse() - shared by run: parse create's options
 * @cmd:	command name
 * @argc:	argument count
 * @argv:	arguments
 * @o:		options to fill
 * @detach:	--detach (NULL: not accepted)
 * @usage_text:	help text printed for --help
 *
 * Return: 1 to go on, 0 to exit 0, -1 to exit 1
 */
int cmd_create_parse(const char *cmd, int argc, char **argv,
		     struct sl_create_opts *o, bool *detach,
		     const char *usage_text)
{
	int i = create_opts(cmd, argc, argv, o, detach);

	if (i == 0)
		fputs(usage_text, stdout);
	return i > 0 ? 1 : i;
}

/**
 * cmd_create() - sublet create
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_create(struct cli *c, int argc, char **argv)
{
	struct sl_create_opts o = { 0 };
	struct sl_created out;
	struct sl_error e;
	int r = cmd_create_parse("create", argc, argv, &o, NULL, usage);

	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	o.root = c->root;
	if (sl_container_create(&o, &out, &e))
		return cli_fail(&e);
	return 0;
}
