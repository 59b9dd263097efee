// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json.c - typed accessors over json-c objects, shared by the runtime
 *
 * DOC: Theory of Operation
 * config.json, the seccomp profile, image indexes and manifests and the
 * state files are all read through these functions, so a member is
 * looked up, type-checked and copied the same way everywhere.
 *
 * The strict accessors (sl_json_field() and the sl_json_<type>() built
 * on it) take the dotted path of the parent object ("process.user", ""
 * for the top of a document) and report a bad member through the
 * struct sl_error as "PATH.KEY: expected an integer", "PATH.KEY: missing
 * required field" or "PATH.KEY: 5 is out of range", returning -EINVAL;
 * an allocation failure is -ENOMEM with the path as its message.  A
 * member holding JSON null counts as absent, an absent optional member
 * is not an error, and a NULL parent object has no members, so a chain
 * of lookups can go through an optional object that is missing.  Output
 * parameters are written only on success, and for an absent optional
 * member only where the function says so (lookups write NULL).
 *
 * The lenient accessors (sl_json_peek*()) never fail: they return NULL
 * for a member that is absent, null or of another type.  They serve the
 * documents the runtime reads for its own use, where a missing member
 * just means "not known" (state files, image manifests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/oci/json.h"

/**
 * sl_json_field() - look up @key in @o, checking its type
 * @o:		parent object (may be NULL: the member is then absent)
 * @key:	member name
 * @t:		expected type (json_type_double also accepts an integer)
 * @tname:	the type as a message says it ("a string")
 * @path:	dotted path of @o, for messages ("" for the top)
 * @required:	whether absence is an error
 * @out:	the member, NULL when absent (written on success)
 * @e:		error
 *
 * Return: 0, or -EINVAL with the member named in @e
 */
int sl_json_field(struct json_object *o, const char *key, json_type t,
		  const char *tname, const char *path, bool required,
		  struct json_object **out, struct sl_error *e)
{
	struct json_object *v = NULL;
	const char *dot = *path ? "." : "";

	if (o && !json_object_object_get_ex(o, key, &v))
		v = NULL;
	if (v && json_object_get_type(v) == json_type_null)
		v = NULL;
	if (!v && required)
		return sl_error_set(e, 0, "%s%s%s: missing required field",
				    path, dot, key);
	if (v && json_object_get_type(v) != t &&
	    !(t == json_type_double && json_object_is_type(v, json_type_int)))
		return sl_error_set(e, 0, "%s%s%s: expected %s", path, dot, key,
				    tname);
	*out = v;
	return 0;
}

/**
 * sl_json_object() - look up an object member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	the object, NULL when absent (written on success)
 * @e:		error ("PATH.KEY: expected an object")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_object(struct json_object *o, const char *key, const char *path,
		   bool required, struct json_object **out, struct sl_error *e)
{
	return sl_json_field(o, key, json_type_object, "an object", path,
			     required, out, e);
}

/**
 * sl_json_array() - look up an optional array member, with its length
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @out:	the array, NULL when absent (written on success)
 * @n:		its length, 0 when absent (written on success)
 * @e:		error ("PATH.KEY: expected an array")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_array(struct json_object *o, const char *key, const char *path,
		  struct json_object **out, size_t *n, struct sl_error *e)
{
	struct json_object *a;
	int r;

	r = sl_json_field(o, key, json_type_array, "an array", path, false, &a,
			  e);
	if (r)
		return r;
	*out = a;
	*n = a ? json_object_array_length(a) : 0;
	return 0;
}

/**
 * sl_json_elem() - element @i of array @a, which must be an object
 * @a:		array
 * @i:		index, below the array's length
 * @path:	dotted path of @a, for messages
 * @out:	the element (written on success)
 * @e:		error ("PATH[I]: expected an object")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_elem(struct json_object *a, size_t i, const char *path,
		 struct json_object **out, struct sl_error *e)
{
	struct json_object *v = json_object_array_get_idx(a, i);

	if (!json_object_is_type(v, json_type_object))
		return sl_error_set(e, 0, "%s[%zu]: expected an object", path,
				    i);
	*out = v;
	return 0;
}

/**
 * sl_json_str() - a string member, borrowed from @o
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	the string, NULL when absent (written on success); valid as
 *		long as @o is
 * @e:		error ("PATH.KEY: expected a string")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_str(struct json_object *o, const char *key, const char *path,
		bool required, const char **out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = sl_json_field(o, key, json_type_string, "a string", path, required,
			  &v, e);
	if (r)
		return r;
	*out = v ? json_object_get_string(v) : NULL;
	return 0;
}

/**
 * sl_json_strdup() - a copy of a string member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	malloc'ed copy, left alone when absent
 * @e:		error ("PATH.KEY: expected a string")
 *
 * Return: 0 or -errno
 */
int sl_json_strdup(struct json_object *o, const char *key, const char *path,
		   bool required, char **out, struct sl_error *e)
{
	const char *s;
	char *copy;
	int r;

	r = sl_json_str(o, key, path, required, &s, e);
	if (r || !s)
		return r;
	copy = strdup(s);
	if (!copy)
		return sl_error_set(e, ENOMEM, "%s.%s", path, key);
	*out = copy;
	return 0;
}

/**
 * sl_json_bool() - an optional boolean member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @out:	value, left alone when absent
 * @e:		error ("PATH.KEY: expected a boolean")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_bool(struct json_object *o, const char *key, const char *path,
		 bool *out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = sl_json_field(o, key, json_type_boolean, "a boolean", path, false,
			  &v, e);
	if (!r && v)
		*out = json_object_get_boolean(v);
	return r;
}

/**
 * sl_json_int() - an integer member within [@min, @max]
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @min:	smallest allowed value
 * @max:	largest allowed value
 * @out:	value, left alone when absent
 * @present:	set to true when present (may be NULL), left alone otherwise
 * @e:		error ("PATH.KEY: expected an integer", "PATH.KEY: N is out
 *		of range")
 *
 * Values above INT64_MAX read as INT64_MAX (json-c clamps them).
 *
 * Return: 0 or -EINVAL
 */
int sl_json_int(struct json_object *o, const char *key, const char *path,
		bool required, int64_t min, int64_t max, int64_t *out,
		bool *present, struct sl_error *e)
{
	struct json_object *v;
	int64_t x;
	int r;

	r = sl_json_field(o, key, json_type_int, "an integer", path, required,
			  &v, e);
	if (r || !v)
		return r;
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return sl_error_set(e, 0, "%s%s%s: %lld is out of range", path,
				    *path ? "." : "", key, (long long)x);
	*out = x;
	if (present)
		*present = true;
	return 0;
}

/**
 * sl_json_u32() - an integer member within [0, UINT32_MAX]
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	value, left alone when absent
 * @present:	set to true when present (may be NULL), left alone otherwise
 * @e:		error, as sl_json_int() reports it
 *
 * Return: 0 or -EINVAL
 */
int sl_json_u32(struct json_object *o, const char *key, const char *path,
		bool required, uint32_t *out, bool *present, struct sl_error *e)
{
	bool has = false;
	int64_t x;
	int r;

	r = sl_json_int(o, key, path, required, 0, UINT32_MAX, &x, &has, e);
	if (!r && has) {
		*out = (uint32_t)x;
		if (present)
			*present = true;
	}
	return r;
}

/**
 * sl_json_u64() - a required non-negative integer member, up to UINT64_MAX
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o, not empty
 * @out:	value (written on success)
 * @e:		error ("PATH.KEY: must not be negative")
 *
 * Return: 0 or -EINVAL
 */
int sl_json_u64(struct json_object *o, const char *key, const char *path,
		uint64_t *out, struct sl_error *e)
{
	struct json_object *v;
	int r;

	r = sl_json_field(o, key, json_type_int, "an integer", path, true, &v,
			  e);
	if (r)
		return r;
	if (json_object_get_int64(v) < 0)
		return sl_error_set(e, 0, "%s.%s: must not be negative", path,
				    key);
	*out = json_object_get_uint64(v);
	return 0;
}

/**
 * sl_json_strv_free() - free a NULL-terminated string array
 * @v:	array (may be NULL)
 */
void sl_json_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/**
 * sl_json_strv() - a copy of an array-of-strings member
 * @o:		parent object
 * @key:	member name
 * @path:	dotted path of @o
 * @required:	whether absence is an error
 * @out:	NULL-terminated array of malloc'ed strings, left alone when
 *		absent; free with sl_json_strv_free()
 * @e:		error ("PATH.KEY: expected array of strings")
 *
 * Return: 0 or -errno
 */
int sl_json_strv(struct json_object *o, const char *key, const char *path,
		 bool required, char ***out, struct sl_error *e)
{
	struct json_object *v;
	size_t n;
	char **a;
	int r;

	r = sl_json_field(o, key, json_type_array, "array of strings", path,
			  required, &v, e);
	if (r || !v)
		return r;
	n = json_object_array_length(v);
	a = calloc(n + 1, sizeof(*a));
	if (!a)
		return sl_error_set(e, ENOMEM, "%s.%s", path, key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(v, i);

		if (!json_object_is_type(s, json_type_string)) {
			sl_json_strv_free(a);
			return sl_error_set(e, 0,
					    "%s%s%s: expected array of strings",
					    path, *path ? "." : "", key);
		}
		a[i] = strdup(json_object_get_string(s));
		if (!a[i]) {
			sl_json_strv_free(a);
			return sl_error_set(e, ENOMEM, "%s.%s", path, key);
		}
	}
	*out = a;
	return 0;
}

/**
 * sl_json_peek() - a member of type @t, if it is one
 * @o:		object (may be NULL, or not an object)
 * @key:	member name
 * @t:		wanted type, exactly (no integer for a double)
 *
 * Return: the member, or NULL when absent, null or of another type
 */
struct json_object *sl_json_peek(struct json_object *o, const char *key,
				 json_type t)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, t))
		return NULL;
	return v;
}

/**
 * sl_json_peek_str() - a string member, if it is one
 * @o:		object (may be NULL)
 * @key:	member name
 *
 * Return: the string, borrowed from @o, or NULL
 */
const char *sl_json_peek_str(struct json_object *o, const char *key)
{
	struct json_object *v = sl_json_peek(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/**
 * sl_json_peek_strdup() - a copy of a string member, if it is one
 * @o:		object (may be NULL)
 * @key:	member name
 *
 * Return: malloc'ed copy, or NULL (also when out of memory)
 */
char *sl_json_peek_strdup(struct json_object *o, const char *key)
{
	const char *s = sl_json_peek_str(o, key);

	return s ? strdup(s) : NULL;
}

/**
 * sl_json_add_str() - add a string member, unless @s is NULL
 * @o:		object
 * @key:	member name
 * @s:		value (may be NULL: nothing is added)
 */
void sl_json_add_str(struct json_object *o, const char *key, const char *s)
{
	if (s)
		json_object_object_add(o, key, json_object_new_string(s));
}
