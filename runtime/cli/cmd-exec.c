// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-exec.c - sublet exec [OPTIONS] ID [CMD...] | --process FILE ID
 *
 * With --process the process is read from a JSON file in the spec's
 * process format (what conmon passes).  Otherwise it starts from the
 * container's own config.process (user, env, capabilities, rlimits) and
 * the command line replaces args and adds the other settings.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/parse.h"
#include "runtime/cli/cli.h"
#include "runtime/oci/container.h"

static const char usage[] =
	"Usage: sublet exec [--process FILE] [--tty] [--console-socket SOCKET] "
	"[--detach]\n"
	"                   [--pid-file FILE] [--env K=V]... [--cwd DIR] "
	"[--user UID[:GID]]\n"
	"                   [--preserve-fds N] ID [COMMAND [ARG...]]\n";

struct exec_cli {
	const char *process_file, *cwd, *user;
	char *env[64];
	size_t nenv;
	bool tty, nnp;
};

/**
 * load_process() - the process from --process FILE
 * @path:	file
 * @p:		process to fill
 *
 * Return: 0 or 1 after printing the error
 */
static int load_process(const char *path, struct sl_process *p)
{
	struct json_object *o = json_object_from_file(path);
	struct sl_error e;
	int r;

	if (!o)
		return cli_usage("exec",
				 "--process: cannot read JSON from `%s`", path);
	r = sl_process_parse(o, "process", p, &e);
	json_object_put(o);
	if (r) {
		sl_error_prefix(&e, "exec: %s", path);
		return cli_fail(&e);
	}
	return 0;
}

/**
 * add_env() - append K=V to the process environment, replacing K
 * @p:		process
 * @kv:		"K=V"
 *
 * Return: 0 or -ENOMEM
 */
static int add_env(struct sl_process *p, const char *kv)
{
	size_t klen = strcspn(kv, "="), n = 0;
	char **v;

	for (; p->env && p->env[n]; n++)
		if (!strncmp(p->env[n], kv, klen) && p->env[n][klen] == '=') {
			free(p->env[n]);
			return (p->env[n] = strdup(kv)) ? 0 : -ENOMEM;
		}
	v = realloc(p->env, (n + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[n] = strdup(kv);
	v[n + 1] = NULL;
	p->env = v;
	return v[n] ? 0 : -ENOMEM;
}

/**
 * build_process() - the process from the container's config and the CLI
 * @c:		CLI state
 * @x:		parsed options
 * @id:		container
 * @args:	COMMAND ARG... (NULL-terminated)
 * @p:		process to fill
 *
 * Return: 0 or 1 after printing the error
 */
static int build_process(struct cli *c, const struct exec_cli *x,
			 const char *id, char **args, struct sl_process *p)
{
	struct sl_config *cfg;
	struct sl_error e;
	size_t n = 0;

	if (sl_container_config(c->root, id, &cfg, &e))
		return cli_fail(&e);
	*p = cfg->process;
	memset(&cfg->process, 0, sizeof(cfg->process));
	sl_config_free(cfg);
	for (size_t i = 0; p->args && p->args[i]; i++)
		free(p->args[i]);
	free(p->args);
	while (args[n])
		n++;
	p->args = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; p->args && i < n; i++)
		p->args[i] = strdup(args[i]);
	p->terminal = x->tty;
	if (x->cwd) {
		free(p->cwd);
		p->cwd = strdup(x->cwd);
	}
	if (x->nnp)
		p->no_new_privileges = true;
	if (x->user) {
		const char *colon = strchr(x->user, ':');
		char uid[16];

		snprintf(uid, sizeof(uid), "%.*s",
			 (int)(colon ? (size_t)(colon - x->user)
				     : strlen(x->user)),
			 x->user);
		if (parse_u32(uid, &p->uid) < 0 ||
		    (colon && parse_u32(colon + 1, &p->gid) < 0))
			return cli_usage("exec",
					 "--user: expected UID[:GID], "
					 "not `%s`",
					 x->user);
	}
	for (size_t i = 0; i < x->nenv; i++)
		if (add_env(p, x->env[i]) < 0)
			return cli_usage("exec", "out of memory");
	return 0;
}

/**
 * parse_opts() - exec's options
 * @argc:	argument count
 * @argv:	arguments
 * @x:		CLI-only settings
 * @o:		library options
 *
 * Return: 1 to go on, 0 to exit 0, -1 to exit 1
 */
static int parse_opts(int argc, char **argv, struct exec_cli *x,
		      struct sl_exec_opts *o)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "env", required_argument, NULL, 'e' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+p:tde:u:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			x->process_file = optarg;
			break;
		case 't':
			x->tty = true;
			break;
		case 'c':
			o->console_socket = optarg;
			break;
		case 'd':
			o->detach = true;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 'e':
			if (!strchr(optarg, '=') || x->nenv == 64)
				return cli_usage("exec",
						 "--env: expected K=V, "
						 "not `%s`",
						 optarg),
				       -1;
			x->env[x->nenv++] = optarg;
			break;
		case 'w':
			x->cwd = optarg;
			break;
		case 'u':
			x->user = optarg;
			break;
		case 'F':
			if (cli_parse_int("exec", "--preserve-fds", optarg,
					  &o->preserve_fds))
				return -1;
			break;
		case 'n':
			x->nnp = true;
			break;
		case 'L':
		case 'A':
		case 'G':
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			return cli_usage("exec", "bad option (see --help)"), -1;
		}
	}
	if (optind >= argc)
		return cli_usage("exec", "missing container ID"), -1;
	if (!x->process_file && optind + 1 >= argc)
		return cli_usage("exec", "expected --process FILE or a "
					 "COMMAND"),
		       -1;
	return 1;
}

/**
 * cmd_exec() - sublet exec
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status: the process's in the foreground
 */
int cmd_exec(struct cli *c, int argc, char **argv)
{
	struct sl_exec_opts o = { 0 };
	struct exec_cli x = { 0 };
	struct sl_process p = { 0 };
	struct sl_error e;
	int r = parse_opts(argc, argv, &x, &o), code = 0;

	if (r <= 0)
		return r < 0;
	if (cli_root(c))
		return 1;
	o.root = c->root;
	o.id = argv[optind];
	r = x.process_file ? load_process(x.process_file, &p)
			   : build_process(c, &x, o.id, argv + optind + 1, &p);
	if (r) {
		sl_process_free(&p);
		return 1;
	}
	if (x.tty)
		p.terminal = true;
	o.process = &p;
	r = sl_container_exec(&o, &code, &e);
	sl_process_free(&p);
	if (r)
		return cli_fail(&e);
	return code;
}
