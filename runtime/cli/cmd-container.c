// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd-container.c - sublet run IMAGE, ps, stop, rm, logs
 *
 * `run` serves two command lines.  runc's `run [--bundle B] [--detach] ID`
 * (OCI mode) is used when any of --bundle/-b, --pid-file,
 * --console-socket, --preserve-fds, --no-pivot is given, or when the
 * argument is not an image in the store and ./config.json exists;
 * everything else is `sublet run [OPTIONS] IMAGE [CMD...]`.  Likewise
 * `ps ID` is runc's process list, `ps` without an ID lists the containers
 * of `sublet run`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/parse.h"
#include "runtime/cli/cli.h"
#include "runtime/image/store.h"
#include "runtime/oci/container.h"
#include "runtime/oci/state.h"
#include "runtime/run/run.h"

static const char run_usage[] =
	"Usage: sublet run [--rm] [-i] [-t] [-d] [--name NAME] [-e K[=V]] "
	"[-w DIR]\n"
	"                  [--env-file FILE] [--stop-timeout SECONDS]\n"
	"                  [--user U[:G]] [--hostname H] [-v SRC:DST[:ro]]\n"
	"                  [--net netd|none|host] [-p [IP:]HOST:CTR[/udp]]\n"
	"                  [--storage-driver auto|fuse|kernel] IMAGE [CMD...]\n"
	"       sublet run [--bundle DIR] [--pid-file FILE] [--console-socket "
	"SOCKET]\n"
	"                  [--preserve-fds N] [--no-pivot] [--detach] ID\n"
	"\n"
	"The first form runs IMAGE from the store (see `sublet image`) as a\n"
	"full container: the user's subordinate ids, an overlay root\n"
	"(sublet-overlayfs or the kernel's), user-mode networking with\n"
	"sublet-netd.  The second form is runc's: it is used when --bundle,\n"
	"--pid-file, --console-socket, --preserve-fds or --no-pivot is given,\n"
	"or when the argument is not an image and ./config.json exists.\n"
	"\n"
	"--env-file reads KEY=VALUE or KEY lines (# starts a comment line);\n"
	"-e wins over it.  A terminating signal is passed on to the\n"
	"container; one still running --stop-timeout seconds later (10) is\n"
	"killed.\n";

/**
 * oci_mode() - does this command line belong to runc's `run`?
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: true if an OCI-only option is given
 */
static bool oci_mode(int argc, char **argv)
{
	static const char *const only[] = {
		"--bundle",	  "--pid-file", "--console-socket",
		"--preserve-fds", "--no-pivot", "--no-new-keyring"
	};

	for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strncmp(argv[i], "-b", 2))
			return true;
		for (size_t k = 0; k < ARRAY_SIZE(only); k++)
			if (!strncmp(argv[i], only[k], strlen(only[k])))
				return true;
		if (strchr("ewuvp", argv[i][1]) && argv[i][1] && !argv[i][2])
			i++; /* the value of a short option */
		else if (!strchr(argv[i], '=') &&
			 (!strcmp(argv[i], "--name") ||
			  !strcmp(argv[i], "--env") ||
			  !strcmp(argv[i], "--workdir") ||
			  !strcmp(argv[i], "--user") ||
			  !strcmp(argv[i], "--hostname") ||
			  !strcmp(argv[i], "--volume") ||
			  !strcmp(argv[i], "--net") ||
			  !strcmp(argv[i], "--network") ||
			  !strcmp(argv[i], "--publish") ||
			  !strcmp(argv[i], "--storage-driver")))
			i++;
	}
	return false;
}

/**
 * parse_port() - -p [IP:]HOST:CTR[/udp|/tcp]
 * @s:	text
 * @p:	port (written on success)
 *
 * Return: 0 or -EINVAL
 */
static int parse_port(const char *s, struct sl_port *p)
{
	char buf[128], *proto, *ctr, *host;
	unsigned int h, c;
	struct sl_port t = { 0 };

	snprintf(buf, sizeof(buf), "%s", s);
	if ((proto = strchr(buf, '/'))) {
		*proto++ = '\0';
		if (strcmp(proto, "udp") && strcmp(proto, "tcp"))
			return -EINVAL;
		t.udp = !strcmp(proto, "udp");
	}
	if (!(ctr = strrchr(buf, ':')))
		return -EINVAL;
	*ctr++ = '\0';
	host = strrchr(buf, ':');
	if (host) {
		*host++ = '\0';
		snprintf(t.addr, sizeof(t.addr), "%s", buf);
	} else {
		host = buf;
	}
	if (parse_uint_range(host, 1, 65535, &h) ||
	    parse_uint_range(ctr, 1, 65535, &c))
		return -EINVAL;
	t.host = h;
	t.ctr = c;
	*p = t;
	return 0;
}

/**
 * parse_volume() - -v SRC:DST[:ro|:rw]
 * @s:	text (kept: the result points into it)
 * @v:	volume (written on success)
 *
 * Return: 0 or -EINVAL
 */
static int parse_volume(char *s, struct sl_volume *v)
{
	char *dst = strchr(s, ':'), *mode;

	if (!dst || dst == s)
		return -EINVAL;
	*dst++ = '\0';
	if ((mode = strchr(dst, ':')))
		*mode++ = '\0';
	if (dst[0] != '/' || (mode && strcmp(mode, "ro") && strcmp(mode, "rw")))
		return -EINVAL;
	v->src = s;
	v->dst = dst;
	v->ro = mode && !strcmp(mode, "ro");
	return 0;
}

/**
 * parse_enum() - --net and --storage-driver values
 * @opt:	option name
 * @s:		value
 * @names:	accepted values, NULL-terminated
 * @out:	index (written on success)
 *
 * Return: 0 or 1 after printing an error
 */
static int parse_enum(const char *opt, const char *s, const char *const *names,
		      int *out)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return *out = i, 0;
	return cli_usage("run", "%s: unknown value `%s`", opt, s);
}

/**
 * env_add() - add one variable to o->env
 * @o:		options
 * @kv:		KEY=VALUE or KEY
 * @owned:	@kv is malloc'ed (from --env-file): it goes after the
 *		other owned ones, before every -e, which win over it
 *
 * Return: 0 or -ENOMEM
 */
static int env_add(struct sl_run_opts *o, char *kv, bool owned)
{
	char **v = realloc(o->env, (o->nenv + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	o->env = v;
	if (owned) {
		memmove(v + o->nenv_owned + 1, v + o->nenv_owned,
			(o->nenv - o->nenv_owned) * sizeof(*v));
		v[o->nenv_owned++] = kv;
	} else {
		v[o->nenv] = kv;
	}
	o->nenv++;
	return 0;
}

/**
 * env_file() - add the variables of --env-file @path to @o's
 * @o:		options
 * @path:	the file: KEY=VALUE or KEY lines, blank and # lines skipped
 *
 * Return: 0, or 1 after printing an error
 */
static int env_file(struct sl_run_opts *o, const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *line = NULL, *kv;
	size_t cap = 0, no = 0;
	ssize_t n;
	int r = 0;

	if (!f)
		return cli_usage("run", "--env-file: `%s`: %s", path,
				 strerror(errno));
	while (!r && (n = getline(&line, &cap, f)) >= 0) {
		no++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (line[0] == '=' || strlen(line) != (size_t)n)
			r = cli_usage("run",
				      "--env-file: `%s` line %zu: expected "
				      "KEY=VALUE or KEY",
				      path, no);
		else if (!(kv = strdup(line)) || env_add(o, kv, true)) {
			free(kv);
			r = cli_usage("run", "--env-file: out of memory");
		}
	}
	free(line);
	return r;
}

/**
 * run_opts_free() - free what parse_run() allocated
 * @o:	options
 */
static void run_opts_free(struct sl_run_opts *o)
{
	for (size_t i = 0; i < o->nenv_owned; i++)
		free(o->env[i]);
	free(o->env);
	o->env = NULL;
	o->nenv = o->nenv_owned = 0;
}

/**
 * run_opt() - apply one option of sublet run IMAGE
 * @o:		options
 * @c:		getopt code
 * @arg:	its value
 *
 * Return: 0, or 1 after printing an error
 */
static int run_opt(struct sl_run_opts *o, int c, char *arg)
{
	static const char *const nets[] = { "netd", "none", "host", NULL };
	static const char *const drvs[] = { "auto", "fuse", "kernel", NULL };
	int v = 0;

	switch (c) {
	case 'R':
		o->rm = true;
		return 0;
	case 'i':
		o->interactive = true;
		return 0;
	case 't':
		o->tty = true;
		return 0;
	case 'd':
		o->detach = true;
		return 0;
	case 'n':
		o->name = arg;
		return 0;
	case 'w':
		o->workdir = arg;
		return 0;
	case 'u':
		o->user = arg;
		return 0;
	case 'H':
		o->hostname = arg;
		return 0;
	case 'e':
		if (!*arg || arg[0] == '=')
			return cli_usage("run",
					 "-e: expected KEY=VALUE or KEY, not "
					 "`%s`",
					 arg);
		if (env_add(o, arg, false))
			return cli_usage("run", "-e: out of memory");
		return 0;
	case 'E':
		return env_file(o, arg);
	case 'T':
		if (parse_uint_range(arg, 1, 86400, &o->stop_timeout))
			return cli_usage("run",
					 "--stop-timeout: expected seconds "
					 "(1..86400), not `%s`",
					 arg);
		return 0;
	case 'v':
		if (o->nvols == ARRAY_SIZE(o->vols) ||
		    parse_volume(arg, &o->vols[o->nvols]))
			return cli_usage("run",
					 "-v: expected SRC:/DST[:ro], "
					 "not `%s`",
					 arg);
		o->nvols++;
		return 0;
	case 'p':
		if (o->nports == ARRAY_SIZE(o->ports) ||
		    parse_port(arg, &o->ports[o->nports]))
			return cli_usage("run",
					 "-p: expected [IP:]HOST:CTR"
					 "[/udp], not `%s`",
					 arg);
		o->nports++;
		return 0;
	case 'N':
		if (parse_enum("--net", arg, nets, &v))
			return 1;
		o->net = (enum sl_net)v;
		return 0;
	case 'S':
		if (parse_enum("--storage-driver", arg, drvs, &v))
			return 1;
		o->driver = (enum sl_driver)v;
		return 0;
	}
	return cli_usage("run", "bad option (see --help)");
}

/**
 * parse_run() - the command line of sublet run IMAGE
 * @argc:	argument count
 * @argv:	arguments
 * @o:		options (filled)
 *
 * Return: 1 to go on, 0 to exit 0, -1 to exit 1
 */
static int parse_run(int argc, char **argv, struct sl_run_opts *o)
{
	static const struct option opts[] = {
		{ "rm", no_argument, NULL, 'R' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "detach", no_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, 'E' },
		{ "stop-timeout", required_argument, NULL, 'T' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "user", required_argument, NULL, 'u' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "volume", required_argument, NULL, 'v' },
		{ "publish", required_argument, NULL, 'p' },
		{ "net", required_argument, NULL, 'N' },
		{ "network", required_argument, NULL, 'N' },
		{ "storage-driver", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hitde:w:u:v:p:", opts, NULL)) !=
	       -1) {
		if (c == 'h')
			return fputs(run_usage, stdout), 0;
		if (c == '?' || run_opt(o, c, optarg))
			return c == '?' ? cli_usage("run", "bad option (see "
							   "--help)"),
			       -1	: -1;
	}
	if (optind >= argc)
		return cli_usage("run", "expected an IMAGE (see --help)"), -1;
	if (o->detach && o->tty)
		return cli_usage("run", "-t cannot be used with -d"), -1;
	if (o->nports && o->net != SL_NET_NETD)
		return cli_usage("run", "-p needs --net netd"), -1;
	if (o->tty && !isatty(STDIN_FILENO)) {
		cli_warn("run: -t: standard input is not a terminal: running "
			 "without one");
		o->tty = false;
	}
	o->image = argv[optind];
	o->cmd = argv + optind + 1;
	o->ncmd = argc - optind - 1;
	return 1;
}

/**
 * run_status() - the exit status of `sublet run IMAGE` for an error of its own
 * @e:	the error
 *
 * Return: 127 for a command not found in the image, else 125 (Docker's
 * and Podman's codes)
 */
static int run_status(const struct sl_error *e)
{
	switch (e->kind) {
	case SL_ERR_CMD_NOT_FOUND:
		return 127;
	default:
		return 125;
	}
}

/**
 * cmd_run_any() - sublet run: runc's or the composed one
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status: the container's, 125 for sublet's own errors, 127
 * for a command not found in the image
 */
int cmd_run_any(struct cli *c, int argc, char **argv)
{
	struct sl_run_opts o = { 0 };
	struct sl_image img;
	struct sl_error e;
	int r;

	if (oci_mode(argc, argv))
		return cmd_run(c, argc, argv);
	r = parse_run(argc, argv, &o);
	if (r <= 0) {
		run_opts_free(&o);
		return r < 0 ? 125 : 0;
	}
	r = sl_image_load(o.image, &img, &e);
	if (r == -ENOENT && !o.ncmd && access("config.json", F_OK) == 0) {
		run_opts_free(&o);
		optind = 0;
		return cmd_run(c, argc, argv);
	}
	if (!r)
		sl_image_free(&img);
	if (cli_root(c)) {
		run_opts_free(&o);
		return 125;
	}
	r = sl_people_run(&o, c->root, &e);
	run_opts_free(&o);
	if (r < 0) {
		cli_fail(&e);
		return run_status(&e);
	}
	return r;
}

/**
 * load_info() - a container's info.json and whether its monitor runs
 * @id:		container id
 * @dir:	its directory (output)
 * @len:	size of @dir
 * @monitor:	the monitor's pid if it runs, else 0 (output)
 *
 * Return: the document, or NULL if there is no such container
 */
static struct json_object *load_info(const char *id, char *dir, size_t len,
				     pid_t *monitor)
{
	_cleanup_free_ char *cdir = NULL;
	struct json_object *o, *v;
	unsigned long long start = 0;
	char path[PATH_MAX];
	struct sl_error e;
	pid_t pid;

	*monitor = 0;
	if (strchr(id, '/') || id[0] == '.' ||
	    sl_store_dir("containers", &cdir, &e))
		return NULL;
	snprintf(dir, len, "%s/%s", cdir, id);
	snprintf(path, sizeof(path), "%s/info.json", dir);
	if (!(o = json_object_from_file(path)))
		return NULL;
	pid = json_object_object_get_ex(o, "monitor", &v)
		      ? json_object_get_int(v)
		      : 0;
	if (pid > 0 && !sl_proc_starttime(pid, &start) &&
	    json_object_object_get_ex(o, "monitor_start", &v) &&
	    (unsigned long long)json_object_get_int64(v) == start)
		*monitor = pid;
	return o;
}

/**
 * print_ps() - one line of sublet ps
 * @id:		container id
 * @all:	also exited containers
 * @quiet:	ids only
 */
static void print_ps(const char *id, bool all, bool quiet)
{
	struct json_object *o, *cmd, *v;
	char dir[PATH_MAX], command[64] = "", status[32];
	pid_t mon;

	if (!(o = load_info(id, dir, sizeof(dir), &mon)))
		return;
	if (mon)
		snprintf(status, sizeof(status), "running");
	else if (!json_object_object_get_ex(o, "status", &v) ||
		 strcmp(json_object_get_string(v), "exited"))
		snprintf(status, sizeof(status), "exited (unknown)");
	else
		snprintf(status, sizeof(status), "exited (%d)",
			 json_object_get_int(
				 json_object_object_get(o, "exit_code")));
	cmd = json_object_object_get(o, "command");
	for (size_t i = 0; cmd && i < json_object_array_length(cmd); i++)
		snprintf(command + strlen(command),
			 sizeof(command) - strlen(command), "%s%s",
			 i ? " " : "",
			 json_object_get_string(
				 json_object_array_get_idx(cmd, i)));
	if (all || mon) {
		if (quiet)
			printf("%s\n", id);
		else
			printf("%-16s %-24s %-12s %s\n", id,
			       json_object_get_string(
				       json_object_object_get(o, "image")),
			       status, command);
	}
	json_object_put(o);
}

/**
 * cmd_cps() - sublet ps [-a] [-q] (without ID), else runc's ps ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_cps(struct cli *c, int argc, char **argv)
{
	_cleanup_free_ char *dir = NULL;
	bool all = false, quiet = false;
	struct sl_error e;
	char **ids = NULL;
	size_t n = 0;
	DIR *dp;
	struct dirent *d;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return printf("Usage: sublet ps [-a] [-q]\n"
				      "       sublet ps [--format table|json] "
				      "ID   (runc's: processes of ID)\n"),
			       0;
		else
			return cmd_ps(c, argc, argv);
	}
	if (sl_store_dir("containers", &dir, &e))
		return cli_fail(&e);
	if (!(dp = opendir(dir)))
		return cli_usage("ps", "open `%s`: %s", dir, strerror(errno));
	while ((d = readdir(dp))) {
		char **v;

		if (d->d_name[0] == '.' ||
		    !(v = realloc(ids, (n + 1) * sizeof(*v))))
			continue;
		ids = v;
		ids[n++] = strdup(d->d_name);
	}
	closedir(dp);
	if (!quiet)
		printf("%-16s %-24s %-12s %s\n", "ID", "IMAGE", "STATUS",
		       "COMMAND");
	for (size_t i = 0; i < n; i++) {
		print_ps(ids[i], all, quiet);
		free(ids[i]);
	}
	free(ids);
	return 0;
}

/**
 * wait_monitor() - wait up to @ms for process @pid to exit
 * @pid:	process
 * @ms:		milliseconds
 *
 * Return: true if it is gone
 */
static bool wait_monitor(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return true;
		usleep(10000);
	}
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/**
 * stop_one() - stop a container: SIGTERM, then SIGKILL after @secs
 * @c:		CLI state
 * @id:		container id
 * @secs:	grace period
 *
 * Return: 0 or 1 after printing an error
 */
static int stop_one(struct cli *c, const char *id, int secs)
{
	struct json_object *o;
	struct sl_error e;
	char dir[PATH_MAX];
	pid_t mon;

	if (!(o = load_info(id, dir, sizeof(dir), &mon)))
		return cli_usage("stop", "no container `%s` (see sublet ps -a)",
				 id);
	json_object_put(o);
	if (!mon)
		return 0;
	kill(mon, SIGTERM);
	if (wait_monitor(mon, secs * 1000))
		return 0;
	if (cli_root(c))
		return 1;
	sl_container_kill(c->root, id, SIGKILL, true, &e);
	if (!wait_monitor(mon, 5000))
		return cli_usage("stop", "container `%s` did not stop", id);
	return 0;
}

/**
 * cmd_stop() - sublet stop [-t SECS] ID...
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_stop(struct cli *c, int argc, char **argv)
{
	int secs = 10, o, status = 0;

	while ((o = getopt(argc, argv, "+ht:")) != -1) {
		if (o == 'h')
			return fputs("Usage: sublet stop [-t SECONDS] ID...\n",
				     stdout),
			       0;
		if (o != 't' || cli_parse_int("stop", "-t", optarg, &secs))
			return o == 't' ? 1 : cli_usage("stop", "bad option");
	}
	if (optind >= argc)
		return cli_usage("stop", "expected a container ID");
	for (int i = optind; i < argc; i++)
		status |= stop_one(c, argv[i], secs);
	return status;
}

/**
 * cmd_rm() - sublet rm [-f] ID...
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_rm(struct cli *c, int argc, char **argv)
{
	struct sl_idmaps m;
	struct sl_error e;
	bool force = false;
	int o, status = 0;

	while ((o = getopt(argc, argv, "+hf")) != -1) {
		if (o == 'h')
			return fputs("Usage: sublet rm [-f] ID...\n", stdout),
			       0;
		if (o != 'f')
			return cli_usage("rm", "bad option (see --help)");
		force = true;
	}
	if (optind >= argc)
		return cli_usage("rm", "expected a container ID");
	if (sl_idmaps_get(&m, &e))
		return cli_fail(&e);
	for (int i = optind; i < argc; i++) {
		struct json_object *info;
		char dir[PATH_MAX];
		pid_t mon;

		if (!(info = load_info(argv[i], dir, sizeof(dir), &mon))) {
			status = cli_usage("rm",
					   "no container `%s` (see "
					   "sublet ps -a)",
					   argv[i]);
			continue;
		}
		json_object_put(info);
		if (mon && !force) {
			status = cli_usage("rm",
					   "container `%s` is running: stop it "
					   "first (sublet stop %s) or use -f",
					   argv[i], argv[i]);
			continue;
		}
		if (mon && stop_one(c, argv[i], 0)) {
			status = 1;
			continue;
		}
		if (sl_rm_rf_userns(&m, dir, &e))
			status = cli_fail(&e);
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

/**
 * copy_out() - copy what @fd has now to standard output
 * @fd:	the log, at the position reached so far
 *
 * Return: 0, or -1 when standard output fails
 */
static int copy_out(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
	return fflush(stdout) ? -1 : 0;
}

/**
 * follow() - logs -f: go on copying the log until the container ends
 * @fd:		the log, read to its end
 * @path:	its path, watched with inotify
 * @mon:	the container's monitor, 0 when it is gone
 *
 * No polling: poll() waits for inotify to say the log grew, or for the
 * monitor's pidfd to say the container ended (then what is left is
 * copied and we return).
 *
 * Return: exit status
 */
static int follow(int fd, const char *path, pid_t mon)
{
	_cleanup_close_ int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	_cleanup_close_ int pfd = -1;
	char ev[4096];

	if (mon > 0)
		pfd = (int)syscall(SYS_pidfd_open, mon, 0);
	if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0)
		return cli_usage("logs", "watch `%s`: %s", path,
				 strerror(errno));
	while (pfd >= 0) {
		struct pollfd p[2] = { { .fd = in, .events = POLLIN },
				       { .fd = pfd, .events = POLLIN } };

		if (copy_out(fd) < 0)
			return 1;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		while (read(in, ev, sizeof(ev)) > 0)
			;
		if (p[1].revents)
			break;
	}
	return copy_out(fd) < 0 ? 1 : 0;
}

/**
 * cmd_logs() - sublet logs [-f] ID: the output of a detached container
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_logs(struct cli *c, int argc, char **argv)
{
	static const char usage[] =
		"Usage: sublet logs [-f] ID\n"
		"\nPrints the output of a container run with -d; -f (--follow) "
		"goes on\nprinting it until the container ends.\n";
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "follow", no_argument, NULL, 'f' },
		{ 0 },
	};
	_cleanup_close_ int fd = -1;
	struct json_object *info;
	char dir[PATH_MAX], path[PATH_MAX + 8];
	bool follow_on = false;
	pid_t mon;
	int o;

	while ((o = getopt_long(argc, argv, "hf", opts, NULL)) != -1) {
		if (o == 'h')
			return fputs(usage, stdout), 0;
		if (o != 'f')
			return cli_usage("logs", "bad option (see --help)");
		follow_on = true;
	}
	if (optind != argc - 1)
		return cli_usage("logs", "expected one container ID");
	if (!(info = load_info(argv[optind], dir, sizeof(dir), &mon)))
		return cli_usage("logs", "no container `%s` (see sublet ps -a)",
				 argv[optind]);
	json_object_put(info);
	snprintf(path, sizeof(path), "%s/log", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0; /* not detached: nothing was logged */
	if (follow_on)
		return follow(fd, path, mon);
	return copy_out(fd) < 0 ? 1 : 0;
}

/**
 * export_out() - the file descriptor `export` writes to
 * @file:	-o FILE, NULL or "-" for standard output
 *
 * Return: an fd (our own), or -1 with the message printed
 */
static int export_out(const char *file)
{
	int fd;

	if (file && strcmp(file, "-")) {
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			cli_usage("export", "cannot write `%s`: %s", file,
				  strerror(errno));
		return fd;
	}
	if (isatty(STDOUT_FILENO)) {
		cli_usage("export", "standard output is a terminal: give -o "
				    "FILE or redirect it");
		return -1;
	}
	fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		cli_usage("export", "standard output: %s", strerror(errno));
	return fd;
}

/**
 * cmd_export() - sublet export [-o FILE] ID
 * @c:		CLI state
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int cmd_export(struct cli *c, int argc, char **argv)
{
	static const char usage[] =
		"Usage: sublet export [-o FILE] ID\n"
		"\nWrites the container's changes as an OCI layer (tar+zstd, "
		"whiteouts as .wh. files)\nto FILE, or to standard output "
		"when it is not a terminal.\n";
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ 0 },
	};
	_cleanup_close_ int fd = -1;
	struct json_object *info;
	const char *file = NULL;
	char dir[PATH_MAX];
	struct sl_error e;
	pid_t mon;
	int o;

	while ((o = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (o == 'h')
			return fputs(usage, stdout), 0;
		if (o != 'o')
			return cli_usage("export", "bad option (see --help)");
		file = optarg;
	}
	if (optind != argc - 1)
		return cli_usage("export", "expected [-o FILE] ID");
	if (!(info = load_info(argv[optind], dir, sizeof(dir), &mon)))
		return cli_usage("export",
				 "no container `%s` (see sublet ps -a)",
				 argv[optind]);
	json_object_put(info);
	if ((fd = export_out(file)) < 0)
		return 1;
	if (sl_export(dir, fd, &e)) {
		if (file && strcmp(file, "-"))
			unlink(file);
		return cli_fail_cmd("export", &e);
	}
	return 0;
}
