// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * image.c - `sublet image import`: OCI layouts, docker archives, rootfs tars
 *
 * DOC: Theory of Operation
 * Four inputs are recognised:
 *  - a directory holding an OCI image layout (oci-layout, index.json,
 *    blobs/sha256/): index -> manifest -> config and layers, every blob
 *    checked against its digest, an image index (several platforms) is
 *    followed to its linux/amd64 (or first) manifest; the image is named
 *    by the descriptor's annotations when they hold a name;
 *  - a tar of such a layout (an oci-archive, `podman save --format
 *    oci-archive`): unpacked to a scratch directory, then read the same;
 *  - a tar with manifest.json at its top, as `docker save` and `podman
 *    save` write it: unpacked to a scratch directory of the store, then
 *    read like a directory (Config and Layers paths of the first entry);
 *  - any other tar (plain, gzip or zstd): a root filesystem, imported as a
 *    one-layer image with Cmd ["sh"].  A file that is no tar at all is
 *    refused, saying what would have been accepted.
 * Each layer's diff_id is checked against the config's rootfs.diff_ids,
 * then the layer is unpacked by layer.c unless the store has it already.
 * The image record is written last, so a failed import leaves at most
 * unreferenced layers, which the next import of the same layer reuses.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "lib/cleanup.h"
#include "runtime/oci/json.h"
#include "runtime/oci/resolve.h"
#include "runtime/oci/self.h"
#include "runtime/image/store.h"

struct import {
	const struct sl_import_opts *o;
	struct sl_idmaps maps;
	int dir;		    /* directory the paths are relative to */
	struct json_object *config; /* the image config document */
	char config_hex[65];
	char **layers; /* diff_ids */
	size_t nlayers;
	const char *name; /* from the archive, or NULL */
	off_t bytes;	  /* layer bytes read so far, for progress() */
	struct timespec start;
};

/**
 * read_json() - parse file @path under @dir, checking its digest if given
 * @dir:	directory fd of the image
 * @path:	path relative to @dir, resolved inside it (sl_open_member())
 * @hex:	expected sha256, or NULL
 * @out:	document (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int read_json(int dir, const char *path, const char *hex,
		     struct json_object **out, struct sl_error *e)
{
	_cleanup_close_ int fd = sl_open_member(dir, path, "image file", e);
	_cleanup_free_ char *buf = NULL;
	char sum[65];
	struct stat st;
	struct json_object *o;
	int r;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return sl_error_set(e, errno, "open `%s`", path);
	if (st.st_size > (16 << 20))
		return sl_error_say(e, EFBIG, "`%s`: too large", path);
	if (hex) {
		if ((r = sl_sha256_file(fd, sum, e)))
			return r;
		if (strcmp(sum, hex))
			return sl_error_say(e, EBADMSG,
					    "`%s`: digest mismatch (sha256:%s)",
					    path, sum);
	}
	buf = calloc(1, (size_t)st.st_size + 1);
	if (!buf || pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return sl_error_say(e, EIO, "read `%s`", path);
	if (!(o = json_tokener_parse(buf)))
		return sl_error_say(e, EINVAL, "`%s`: not JSON", path);
	*out = o;
	return 0;
}

/**
 * progress() - one line of progress on a terminal
 * @im:		import
 * @i:		layer index
 * @n:		layer count
 *
 * "importing layer I/N, M MiB at R MiB/s": the layers read so far and
 * their rate since the import began; the line is redrawn in place and
 * ended when @i reaches @n.
 */
static void progress(struct import *im, size_t i, size_t n)
{
	struct timespec now;
	double mib, secs;

	if (!im->o->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!im->start.tv_sec && !im->start.tv_nsec)
		im->start = now;
	secs = (double)(now.tv_sec - im->start.tv_sec) +
	       (double)(now.tv_nsec - im->start.tv_nsec) / 1e9;
	mib = (double)im->bytes / (1 << 20);
	fprintf(stderr, "\rimporting layer %zu/%zu, %.1f MiB at %.1f MiB/s ",
		i < n ? i + 1 : n, n, mib, secs > 0.001 ? mib / secs : 0.0);
	if (i == n)
		fputc('\n', stderr);
	fflush(stderr);
}
/**
 * add_layer() - verify and unpack one layer file
 * @im:		import
 * @fd:		the layer file, at any offset (not closed)
 * @path:	its name, for messages
 * @blob:	expected sha256 of the file, or NULL
 * @diffid:	expected diff_id, or NULL
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_layer(struct import *im, int fd, const char *path,
		     const char *blob, const char *diffid, struct sl_error *e)
{
	char sum[65], **v;
	struct stat st;
	int r;

	if (fstat(fd, &st) == 0)
		im->bytes += st.st_size;
	lseek(fd, 0, SEEK_SET);
	if (blob) {
		if ((r = sl_sha256_file(fd, sum, e)))
			return r;
		if (strcmp(sum, blob))
			return sl_error_say(e, EBADMSG,
					    "layer `%s`: digest mismatch",
					    path);
		lseek(fd, 0, SEEK_SET);
	}
	if ((r = sl_layer_diffid(fd, sum, e)))
		return sl_error_prefix(e, "layer `%s`", path);
	if (diffid && strcmp(sum, diffid))
		return sl_error_say(e, EBADMSG,
				    "layer `%s`: diff_id mismatch (sha256:%s)",
				    path, sum);
	lseek(fd, 0, SEEK_SET);
	if ((r = sl_layer_unpack(&im->maps, fd, sum, e)))
		return sl_error_prefix(e, "layer `%s`", path);
	v = realloc(im->layers, (im->nlayers + 1) * sizeof(*v));
	if (!v)
		return sl_error_say(e, ENOMEM, "layers");
	im->layers = v;
	v[im->nlayers++] = strdup(sum);
	return 0;
}

/**
 * add_member() - add the layer at @path inside the image's directory
 * @im:		import
 * @path:	path the manifest names, resolved inside im->dir
 * @blob:	expected sha256 of the file, or NULL
 * @diffid:	expected diff_id (NULL is refused: every layer is checked)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int add_member(struct import *im, const char *path, const char *blob,
		      const char *diffid, struct sl_error *e)
{
	_cleanup_close_ int fd = -1;

	if (!diffid)
		return sl_error_say(e, EINVAL,
				    "layer `%s`: no diff_id for it in the "
				    "image config (rootfs.diff_ids)",
				    path);
	fd = sl_open_member(im->dir, path, "layer", e);
	if (fd < 0)
		return fd;
	return add_layer(im, fd, path, blob, diffid, e);
}

/**
 * diff_id() - the config's diff_id @i, hex, or NULL
 * @im:	import
 * @i:	index
 *
 * Return: hex digest or NULL
 */
static const char *diff_id(struct import *im, size_t i)
{
	struct json_object *rootfs, *ids;
	const char *hex;

	rootfs = sl_json_peek(im->config, "rootfs", json_type_object);
	ids = sl_json_peek(rootfs, "diff_ids", json_type_array);
	if (!ids || i >= json_object_array_length(ids) ||
	    !json_object_is_type(json_object_array_get_idx(ids, i),
				 json_type_string) ||
	    !sl_digest_hex(
		    json_object_get_string(json_object_array_get_idx(ids, i)),
		    &hex))
		return NULL;
	return hex;
}

/**
 * blob_path() - blobs/sha256/HEX of a descriptor, checking the digest form
 * @desc:	descriptor
 * @buf:	path output
 * @len:	its size
 * @hex:	the digest's hex (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int blob_path(struct json_object *desc, char *buf, size_t len,
		     const char **hex, struct sl_error *e)
{
	const char *d = sl_json_peek_str(desc, "digest");

	if (!sl_digest_hex(d, hex))
		return sl_error_say(e, EINVAL, "bad or unsupported digest `%s`",
				    d ? d : "");
	snprintf(buf, len, "blobs/sha256/%s", *hex);
	return 0;
}

/**
 * pick_manifest() - the manifest descriptor to use from an index
 * @index:	index document
 *
 * Return: descriptor, or NULL
 */
static struct json_object *pick_manifest(struct json_object *index)
{
	struct json_object *ms, *plat, *first = NULL;

	ms = sl_json_peek(index, "manifests", json_type_array);
	if (!ms)
		return NULL;
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		struct json_object *m = json_object_array_get_idx(ms, i);
		const char *arch;

		if (!first)
			first = m;
		plat = sl_json_peek(m, "platform", json_type_object);
		arch = sl_json_peek_str(plat, "architecture");
		if (arch && !strcmp(arch, "amd64"))
			return m;
	}
	return first;
}

/**
 * oci_name() - the image name a manifest descriptor's annotations give
 * @desc:	descriptor in index.json
 *
 * containerd's io.containerd.image.name (a full name), else the OCI
 * ref.name when it is a name rather than a bare tag ("latest"): with a
 * tag or a registry path in it.
 *
 * Return: the name (borrowed), or NULL
 */
static const char *oci_name(struct json_object *desc)
{
	struct json_object *ann =
		sl_json_peek(desc, "annotations", json_type_object);
	const char *n = sl_json_peek_str(ann, "io.containerd.image.name");

	if (n && *n)
		return n;
	n = sl_json_peek_str(ann, "org.opencontainers.image.ref.name");
	return n && (strchr(n, ':') || strchr(n, '/')) ? n : NULL;
}

/**
 * import_oci() - an OCI image layout directory
 * @im:	import, im->dir set
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int import_oci(struct import *im, struct sl_error *e)
{
	struct json_object *index = NULL, *man = NULL, *desc, *layers;
	char path[128];
	const char *hex;
	int r, depth = 0;

	if ((r = read_json(im->dir, "index.json", NULL, &index, e)))
		return r;
	desc = pick_manifest(index);
	im->name = oci_name(desc);
	while (!r && desc && depth++ < 4) {
		if (man)
			json_object_put(man);
		man = NULL;
		if (!(r = blob_path(desc, path, sizeof(path), &hex, e)))
			r = read_json(im->dir, path, hex, &man, e);
		if (!r && json_object_object_get_ex(man, "manifests", NULL))
			desc = pick_manifest(man);
		else
			break;
	}
	if (!r && (!man || !json_object_object_get_ex(man, "config", &desc) ||
		   !json_object_object_get_ex(man, "layers", &layers)))
		r = sl_error_say(e, EINVAL, "no image manifest in index.json");
	if (!r && !json_object_is_type(layers, json_type_array))
		r = sl_error_say(e, EINVAL,
				 "image manifest: layers: expected an array");
	if (!r && !(r = blob_path(desc, path, sizeof(path), &hex, e)) &&
	    !(r = read_json(im->dir, path, hex, &im->config, e)))
		snprintf(im->config_hex, sizeof(im->config_hex), "%s", hex);
	for (size_t i = 0; !r && i < json_object_array_length(layers); i++) {
		progress(im, i, json_object_array_length(layers));
		desc = json_object_array_get_idx(layers, i);
		if (!(r = blob_path(desc, path, sizeof(path), &hex, e)))
			r = add_member(im, path, hex, diff_id(im, i), e);
	}
	if (!r)
		progress(im, im->nlayers, im->nlayers);
	if (im->name)
		im->name = strdup(im->name);
	json_object_put(man);
	json_object_put(index);
	return r;
}

/**
 * layer_names_check() - a docker-archive's Layers: an array of strings
 * @layers:	the manifest entry's Layers member
 * @e:		error
 *
 * Return: 0 or -EINVAL
 */
static int layer_names_check(struct json_object *layers, struct sl_error *e)
{
	if (!json_object_is_type(layers, json_type_array))
		return sl_error_say(e, EINVAL,
				    "manifest.json: Layers: expected an array");
	for (size_t i = 0; i < json_object_array_length(layers); i++)
		if (!json_object_is_type(json_object_array_get_idx(layers, i),
					 json_type_string))
			return sl_error_say(e, EINVAL,
					    "manifest.json: Layers[%zu]: "
					    "expected a string",
					    i);
	return 0;
}

/**
 * import_docker() - an unpacked docker-archive (manifest.json at the top)
 * @im:	import, im->dir set
 * @e:	error
 *
 * Return: 0 or -errno
 */
static int import_docker(struct import *im, struct sl_error *e)
{
	struct json_object *man = NULL, *ent, *layers, *tags;
	const char *cfg;
	char hex[65] = "";
	size_t n;
	int r;

	if ((r = read_json(im->dir, "manifest.json", NULL, &man, e)))
		return r;
	ent = json_object_is_type(man, json_type_array)
		      ? json_object_array_get_idx(man, 0)
		      : NULL;
	if (!(cfg = sl_json_peek_str(ent, "Config")) ||
	    !json_object_object_get_ex(ent, "Layers", &layers)) {
		json_object_put(man);
		return sl_error_say(e, EINVAL,
				    "manifest.json: no Config or "
				    "Layers");
	}
	if ((r = layer_names_check(layers, e))) {
		json_object_put(man);
		return r;
	}
	if (strlen(cfg) == 69 && !strcmp(cfg + 64, ".json"))
		snprintf(hex, sizeof(hex), "%.64s", cfg);
	r = read_json(im->dir, cfg, *hex ? hex : NULL, &im->config, e);
	snprintf(im->config_hex, sizeof(im->config_hex), "%s", hex);
	n = json_object_array_length(layers);
	for (size_t i = 0; !r && i < n; i++) {
		progress(im, i, n);
		r = add_member(im,
			       json_object_get_string(
				       json_object_array_get_idx(layers, i)),
			       NULL, diff_id(im, i), e);
	}
	if (!r)
		progress(im, n, n);
	tags = sl_json_peek(ent, "RepoTags", json_type_array);
	if (tags && json_object_array_length(tags) &&
	    json_object_is_type(json_object_array_get_idx(tags, 0),
				json_type_string))
		im->name = strdup(json_object_get_string(
			json_object_array_get_idx(tags, 0)));
	json_object_put(man);
	return r;
}

/* what a file given to import is, by its first entries */
enum archive_kind {
	ARCHIVE_NONE,	/* not a tar libarchive can read */
	ARCHIVE_ROOTFS, /* a tar of a root filesystem */
	ARCHIVE_DOCKER, /* manifest.json at the top (docker save) */
	ARCHIVE_OCI,	/* oci-layout at the top (an oci-archive) */
};

/**
 * archive_kind() - what the tar on @fd holds
 * @fd:	file, at offset 0 (left there)
 *
 * Return: enum archive_kind
 */
static enum archive_kind archive_kind(int fd)
{
	struct archive *a = archive_read_new();
	enum archive_kind kind = ARCHIVE_NONE;
	struct archive_entry *ent;
	int r;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 16) == ARCHIVE_OK)
		while (kind <= ARCHIVE_ROOTFS &&
		       ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK ||
			r == ARCHIVE_WARN)) {
			const char *p = archive_entry_pathname(ent);

			kind = ARCHIVE_ROOTFS;
			if (p && !strncmp(p, "./", 2))
				p += 2;
			if (p && !strcmp(p, "manifest.json"))
				kind = ARCHIVE_DOCKER;
			else if (p && !strcmp(p, "oci-layout"))
				kind = ARCHIVE_OCI;
		}
	archive_read_free(a);
	lseek(fd, 0, SEEK_SET);
	return kind;
}

/**
 * has_dotdot() - whether a relative path has a `..` component
 * @p:	path
 *
 * Return: true or false
 */
static bool has_dotdot(const char *p)
{
	for (; *p; p += strcspn(p, "/"), p += *p == '/')
		if (p[0] == '.' && p[1] == '.' && (!p[2] || p[2] == '/'))
			return true;
	return false;
}

/**
 * entry_check() - refuse an entry of a docker archive that is not plain
 * @ent:	the entry
 * @what:	"docker archive" or "oci-archive", for messages
 * @e:		error, naming the entry
 *
 * The archive only carries JSON documents and layer tars: files and
 * directories at relative paths without `..`.  Symlinks are let through
 * (`docker save` links a layer that two images share): they are created
 * as links, never followed while unpacking (ARCHIVE_EXTRACT_SECURE_
 * SYMLINKS), and the manifest's paths are opened beneath the archive's
 * directory, so a link out of it is refused there.  Hard links are
 * refused: libarchive would write an entry's data through a link to any
 * file the user can write.  So are devices, FIFOs and sockets.
 *
 * Return: 0 or -EINVAL
 */
static int entry_check(struct archive_entry *ent, const char *what,
		       struct sl_error *e)
{
	const char *name = archive_entry_pathname(ent);
	mode_t type = archive_entry_filetype(ent);

	if (!name || !*name)
		return sl_error_say(e, EINVAL, "%s: an entry has no name",
				    what);
	if (name[0] == '/' || has_dotdot(name))
		return sl_error_say(e, EINVAL,
				    "%s: entry `%s`: unsafe path "
				    "(absolute or with `..`)",
				    what, name);
	if (archive_entry_hardlink(ent))
		return sl_error_say(e, EINVAL,
				    "%s: entry `%s`: hard links "
				    "are not allowed (to `%s`)",
				    what, name, archive_entry_hardlink(ent));
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
		return sl_error_say(e, EINVAL,
				    "%s: entry `%s`: only files, "
				    "directories and symlinks are allowed",
				    what, name);
	return 0;
}

/**
 * unpack_plain() - unpack a docker or OCI archive into @dir (no owners)
 * @fd:		archive
 * @dir:	existing directory
 * @what:	"docker archive" or "oci-archive", for messages
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int unpack_plain(int fd, const char *dir, const char *what,
			struct sl_error *e)
{
	struct archive *in = archive_read_new(),
		       *out = archive_write_disk_new();
	struct archive_entry *ent;
	char path[PATH_MAX];
	const void *buf;
	size_t size;
	la_int64_t off;
	int r = 0, s = ARCHIVE_EOF;

	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(out,
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					       ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	if (archive_read_open_fd(in, fd, 1 << 16) != ARCHIVE_OK)
		r = sl_error_say(e, EINVAL, "not a tar archive");
	while (!r && (s = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);

		if ((r = entry_check(ent, what, e)))
			break;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		archive_entry_set_pathname(ent, path);
		archive_entry_set_perm(
			ent,
			archive_entry_filetype(ent) == AE_IFDIR ? 0700 : 0600);
		if (archive_write_header(out, ent) < ARCHIVE_WARN) {
			r = sl_error_say(e, EIO, "%s",
					 archive_error_string(out));
			break;
		}
		while (archive_read_data_block(in, &buf, &size, &off) ==
		       ARCHIVE_OK)
			archive_write_data_block(out, buf, size, off);
		archive_write_finish_entry(out);
	}
	if (!r && s != ARCHIVE_EOF)
		r = sl_error_say(e, EIO, "%s", archive_error_string(in));
	archive_write_free(out);
	archive_read_free(in);
	return r;
}

/**
 * import_rootfs() - a root filesystem tarball as a one-layer image
 * @im:		import
 * @fd:		the tarball
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int import_rootfs(struct import *im, int fd, struct sl_error *e)
{
	static const char cfg[] =
		"{\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:"
		"/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":[\"sh\"]}}";
	int r = add_layer(im, fd, im->o->path, NULL, NULL, e);

	if (r)
		return r;
	im->config = json_tokener_parse(cfg);
	snprintf(im->config_hex, sizeof(im->config_hex), "%s", im->layers[0]);
	return 0;
}

/**
 * default_name() - the image name from the file name
 * @path:	imported path
 *
 * Return: malloc'ed name
 */
static char *default_name(const char *path)
{
	static const char *const ext[] = { ".tar.gz", ".tar.zst", ".tgz",
					   ".tar", ".oci" };
	char *s = strdup(path), *b;
	size_t n;

	if (!s)
		return NULL;
	while ((n = strlen(s)) > 1 && s[n - 1] == '/')
		s[n - 1] = '\0';
	b = strrchr(s, '/');
	b = b ? b + 1 : s;
	memmove(s, b, strlen(b) + 1);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		n = strlen(s);
		if (n > strlen(ext[i]) &&
		    !strcmp(s + n - strlen(ext[i]), ext[i]))
			s[n - strlen(ext[i])] = '\0';
	}
	return s;
}

/**
 * import_file() - a tar file: docker archive or rootfs
 * @im:		import
 * @fd:		the file
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int import_file(struct import *im, int fd, struct sl_error *e)
{
	_cleanup_free_ char *tmp = NULL;
	enum archive_kind kind = archive_kind(fd);
	char dir[PATH_MAX];
	int r;

	if (kind == ARCHIVE_NONE)
		return sl_error_say(e, EINVAL,
				    "`%s`: not an image: neither an OCI image "
				    "layout, an oci-archive, a docker archive "
				    "nor a root filesystem tar",
				    im->o->path);
	if (kind == ARCHIVE_ROOTFS)
		return import_rootfs(im, fd, e);
	if ((r = sl_store_dir("tmp", &tmp, e)))
		return r;
	snprintf(dir, sizeof(dir), "%s/import-%d-XXXXXX", tmp, getpid());
	if (!mkdtemp(dir))
		return sl_error_set(e, errno, "create `%s`", dir);
	r = unpack_plain(fd, dir,
			 kind == ARCHIVE_OCI ? "oci-archive" : "docker archive",
			 e);
	if (!r) {
		im->dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = kind == ARCHIVE_OCI ? import_oci(im, e)
					: import_docker(im, e);
		close(im->dir);
	}
	sl_rm_rf_userns(&im->maps, dir, &(struct sl_error){ 0 });
	return r;
}

/**
 * sl_image_import() - import an image into the store
 * @o:		what to import
 * @name:	the image's name (malloc'ed, written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_image_import(const struct sl_import_opts *o, char **name,
		    struct sl_error *e)
{
	struct import im = { .o = o };
	struct json_object *cfg = NULL;
	_cleanup_close_ int fd = -1, lock = -1;
	bool replaced = false;
	char *n = NULL;
	struct stat st;
	int r;

	if ((r = sl_idmaps_get(&im.maps, e)))
		return r;
	if ((lock = sl_store_lock(false, e)) < 0)
		return lock;
	sl_store_sweep(&im.maps, &(struct sl_error){ 0 });
	fd = open(o->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return sl_error_set(e, errno, "`%s`", o->path);
	if (S_ISDIR(st.st_mode)) {
		im.dir = fd;
		if (faccessat(fd, "oci-layout", F_OK, 0) == 0)
			r = import_oci(&im, e);
		else if (faccessat(fd, "manifest.json", F_OK, 0) == 0)
			r = import_docker(&im, e);
		else
			r = sl_error_say(e, EINVAL,
					 "`%s`: neither an OCI image layout "
					 "nor a docker archive",
					 o->path);
	} else {
		r = import_file(&im, fd, e);
	}
	if (!r) {
		if (o->name)
			n = strdup(o->name);
		else if (im.name &&
			 (strchr(im.name, ':') || strchr(im.name, '/')) &&
			 sl_name_valid(im.name))
			n = strdup(im.name);
		else
			n = default_name(o->path);
		free((char *)im.name);
		if (!n || !sl_name_valid(n))
			r = sl_error_say(e, EINVAL,
					 "invalid image name `%s`: give one "
					 "with --name",
					 n ? n : "");
	} else {
		free((char *)im.name);
	}
	if (!r && im.config)
		json_object_object_get_ex(im.config, "config", &cfg);
	if (!r) {
		replaced = sl_image_exists(n);
		r = sl_image_save(n, im.config_hex, im.layers, im.nlayers, cfg,
				  e);
	}
	for (size_t i = 0; i < im.nlayers; i++)
		free(im.layers[i]);
	free(im.layers);
	json_object_put(im.config);
	if (r) {
		free(n);
		return r;
	}
	/* the layers of the image this name stood for may now be unused */
	close(lock);
	lock = -1;
	if (replaced && (r = sl_store_collect(&im.maps, e)) < 0)
		fprintf(stderr,
			"sublet: the image's old layers were kept: "
			"%s\n",
			e->msg);
	*name = n;
	return 0;
}

/**
 * bundled_path() - the image installed with the programs under @name
 * @name:	image name: a plain name ([a-z0-9._-], no path)
 * @buf:	PREFIX/share/sublet/images/@name, without symlinks or "..",
 *		written on success
 * @len:	its size
 *
 * PREFIX is where our own binary lies (PREFIX/bin/sublet).
 *
 * Return: 0, or -ENOENT when there is no such image
 */
static int bundled_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX], idx[PATH_MAX + 16], real[PATH_MAX];

	if (!*name || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
		    strlen(name) ||
	    sl_self_dir(self, sizeof(self)))
		return -ENOENT;
	if ((size_t)snprintf(buf, len, "%s/../share/sublet/images/%s", self,
			     name) >= len)
		return -ENOENT;
	snprintf(idx, sizeof(idx), "%s/index.json", buf);
	if (access(idx, R_OK) < 0 || !realpath(buf, real) ||
	    (size_t)snprintf(buf, len, "%s", real) >= len)
		return -ENOENT;
	return 0;
}

/**
 * sl_image_load_bundled() - load an image, importing it first when it is
 * one installed with the programs (busybox) and not in the store yet
 * @name:	image name
 * @img:	loaded image (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_image_load_bundled(const char *name, struct sl_image *img,
			  struct sl_error *e)
{
	struct sl_import_opts o = { .name = name };
	char dir[PATH_MAX], *n = NULL;
	int r = sl_image_load(name, img, e);

	if (r != -ENOENT || bundled_path(name, dir, sizeof(dir)))
		return r;
	fprintf(stderr, "sublet: importing `%s` from %s\n", name, dir);
	o.path = dir;
	if ((r = sl_image_import(&o, &n, e)))
		return r;
	free(n);
	return sl_image_load(name, img, e);
}
