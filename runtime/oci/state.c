// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - containers' state directories under the runtime root
 *
 * DOC: Theory of Operation
 * Each container owns ROOT/ID/ (ROOT is --root, created with its parents,
 * by default $XDG_RUNTIME_DIR/sublet for an unprivileged user, also when
 * it is root of its own user namespace as under rootless Podman, falling
 * back to /run/user/UID and then a private /tmp/sublet-run-UID without a
 * login session; /run/sublet for real root).  Creating the directory with mkdir() is what reserves the id, so
 * two creates of one id cannot both win.  The directory holds:
 *
 *  - state.json: what the runtime needs to find the container again (init
 *    pid and its start time, bundle, creation time, cgroup, whether its
 *    rootfs was bound in the caller's mount namespace), written
 *    atomically through a temporary file and rename();
 *  - exec.fifo: present from create until start; the container's init
 *    blocks opening it for writing, and start opens it for reading;
 *  - lock: flock()ed by every command that changes the container.
 *
 * The status is never stored, it is observed: the init pid gone (or
 * recycled: its start time differs) means stopped; alive with exec.fifo
 * present means created; otherwise running (paused when its cgroup is
 * frozen).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "runtime/oci/cgroups.h"
#include "runtime/oci/json.h"
#include "runtime/oci/state.h"

/**
 * sl_rootless() - whether we run without real root: not uid 0, or uid 0
 * of a user namespace other than the initial one (Podman's rootless
 * namespace, `unshare -r`)
 *
 * Return: true if rootless
 */
bool sl_rootless(void)
{
	char buf[128] = "";
	unsigned long a, b, n;
	int fd;

	if (geteuid() != 0)
		return true;
	fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return sscanf(buf, "%lu %lu %lu", &a, &b, &n) == 3 &&
	       !(a == 0 && b == 0 && n == 4294967295UL);
}

/**
 * own_dir() - whether @path is a directory of ours that no one else can use
 * @path:	directory
 *
 * Return: true when it is a real directory (no symlink), owned by our
 * euid, with no permission for group or others
 */
static bool own_dir(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == geteuid() && !(st.st_mode & 077);
}

/**
 * private_run_dir() - the runtime directory without a login session
 * @out:	malloc'ed path (written on success)
 * @e:		error
 *
 * $XDG_RUNTIME_DIR, else /run/user/UID where it exists; without a login
 * session (su, ssh without logind, CI) neither does, and, as Podman does,
 * a private directory /tmp/sublet-run-UID is made instead (mode 0700).
 * One that exists must be ours and private: /tmp is everyone's, and a
 * directory someone else made there could be watched or swapped.
 *
 * Return: 0 or -errno
 */
static int private_run_dir(char **out, struct sl_error *e)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *p = NULL;

	if (xdg && *xdg && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode))
		return (*out = strdup(xdg)) ? 0 : -ENOMEM;
	if (asprintf(&p, "/run/user/%u", geteuid()) < 0)
		return sl_error_set(e, ENOMEM, "root");
	if (own_dir(p)) {
		*out = p;
		return 0;
	}
	free(p);
	if (asprintf(&p, "/tmp/sublet-run-%u", geteuid()) < 0)
		return sl_error_set(e, ENOMEM, "root");
	if (mkdir(p, 0700) < 0 && errno != EEXIST) {
		int r = sl_error_set(e, errno, "create `%s`", p);

		free(p);
		return r;
	}
	if (!own_dir(p)) {
		int r = sl_error_say(e, EPERM,
				     "`%s` is not a private directory of "
				     "ours: remove it, or set XDG_RUNTIME_DIR "
				     "to a directory only you can use",
				     p);

		free(p);
		return r;
	}
	*out = p;
	return 0;
}

/**
 * sl_state_root() - the runtime root directory, created if missing
 * @opt:	--root value, NULL for the default
 * @out:	malloc'ed path (written on success)
 * @e:		error
 *
 * --root is created with its parents, as runc does.  The default is
 * /run/sublet for real root, else sublet/ in the user's runtime directory
 * (private_run_dir()).
 *
 * Return: 0 or -errno
 */
int sl_state_root(const char *opt, char **out, struct sl_error *e)
{
	_cleanup_free_ char *run = NULL;
	char *p = NULL;
	int r;

	if (opt)
		p = strdup(opt);
	else if (!sl_rootless())
		p = strdup("/run/sublet");
	else if ((r = private_run_dir(&run, e)))
		return r;
	else if (asprintf(&p, "%s/sublet", run) < 0)
		p = NULL;
	if (!p)
		return sl_error_set(e, ENOMEM, "root");
	r = opt ? mkdir_p(p, 0700) : mkdir(p, 0700) < 0 ? -errno : 0;
	if (r && r != -EEXIST) {
		r = sl_error_set(e, -r, "create root `%s`", p);
		free(p);
		return r;
	}
	*out = p;
	return 0;
}

/**
 * sl_id_valid() - check a container id: [A-Za-z0-9][A-Za-z0-9_.+-]*
 * @id:	the id
 * @e:	error
 *
 * Return: 0 or -EINVAL
 */
int sl_id_valid(const char *id, struct sl_error *e)
{
	size_t n = strlen(id);

	if (!n || n > 1024)
		return sl_error_set(e, 0, "invalid container id `%s`", id);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		if (i && strchr("_.+-", c))
			continue;
		return sl_error_set(e, 0, "invalid container id `%s`", id);
	}
	return 0;
}

/**
 * sl_state_path() - ROOT/ID[/FILE]
 * @root:	runtime root
 * @id:		container id
 * @file:	file in the state directory, NULL for the directory
 * @out:	malloc'ed path
 *
 * Return: 0 or -ENOMEM
 */
int sl_state_path(const char *root, const char *id, const char *file,
		  char **out)
{
	int n = file ? asprintf(out, "%s/%s/%s", root, id, file)
		     : asprintf(out, "%s/%s", root, id);

	return n < 0 ? -ENOMEM : 0;
}

/**
 * sl_state_mkdir() - reserve @id by creating its state directory
 * @root:	runtime root
 * @id:		container id
 * @e:		error ("container `ID` already exists")
 *
 * Return: 0 or -errno
 */
int sl_state_mkdir(const char *root, const char *id, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;

	if (sl_state_path(root, id, NULL, &dir) < 0)
		return sl_error_set(e, ENOMEM, "state");
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno == EEXIST)
		return sl_error_set(e, 0, "container `%s` already exists", id);
	return sl_error_set(e, errno, "create `%s`", dir);
}

/**
 * sl_state_lock() - take the container's lock for this process's life
 * @root:	runtime root
 * @id:		container id
 * @e:		error
 *
 * Return: the lock fd (close to release) or -errno
 */
int sl_state_lock(const char *root, const char *id, struct sl_error *e)
{
	_cleanup_free_ char *p = NULL;
	int fd;

	if (sl_state_path(root, id, "lock", &p) < 0)
		return sl_error_set(e, ENOMEM, "lock");
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == ENOENT)
			return sl_error_set(
				e, 0, "container `%s` does not exist", id);
		return sl_error_set(e, errno, "open `%s`", p);
	}
	if (flock(fd, LOCK_EX) < 0) {
		int r = sl_error_set(e, errno, "lock `%s`", p);

		close(fd);
		return r;
	}
	return fd;
}

/**
 * sl_state_save() - write ROOT/ID/state.json atomically
 * @root:	runtime root
 * @st:		state
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_state_save(const char *root, const struct sl_state *st,
		  struct sl_error *e)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *o = json_object_new_object();
	const char *s;
	int r;

	sl_json_add_str(o, "id", st->id);
	sl_json_add_str(o, "bundle", st->bundle);
	sl_json_add_str(o, "rootfs", st->rootfs);
	sl_json_add_str(o, "created", st->created);
	sl_json_add_str(o, "cgroup", st->cgroup);
	if (st->unit)
		sl_json_add_str(o, "systemdUnit", st->unit);
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_add(o, "starttime",
			       json_object_new_uint64(st->starttime));
	json_object_object_add(o, "owner", json_object_new_int64(st->owner));
	if (st->rootfs_bound)
		json_object_object_add(o, "rootfsBound",
				       json_object_new_boolean(1));
	if (st->annotations)
		json_object_object_add(o, "annotations",
				       json_object_get(st->annotations));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (sl_state_path(root, st->id, "state.json", &path) < 0) {
		json_object_put(o);
		return sl_error_set(e, ENOMEM, "state.json");
	}
	if ((r = write_file_atomic(path, s, strlen(s), 0600, false)))
		r = sl_error_set(e, -r, "write `%s`", path);
	json_object_put(o);
	return r;
}

/**
 * sl_state_load() - read ROOT/ID/state.json
 * @root:	runtime root
 * @id:		container id
 * @st:		state to fill; free with sl_state_free()
 * @e:		error ("container `ID` does not exist", code -ENOENT)
 *
 * Return: 0 or -errno
 */
int sl_state_load(const char *root, const char *id, struct sl_state *st,
		  struct sl_error *e)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *o, *v;

	if (sl_id_valid(id, e))
		return e->code;
	if (sl_state_path(root, id, "state.json", &path) < 0)
		return sl_error_set(e, ENOMEM, "state");
	o = json_object_from_file(path);
	if (!o) {
		if (access(path, F_OK) < 0 && errno == ENOENT) {
			sl_error_set(e, 0, "container `%s` does not exist", id);
			return e->code = -ENOENT;
		}
		return sl_error_set(e, 0, "`%s`: malformed state", path);
	}
	memset(st, 0, sizeof(*st));
	st->id = strdup(id);
	st->bundle = sl_json_peek_strdup(o, "bundle");
	st->rootfs = sl_json_peek_strdup(o, "rootfs");
	st->created = sl_json_peek_strdup(o, "created");
	st->cgroup = sl_json_peek_strdup(o, "cgroup");
	st->unit = sl_json_peek_strdup(o, "systemdUnit");
	if (json_object_object_get_ex(o, "pid", &v))
		st->pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "starttime", &v))
		st->starttime = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "owner", &v))
		st->owner = (unsigned int)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "rootfsBound", &v))
		st->rootfs_bound = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "annotations", &v))
		st->annotations = json_object_get(v);
	json_object_put(o);
	return 0;
}

/**
 * sl_state_free() - free what sl_state_load() allocated
 * @st:	state (the struct itself is not freed)
 */
void sl_state_free(struct sl_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	free(st->unit);
	json_object_put(st->annotations);
	memset(st, 0, sizeof(*st));
}

/**
 * sl_state_remove() - remove ROOT/ID and everything in it
 * @root:	runtime root
 * @id:		container id
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_state_remove(const char *root, const char *id, struct sl_error *e)
{
	static const char *const files[] = { "state.json", "exec.fifo",
					     "lock" };
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int dfd = -1;
	struct dirent *d;
	DIR *dp;

	if (sl_state_path(root, id, NULL, &dir) < 0)
		return sl_error_set(e, ENOMEM, "state");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0
				       : sl_error_set(e, errno, "`%s`", dir);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		unlinkat(dfd, files[i], 0);
	/* a temporary state.json.tmp-XXXXXX a killed writer left */
	if ((dp = fdopendir(dup(dfd)))) {
		while ((d = readdir(dp)))
			if (!strncmp(d->d_name, "state.json.tmp-", 15))
				unlinkat(dfd, d->d_name, 0);
		closedir(dp);
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return sl_error_set(e, errno, "remove `%s`", dir);
	return 0;
}

/**
 * sl_proc_starttime() - a process's start time from /proc/PID/stat
 * @pid:	process
 * @out:	field 22, in clock ticks since boot (written on success)
 *
 * Return: 0, -ESRCH if it is gone or a zombie, -errno otherwise
 */
int sl_proc_starttime(pid_t pid, unsigned long long *out)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	unsigned long long t;
	ssize_t n;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu",
			 &state, &t) != 2)
		return -EINVAL;
	if (state == 'Z' || state == 'X')
		return -ESRCH;
	*out = t;
	return 0;
}

/**
 * sl_state_status() - observe a container's status
 * @root:	runtime root
 * @st:		its state
 *
 * Return: SL_STATUS_CREATED, _RUNNING, _PAUSED or _STOPPED
 */
enum sl_status sl_state_status(const char *root, const struct sl_state *st)
{
	_cleanup_free_ char *fifo = NULL;
	unsigned long long t;

	if (st->pid <= 0 || sl_proc_starttime(st->pid, &t) < 0 ||
	    t != st->starttime)
		return SL_STATUS_STOPPED;
	if (sl_state_path(root, st->id, "exec.fifo", &fifo) == 0 &&
	    access(fifo, F_OK) == 0)
		return SL_STATUS_CREATED;
	if (st->cgroup && sl_cgroup_frozen(st->cgroup))
		return SL_STATUS_PAUSED;
	return SL_STATUS_RUNNING;
}

/**
 * sl_status_name() - the spec's name of a status
 * @s:	status
 *
 * Return: "creating", "created", "running", "stopped" or "paused"
 */
const char *sl_status_name(enum sl_status s)
{
	static const char *const names[] = { "creating", "created", "running",
					     "stopped", "paused" };

	return names[s];
}

/**
 * sl_state_json() - the spec's state object for a container
 * @st:		state
 * @status:	observed status
 *
 * Return: a new json-c object (put it when done)
 */
struct json_object *sl_state_json(const struct sl_state *st,
				  enum sl_status status)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ociVersion",
			       json_object_new_string(SL_OCI_VERSION));
	sl_json_add_str(o, "id", st->id);
	sl_json_add_str(o, "status", sl_status_name(status));
	json_object_object_add(
		o, "pid",
		json_object_new_int(status == SL_STATUS_STOPPED ? 0 : st->pid));
	sl_json_add_str(o, "bundle", st->bundle);
	sl_json_add_str(o, "rootfs", st->rootfs);
	sl_json_add_str(o, "created", st->created);
	json_object_object_add(o, "owner", json_object_new_string(""));
	if (st->annotations)
		json_object_object_add(o, "annotations",
				       json_object_get(st->annotations));
	return o;
}

/**
 * sl_state_text() - the spec's state JSON text for hooks
 * @st:		state
 * @status:	status to report
 * @out:	malloc'ed text
 *
 * Return: 0 or -ENOMEM
 */
int sl_state_text(const struct sl_state *st, enum sl_status status, char **out)
{
	struct json_object *o = sl_state_json(st, status);

	*out = strdup(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return *out ? 0 : -ENOMEM;
}

/**
 * sl_state_list() - the ids that have a state.json under @root, sorted
 * @root:	runtime root
 * @ids:	malloc'ed array of malloc'ed ids (written on success)
 * @n:		their number
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_state_list(const char *root, char ***ids, size_t *n, struct sl_error *e)
{
	DIR *d = opendir(root);
	struct dirent *de;
	char **v = NULL;
	size_t k = 0;

	if (!d) {
		if (errno == ENOENT) {
			*ids = NULL;
			*n = 0;
			return 0;
		}
		return sl_error_set(e, errno, "open `%s`", root);
	}
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/state.json", root, de->d_name);
		if (access(p, F_OK) < 0)
			continue;
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[k++] = strdup(de->d_name);
	}
	closedir(d);
	strv_sort(v, k);
	*ids = v;
	*n = k;
	return 0;
}
