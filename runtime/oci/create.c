// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create.c - create: the container's init, up to exec.fifo
 *
 * DOC: Theory of Operation
 * create validates everything it can before anything exists (config,
 * rootfs, namespaces, seccomp profile), then reserves the id by making
 * the state directory, makes exec.fifo, and clones the init (init.c) with
 * the config's namespaces.  It places the init in a cgroup when it can,
 * writes its id maps, and serves the init's requests on the sync socket
 * until the init says it is ready (state.json and the pid file are then
 * written) or reports an error.  A caller's early start (struct
 * sl_create_early) runs once the maps are written, while the init makes
 * its mounts.  On any failure after the id was reserved the early start
 * is undone, the init is killed and reaped (its mounts die with its mount
 * namespace), and the cgroup and state directory are removed: a failed
 * create leaves nothing behind.  start, kill and delete are container.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "runtime/oci/container.h"
#include "runtime/oci/init.h"
#include "runtime/oci/linux.h"
#include "runtime/oci/sync.h"

/**
 * now_rfc3339() - the current time as RFC 3339 with nanoseconds
 * @buf:	output
 * @len:	its size
 */
static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", s, ts.tv_nsec);
}

/**
 * write_pid_file() - write @pid to @path atomically
 * @path:	file
 * @pid:	pid
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int write_pid_file(const char *path, pid_t pid, struct sl_error *e)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", pid), r;

	if ((r = write_file_atomic(path, buf, (size_t)n, 0644, false)))
		return sl_error_set(e, -r, "pid file `%s`", path);
	return 0;
}

/**
 * connect_console() - connect to --console-socket
 * @path:	socket path
 * @e:		error
 *
 * Return: the connected fd or -errno
 */
static int connect_console(const char *path, struct sl_error *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return sl_error_set(e, ENAMETOOLONG, "console socket `%s`",
				    path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return sl_error_set(e, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = sl_error_set(e, errno, "connect console socket `%s`",
				     path);

		close(fd);
		return r;
	}
	return fd;
}

struct create {
	const struct sl_create_opts *o;
	struct sl_config *cfg;
	struct sl_seccomp *filter;
	struct sl_state st;
	char *fifo;
	int flags;
	int sync[2];
	int console; /* passed to the init */
	int proxy;   /* our end when proxying */
	int lock;    /* the state lock: the init must not hold it */
	int fifo_fd; /* O_PATH: the init may not reach the state dir */
	pid_t child; /* what we cloned, until it hands over to its child */
	pid_t pid;
	bool early; /* the caller's early start ran: undo it on failure */
};

/**
 * id_mapped() - whether @id is inside one of the container ranges
 * @m:		mappings (NULL: only 0 is mapped, the default)
 * @n:		their number
 * @id:		container id
 *
 * Return: true if mapped
 */
static bool id_mapped(const struct sl_idmap *m, size_t n, uint32_t id)
{
	if (!n)
		return id == 0;
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container && id - m[i].container < m[i].size)
			return true;
	return false;
}

/**
 * check_user() - the process's uid and gids exist in the user namespace
 * @cfg:	config
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int check_user(const struct sl_config *cfg, struct sl_error *e)
{
	const struct sl_process *p = &cfg->process;

	if (!sl_config_has_ns(cfg, CLONE_NEWUSER))
		return 0;
	if (!id_mapped(cfg->uid_maps, cfg->nuid_maps, p->uid))
		return sl_error_set(e, 0,
				    "process.user.uid: %u is not mapped in "
				    "linux.uidMappings",
				    p->uid);
	if (!id_mapped(cfg->gid_maps, cfg->ngid_maps, p->gid))
		return sl_error_set(e, 0,
				    "process.user.gid: %u is not mapped in "
				    "linux.gidMappings",
				    p->gid);
	for (size_t i = 0; i < p->ngids; i++)
		if (!id_mapped(cfg->gid_maps, cfg->ngid_maps, p->gids[i]))
			return sl_error_set(
				e, 0,
				"process.user.additionalGids: %u is "
				"not mapped in linux.gidMappings",
				p->gids[i]);
	return 0;
}

/**
 * create_check() - everything that can be refused before the id is taken
 * @c:		create in progress
 * @bundle:	absolute bundle path
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int create_check(struct create *c, const char *bundle,
			struct sl_error *e)
{
	struct stat st;
	int r;

	if ((r = sl_config_load(bundle, &c->cfg, e)))
		return r;
	if (!c->cfg->has_process)
		return sl_error_set(e, 0,
				    "config.json: process: missing required "
				    "field");
	if (stat(c->cfg->root_path, &st) < 0)
		return sl_error_set(e, errno, "root.path: rootfs `%s`",
				    c->cfg->root_path);
	if (!S_ISDIR(st.st_mode))
		return sl_error_set(e, ENOTDIR, "root.path: rootfs `%s`",
				    c->cfg->root_path);
	c->flags = sl_ns_clone_flags(c->cfg, e);
	if (c->flags < 0)
		return c->flags;
	if ((r = sl_config_check_mountns(c->cfg, e)) ||
	    (r = check_user(c->cfg, e)))
		return r;
	if ((r = sl_seccomp_build(c->cfg->seccomp, &c->filter, e)))
		return sl_error_prefix(e, "config.json");
	if (c->cfg->process.terminal && !c->o->console_socket &&
	    !c->o->proxy_console)
		return sl_error_set(e, 0,
				    "process.terminal is set: --console-socket "
				    "is needed");
	if ((c->cfg->process.apparmor || c->cfg->process.selinux ||
	     c->cfg->mount_label) &&
	    c->o->warn)
		c->o->warn("AppArmor/SELinux labels are not supported here; "
			   "ignored");
	return 0;
}

/**
 * create_files() - exec.fifo and the console socket
 * @c:		create in progress
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int create_files(struct create *c, struct sl_error *e)
{
	int sv[2];

	if (sl_state_path(c->o->root, c->o->id, "exec.fifo", &c->fifo) < 0)
		return sl_error_set(e, ENOMEM, "fifo");
	/* 0622: the init may have changed uid when it opens it */
	if (mkfifo(c->fifo, 0622) < 0 || chmod(c->fifo, 0622) < 0)
		return sl_error_set(e, errno, "mkfifo `%s`", c->fifo);
	c->fifo_fd = open(c->fifo, O_PATH | O_CLOEXEC);
	if (c->fifo_fd < 0)
		return sl_error_set(e, errno, "open `%s`", c->fifo);
	if (c->cfg->process.terminal && c->o->console_socket) {
		c->console = connect_console(c->o->console_socket, e);
		if (c->console < 0)
			return c->console;
	} else if (c->cfg->process.terminal) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return sl_error_set(e, errno, "socketpair");
		c->console = sv[1];
		c->proxy = sv[0];
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->sync) < 0)
		return sl_error_set(e, errno, "socketpair");
	return 0;
}

/**
 * bind_rootfs() - without a mount namespace, the bind that the init's
 * mounts go on (sl_rootfs_bind_host()), detached by create_undo() or
 * delete
 * @c:		create in progress
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int bind_rootfs(struct create *c, struct sl_error *e)
{
	int r;

	if (sl_config_has_ns(c->cfg, CLONE_NEWNS) ||
	    !sl_config_mountns_need(c->cfg))
		return 0;
	if ((r = sl_rootfs_bind_host(c->cfg, e)))
		return r;
	c->st.rootfs_bound = true;
	return 0;
}

/**
 * spawn_init() - clone the init with the config's namespaces
 * @c:		create in progress
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int spawn_init(struct create *c, struct sl_error *e)
{
	pid_t pid = (pid_t)syscall(SYS_clone, c->flags | SIGCHLD, NULL, NULL,
				   NULL, NULL);

	if (pid < 0)
		return sl_error_set(e, errno, "clone container init");
	if (pid == 0) {
		struct sl_init_ctx ctx = {
			.config = c->cfg,
			.filter = c->filter,
			.sync = c->sync[1],
			.console = c->console,
			.preserve_fds = c->o->preserve_fds,
			.no_pivot = c->o->no_pivot,
			.fifo = c->fifo_fd,
		};

		close(c->sync[0]);
		close(c->lock);
		if (c->proxy >= 0)
			close(c->proxy);
		sl_init_main(&ctx);
	}
	close(c->sync[1]);
	c->sync[1] = -1;
	if (c->console >= 0) {
		close(c->console);
		c->console = -1;
	}
	c->pid = c->child = pid;
	return 0;
}

/**
 * let_init_go() - cgroup and maps; let the init go on; the early start
 * @c:		create in progress
 * @state:	the state text the init and the hooks get (written here)
 * @e:		error
 *
 * The early start runs after the init was told to go on, so that the
 * two work at the same time.
 *
 * Return: 0 or -errno
 */
static int let_init_go(struct create *c, char **state, struct sl_error *e)
{
	char warning[512];
	int r;

	r = sl_cgroup_enter(c->o->id, c->cfg, c->pid, &c->st.cgroup,
			    &c->st.unit, warning, sizeof(warning), e);
	if (r)
		return r;
	if (warning[0] && c->o->warn)
		c->o->warn(warning);
	if ((c->flags & CLONE_NEWUSER) &&
	    (r = sl_userns_write_maps(c->pid, c->cfg, e)))
		return r;
	c->st.pid = c->pid;
	if (sl_state_text(&c->st, SL_STATUS_CREATING, state) < 0 ||
	    sl_sync_send(c->sync[0], SL_SYNC_MAPS_DONE, 0, 0, *state) < 0)
		return sl_error_set(e, EPIPE, "container init");
	if (c->o->early) {
		if ((r = c->o->early->start(c->o->early->arg, c->pid, e)))
			return r;
		c->early = true;
	}
	return 0;
}

/**
 * serve_init() - maps, cgroup, early start, hooks; wait for the init to
 * be ready
 * @c:		create in progress
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int serve_init(struct create *c, struct sl_error *e)
{
	const struct sl_hooks *h = &c->cfg->hooks;
	_cleanup_free_ char *state = NULL;
	struct sl_sync m;
	int r;

	if ((r = let_init_go(c, &state, e)))
		return r;
	for (;;) {
		if (sl_sync_recv(c->sync[0], &m) < 0)
			return sl_error_set(e, 0,
					    "container init exited during "
					    "setup");
		if (m.type == SL_SYNC_ERROR)
			return sl_sync_error(&m, e);
		if (m.type == SL_SYNC_CREATED)
			return 0;
		if (m.type == SL_SYNC_PID) {
			/* the init forked into a joined pid namespace and
			 * exited: its child is now ours (subreaper) */
			waitpid(c->child, NULL, 0);
			c->pid = c->child = c->st.pid = m.pid;
			continue;
		}
		if (m.type != SL_SYNC_HOOKS)
			return sl_error_set(e, EPROTO, "container init");
		r = sl_hooks_run(h->hooks[SL_HOOK_PRESTART],
				 h->n[SL_HOOK_PRESTART], state, e);
		if (!r)
			r = sl_hooks_run(h->hooks[SL_HOOK_CREATE_RUNTIME],
					 h->n[SL_HOOK_CREATE_RUNTIME], state,
					 e);
		if (r)
			return sl_error_prefix(e, "createRuntime hook");
		sl_sync_send(c->sync[0], SL_SYNC_HOOKS_DONE, 0, 0, NULL);
	}
}

/**
 * create_finish() - state.json and the pid file
 * @c:		create in progress
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int create_finish(struct create *c, struct sl_error *e)
{
	char created[64];
	int r;

	now_rfc3339(created, sizeof(created));
	c->st.created = strdup(created);
	c->st.owner = geteuid();
	if (sl_proc_starttime(c->pid, &c->st.starttime) < 0)
		return sl_error_set(e, 0, "container init exited");
	if ((r = sl_state_save(c->o->root, &c->st, e)))
		return r;
	if (c->o->pid_file && (r = write_pid_file(c->o->pid_file, c->pid, e)))
		return r;
	return 0;
}

/**
 * create_release() - let the init outlive create, now that state.json
 * names it
 * @c:		create in progress
 * @e:		error
 *
 * The init keeps a parent-death signal until this handshake, so a create
 * killed before the state was saved takes its init with it.
 *
 * Return: 0 or -errno
 */
static int create_release(struct create *c, struct sl_error *e)
{
	struct sl_sync m;

	if (sl_sync_send(c->sync[0], SL_SYNC_KEEP, 0, 0, NULL) < 0 ||
	    sl_sync_recv(c->sync[0], &m) < 0 || m.type != SL_SYNC_KEPT)
		return sl_error_set(e, 0, "container init exited during setup");
	return 0;
}

/**
 * create_undo() - remove everything a failed create made
 * @c:	create in progress
 */
static void create_undo(struct create *c)
{
	struct sl_error ignored;

	/* first, so that what it started does not find the init gone */
	if (c->early && c->o->early->undo)
		c->o->early->undo(c->o->early->arg);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	sl_cgroup_remove(c->st.cgroup, c->st.unit);
	if (c->st.rootfs_bound)
		sl_rootfs_unbind_host(c->st.rootfs);
	sl_state_remove(c->o->root, c->o->id, &ignored);
}

/**
 * sl_container_create() - create a container; its init waits for start
 * @o:		options
 * @out:	the init's pid and the proxied console fd (on success)
 * @e:		error
 *
 * Return: 0 or -errno; on failure nothing is left behind
 */
int sl_container_create(const struct sl_create_opts *o, struct sl_created *out,
			struct sl_error *e)
{
	struct create c = {
		.o = o, .sync = { -1, -1 }, .console = -1, .proxy = -1
	};
	char bundle[PATH_MAX];
	int r, lock = -1;

	if ((r = sl_id_valid(o->id, e)))
		return r;
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return sl_error_set(e, errno, "bundle `%s`",
				    o->bundle ? o->bundle : ".");
	if ((r = create_check(&c, bundle, e)))
		goto out_free;
	if ((r = sl_state_mkdir(o->root, o->id, e)))
		goto out_free;
	c.st.id = strdup(o->id);
	c.st.bundle = strdup(bundle);
	c.st.rootfs = strdup(c.cfg->root_path);
	if (c.cfg->annotations) /* in every hook's state, from prestart on */
		c.st.annotations = json_object_get(c.cfg->annotations);
	/* an init that forks into a joined pid namespace hands its child
	 * over to us */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	lock = c.lock = sl_state_lock(o->root, o->id, e);
	if (lock < 0 || (r = create_files(&c, e)) || (r = bind_rootfs(&c, e)) ||
	    (r = spawn_init(&c, e)) || (r = serve_init(&c, e)) ||
	    (r = create_finish(&c, e)) || (r = create_release(&c, e))) {
		r = lock < 0 ? lock : r;
		create_undo(&c);
		if (c.proxy >= 0)
			close(c.proxy);
		goto out_close;
	}
	out->pid = c.pid;
	out->console = c.proxy;
out_close:
	if (lock >= 0)
		close(lock);
	if (c.fifo_fd >= 0)
		close(c.fifo_fd);
	if (c.console >= 0)
		close(c.console);
	for (int i = 0; i < 2; i++)
		if (c.sync[i] >= 0)
			close(c.sync[i]);
out_free:
	free(c.fifo);
	sl_state_free(&c.st);
	sl_seccomp_free(c.filter);
	sl_config_free(c.cfg);
	return r;
}
