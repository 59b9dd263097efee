/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - typed accessors over json-c objects, shared by the runtime
 */
#ifndef SUBLET_RUNTIME_JSON_H
#define SUBLET_RUNTIME_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "runtime/oci/error.h"

/* strict: 0, or -errno with the member's dotted path in @e */
int sl_json_field(struct json_object *o, const char *key, json_type t,
		  const char *tname, const char *path, bool required,
		  struct json_object **out, struct sl_error *e);
int sl_json_object(struct json_object *o, const char *key, const char *path,
		   bool required, struct json_object **out, struct sl_error *e);
int sl_json_array(struct json_object *o, const char *key, const char *path,
		  struct json_object **out, size_t *n, struct sl_error *e);
int sl_json_elem(struct json_object *a, size_t i, const char *path,
		 struct json_object **out, struct sl_error *e);
int sl_json_str(struct json_object *o, const char *key, const char *path,
		bool required, const char **out, struct sl_error *e);
int sl_json_strdup(struct json_object *o, const char *key, const char *path,
		   bool required, char **out, struct sl_error *e);
int sl_json_bool(struct json_object *o, const char *key, const char *path,
		 bool *out, struct sl_error *e);
int sl_json_int(struct json_object *o, const char *key, const char *path,
		bool required, int64_t min, int64_t max, int64_t *out,
		bool *present, struct sl_error *e);
int sl_json_u32(struct json_object *o, const char *key, const char *path,
		bool required, uint32_t *out, bool *present,
		struct sl_error *e);
int sl_json_u64(struct json_object *o, const char *key, const char *path,
		uint64_t *out, struct sl_error *e);
int sl_json_strv(struct json_object *o, const char *key, const char *path,
		 bool required, char ***out, struct sl_error *e);
void sl_json_strv_free(char **v);

/* lenient: the value, or NULL when absent, null or of another type */
struct json_object *sl_json_peek(struct json_object *o, const char *key,
				 json_type t);
const char *sl_json_peek_str(struct json_object *o, const char *key);
char *sl_json_peek_strdup(struct json_object *o, const char *key);

/* writing */
void sl_json_add_str(struct json_object *o, const char *key, const char *s);

#endif /* SUBLET_RUNTIME_JSON_H */
