/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.h - the image and container store behind `sublet run`
 */
#ifndef SUBLET_RUNTIME_STORE_H
#define SUBLET_RUNTIME_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/oci/config.h"
#include "runtime/oci/error.h"

struct json_object;

/* the full subid mapping: 0 -> own id, 1.. -> the subordinate ranges */
struct sl_idmaps {
	struct sl_idmap uid[8], gid[8];
	size_t nuid, ngid;
};

/* a function run as root of a user namespace with the full mapping */
typedef int (*sl_userns_fn)(void *arg, struct sl_error *e);

/* what `sublet image import` was given */
struct sl_import_opts {
	const char *path;
	const char *name; /* NULL: from the archive, else the file name */
	bool progress;	  /* draw progress on stderr */
};

/* an image in the store, loaded */
struct sl_image {
	char *name;
	char *id;      /* config digest, hex */
	char **layers; /* diff_ids (hex), bottom first */
	size_t nlayers;
	struct json_object *config; /* the image config's "config" */
	struct json_object *doc;    /* the whole record */
};

/* digest.c */
int sl_sha256_file(int fd, char hex[65], struct sl_error *e);
bool sl_digest_hex(const char *digest, const char **hex);

/* subns.c */
int sl_idmaps_get(struct sl_idmaps *m, struct sl_error *e);
int sl_in_userns(const struct sl_idmaps *m, sl_userns_fn fn, void *arg,
		 struct sl_error *e);
int sl_rm_rf_userns(const struct sl_idmaps *m, const char *path,
		    struct sl_error *e);

/* store.c */
int sl_store_dir(const char *sub, char **out, struct sl_error *e);
int sl_image_load(const char *name, struct sl_image *img, struct sl_error *e);
void sl_image_free(struct sl_image *img);
int sl_image_save(const char *name, const char *id, char **layers, size_t n,
		  struct json_object *config, struct sl_error *e);
int sl_image_list(char ***names, size_t *n, struct sl_error *e);
bool sl_image_exists(const char *name);
int sl_image_remove(const char *name, struct sl_error *e);
bool sl_name_valid(const char *name);
int sl_store_lock(bool excl, struct sl_error *e);
int sl_store_sweep(const struct sl_idmaps *m, struct sl_error *e);
int sl_store_collect(const struct sl_idmaps *m, struct sl_error *e);
int sl_store_prune(const struct sl_idmaps *m, int *layers, int *scratch,
		   struct sl_error *e);
int sl_image_pin(const char *cdir, struct sl_image *img, struct sl_error *e);

/* layer.c */
int sl_layer_diffid(int fd, char hex[65], struct sl_error *e);
int sl_layer_unpack(const struct sl_idmaps *m, int fd, const char *hex,
		    struct sl_error *e);

/* image.c */
int sl_image_import(const struct sl_import_opts *o, char **name,
		    struct sl_error *e);
int sl_image_load_bundled(const char *name, struct sl_image *img,
			  struct sl_error *e);

#endif /* SUBLET_RUNTIME_STORE_H */
