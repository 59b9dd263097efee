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
 *   containers/ID/layers  the layers the container was made from, one
 *                       name a line: they stay while it exists
 *   tmp/import-PID-XXXXXX  an import's unpacked archive
 *
 * A layer is removed when no image record and no container uses it
 * (gc(): on `image rm`, after an import replaced a name, on `image
 * prune`).  Records are written to a unique temporary name and renamed
 * (write_file_atomic()), so a reader never sees half.
 *
 * Layers are made and removed by renames too, so that layers/HEX exists
 * only whole: an import unpacks into its own layers/.tmp-HEX-PID-XXXXXX
 * and renames it into place (a concurrent import of the same layer that
 * got there first wins, ours is dropped); `image rm` first renames the
 * layer to layers/.trash-HEX-PID-XXXXXX and deletes it there.  What a
 * killed command leaves under such a name (its PID gone) is removed by
 * the next import (sl_store_sweep()), any such name by `image prune`.
 * store/lock orders them: every import holds it shared, and so does
 * `sublet run` while it pins its container (sl_image_pin()); removals
 * hold it exclusive while they decide which layers no one uses and
 * remove them, so a layer an import is about to reference, or a new
 * container is about to mount, cannot be deleted under it.
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

/* a small set of names */
struct strset {
	char **v;
	size_t n;
};

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
 * sl_image_exists() - whether there is a record of exactly @name
 * @name:	image name
 *
 * Return: true if there is
 */
bool sl_image_exists(const char *name)
{
	char path[PATH_MAX];
	struct sl_error e;

	return !record_path(name, path, sizeof(path), &e) &&
	       access(path, F_OK) == 0;
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
	char path[PATH_MAX];
	const char *s;
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
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	if ((r = write_file_atomic(path, s, strlen(s), 0644, true)))
		r = sl_error_set(e, -r, "write `%s`", path);
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
 * set_has() - whether @name is in @set
 * @set:	the set
 * @name:	a layer name
 *
 * Return: true if it is
 */
static bool set_has(const struct strset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i], name))
			return true;
	return false;
}

/**
 * set_add() - add @name to the string set @set
 * @set:	the set
 * @name:	a layer name
 *
 * Return: 0 or -ENOMEM
 */
static int set_add(struct strset *set, const char *name)
{
	char **v;

	if (set_has(set, name))
		return 0;
	if (!(v = realloc(set->v, (set->n + 1) * sizeof(*v))) ||
	    !(v[set->n] = strdup(name))) {
		if (v)
			set->v = v;
		return -ENOMEM;
	}
	set->v = v;
	set->n++;
	return 0;
}

/**
 * set_free() - free @set's names
 * @set:	the set
 */
static void set_free(struct strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

/**
 * pins_add() - add the layers every container of `sublet run` is pinned
 * to (containers/ID/layers, one name a line) to @set
 * @set:	the set
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int pins_add(struct strset *set, struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	char path[PATH_MAX], line[128];
	struct dirent *d;
	int r = 0;
	DIR *dp;

	if ((r = sl_store_dir("containers", &dir, e)))
		return r;
	if (!(dp = opendir(dir)))
		return sl_error_set(e, errno, "open `%s`", dir);
	while (!r && (d = readdir(dp))) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/layers", dir, d->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (!r && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (*line)
				r = set_add(set, line);
		}
		fclose(f);
	}
	closedir(dp);
	return r ? sl_error_set(e, -r, "container layers") : 0;
}

/**
 * used_layers() - every layer an image record or a container uses
 * @set:	the set to fill
 * @e:		error (a record that cannot be read: nothing may be removed)
 *
 * Return: 0 or -errno
 */
static int used_layers(struct strset *set, struct sl_error *e)
{
	char **names = NULL;
	size_t n = 0;
	int r;

	if ((r = sl_image_list(&names, &n, e)))
		return r;
	for (size_t i = 0; i < n; i++) {
		struct sl_image img;

		if (!r && !(r = sl_image_load(names[i], &img, e))) {
			for (size_t k = 0; !r && k < img.nlayers; k++)
				if ((r = set_add(set, img.layers[k])))
					sl_error_set(e, -r, "layers");
			sl_image_free(&img);
		}
		free(names[i]);
	}
	free(names);
	return r ? r : pins_add(set, e);
}

/**
 * layer_name() - whether @name is a layer's name (64 hex digits)
 * @name:	an entry of layers/
 *
 * Return: true if it is
 */
static bool layer_name(const char *name)
{
	return strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
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
 * stale() - whether a scratch name belongs to a dead command
 * @name:	".tmp-HEX-PID-XXXXXX", ".trash-HEX-PID-XXXXXX" (layers/) or
 *		"import-PID-XXXXXX" (tmp/): the PID is the next-to-last field
 *
 * Return: true when it has such a form and its PID no longer runs
 */
static bool stale(const char *name)
{
	const char *end = strrchr(name, '-'), *p = end;
	char proc[32];
	long pid;

	if (!end || end == name)
		return false;
	while (p > name && p[-1] != '-')
		p--;
	if (p == name || p == end ||
	    strspn(p, "0123456789") != (size_t)(end - p))
		return false;
	pid = strtol(p, NULL, 10);
	if (pid <= 0)
		return false;
	snprintf(proc, sizeof(proc), "/proc/%ld", pid);
	return access(proc, F_OK) < 0 && errno == ENOENT;
}

/**
 * scratch() - whether @name in store directory @sub is a scratch name
 * @sub:	"layers", "tmp" or "images"
 * @name:	an entry of it
 *
 * Return: true for what an import or removal works in before a rename:
 * layers/.tmp-*, layers/.trash-*, tmp/import-*, images/NAME.json.tmp-*
 */
static bool scratch(const char *sub, const char *name)
{
	if (!strcmp(sub, "layers"))
		return !strncmp(name, ".tmp-", 5) ||
		       !strncmp(name, ".trash-", 7);
	if (!strcmp(sub, "tmp"))
		return !strncmp(name, "import-", 7);
	return strstr(name, ".json.tmp-") != NULL;
}

/**
 * sweep_dir() - remove the scratch entries of one store directory
 * @m:		id mappings (the files may belong to subordinate ids)
 * @sub:	"layers", "tmp" or "images"
 * @all:	every scratch entry (the store is locked exclusively, so no
 *		command is working in one), else only those of dead commands
 * @e:		error
 *
 * Return: the number removed, or -errno
 */
static int sweep_dir(const struct sl_idmaps *m, const char *sub, bool all,
		     struct sl_error *e)
{
	_cleanup_free_ char *dir = NULL;
	char path[PATH_MAX];
	struct dirent *d;
	int r, n = 0;
	DIR *dp;

	if ((r = sl_store_dir(sub, &dir, e)))
		return r;
	if (!(dp = opendir(dir)))
		return sl_error_set(e, errno, "open `%s`", dir);
	while ((d = readdir(dp))) {
		if (!scratch(sub, d->d_name) || (!all && !stale(d->d_name)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_type == DT_DIR)
			r = sl_rm_rf_userns(m, path, &(struct sl_error){ 0 });
		else
			r = unlink(path) < 0 ? -errno : 0;
		n += !r;
	}
	closedir(dp);
	return n;
}

/**
 * sl_store_sweep() - remove what killed imports and removals left behind
 * @m:	id mappings (the files may belong to subordinate ids)
 * @e:	error
 *
 * Only the scratch names of commands no longer running are removed, so
 * this is safe beside a live import (it runs at the start of each).
 *
 * Return: 0 or -errno
 */
int sl_store_sweep(const struct sl_idmaps *m, struct sl_error *e)
{
	int r;

	if ((r = sweep_dir(m, "layers", false, e)) < 0 ||
	    (r = sweep_dir(m, "tmp", false, e)) < 0)
		return r;
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
 * gc() - remove every layer no image record and no container uses
 * @m:		id mappings
 * @e:		error
 *
 * The caller holds the store's lock exclusively: no import is between
 * placing a layer and saving the record that uses it.
 *
 * Return: the number of layers removed, or -errno
 */
static int gc(const struct sl_idmaps *m, struct sl_error *e)
{
	_cleanup_free_ char *layers = NULL;
	struct strset used = { 0 };
	struct dirent *d;
	int r, n = 0;
	DIR *dp;

	if ((r = sl_store_dir("layers", &layers, e)) ||
	    (r = used_layers(&used, e)))
		goto out;
	if (!(dp = opendir(layers))) {
		r = sl_error_set(e, errno, "open `%s`", layers);
		goto out;
	}
	while (!r && (d = readdir(dp)))
		if (layer_name(d->d_name) && !set_has(&used, d->d_name) &&
		    !(r = remove_layer(m, layers, d->d_name, e)))
			n++;
	closedir(dp);
out:
	set_free(&used);
	return r ? r : n;
}

/**
 * sl_store_collect() - remove the layers no image or container uses
 * @m:		id mappings
 * @e:		error
 *
 * Takes the store's lock exclusively for the time it takes.
 *
 * Return: the number of layers removed, or -errno
 */
int sl_store_collect(const struct sl_idmaps *m, struct sl_error *e)
{
	_cleanup_close_ int lock = sl_store_lock(true, e);

	return lock < 0 ? lock : gc(m, e);
}

/**
 * sl_store_prune() - remove all that killed commands left and every
 * layer no image or container uses
 * @m:		id mappings
 * @layers:	number of layers removed (output)
 * @scratch:	number of scratch entries removed (output)
 * @e:		error
 *
 * Under the exclusive lock no import or removal is working, so every
 * scratch name is a leftover, whatever its PID says.
 *
 * Return: 0 or -errno
 */
int sl_store_prune(const struct sl_idmaps *m, int *layers, int *scratch,
		   struct sl_error *e)
{
	static const char *const subs[] = { "layers", "tmp", "images" };
	_cleanup_close_ int lock = sl_store_lock(true, e);
	int r;

	if (lock < 0)
		return lock;
	*scratch = 0;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if ((r = sweep_dir(m, subs[i], true, e)) < 0)
			return r;
		*scratch += r;
	}
	if ((r = gc(m, e)) < 0)
		return r;
	*layers = r;
	return 0;
}

/**
 * sl_image_pin() - pin a container to the layers of its image
 * @cdir:	the container's directory (containers/ID)
 * @img:	the image, loaded before; reloaded here under the lock
 * @e:		error
 *
 * Under the store's lock (shared), the image's record is read again and
 * each of its layers checked, then their names are written to
 * @cdir/layers; from then on no `image rm` or re-import removes them
 * while the container exists.
 *
 * Return: 0, or -errno (-ENOENT: the image or one of its layers is gone)
 */
int sl_image_pin(const char *cdir, struct sl_image *img, struct sl_error *e)
{
	_cleanup_close_ int lock = sl_store_lock(false, e);
	_cleanup_free_ char *layers = NULL, *buf = NULL;
	char path[PATH_MAX];
	struct sl_image now;
	size_t len = 0;
	FILE *f;
	int r;

	if (lock < 0)
		return lock;
	if ((r = sl_store_dir("layers", &layers, e)) ||
	    (r = sl_image_load(img->name, &now, e)))
		return r;
	for (size_t i = 0; i < now.nlayers && !r; i++) {
		snprintf(path, sizeof(path), "%s/%s/diff", layers,
			 now.layers[i]);
		if (access(path, F_OK) < 0)
			r = sl_error_say(e, ENOENT,
					 "image `%s`: layer %.12s is gone: "
					 "import the image again",
					 now.name, now.layers[i]);
	}
	if (!r && (f = open_memstream(&buf, &len))) {
		for (size_t i = 0; i < now.nlayers; i++)
			fprintf(f, "%s\n", now.layers[i]);
		fclose(f);
		snprintf(path, sizeof(path), "%s/layers", cdir);
		if ((r = write_file_atomic(path, buf, len, 0600, false)))
			sl_error_set(e, -r, "write `%s`", path);
	}
	if (r) {
		sl_image_free(&now);
		return r;
	}
	sl_image_free(img);
	*img = now;
	return 0;
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
	_cleanup_close_ int lock = -1;
	struct sl_idmaps m;
	struct sl_image img;
	char path[PATH_MAX];
	int r;

	if ((r = sl_image_load(name, &img, e)))
		return r;
	if ((r = record_path(img.name, path, sizeof(path), e)) ||
	    (r = sl_idmaps_get(&m, e)) ||
	    (r = lock = sl_store_lock(true, e)) < 0)
		goto out;
	r = 0;
	if (unlink(path) < 0)
		r = sl_error_set(e, errno, "remove `%s`", path);
	else if ((r = gc(&m, e)) > 0)
		r = 0;
out:
	sl_image_free(&img);
	return r;
}
