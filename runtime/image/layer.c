// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * layer.c - unpack image layers into the store (libarchive)
 *
 * DOC: Theory of Operation
 * A layer is a tar, plain or compressed with gzip or zstd; libarchive
 * reads all three.  Layers are stored by diff_id, the sha256 of the
 * uncompressed tar, in layers/HEX/diff, so two images that share a layer
 * share its files.  The diff_id is computed in a first pass (libarchive's
 * "raw" format yields the decompressed stream) and checked against the
 * image config before anything is written.
 *
 * Unpacking happens as root of a user namespace with the user's full
 * subordinate mapping (subns.c), so owners, modes, special files and
 * xattrs land on disk as the container will see them.  The entry is
 * unpacked into a directory of its own (layers/.tmp-HEX-PID-XXXXXX) and
 * renamed into place when complete; an import of the same layer that got
 * there first wins.
 *
 * Whiteouts are converted to the form the kernel's overlayfs reads, which
 * sublet-overlayfs reads as well:
 *  - `.wh.NAME` becomes a character device 0/0 named NAME (allowed to the
 *    root of a user namespace since Linux 5.8); where mknod fails the
 *    `.wh.NAME` file is kept, which sublet-overlayfs understands, and the
 *    layer's "format" file says "wh" so `--storage-driver auto` does not
 *    pick the kernel's overlay for it;
 *  - `.wh..wh..opq` sets the xattr user.overlay.opaque=y on its directory
 *    (what the kernel reads with the userxattr mount option, and
 *    sublet-overlayfs reads too); where the xattr cannot be set, the
 *    marker file is kept and the format is "wh" again.
 *
 * libarchive refuses entries that would escape the layer (`..`, absolute
 * paths, paths through symlinks); the whiteouts, handled here, get the
 * same care: their directory is opened with openat2() beneath the layer
 * and through no symlink.  Where that fails, the `.wh.` entry goes to
 * libarchive as it is (which refuses it if it escapes), and an opaque
 * marker whose directory cannot be reached so is dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runtime/image/store.h"
#include "runtime/oci/resolve.h"

#define EXTRACT_FLAGS                                                          \
	(ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | \
	 ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_NODOTDOT |             \
	 ARCHIVE_EXTRACT_SECURE_SYMLINKS |                                     \
	 ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_UNLINK)

/**
 * open_reader() - a libarchive reader on @fd for any compression
 * @fd:		file
 * @raw:	read the decompressed stream as one entry
 *
 * Return: the reader, or NULL
 */
static struct archive *open_reader(int fd, bool raw)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	if (raw)
		archive_read_support_format_raw(a);
	else
		archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/**
 * sl_layer_diffid() - sha256 of a layer's uncompressed tar
 * @fd:		layer file, at offset 0
 * @hex:	digest (written on success)
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_layer_diffid(int fd, char hex[65], struct sl_error *e)
{
	struct archive *a = open_reader(fd, true);
	struct archive_entry *ent;
	unsigned char md[EVP_MAX_MD_SIZE], buf[1 << 16];
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	la_ssize_t n = 0;

	if (!a)
		return sl_error_say(e, EINVAL, "not a readable archive");
	if (archive_read_next_header(a, &ent) != ARCHIVE_OK) {
		archive_read_free(a);
		return sl_error_say(e, EINVAL, "empty or unreadable layer");
	}
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	if (n < 0) {
		int r = sl_error_say(e, EIO, "%s", archive_error_string(a));

		archive_read_free(a);
		return r;
	}
	archive_read_free(a);
	for (unsigned int i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

struct unpack {
	int fd;		 /* the layer */
	const char *dir; /* layers/.tmp-HEX-PID-XXXXXX */
	bool kept_wh;	 /* some whiteout kept as .wh. */
	char **opaque;	 /* directories marked opaque */
	size_t nopaque;
	unsigned ndev;	 /* device nodes left out */
	char *first_dev; /* the first of them */
};

/**
 * copy_data() - copy one entry's data from reader to writer
 * @in:		reader
 * @out:	writer
 *
 * The disk writer reports a failed write(2) (ENOSPC, EIO) as ARCHIVE_WARN
 * and goes on; the file would end up with a hole where the data was.  Any
 * status but ARCHIVE_OK is therefore a failure here.
 *
 * Return: ARCHIVE_OK or an error status
 */
static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &off)) ==
	       ARCHIVE_OK)
		if (archive_write_data_block(out, buf, size, off) != ARCHIVE_OK)
			return ARCHIVE_FATAL;
	return r == ARCHIVE_EOF ? ARCHIVE_OK : r;
}

/**
 * open_beneath() - open a directory of the layer, refusing escapes
 * @path:	path relative to the layer's root (the working directory)
 * @len:	how much of @path; 0 for the root
 * @flags:	open flags (O_DIRECTORY and O_CLOEXEC are added)
 *
 * `..` out of the layer, an absolute path or any symlink on the way
 * fails (EXDEV, ELOOP), and so does a path too long to copy.
 *
 * Return: a file descriptor, or -1 with errno set
 */
static int open_beneath(const char *path, int len, int flags)
{
	char dir[PATH_MAX];

	if (len >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(dir, sizeof(dir), "%.*s", len, path);
	return sl_openat2(AT_FDCWD, len ? dir : ".", flags | O_DIRECTORY,
			  RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
				  RESOLVE_NO_MAGICLINKS);
}

/**
 * whiteout() - handle an entry named .wh.*
 * @u:		unpack in progress
 * @path:	entry path, relative
 * @base:	its last component, inside @path
 *
 * Return: 1 if handled, 0 to unpack the entry as it is
 */
static int whiteout(struct unpack *u, const char *path, const char *base)
{
	int dlen = (int)(base - path), dfd, r;

	if (!strcmp(base, ".wh..wh..opq")) {
		char **v = realloc(u->opaque, (u->nopaque + 1) * sizeof(*v));

		if (!v)
			return 0;
		u->opaque = v;
		v[u->nopaque++] = dlen > 1 ? strndup(path, (size_t)dlen - 1)
					   : strdup(dlen ? "/" : "");
		return 1;
	}
	dfd = open_beneath(path, dlen, O_PATH);
	if (dfd < 0) {
		u->kept_wh = true;
		return 0;
	}
	unlinkat(dfd, base + 4, 0);
	r = mknodat(dfd, base + 4, S_IFCHR | 0, makedev(0, 0));
	close(dfd);
	if (r == 0)
		return 1;
	u->kept_wh = true;
	return 0;
}

/**
 * open_opaque() - open (creating it if missing) an opaque directory
 * @dir:	its path in the layer ("" for the root)
 *
 * Return: a file descriptor, or -1
 */
static int open_opaque(const char *dir)
{
	const char *base = strrchr(dir, '/');
	int len = base ? (int)(base - dir) : 0, pfd;
	int fd = open_beneath(dir, (int)strlen(dir), O_RDONLY);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	pfd = open_beneath(dir, len, O_PATH);
	if (pfd < 0)
		return -1;
	if (mkdirat(pfd, base ? base + 1 : dir, 0755) == 0)
		fd = openat(pfd, base ? base + 1 : dir,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(pfd);
	return fd;
}

/**
 * finish_opaque() - mark the opaque directories
 * @u:	unpack in progress
 *
 * A directory that cannot be reached inside the layer is skipped.
 */
static void finish_opaque(struct unpack *u)
{
	int fd, m;

	for (size_t i = 0; i < u->nopaque; i++) {
		fd = u->opaque[i] ? open_opaque(u->opaque[i]) : -1;
		free(u->opaque[i]);
		if (fd < 0)
			continue;
		if (fsetxattr(fd, "user.overlay.opaque", "y", 1, 0)) {
			m = openat(fd, ".wh..wh..opq",
				   O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				   0);
			if (m >= 0)
				close(m);
			u->kept_wh = true;
		}
		close(fd);
	}
	free(u->opaque);
}

/**
 * skip_device() - leave out a device node a user namespace cannot make
 * @u:		unpack in progress
 * @ent:	entry
 *
 * mknod() of a real device is refused in a user namespace, so a layer
 * holding one (an image with a populated /dev) is unpacked without it,
 * as rootless Podman does; the runtime mounts the container's /dev
 * anyway.  A char device 0/0 is an overlay whiteout, which the kernel
 * lets a user namespace make: it is kept.
 *
 * Return: true when @ent is to be left out
 */
static bool skip_device(struct unpack *u, struct archive_entry *ent)
{
	mode_t type = archive_entry_filetype(ent);

	if (type != AE_IFBLK && type != AE_IFCHR)
		return false;
	if (type == AE_IFCHR && !archive_entry_rdev(ent))
		return false;
	if (!u->ndev++)
		u->first_dev = strdup(archive_entry_pathname(ent));
	return true;
}

/**
 * unpack_failed() - the error for an entry the disk writer failed on
 * @out:	disk writer
 * @path:	the entry
 * @e:		error: libarchive's message, with the system error if any
 *
 * Return: -EIO, or the system error
 */
static int unpack_failed(struct archive *out, const char *path,
			 struct sl_error *e)
{
	int err = archive_errno(out);
	const char *msg = archive_error_string(out);

	if (err > 0 && (!msg || !strstr(msg, strerror(err))))
		return sl_error_say(e, err, "unpack `%s`: %s: %s", path,
				    msg ? msg : "write", strerror(err));
	return sl_error_say(e, EIO, "unpack `%s`: %s", path,
			    msg ? msg : "write failed");
}

/**
 * unpack_entries() - the extraction loop
 * @u:		unpack in progress
 * @in:		reader
 * @out:	disk writer
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int unpack_entries(struct unpack *u, struct archive *in,
			  struct archive *out, struct sl_error *e)
{
	struct archive_entry *ent;
	int r;

	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		const char *path = archive_entry_pathname(ent), *base;

		while (path[0] == '.' && path[1] == '/')
			path += 2;
		if (!*path || !strcmp(path, "."))
			continue;
		archive_entry_set_pathname(ent, path);
		path = archive_entry_pathname(ent);
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!strncmp(base, ".wh.", 4) && whiteout(u, path, base))
			continue;
		if (skip_device(u, ent))
			continue;
		if (archive_write_header(out, ent) < ARCHIVE_WARN ||
		    (archive_entry_size(ent) > 0 && copy_data(in, out)) ||
		    archive_write_finish_entry(out) < ARCHIVE_WARN)
			return unpack_failed(out, path, e);
	}
	if (r != ARCHIVE_EOF)
		return sl_error_say(e, EIO, "read layer: %s",
				    archive_error_string(in));
	return 0;
}

/**
 * unpack_fn() - unpack the layer (as root of the user namespace)
 * @arg:	struct unpack
 * @e:		error
 *
 * Return: 0 or -errno
 */
static int unpack_fn(void *arg, struct sl_error *e)
{
	struct unpack *u = arg;
	struct archive *in, *out;
	char diff[PATH_MAX];
	int r, fd;

	umask(0);
	snprintf(diff, sizeof(diff), "%s/diff", u->dir);
	if (mkdir(diff, 0755) < 0 || chdir(diff) < 0)
		return sl_error_set(e, errno, "create `%s`", diff);
	in = open_reader(u->fd, false);
	out = archive_write_disk_new();
	if (!in || !out) {
		archive_read_free(in);
		archive_write_free(out);
		return sl_error_say(e, EINVAL, "not a readable layer");
	}
	archive_write_disk_set_options(out, EXTRACT_FLAGS);
	r = unpack_entries(u, in, out, e);
	archive_write_close(out);
	archive_write_free(out);
	archive_read_free(in);
	finish_opaque(u);
	if (u->ndev)
		warn("image import: %u device node%s left out (the first: "
		     "`%s`): a user namespace cannot create devices",
		     u->ndev, u->ndev > 1 ? "s" : "",
		     u->first_dev ? u->first_dev : "?");
	free(u->first_dev);
	if (r)
		return r;
	fd = open("../format", O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, u->kept_wh ? "wh\n" : "chardev\n",
			    u->kept_wh ? 3 : 8) < 0)
		r = sl_error_set(e, errno, "write layer format");
	if (fd >= 0)
		close(fd);
	return r;
}

/**
 * sl_layer_unpack() - unpack a layer into layers/@hex, unless it is there
 * @m:		id mappings
 * @fd:		layer file, at offset 0
 * @hex:	its diff_id
 * @e:		error
 *
 * Return: 0 or -errno
 */
int sl_layer_unpack(const struct sl_idmaps *m, int fd, const char *hex,
		    struct sl_error *e)
{
	_cleanup_free_ char *layers = NULL;
	char dst[PATH_MAX], tmp[PATH_MAX];
	struct unpack u = { .fd = fd, .dir = tmp };
	int r;

	if ((r = sl_store_dir("layers", &layers, e)))
		return r;
	snprintf(dst, sizeof(dst), "%s/%s", layers, hex);
	if (access(dst, F_OK) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%.16s-%d-XXXXXX", layers, hex,
		 getpid());
	if (!mkdtemp(tmp))
		return sl_error_set(e, errno, "create `%s`", tmp);
	r = sl_in_userns(m, unpack_fn, &u, e);
	if (!r && rename(tmp, dst) < 0) {
		/* another import of the same layer got there first */
		if ((errno == ENOTEMPTY || errno == EEXIST) &&
		    access(dst, F_OK) == 0)
			r = 1;
		else
			r = sl_error_set(e, errno, "rename `%s`", tmp);
	}
	if (r)
		sl_rm_rf_userns(m, tmp, &(struct sl_error){ 0 });
	else
		chmod(dst, 0755);
	return r > 0 ? 0 : r;
}
