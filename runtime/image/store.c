// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store.c - where `sublet run` keeps images and containers
 *
 * DOC: Theory of Operation
 * Everything lives under $XDG_DATA_HOME/sublet (default
 * ~/.local/share/sublet):
 *
 *   layers/HEX/diff     an unpacked layer, HEX its diff_id; format says
 *                       "chardev" or "wh" (how its whiteouts are stored)
 *   images/NAME.json    an image: {"name","id","layers":[HEX...],
 *                       "config":{the image config's "config"}}; a '/'
 *                       in NAME is stored as '+'
 *   containers/ID/      a container of `sublet run`: the OCI bundle
 *                       (config.json, rootfs/), upper/ and work/ of its
 *                       overlay, info.json, log
 *
 * A layer is removed with the last image that uses it.  Records are
 * written to a temporary name and renamed, so a reader never sees half.
 *
 * Layers are made and removed by renames too, so that layers/HEX exists
 * only whole: an import unpacks into its own layers/.tmp-HEX-PID-XXXXXX
 * and renames it into place (a concurrent import of the same layer that
 * got there first wins, ours is dropped); `image rm` first renames the
 * layer to layers/.trash-HEX-PID-XXXXXX and deletes it there.  What a
 * killed command leaves under such a name (its PID gone) is removed by
 * the next import (sl_store_sweep()).  store/lock orders the two: every
 * import holds it shared, `image rm` exclusive while it decides which
 * layers no image uses and removes them, so a layer an import is about
 * to reference cannot be deleted under it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "lib/cleanup.h"
#include "lib/fs.h"
#include "runtime/image/store.h"

/**
 * sl_store_dir() - a directory of the store, created if missing
 * @sub:	"layers", "images", "containers" or "" for the store itself
 * @out:	malloc'ed path (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_store_dir(const char *sub, char **out, struct sl_error *e)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *p = NULL;
	int n, r;

	if (xdg && *xdg == '/')
		n = asprintf(&p, "%s/sublet/%s", xdg, sub);
	else if (home && *home == '/')
		n = asprintf(&p, "%s/.local/share/sublet/%s", home, sub);
	else
		return sl_error_say(e, ENOENT,
				    "no store: set HOME or XDG_DATA_HOME");
	if (n < 0)
		return sl_error_say(e, ENOMEM, "store path");
	if ((r = mkdir_p(p, 0700))) {
		sl_error_set(e, -r, "create `%s`", p);
		free(p);
		return r;
	}
	*out = p;
	return 0;
}

/**
 * sl_name_valid() - check an image name: [A-Za-z0-9][A-Za-z0-9._:/-]*
 * @name:	the name
 *
 * Return: true if usable
 */
bool sl_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n && n < 200 && isalnum((unsigned char)name[0]) &&
	       strspn(name,
		      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._:/-") == n &&
	       !strstr(name, "..");
}

/**
 * record_path() - path of the record of image @name
 * @name:	image name
 * @buf:	output
 * @len:	its size
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int record_path(const char *name, char *buf, size_t len,
		       struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	int r = sl_store_dir("images", &dir, e);

	if (r)
		return r;
	snprintf(buf, len, "%s/%s.json", dir, name);
	for (char *p = buf + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '+';
	return 0;
}

/**
 * sl_image_save() - write an image record
 * @name:	image name
 * @id:		config digest, hex
 * @layers:	diff_ids, bottom first
 * @n:		their number
 * @config:	the image config's "config" object (a reference is taken)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_image_save(const char *name, const char *id, char **layers, size_t n,
		  struct json_object *config, struct sl_error *e)
{
	struct json_object *doc = json_object_new_object(),
			   *l = json_object_new_array();
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	int r;

	if ((r = record_path(name, path, sizeof(path), e))) {
		json_object_put(doc);
		json_object_put(l);
		return r;
	}
	for (size_t i = 0; i < n; i++)
		json_object_array_add(l, json_object_new_string(layers[i]));
	json_object_object_add(doc, "name", json_object_new_string(name));
	json_object_object_add(doc, "id", json_object_new_string(id));
	json_object_object_add(doc, "layers", l);
	json_object_object_add(doc, "config",
			       config ? json_object_get(config)
				      : json_object_new_object());
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_object_to_file_ext(tmp, doc, JSON_C_TO_STRING_PLAIN) < 0 ||
	    rename(tmp, path) < 0)
		r = sl_error_set(e, errno ? errno : EIO, "write `%s`", path);
	json_object_put(doc);
	return r;
}

/**
 * load_record() - parse one record into @img
 * @path:	record file
 * @img:	image (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int load_record(const char *path, struct sl_image *img,
		       struct sl_error *e)
{
	struct json_object *doc = json_object_from_file(path), *l, *v;
	struct sl_image t = { 0 };

	if (!doc)
		return sl_error_set(e, errno ? errno : EIO, "read `%s`", path);
	if (!json_object_object_get_ex(doc, "layers", &l) ||
	    !json_object_is_type(l, json_type_array) ||
	    !json_object_object_get_ex(doc, "name", &v)) {
		json_object_put(doc);
		return sl_error_say(e, EINVAL, "`%s`: damaged record", path);
	}
	t.doc = doc;
	t.name = strdup(json_object_get_string(v));
	t.id = strdup(
		json_object_get_string(json_object_object_get(doc, "id")));
	t.nlayers = json_object_array_length(l);
	t.layers = calloc(t.nlayers + 1, sizeof(char *));
	for (size_t i = 0; t.layers && i < t.nlayers; i++)
		t.layers[i] = strdup(json_object_get_string(
			json_object_array_get_idx(l, i)));
	t.config = json_object_object_get(doc, "config");
	*img = t;
	return 0;
}

/**
 * sl_image_load() - find and load image @name
 * @name:	exact name, NAME:latest, or the last part of a name
 * @img:	image (written on success; sl_image_free() it)
 * @e:		error
 *
 * Return: 0 or -errno (-ENOENT: no such image)
 */
int sl_image_load(const char *name, struct sl_image *img, struct sl_error *e)
{
	char path[PATH_MAX], alt[256];
	_cleanup_free_ char **names = NULL;
	size_t n = 0;
	int r;

	if (!sl_name_valid(name))
		return sl_error_say(e, EINVAL, "invalid image name `%s`", name);
	if ((r = record_path(name, path, sizeof(path), e)))
		return r;
	if (access(path, F_OK) == 0)
		return load_record(path, img, e);
	snprintf(alt, sizeof(alt), "%s:latest", name);
	if ((r = sl_image_list(&names, &n, e)))
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *s = strrchr(names[i], '/');

		s = s ? s + 1 : names[i];
		if (!strcmp(names[i], alt) || !strcmp(s, name) ||
		    !strcmp(s, alt)) {
			snprintf(alt, sizeof(alt), "%s", names[i]);
			for (size_t k = 0; k < n; k++)
				free(names[k]);
			record_path(alt, path, sizeof(path), e);
			return load_record(path, img, e);
		}
	}
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	return sl_error_say(e, ENOENT,
			    "image `%s` not found: see `sublet image ls`, or "
			    "add it with `sublet image import PATH`",
			    name);
}

/**
 * sl_image_free() - free a loaded image
 * @img:	image
 */
void sl_image_free(struct sl_image *img)
{
	for (size_t i = 0; img->layers && i < img->nlayers; i++)
		free(img->layers[i]);
	free(img->layers);
	free(img->name);
	free(img->id);
	json_object_put(img->doc);
	memset(img, 0, sizeof(*img));
}

/**
 * sl_image_list() - names of all images, sorted
 * @names:	malloc'ed array of malloc'ed names (written on success)
 * @n:		their number (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_image_list(char ***names, size_t *n, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *d;
	char **v = NULL;
	size_t k = 0;
	DIR *dp;
	int r;

	if ((r = sl_store_dir("images", &dir, e)))
		return r;
	if (!(dp = opendir(dir)))
		return sl_error_set(e, errno, "open `%s`", dir);
	while ((d = readdir(dp))) {
		size_t len = strlen(d->d_name);
		char **nv;

		if (len < 6 || strcmp(d->d_name + len - 5, ".json"))
			continue;
		if (!(nv = realloc(v, (k + 1) * sizeof(*v))))
			break;
		v = nv;
		v[k] = strndup(d->d_name, len - 5);
		for (char *p = v[k]; p && *p; p++)
			if (*p == '+')
				*p = '/';
		k++;
	}
	closedir(dp);
	strv_sort(v, k);
	*names = v;
	*n = k;
	return 0;
}

/**
 * layer_used() - is layer @hex used by an image other than @skip?
 * @hex:	diff_id
 * @skip:	image name to ignore
 *
 * Return: true if some image uses it
 */
static bool layer_used(const char *hex, const char *skip)
{
	struct sl_error e;
	char **names = NULL;
	size_t n = 0;
	bool used = false;

	if (sl_image_list(&names, &n, &e))
		return true;
	for (size_t i = 0; i < n; i++) {
		struct sl_image img;

		if (!used && strcmp(names[i], skip) &&
		    !sl_image_load(names[i], &img, &e)) {
			for (size_t k = 0; k < img.nlayers; k++)
				used |= !strcmp(img.layers[k], hex);
			sl_image_free(&img);
		}
		free(names[i]);
	}
	free(names);
	return used;
}

/**
 * sl_store_lock() - take the store's lock (store/lock, flock)
 * @excl:	exclusive (image rm) or shared (import)
 * @e:		error
 *
 * Return: the lock's fd (release with close()), or -errno
 */
int sl_store_lock(bool excl, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	char path[PATH_MAX];
	int fd, r;

	if ((r = sl_store_dir("", &dir, e)))
		return r;
	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sl_error_set(e, errno, "open `%s`", path);
	while (flock(fd, excl ? LOCK_EX : LOCK_SH) < 0) {
		if (errno == EINTR)
			continue;
		r = sl_error_set(e, errno, "lock `%s`", path);
		close(fd);
		return r;
	}
	return fd;
}

/**
 * stale() - whether a scratch name of layers/ belongs to a dead command
 * @name:	".tmp-HEX-PID-XXXXXX" or ".trash-HEX-PID-XXXXXX"
 *
 * Return: true when it has our form and its PID no longer runs
 */
static bool stale(const char *name)
{
	const char *p = strchr(name + 1, '-');
	char proc[32];
	long pid;

	if (!p || !(p = strchr(p + 1, '-')))
		return false;
	pid = strtol(p + 1, NULL, 10);
	if (pid <= 0)
		return false;
	snprintf(proc, sizeof(proc), "/proc/%ld", pid);
	return access(proc, F_OK) < 0 && errno == ENOENT;
}

/**
 * sl_store_sweep() - remove what killed imports and removals left behind
 * @m:	id mappings (the files may belong to subordinate ids)
 * @e:	error
 *
 * Return: 0 or -errno
 */
int sl_store_sweep(const struct sl_idmaps *m, struct sl_error *e)
{
	_cleanup_free_ char *layers = NULL;
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	int r;

	if ((r = sl_store_dir("layers", &layers, e)))
		return r;
	if (!(dp = opendir(layers)))
		return sl_error_set(e, errno, "open `%s`", layers);
	while ((d = readdir(dp))) {
		if (strncmp(d->d_name, ".tmp-", 5) &&
		    strncmp(d->d_name, ".trash-", 7))
			continue;
		if (!stale(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", layers, d->d_name);
		sl_rm_rf_userns(m, path, &(struct sl_error){ 0 });
	}
	closedir(dp);
	return 0;
}

/**
 * remove_layer() - remove layers/@hex: renamed away first, then deleted
 * @m:		id mappings
 * @layers:	the layers directory
 * @hex:	the layer
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int remove_layer(const struct sl_idmaps *m, const char *layers,
			const char *hex, struct sl_error *e)
{
	char path[PATH_MAX], trash[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", layers, hex);
	snprintf(trash, sizeof(trash), "%s/.trash-%.16s-%d-XXXXXX", layers, hex,
		 getpid());
	if (!mkdtemp(trash))
		return sl_error_set(e, errno, "create `%s`", trash);
	if (rename(path, trash) < 0) {
		int r = errno == ENOENT ? 0 : -errno;

		rmdir(trash);
		return r ? sl_error_set(e, -r, "remove `%s`", path) : 0;
	}
	return sl_rm_rf_userns(m, trash, e);
}

/**
 * sl_image_remove() - remove an image and the layers only it used
 * @name:	exact image name
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_image_remove(const char *name, struct sl_error *e)
{
	_cleanup_free_ char *layers = NULL;
	_cleanup_close_ int lock = -1;
	struct sl_idmaps m;
	struct sl_image img;
	char path[PATH_MAX];
	int r;

	if ((r = sl_image_load(name, &img, e)))
		return r;
	if ((r = record_path(img.name, path, sizeof(path), e)) ||
	    (r = sl_store_dir("layers", &layers, e)) ||
	    (r = sl_idmaps_get(&m, e)) ||
	    (r = lock = sl_store_lock(true, e)) < 0)
		goto out;
	r = 0;
	if (unlink(path) < 0) {
		r = sl_error_set(e, errno, "remove `%s`", path);
		goto out;
	}
	for (size_t i = 0; i < img.nlayers && !r; i++)
		if (!layer_used(img.layers[i], img.name))
			r = remove_layer(&m, layers, img.layers[i], e);
out:
	sl_image_free(&img);
	return r;
}
