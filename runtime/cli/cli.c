// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - what every command of the CLI uses: root, errors, small parsers
 *
 * DOC: Theory of Operation
 * The runtime library never prints.  Each command turns a library error
 * into one line on stderr ("sublet: ...", and into the --log file) with
 * cli_fail(), and its own usage errors with cli_usage(); both return the
 * exit status.  main.c dispatches to the commands and the commands use
 * these helpers, never main.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "runtime/cli/cli.h"
#include "runtime/oci/state.h"

static struct cli *g_cli;

/**
 * cli_init() - remember the CLI state that cli_fail() reads
 * @c:	CLI state, alive until the command returns
 */
void cli_init(struct cli *c)
{
	g_cli = c;
}

/**
 * cli_root() - resolve the runtime root, printing an error on failure
 * @c:	CLI state
 *
 * Return: 0 or -1
 */
int cli_root(struct cli *c)
{
	struct sl_error e;

	if (c->root)
		return 0;
	if (sl_state_root(c->root_opt, &c->root, &e) < 0) {
		cli_fail(&e);
		return -1;
	}
	return 0;
}

/**
 * cli_fail() - print a library error
 * @e:	error
 *
 * Return: 1, the exit status
 */
int cli_fail(const struct sl_error *e)
{
	err("%s", e->msg);
	if (g_cli && g_cli->log_file)
		fprintf(stderr, "sublet: %s\n", e->msg);
	return 1;
}

/**
 * cli_fail_cmd() - print a library error after the name of the command
 * @cmd:	command name
 * @e:		error
 *
 * Return: 1, the exit status
 */
int cli_fail_cmd(const char *cmd, const struct sl_error *e)
{
	struct sl_error in = *e;

	sl_error_prefix(&in, "%s", cmd);
	return cli_fail(&in);
}

/**
 * cli_usage() - print a bad-usage error for @cmd
 * @cmd:	command name, or NULL for sublet's own options
 * @fmt:	printf format
 *
 * Return: 1, the exit status
 */
int cli_usage(const char *cmd, const char *fmt, ...)
{
	struct sl_error e;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(e.msg, sizeof(e.msg), "%s%s%s", cmd ? cmd : "",
		 cmd ? ": " : "", msg);
	return cli_fail(&e);
}

/**
 * cli_warn() - print a warning from the library
 * @msg:	text
 */
void cli_warn(const char *msg)
{
	warn("%s", msg);
}

/**
 * cli_parse_int() - parse a non-negative int option
 * @cmd:	command name
 * @opt:	option name
 * @s:		text
 * @out:	value (written on success)
 *
 * Return: 0 or 1 after printing an error
 */
int cli_parse_int(const char *cmd, const char *opt, const char *s, int *out)
{
	unsigned int v;

	if (parse_uint_range(s, 0, 65536, &v) < 0)
		return cli_usage(cmd, "%s: invalid number `%s`", opt, s);
	*out = (int)v;
	return 0;
}

/**
 * cli_one_id() - parse a command that takes only --help and one ID
 * @cmd:	command name
 * @usage:	help text
 * @argc:	argument count
 * @argv:	arguments
 * @id:		the ID (written when 1 is returned)
 *
 * Return: 1 to go on, 0 to exit 0, -1 to exit 1
 */
int cli_one_id(const char *cmd, const char *usage, int argc, char **argv,
	       const char **id)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (o == 'h') {
			fputs(usage, stdout);
			return 0;
		}
		return cli_usage(cmd, "bad option (see --help)"), -1;
	}
	if (optind != argc - 1)
		return cli_usage(cmd, "expected exactly one container ID"), -1;
	*id = argv[optind];
	return 1;
}
