// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compose.c - the OCI config that `sublet run IMAGE` writes for a container
 *
 * DOC: Theory of Operation
 * The container's directory is an ordinary OCI bundle: config.json and an
 * empty rootfs/ on which the init mounts the overlay of the image's layers
 * (see oci/overlay.c; the annotations say how).  The process comes from the
 * image config (Entrypoint + Cmd, Env, WorkingDir, User), overridden by the
 * command line.  The id mappings are the user's whole subordinate ranges,
 * the same as the store's (image/subns.c), so layer files show their owners.
 * Namespaces: user, mount, pid, ipc, uts, and network unless --net host.
 * /etc/hosts, /etc/hostname and /etc/resolv.conf are written into the
 * container's directory and bind-mounted, as Podman does; with sublet-netd
 * the resolver is its DNS forwarder, 10.0.2.3.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/parse.h"
#include "runtime/image/store.h"
#include "runtime/oci/overlay.h"
#include "runtime/oci/resolve.h"
#include "runtime/oci/self.h"
#include "runtime/oci/state.h"
#include "runtime/run/run.h"

static const char *const caps[] = {
	"CAP_CHOWN",	   "CAP_DAC_OVERRIDE", "CAP_FOWNER",
	"CAP_FSETID",	   "CAP_KILL",	       "CAP_NET_BIND_SERVICE",
	"CAP_SETFCAP",	   "CAP_SETGID",       "CAP_SETPCAP",
	"CAP_SETUID",	   "CAP_SYS_CHROOT",   "CAP_NET_RAW",
	"CAP_AUDIT_WRITE",
};

static const char mounts_json[] =
	"[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	"\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
	"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
	"\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\","
	"\"mode=0620\"]},"
	"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\","
	"\"size=65536k\"]},"
	"{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":"
	"\"mqueue\",\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
	"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]}]";

static const char linux_json[] =
	"{\"maskedPaths\":[\"/proc/acpi\",\"/proc/kcore\",\"/proc/keys\","
	"\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/sched_debug\","
	"\"/sys/firmware\",\"/proc/scsi\"],"
	"\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\","
	"\"/proc/sys\",\"/proc/sysrq-trigger\"]}";

/**
 * strs() - a json array of strings
 * @v:	strings
 * @n:	their number
 *
 * Return: new array
 */
static struct json_object *strs(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/**
 * append_all() - append the strings of json array @from to @to
 * @to:		array
 * @from:	array or NULL
 */
static void append_all(struct json_object *to, struct json_object *from)
{
	if (!from || !json_object_is_type(from, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(from); i++)
		json_object_array_add(
			to,
			json_object_get(json_object_array_get_idx(from, i)));
}

/**
 * env_set() - set one variable of -e in the process environment
 * @env:	the array of "KEY=VALUE" strings (the image's first)
 * @kv:		"KEY=VALUE", or "KEY" to take the value from our own
 *		environment (left out when we have none), as docker does
 *
 * An entry of the same key is replaced, not followed by a second one:
 * the process would see the first.
 */
static void env_set(struct json_object *env, const char *kv)
{
	const char *eq = strchr(kv, '='), *val;
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	struct json_object *s;
	char *own = NULL;

	if (!eq) {
		if (!(val = getenv(kv)) || asprintf(&own, "%s=%s", kv, val) < 0)
			return;
		kv = own;
	}
	s = json_object_new_string(kv);
	free(own);
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *have = json_object_get_string(
			json_object_array_get_idx(env, i));

		if (have && !strncmp(have, json_object_get_string(s), klen) &&
		    have[klen] == '=') {
			json_object_array_put_idx(env, i, s);
			return;
		}
	}
	json_object_array_add(env, s);
}

/**
 * lookup_passwd() - find @name in the image's /etc/passwd or /etc/group
 * @layers:	layer dirs, bottom first; the topmost one holding the file
 *		is read, the file resolved inside that layer (a symlink to a
 *		host file, a FIFO or a device reads as no entry)
 * @n:		their number
 * @file:	"passwd" or "group"
 * @name:	user or group name, or NULL for the first entry with id @id
 * @id:		its id (written on success; read when @name is NULL)
 * @gid:	for passwd, the user's group (written on success), or NULL
 *
 * Return: 0 or -ENOENT
 */
static int lookup_passwd(char **layers, size_t n, const char *file,
			 const char *name, unsigned int *id, unsigned int *gid)
{
	char path[32], line[1024];

	snprintf(path, sizeof(path), "/etc/%s", file);
	for (size_t i = n; i-- > 0;) {
		_cleanup_close_ int dir = -1;
		_cleanup_fclose_ FILE *f = NULL;
		int fd;

		dir = open(layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		fd = dir < 0 ? -errno : sl_root_open_file(dir, path);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return -ENOENT;
		if (!(f = fdopen(fd, "re"))) {
			close(fd);
			return -ENOENT;
		}
		while (fgets(line, sizeof(line), f)) {
			char *save = NULL, *fld[4] = { 0 };
			unsigned int v;
			int k = 0;

			for (char *t = strtok_r(line, ":", &save); t && k < 4;
			     t = strtok_r(NULL, ":", &save))
				fld[k++] = t;
			if (k < 3 || parse_u32(fld[2], &v) ||
			    (name ? strcmp(fld[0], name) != 0 : v != *id))
				continue;
			*id = v;
			if (gid && (k < 4 || parse_u32(fld[3], gid)))
				*gid = *id;
			return 0;
		}
		return -ENOENT;
	}
	return -ENOENT;
}

/**
 * resolve_user() - the process user from "uid[:gid]" or names
 * @spec:	user text ("" for root); a numeric uid without a group takes
 *		the group of its /etc/passwd entry (0 without one), as Podman
 *		and Docker do
 * @layers:	layer dirs, bottom first
 * @n:		their number
 * @user:	object to fill with uid and gid
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int resolve_user(const char *spec, char **layers, size_t n,
			struct json_object *user, struct sl_error *e)
{
	char u[256], *g;
	unsigned int uid = 0, gid = 0;

	snprintf(u, sizeof(u), "%s", spec);
	g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	if (*u && !parse_u32(u, &uid))
		lookup_passwd(layers, n, "passwd", NULL, &uid, &gid);
	else if (*u && lookup_passwd(layers, n, "passwd", u, &uid, &gid))
		return sl_error_say(e, ENOENT,
				    "user `%s` not found in the image's "
				    "/etc/passwd: use a numeric --user UID",
				    u);
	if (g && parse_u32(g, &gid) &&
	    lookup_passwd(layers, n, "group", g, &gid, NULL))
		return sl_error_say(e, ENOENT,
				    "group `%s` not found in the image's "
				    "/etc/group",
				    g);
	json_object_object_add(user, "uid", json_object_new_int64(uid));
	json_object_object_add(user, "gid", json_object_new_int64(gid));
	return 0;
}

/**
 * make_process() - the process object from the image config and options
 * @o:		options
 * @img:	image
 * @layers:	layer dirs, bottom first
 * @e:		error
 *
 * Return: new object or NULL with @e set
 */
static struct json_object *make_process(const struct sl_run_opts *o,
					const struct sl_image *img,
					char **layers, struct sl_error *e)
{
	struct json_object *p = json_object_new_object(),
			   *args = json_object_new_array(),
			   *env = json_object_new_array(),
			   *user = json_object_new_object(), *cap, *v;
	const char *cwd = o->workdir, *uspec = o->user;

	json_object_object_get_ex(img->config, "Entrypoint", &v);
	append_all(args, v);
	if (o->ncmd) {
		struct json_object *cmd =
			strs((const char *const *)o->cmd, (size_t)o->ncmd);

		append_all(args, cmd);
		json_object_put(cmd);
	} else if (json_object_object_get_ex(img->config, "Cmd", &v)) {
		append_all(args, v);
	}
	if (!json_object_array_length(args))
		json_object_array_add(args, json_object_new_string("sh"));
	json_object_object_get_ex(img->config, "Env", &v);
	append_all(env, v);
	if (!v)
		json_object_array_add(
			env, json_object_new_string(
				     "PATH=/usr/local/sbin:/usr/local/"
				     "bin:/usr/sbin:/usr/bin:/sbin:/bin"));
	if (o->tty)
		json_object_array_add(env,
				      json_object_new_string("TERM=xterm"));
	for (size_t i = 0; i < o->nenv; i++)
		env_set(env, o->env[i]);
	if (!cwd && json_object_object_get_ex(img->config, "WorkingDir", &v))
		cwd = json_object_get_string(v);
	if (!uspec && json_object_object_get_ex(img->config, "User", &v))
		uspec = json_object_get_string(v);
	if (resolve_user(uspec ? uspec : "", layers, img->nlayers, user, e)) {
		json_object_put(p);
		json_object_put(args);
		json_object_put(env);
		json_object_put(user);
		return NULL;
	}
	cap = json_object_new_object();
	json_object_object_add(cap, "bounding", strs(caps, ARRAY_SIZE(caps)));
	json_object_object_add(cap, "effective", strs(caps, ARRAY_SIZE(caps)));
	json_object_object_add(cap, "permitted", strs(caps, ARRAY_SIZE(caps)));
	json_object_object_add(p, "terminal", json_object_new_boolean(o->tty));
	json_object_object_add(p, "user", user);
	json_object_object_add(p, "args", args);
	json_object_object_add(p, "env", env);
	json_object_object_add(p, "cwd",
			       json_object_new_string(cwd && *cwd ? cwd : "/"));
	json_object_object_add(p, "capabilities", cap);
	return p;
}

/**
 * idmaps_json() - linux.uidMappings or gidMappings
 * @m:	mappings
 * @n:	their number
 *
 * Return: new array
 */
static struct json_object *idmaps_json(const struct sl_idmap *m, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "containerID",
				       json_object_new_int64(m[i].container));
		json_object_object_add(o, "hostID",
				       json_object_new_int64(m[i].host));
		json_object_object_add(o, "size",
				       json_object_new_int64(m[i].size));
		json_object_array_add(a, o);
	}
	return a;
}

/**
 * bind() - a bind mount entry
 * @src:	source on the host
 * @dst:	destination in the container
 * @ro:		read-only
 *
 * Return: new object
 */
static struct json_object *bind(const char *src, const char *dst, bool ro)
{
	struct json_object *m = json_object_new_object();
	const char *opts[] = { "rbind", ro ? "ro" : "rw" };

	json_object_object_add(m, "destination", json_object_new_string(dst));
	json_object_object_add(m, "type", json_object_new_string("none"));
	json_object_object_add(m, "source", json_object_new_string(src));
	json_object_object_add(m, "options", strs(opts, 2));
	return m;
}

/**
 * write_etc() - hosts, hostname and resolv.conf in the container's dir
 * @o:		options
 * @dir:	container directory
 * @host:	hostname
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int write_etc(const struct sl_run_opts *o, const char *dir,
		     const char *host, struct sl_error *e)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hosts", dir);
	if (!(f = fopen(path, "we")))
		return sl_error_set(e, errno, "write `%s`", path);
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
	if (o->net == SL_NET_NETD)
		fprintf(f,
			"10.0.2.100\t%s\n10.0.2.2\thost.containers.internal\n",
			host);
	else
		fprintf(f, "127.0.1.1\t%s\n", host);
	fclose(f);
	snprintf(path, sizeof(path), "%s/hostname", dir);
	if (!(f = fopen(path, "we")))
		return sl_error_set(e, errno, "write `%s`", path);
	fprintf(f, "%s\n", host);
	fclose(f);
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	if (o->net == SL_NET_NETD) {
		if (!(f = fopen(path, "we")))
			return sl_error_set(e, errno, "write `%s`", path);
		fprintf(f, "nameserver 10.0.2.3\n");
		fclose(f);
	}
	return 0;
}

/**
 * sl_find_program() - a sublet program next to our binary, else in PATH
 * @name:	program name
 * @buf:	path output
 * @len:	its size
 *
 * Return: 0 or -ENOENT
 */
int sl_find_program(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	char self[PATH_MAX];

	if (!sl_self_dir(self, sizeof(self))) {
		snprintf(buf, len, "%s/%s", self, name);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	while (path && *path) {
		size_t k = strcspn(path, ":");

		snprintf(buf, len, "%.*s/%s", (int)k, path, name);
		if (k && access(buf, X_OK) == 0)
			return 0;
		path += k + (path[k] == ':');
	}
	return -ENOENT;
}

/**
 * layer_format() - "chardev" or "wh": how a layer stores whiteouts
 * @hex:	layer
 *
 * Return: true if the kernel's overlay can read the layer
 */
static bool kernel_readable(const char *layers, const char *hex)
{
	char path[PATH_MAX], buf[16] = "";
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s/format", layers, hex);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 &&
	       !strncmp(buf, "chardev", 7);
}

/**
 * kernel_new_enough() - does the kernel mount overlayfs in a user ns?
 *
 * Return: true from Linux 5.11
 */
static bool kernel_new_enough(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 5 || (major == 5 && minor >= 11);
}

/**
 * fuse_usable() - can we open /dev/fuse and find sublet-overlayfs?
 * @e:	error, saying why not
 *
 * Return: true if so
 */
static bool fuse_usable(struct sl_error *e)
{
	char prog[PATH_MAX];
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		sl_error_say(e, errno,
			     "/dev/fuse is not usable (%s): load the fuse "
			     "module and make /dev/fuse mode 0666, or use "
			     "--storage-driver kernel",
			     strerror(errno));
		return false;
	}
	close(fd);
	if (sl_find_program("sublet-overlayfs", prog, sizeof(prog))) {
		sl_error_say(e, ENOENT,
			     "sublet-overlayfs not found next to "
			     "sublet or in PATH");
		return false;
	}
	return true;
}

/**
 * sl_driver_pick() - the storage driver for these layers
 * @want:	what was asked
 * @layers:	diff_ids
 * @n:		their number
 * @out:	SL_DRV_KERNEL or SL_DRV_FUSE (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_driver_pick(enum sl_driver want, char **layers, size_t n,
		   enum sl_driver *out, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	bool kernel = kernel_new_enough();
	int r;

	if ((r = sl_store_dir("layers", &dir, e)))
		return r;
	for (size_t i = 0; i < n && kernel; i++)
		kernel = kernel_readable(dir, layers[i]);
	if (want == SL_DRV_KERNEL && !kernel)
		return sl_error_say(e, EINVAL,
				    "the kernel's overlay cannot be used here "
				    "(Linux >= 5.11 and chardev whiteouts "
				    "needed): use --storage-driver fuse");
	if (want == SL_DRV_KERNEL || (want == SL_DRV_AUTO && kernel)) {
		*out = SL_DRV_KERNEL;
		return 0;
	}
	if (!fuse_usable(e))
		return -EINVAL;
	*out = SL_DRV_FUSE;
	return 0;
}

/**
 * add_mounts() - the mounts: standard, /etc files, volumes
 * @doc:	config
 * @o:		options
 * @dir:	container directory
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_mounts(struct json_object *doc, const struct sl_run_opts *o,
		      const char *dir, struct sl_error *e)
{
	struct json_object *m = json_tokener_parse(mounts_json);
	char path[PATH_MAX], real[PATH_MAX];

	snprintf(path, sizeof(path), "%s/hosts", dir);
	json_object_array_add(m, bind(path, "/etc/hosts", false));
	snprintf(path, sizeof(path), "%s/hostname", dir);
	json_object_array_add(m, bind(path, "/etc/hostname", false));
	if (o->net == SL_NET_NETD)
		snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	else
		snprintf(path, sizeof(path), "/etc/resolv.conf");
	if (access(path, F_OK) == 0)
		json_object_array_add(m, bind(path, "/etc/resolv.conf", false));
	for (size_t i = 0; i < o->nvols; i++) {
		if (!realpath(o->vols[i].src, real)) {
			json_object_put(m);
			return sl_error_set(e, errno, "volume `%s`",
					    o->vols[i].src);
		}
		json_object_array_add(
			m, bind(real, o->vols[i].dst, o->vols[i].ro));
	}
	json_object_object_add(doc, "mounts", m);
	return 0;
}

/**
 * add_linux() - the linux object: mappings, namespaces, masked paths
 * @doc:	config
 * @o:		options
 * @m:		id mappings
 */
static void add_linux(struct json_object *doc, const struct sl_run_opts *o,
		      const struct sl_idmaps *m)
{
	static const char *const ns[] = { "user", "mount", "pid",
					  "ipc",  "uts",   "network" };
	struct json_object *l = json_tokener_parse(linux_json),
			   *a = json_object_new_array();

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		struct json_object *n = json_object_new_object();

		if (!strcmp(ns[i], "network") && o->net == SL_NET_HOST) {
			json_object_put(n);
			continue;
		}
		json_object_object_add(n, "type",
				       json_object_new_string(ns[i]));
		json_object_array_add(a, n);
	}
	json_object_object_add(l, "namespaces", a);
	json_object_object_add(l, "uidMappings", idmaps_json(m->uid, m->nuid));
	json_object_object_add(l, "gidMappings", idmaps_json(m->gid, m->ngid));
	json_object_object_add(doc, "linux", l);
}

/**
 * add_annotations() - how the init mounts the rootfs
 * @doc:	config
 * @img:	image
 * @dir:	container directory
 * @drv:	storage driver
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_annotations(struct json_object *doc, const struct sl_image *img,
			   const char *dir, enum sl_driver drv,
			   struct sl_error *e)
{
	_cleanup_free_ char *layers = NULL, *lower = NULL;
	struct json_object *a = json_object_new_object();
	char path[PATH_MAX];
	size_t len = 1;
	int r;

	if ((r = sl_store_dir("layers", &layers, e)))
		return json_object_put(a), r;
	len += img->nlayers * (strlen(layers) + 80);
	if (!(lower = calloc(1, len)))
		return json_object_put(a), sl_error_say(e, ENOMEM, "lowerdir");
	for (size_t i = img->nlayers; i-- > 0;)
		snprintf(lower + strlen(lower), len - strlen(lower),
			 "%s%s/%s/diff", *lower ? ":" : "", layers,
			 img->layers[i]);
	json_object_object_add(a, SL_ANN_DRIVER,
			       json_object_new_string(drv == SL_DRV_KERNEL
							      ? "kernel"
							      : "fuse"));
	json_object_object_add(a, SL_ANN_LOWER, json_object_new_string(lower));
	snprintf(path, sizeof(path), "%s/upper", dir);
	json_object_object_add(a, SL_ANN_UPPER, json_object_new_string(path));
	snprintf(path, sizeof(path), "%s/work", dir);
	json_object_object_add(a, SL_ANN_WORK, json_object_new_string(path));
	if (drv == SL_DRV_FUSE &&
	    !sl_find_program("sublet-overlayfs", path, sizeof(path)))
		json_object_object_add(a, SL_ANN_PROGRAM,
				       json_object_new_string(path));
	json_object_object_add(doc, "annotations", a);
	return 0;
}

/**
 * sl_compose_config() - write the container's bundle
 * @o:		options
 * @img:	image
 * @m:		id mappings
 * @dir:	container directory (exists)
 * @id:		container id
 * @drv:	storage driver (kernel or fuse)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_compose_config(const struct sl_run_opts *o, const struct sl_image *img,
		      const struct sl_idmaps *m, const char *dir,
		      const char *id, enum sl_driver drv, struct sl_error *e)
{
	_cleanup_free_ char *ldir = NULL;
	struct json_object *doc = json_object_new_object(), *p, *root;
	char path[PATH_MAX], host[64], **layers;
	int r;

	snprintf(host, sizeof(host), "%.12s", o->hostname ? o->hostname : id);
	if ((r = sl_store_dir("layers", &ldir, e)))
		goto out;
	layers = calloc(img->nlayers + 1, sizeof(*layers));
	for (size_t i = 0; layers && i < img->nlayers; i++)
		if (asprintf(&layers[i], "%s/%s/diff", ldir, img->layers[i]) <
		    0)
			layers[i] = NULL;
	p = layers ? make_process(o, img, layers, e) : NULL;
	for (size_t i = 0; layers && i < img->nlayers; i++)
		free(layers[i]);
	free(layers);
	if (!p) {
		r = -EINVAL;
		goto out;
	}
	json_object_object_add(doc, "ociVersion",
			       json_object_new_string(SL_OCI_VERSION));
	json_object_object_add(doc, "process", p);
	root = json_object_new_object();
	json_object_object_add(root, "path", json_object_new_string("rootfs"));
	json_object_object_add(doc, "root", root);
	json_object_object_add(doc, "hostname", json_object_new_string(host));
	add_linux(doc, o, m);
	if ((r = write_etc(o, dir, host, e)) ||
	    (r = add_mounts(doc, o, dir, e)) ||
	    (r = add_annotations(doc, img, dir, drv, e)))
		goto out;
	for (const char *const *s =
		     (const char *const[]){ "rootfs", "upper", "work", NULL };
	     *s; s++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *s);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			r = sl_error_set(e, errno, "create `%s`", path);
			goto out;
		}
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (json_object_to_file_ext(path, doc, JSON_C_TO_STRING_PLAIN) < 0)
		r = sl_error_say(e, EIO, "write `%s`", path);
out:
	json_object_put(doc);
	return r;
}
