// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * people-run.c - `sublet run IMAGE`: compose, start, watch, tear down
 *
 * DOC: Theory of Operation
 * One sublet process is the container's monitor from start to end:
 *  1. the image is looked up, the storage driver picked, and the
 *     container's directory (store containers/ID) written as an OCI
 *     bundle by compose.c;
 *  2. a reaper is forked: it waits on a pipe from the monitor and, if the
 *     monitor dies without saying it is done (kill -9), deletes what the
 *     monitor would have: the runtime state, the directory for --rm;
 *  3. the container is created through the runtime library; its init
 *     mounts the overlay inside the container's namespaces (oci/overlay.c) and
 *     waits on exec.fifo;
 *  4. with --net netd (the default) sublet-netd is started by create
 *     itself, as soon as the init's namespaces exist and its id maps are
 *     written, and sets up the network while the init makes its mounts
 *     (net.c); once create has returned, its ready fd is waited for and
 *     the published ports are added through its API socket;
 *  5. the container is started; the monitor forwards terminating signals
 *     to it, relays the terminal for -t, and watches the init, sublet-netd
 *     and the sublet-overlayfs daemon through pidfds: if a helper dies, the
 *     container is killed;
 *  6. when the init is gone: sublet-netd is asked to stop, the runtime
 *     state deleted, for --rm the directory removed, and sublet-netd,
 *     whose exit went on meanwhile, reaped; the container's exit status
 *     becomes sublet's.
 * The init dies with the monitor (PR_SET_PDEATHSIG), the overlay daemon
 * with the init's PID namespace and the mount with its mount namespace,
 * so a kill -9 anywhere leaves nothing mounted and nothing running.
 *
 * With -d the monitor runs in a child in its own session, its output in
 * the directory's log file; the parent prints the ID once the container
 * has started.  info.json records the monitor's pid and the exit status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "runtime/image/store.h"
#include "runtime/oci/container.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/state.h"
#include "runtime/run/run.h"

struct run {
	const struct sl_run_opts *o;
	const char *root; /* runtime root */
	char id[64];
	char dir[PATH_MAX];
	struct sl_idmaps maps;
	struct sl_image img;
	enum sl_driver drv;
	pid_t init, fuse;
	struct sl_netd net; /* --net netd */
	int console;
	int reaper;  /* write end of the reaper's pipe */
	int started; /* -d: write end of the parent's pipe, or -1 */
};

static volatile pid_t run_init;
static volatile sig_atomic_t run_signalled; /* a signal was passed on */

/**
 * forward() - signal handler: pass the signal on to the container
 * @sig:	signal
 */
static void forward(int sig)
{
	if (run_init > 0) {
		kill(run_init, sig);
		run_signalled = 1;
	}
}

/**
 * poll_timeout() - how long watch() may wait: forever, or until the
 * stop timeout after the first signal passed on to the container
 * @r:		run
 * @since:	when the first signal was seen (set here on first sight)
 *
 * Return: milliseconds for poll(), -1 for no limit, 0 when it is over
 */
static int poll_timeout(struct run *r, struct timespec *since)
{
	unsigned int limit = r->o->stop_timeout ? r->o->stop_timeout : 10;
	struct timespec now;
	long long ms;

	if (!run_signalled)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!since->tv_sec && !since->tv_nsec)
		*since = now;
	ms = (long long)limit * 1000 -
	     ((now.tv_sec - since->tv_sec) * 1000LL +
	      (now.tv_nsec - since->tv_nsec) / 1000000);
	return ms > 0 ? (int)ms : 0;
}

/**
 * info_overwrite() - write @len bytes of @s over @path in place
 * @path:	the existing info.json
 * @s:		its new content
 * @len:	length of @s
 *
 * For a store that has no room for a second copy: the blocks of the
 * old record are reused, so the exit status still gets recorded.
 *
 * Return: 0 or -errno
 */
static int info_overwrite(const char *path, const char *s, size_t len)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (pwrite(fd, s, len, 0) != (ssize_t)len || ftruncate(fd, len) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

/**
 * info_write() - write the container's info.json
 * @r:		run
 * @status:	"created", "running" or "exited"
 * @code:	exit code, for "exited"
 *
 * The record is replaced whole (write_file_atomic()); where the store
 * is full it is overwritten in place instead.  A record that could not
 * be written at all is reported on stderr.
 */
static void info_write(struct run *r, const char *status, int code)
{
	struct json_object *o = json_object_new_object(), *cmd;
	unsigned long long start = 0;
	char path[PATH_MAX];
	const char *s;
	int ret;

	sl_proc_starttime(getpid(), &start);
	json_object_object_add(o, "id", json_object_new_string(r->id));
	json_object_object_add(o, "image", json_object_new_string(r->img.name));
	cmd = json_object_new_array();
	for (int i = 0; i < r->o->ncmd; i++)
		json_object_array_add(cmd,
				      json_object_new_string(r->o->cmd[i]));
	json_object_object_add(o, "command", cmd);
	json_object_object_add(o, "created", json_object_new_int64(time(NULL)));
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "exit_code", json_object_new_int(code));
	json_object_object_add(o, "monitor", json_object_new_int(getpid()));
	json_object_object_add(o, "monitor_start",
			       json_object_new_int64((int64_t)start));
	json_object_object_add(o, "rm", json_object_new_boolean(r->o->rm));
	snprintf(path, sizeof(path), "%s/info.json", r->dir);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	ret = write_file_atomic(path, s, strlen(s), 0644, false);
	if (ret == -ENOSPC || ret == -EDQUOT)
		ret = info_overwrite(path, s, strlen(s));
	if (ret)
		fprintf(stderr,
			"sublet: cannot record the container's %s "
			"status in `%s`: %s\n",
			status, path, strerror(-ret));
	json_object_put(o);
}

/**
 * teardown() - stop sublet-netd, delete the runtime state, and the
 * directory for --rm
 * @r:		run
 * @code:	exit code to record
 */
static void teardown(struct run *r, int code)
{
	struct sl_error e;

	sl_netd_stop(&r->net); /* its exit overlaps the rest */
	sl_container_delete(r->root, r->id, true, NULL, &e);
	if (r->o->rm)
		sl_rm_rf_userns(&r->maps, r->dir, &e);
	else
		info_write(r, "exited", code);
	sl_netd_reap(&r->net);
}

/**
 * reaper() - clean up after the monitor if it dies without doing so
 * @r:		run
 * @fd:		read end of the monitor's pipe
 */
static void __attribute__((noreturn)) reaper(struct run *r, int fd)
{
	char c;
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	if (c != 'k') {
		r->net.pid = 0; /* not ours: it dies with the monitor */
		teardown(r, 137);
	}
	_exit(0);
}

/**
 * start_reaper() - fork the reaper
 * @r:	run
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int start_reaper(struct run *r, struct sl_error *e)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return sl_error_set(e, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return sl_error_set(e, errno, "fork");
	if (pid == 0) {
		close(p[1]);
		if (r->started >= 0)
			close(r->started);
		reaper(r, p[0]);
	}
	close(p[0]);
	r->reaper = p[1];
	return 0;
}

/**
 * pick_id() - the container's id: --name or 12 random hex digits
 * @r:	run
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int pick_id(struct run *r, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	unsigned char b[6];
	int ret;

	if (r->o->name) {
		if (sl_id_valid(r->o->name, e))
			return sl_error_prefix(e, "--name");
		snprintf(r->id, sizeof(r->id), "%s", r->o->name);
	} else {
		if (getrandom(b, sizeof(b), 0) != sizeof(b))
			return sl_error_set(e, errno, "getrandom");
		for (size_t i = 0; i < sizeof(b); i++)
			snprintf(r->id + 2 * i, 3, "%02x", b[i]);
	}
	if ((ret = sl_store_dir("containers", &dir, e)))
		return ret;
	snprintf(r->dir, sizeof(r->dir), "%s/%s", dir, r->id);
	if (mkdir(r->dir, 0700) < 0) {
		if (errno == EEXIST)
			return sl_error_say(e, EEXIST,
					    "container name `%s` is in use: "
					    "remove it with `sublet rm %s`",
					    r->id, r->id);
		return sl_error_set(e, errno, "create `%s`", r->dir);
	}
	return 0;
}

/**
 * find_fuse() - the sublet-overlayfs daemon among the init's children
 * @init:	the init
 *
 * Return: its pid, or 0
 */
static pid_t find_fuse(pid_t init)
{
	char path[64], buf[4096], comm[32];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", init, init);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		_cleanup_close_ int cfd = -1;
		ssize_t k;

		snprintf(path, sizeof(path), "/proc/%s/comm", t);
		cfd = open(path, O_RDONLY | O_CLOEXEC);
		if (cfd >= 0 && (k = read(cfd, comm, sizeof(comm) - 1)) > 0) {
			comm[k] = '\0';
			if (!strncmp(comm, "sublet-overlayf", 15))
				return atoi(t);
		}
	}
	return 0;
}

/**
 * pidfd() - a pidfd for @pid, or -1
 * @pid:	process, 0 for none
 *
 * Return: fd or -1
 */
static int pidfd(pid_t pid)
{
	return pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
}

/**
 * watch() - wait for the init; kill it if a helper dies first
 * @r:	run
 *
 * Return: the container's exit code
 */
static int watch(struct run *r)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa = { .sa_handler = forward };
	struct pollfd p[3] = {
		{ .fd = pidfd(r->init), .events = POLLIN },
		{ .fd = pidfd(r->net.pid), .events = POLLIN },
		{ .fd = pidfd(r->fuse), .events = POLLIN },
	};
	static const char *const names[] = { NULL, "sublet-netd",
					     "sublet-overlayfs" };
	struct timespec since = { 0 };
	struct sl_error e;
	int status = 0;

	run_init = r->init;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	if (r->console >= 0) {
		sl_console_proxy(r->console, r->init, &e);
		close(r->console);
	}
	for (;;) {
		int n, ms = poll_timeout(r, &since);

		if (p[0].fd < 0)
			break;
		if (!ms) {
			warn("container %s still runs %u s after the signal: "
			     "killing it",
			     r->id,
			     r->o->stop_timeout ? r->o->stop_timeout : 10);
			kill(r->init, SIGKILL);
			run_signalled = 0;
			continue;
		}
		if ((n = poll(p, 3, ms)) <= 0)
			continue;
		if (p[0].revents)
			break;
		for (size_t i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			/* the init's PID namespace takes the daemon down as
			 * it exits: not a helper failure */
			if (poll(p, 1, 200) == 1)
				break;
			warn("%s died: stopping container %s", names[i], r->id);
			kill(r->init, SIGKILL);
			close(p[i].fd);
			p[i].fd = -1;
			if (i == 1)
				sl_netd_reap(&r->net);
		}
	}
	while (waitpid(r->init, &status, 0) < 0)
		if (errno != EINTR)
			break;
	run_init = 0;
	for (size_t i = 0; i < 3; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return sl_wait_status(status);
}

/**
 * start_container() - create (sublet-netd starting meanwhile), wait for
 * the network, start
 * @r:		run
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int start_container(struct run *r, struct sl_error *e)
{
	const struct sl_create_early early = { .start = sl_netd_start,
					       .undo = sl_netd_abort,
					       .arg = &r->net };
	struct sl_create_opts co = {
		.root = r->root,
		.id = r->id,
		.bundle = r->dir,
		.proxy_console = r->o->tty,
	};
	bool net = r->o->net == SL_NET_NETD;
	struct sl_created out;
	int ret;

	if (net && (ret = sl_netd_find(&r->net, e)))
		return ret;
	co.early = net ? &early : NULL;
	if ((ret = sl_container_create(&co, &out, e)))
		return ret;
	r->init = out.pid;
	r->console = out.console;
	if (r->drv == SL_DRV_FUSE)
		r->fuse = find_fuse(r->init);
	debug("container %s: storage driver %s, init %d, sublet-netd %d", r->id,
	      r->drv == SL_DRV_KERNEL ? "kernel" : "fuse", r->init, r->net.pid);
	if (net && (ret = sl_netd_ready(&r->net, e)))
		return ret;
	return sl_container_start(r->root, r->id, NULL, e);
}

/**
 * detach() - -d: fork the monitor into its own session
 * @r:	run
 * @e:	error
 *
 * Return: 1 in the parent once the container started, 0 in the monitor,
 * or -errno in the parent with @e set
 */
static int detach(struct run *r, struct sl_error *e)
{
	char path[PATH_MAX], msg[SL_ERROR_MSG] = "";
	int p[2], fd;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return sl_error_set(e, errno, "pipe");
	if ((pid = fork()) < 0)
		return sl_error_set(e, errno, "fork");
	if (pid > 0) {
		close(p[1]);
		n = read(p[0], msg, sizeof(msg) - 1);
		close(p[0]);
		msg[n > 0 ? n : 0] = '\0';
		if (n == 2 && !strcmp(msg, "ok"))
			return 1;
		return sl_error_say(e, EIO, "%s", *msg ? msg : "monitor died");
	}
	close(p[0]);
	r->started = p[1];
	setsid();
	snprintf(path, sizeof(path), "%s/log", r->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	return 0;
}

/**
 * not_found() - turn the runtime's command-not-found into words for people
 * @r:	run
 * @e:	error: of kind SL_ERR_CMD_NOT_FOUND, its message is rewritten
 *	with the command the bundle's config names
 *
 * Return: true if it was a command not found
 */
static bool not_found(struct run *r, struct sl_error *e)
{
	struct sl_config *cfg;
	struct sl_error ignore;

	if (e->kind != SL_ERR_CMD_NOT_FOUND)
		return false;
	if (sl_config_load(r->dir, &cfg, &ignore))
		return true;
	sl_error_say(e, ENOENT,
		     "command `%s` not found in image `%s`: check the name, "
		     "or give its full path",
		     cfg->process.args[0], r->img.name);
	sl_config_free(cfg);
	sl_error_mark(e, SL_ERR_CMD_NOT_FOUND);
	return true;
}

/**
 * prepare() - image, ids, driver, id, bundle
 * @r:	run
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int prepare(struct run *r, struct sl_error *e)
{
	int ret;

	if ((ret = sl_image_load_bundled(r->o->image, &r->img, e)) ||
	    (ret = sl_idmaps_get(&r->maps, e)) || (ret = pick_id(r, e)))
		return ret;
	if ((ret = sl_image_pin(r->dir, &r->img, e)) ||
	    (ret = sl_driver_pick(r->o->driver, r->img.layers, r->img.nlayers,
				  &r->drv, e)) ||
	    (ret = sl_compose_config(r->o, &r->img, &r->maps, r->dir, r->id,
				     r->drv, e))) {
		rmdir(r->dir);
		sl_rm_rf_userns(&r->maps, r->dir, &(struct sl_error){ 0 });
	}
	return ret;
}

/**
 * sl_people_run() - run a container from an image, see the DOC above
 * @o:		options
 * @root:	runtime root
 * @e:		error
 *
 * Return: the container's exit code (0..255), or -errno before it ran:
 * -ENOENT for a command not found in the image
 */
int sl_people_run(const struct sl_run_opts *o, const char *root,
		  struct sl_error *e)
{
	struct run r = { .o = o,
			 .root = root,
			 .started = -1,
			 .console = -1,
			 .reaper = -1,
			 .net = { .exitw = -1, .ready = -1 } };
	int ret, code;

	if ((ret = prepare(&r, e)))
		goto out_img;
	if (o->detach && (ret = detach(&r, e)) != 0) {
		if (ret == 1) {
			printf("%s\n", r.id);
			ret = 0;
		}
		goto out_img;
	}
	info_write(&r, "created", 0);
	if ((ret = start_reaper(&r, e)))
		goto fail;
	r.net.dir = r.dir;
	r.net.ports = o->ports;
	r.net.nports = o->nports;
	if ((ret = start_container(&r, e))) {
		if (not_found(&r, e))
			ret = -ENOENT;
		goto fail;
	}
	info_write(&r, "running", 0);
	if (r.started >= 0) {
		if (write(r.started, "ok", 2) < 0)
			debug("detached parent gone");
		close(r.started);
		r.started = -1;
	}
	code = watch(&r);
	teardown(&r, code);
	if (write(r.reaper, "k", 1) < 0)
		debug("reaper gone");
	close(r.reaper);
	sl_image_free(&r.img);
	return code;
fail:
	if (r.started >= 0 && write(r.started, e->msg, strlen(e->msg)) < 0)
		debug("detached parent gone");
	if (r.init > 0) {
		kill(r.init, SIGKILL);
		waitpid(r.init, NULL, 0);
	}
	teardown(&r, 125);
	if (!o->rm)
		sl_rm_rf_userns(&r.maps, r.dir, &(struct sl_error){ 0 });
	if (r.reaper >= 0 && write(r.reaper, "k", 1) < 0)
		debug("reaper gone");
out_img:
	sl_image_free(&r.img);
	return ret;
}

/**
 * sl_run_image_user() - a container that uses @image, if any
 * @image:	image name
 * @id:		output: the container's id
 * @len:	its size
 *
 * Return: true if one does
 */
bool sl_run_image_user(const char *image, char *id, size_t len)
{
	_cleanup_free_ char *dir = NULL;
	struct sl_error e;
	struct dirent *d;
	bool found = false;
	DIR *dp;

	if (sl_store_dir("containers", &dir, &e) || !(dp = opendir(dir)))
		return false;
	while (!found && (d = readdir(dp))) {
		char path[PATH_MAX];
		struct json_object *o, *v;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/info.json", dir, d->d_name);
		if (!(o = json_object_from_file(path)))
			continue;
		if (json_object_object_get_ex(o, "image", &v) &&
		    !strcmp(json_object_get_string(v), image)) {
			snprintf(id, len, "%s", d->d_name);
			found = true;
		}
		json_object_put(o);
	}
	closedir(dp);
	return found;
}
