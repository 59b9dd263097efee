// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime-json.c - unit tests for runtime/json.c
 *
 * Every accessor on a member that is present, absent, null, of the wrong
 * type or out of range, with the exact message; on failure the outputs
 * must keep the sentinel values they held before the call.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/oci/json.h"
#include "tests/unit/tap.h"

#define DOC                                                                 \
	"{\"s\": \"str\", \"n\": null, \"i\": 7, \"neg\": -3, "             \
	"\"big\": 4294967296, \"u32max\": 4294967295, "                     \
	"\"huge\": 18446744073709551615, \"d\": 1.5, \"b\": true, "         \
	"\"f\": false, \"a\": [1, 2], \"sv\": [\"x\", \"y\"], "             \
	"\"mixed\": [\"x\", 1], \"objs\": [{\"k\": 1}, 2], \"o\": {\"k\": " \
	"\"v\"}}"

static struct json_object *doc;

/**
 * is_err() - check a failure: -EINVAL and message @want
 * @r:		return value
 * @e:		error filled by the call
 * @want:	expected message
 * @what:	test name
 */
static void is_err(int r, const struct sl_error *e, const char *want,
		   const char *what)
{
	int good = r == -EINVAL && e->code == -EINVAL && !strcmp(e->msg, want);

	ok(good, "%s", what);
	if (!good)
		printf("#   got %d `%s`, want `%s`\n", r, e->msg, want);
}

/**
 * is_str() - compare two strings, either may be NULL
 * @got:	value seen
 * @want:	value expected
 * @what:	test name
 */
static void is_str(const char *got, const char *want, const char *what)
{
	int good = (!got && !want) || (got && want && !strcmp(got, want));

	ok(good, "%s", what);
	if (!good)
		printf("#   got `%s`, want `%s`\n", got ? got : "(null)",
		       want ? want : "(null)");
}

/**
 * test_field() - sl_json_field() and sl_json_object()
 */
static void test_field(void)
{
	struct json_object *sentinel = doc, *v = sentinel;
	struct json_object *arr = json_object_new_array();
	struct sl_error e = { 0 };

	is_int(sl_json_field(doc, "s", json_type_string, "a string", "p", true,
			     &v, &e),
	       0, "field: present");
	ok(v && !strcmp(json_object_get_string(v), "str"), "field: the member");
	v = sentinel;
	is_int(sl_json_field(doc, "nosuch", json_type_string, "a string", "p",
			     false, &v, &e),
	       0, "field: absent optional");
	ok(!v, "field: absent writes NULL");
	v = sentinel;
	is_int(sl_json_field(doc, "n", json_type_string, "a string", "p", false,
			     &v, &e),
	       0, "field: null optional");
	ok(!v, "field: null reads as absent");
	v = sentinel;
	is_err(sl_json_field(doc, "nosuch", json_type_string, "a string", "p",
			     true, &v, &e),
	       &e, "p.nosuch: missing required field",
	       "field: absent required");
	ok(v == sentinel, "field: output untouched when missing");
	is_err(sl_json_field(doc, "n", json_type_string, "a string", "p", true,
			     &v, &e),
	       &e, "p.n: missing required field", "field: null required");
	is_err(sl_json_field(doc, "i", json_type_string, "a widget", "p.q",
			     false, &v, &e),
	       &e, "p.q.i: expected a widget", "field: wrong type names tname");
	ok(v == sentinel, "field: output untouched on wrong type");
	is_err(sl_json_field(doc, "i", json_type_string, "a string", "", false,
			     &v, &e),
	       &e, "i: expected a string", "field: top level has no dot");
	is_err(sl_json_field(doc, "nosuch", json_type_string, "a string", "",
			     true, &v, &e),
	       &e, "nosuch: missing required field",
	       "field: top level missing has no dot");
	is_int(sl_json_field(doc, "i", json_type_double, "a number", "p", true,
			     &v, &e),
	       0, "field: an integer is a double");
	is_err(sl_json_field(doc, "d", json_type_int, "an integer", "p", true,
			     &v, &e),
	       &e, "p.d: expected an integer", "field: a double is no integer");
	v = sentinel;
	is_int(sl_json_field(NULL, "s", json_type_string, "a string", "p",
			     false, &v, &e),
	       0, "field: NULL parent, optional");
	ok(!v, "field: NULL parent has no members");
	is_err(sl_json_field(NULL, "s", json_type_string, "a string", "p", true,
			     &v, &e),
	       &e, "p.s: missing required field",
	       "field: NULL parent, required");
	v = sentinel;
	is_int(sl_json_field(arr, "s", json_type_string, "a string", "p", false,
			     &v, &e),
	       0, "field: non-object parent, optional");
	ok(!v, "field: non-object parent has no members");

	v = sentinel;
	is_int(sl_json_object(doc, "o", "p", true, &v, &e), 0,
	       "object: present");
	ok(json_object_is_type(v, json_type_object), "object: the member");
	v = sentinel;
	is_int(sl_json_object(doc, "nosuch", "p", false, &v, &e), 0,
	       "object: absent optional");
	ok(!v, "object: absent writes NULL");
	v = sentinel;
	is_err(sl_json_object(doc, "s", "p", false, &v, &e), &e,
	       "p.s: expected an object", "object: wrong type");
	ok(v == sentinel, "object: output untouched on failure");
	is_err(sl_json_object(doc, "nosuch", "", true, &v, &e), &e,
	       "nosuch: missing required field", "object: absent required");
	json_object_put(arr);
}

/**
 * test_array() - sl_json_array() and sl_json_elem()
 */
static void test_array(void)
{
	struct json_object *sentinel = doc, *a = sentinel, *objs, *v;
	struct sl_error e = { 0 };
	size_t n = 99;

	is_int(sl_json_array(doc, "a", "p", &a, &n, &e), 0, "array: present");
	ok(json_object_is_type(a, json_type_array), "array: the member");
	is_int((long long)n, 2, "array: its length");
	a = sentinel;
	n = 99;
	is_int(sl_json_array(doc, "nosuch", "p", &a, &n, &e), 0,
	       "array: absent");
	ok(!a && n == 0, "array: absent gives NULL and 0");
	a = sentinel;
	n = 99;
	is_int(sl_json_array(doc, "n", "p", &a, &n, &e), 0, "array: null");
	ok(!a && n == 0, "array: null reads as absent");
	a = sentinel;
	n = 99;
	is_err(sl_json_array(doc, "o", "p", &a, &n, &e), &e,
	       "p.o: expected an array", "array: wrong type");
	ok(a == sentinel && n == 99, "array: outputs untouched on failure");
	is_err(sl_json_array(doc, "s", "", &a, &n, &e), &e,
	       "s: expected an array", "array: top level has no dot");

	json_object_object_get_ex(doc, "objs", &objs);
	v = sentinel;
	is_int(sl_json_elem(objs, 0, "p.objs", &v, &e), 0, "elem: an object");
	ok(v == json_object_array_get_idx(objs, 0), "elem: the element");
	v = sentinel;
	is_err(sl_json_elem(objs, 1, "p.objs", &v, &e), &e,
	       "p.objs[1]: expected an object", "elem: not an object");
	ok(v == sentinel, "elem: output untouched on failure");
}

/**
 * test_str() - sl_json_str() and sl_json_strdup()
 */
static void test_str(void)
{
	static const char keep[] = "keep";
	char *sentinel = (char *)keep, *copy = sentinel;
	const char *s = keep;
	struct sl_error e = { 0 };

	is_int(sl_json_str(doc, "s", "p", true, &s, &e), 0, "str: present");
	is_str(s, "str", "str: the value");
	s = keep;
	is_int(sl_json_str(doc, "nosuch", "p", false, &s, &e), 0,
	       "str: absent optional");
	ok(!s, "str: absent writes NULL");
	s = keep;
	is_int(sl_json_str(doc, "n", "p", false, &s, &e), 0,
	       "str: null optional");
	ok(!s, "str: null writes NULL");
	s = keep;
	is_err(sl_json_str(doc, "i", "p", false, &s, &e), &e,
	       "p.i: expected a string", "str: wrong type");
	ok(s == keep, "str: output untouched on wrong type");
	is_err(sl_json_str(doc, "nosuch", "p", true, &s, &e), &e,
	       "p.nosuch: missing required field", "str: absent required");
	ok(s == keep, "str: output untouched when missing");

	is_int(sl_json_strdup(doc, "s", "p", true, &copy, &e), 0,
	       "strdup: present");
	is_str(copy, "str", "strdup: the value");
	ok(copy != sentinel &&
		   copy != json_object_get_string(
				   json_object_object_get(doc, "s")),
	   "strdup: a copy");
	free(copy);
	copy = sentinel;
	is_int(sl_json_strdup(doc, "nosuch", "p", false, &copy, &e), 0,
	       "strdup: absent optional");
	ok(copy == sentinel, "strdup: absent leaves the output alone");
	is_int(sl_json_strdup(doc, "n", "p", false, &copy, &e), 0,
	       "strdup: null optional");
	ok(copy == sentinel, "strdup: null leaves the output alone");
	is_err(sl_json_strdup(doc, "a", "p", false, &copy, &e), &e,
	       "p.a: expected a string", "strdup: wrong type");
	ok(copy == sentinel, "strdup: output untouched on wrong type");
	is_err(sl_json_strdup(doc, "nosuch", "", true, &copy, &e), &e,
	       "nosuch: missing required field", "strdup: absent required");
	ok(copy == sentinel, "strdup: output untouched when missing");
}

/**
 * test_bool() - sl_json_bool()
 */
static void test_bool(void)
{
	struct sl_error e = { 0 };
	bool b = false;

	is_int(sl_json_bool(doc, "b", "p", &b, &e), 0, "bool: true");
	ok(b, "bool: reads true");
	is_int(sl_json_bool(doc, "f", "p", &b, &e), 0, "bool: false");
	ok(!b, "bool: reads false");
	b = true;
	is_int(sl_json_bool(doc, "nosuch", "p", &b, &e), 0, "bool: absent");
	ok(b, "bool: absent leaves the output alone");
	is_int(sl_json_bool(doc, "n", "p", &b, &e), 0, "bool: null");
	ok(b, "bool: null leaves the output alone");
	is_err(sl_json_bool(doc, "i", "p", &b, &e), &e,
	       "p.i: expected a boolean", "bool: wrong type");
	ok(b, "bool: output untouched on failure");
	is_err(sl_json_bool(doc, "s", "", &b, &e), &e, "s: expected a boolean",
	       "bool: top level has no dot");
}

/**
 * test_int() - sl_json_int()
 */
static void test_int(void)
{
	struct sl_error e = { 0 };
	bool present = false;
	int64_t x = 42;

	is_int(sl_json_int(doc, "i", "p", true, 0, 10, &x, &present, &e), 0,
	       "int: in range");
	ok(x == 7 && present, "int: value and present");
	x = 42;
	is_int(sl_json_int(doc, "i", "p", true, 7, 7, &x, NULL, &e), 0,
	       "int: bounds are inclusive, present may be NULL");
	is_int(x, 7, "int: value at the bound");
	x = 42;
	present = false;
	is_int(sl_json_int(doc, "nosuch", "p", false, 0, 10, &x, &present, &e),
	       0, "int: absent optional");
	ok(x == 42 && !present, "int: absent leaves outputs alone");
	is_int(sl_json_int(doc, "n", "p", false, 0, 10, &x, &present, &e), 0,
	       "int: null optional");
	ok(x == 42 && !present, "int: null leaves outputs alone");
	is_err(sl_json_int(doc, "nosuch", "p", true, 0, 10, &x, &present, &e),
	       &e, "p.nosuch: missing required field", "int: absent required");
	is_err(sl_json_int(doc, "s", "p", false, 0, 10, &x, &present, &e), &e,
	       "p.s: expected an integer", "int: a string");
	is_err(sl_json_int(doc, "d", "p", false, 0, 10, &x, &present, &e), &e,
	       "p.d: expected an integer", "int: a double");
	is_err(sl_json_int(doc, "neg", "p", false, 0, 10, &x, &present, &e), &e,
	       "p.neg: -3 is out of range", "int: below min");
	is_err(sl_json_int(doc, "i", "p", false, 0, 6, &x, &present, &e), &e,
	       "p.i: 7 is out of range", "int: above max");
	is_err(sl_json_int(doc, "i", "", false, 0, 6, &x, &present, &e), &e,
	       "i: 7 is out of range", "int: top level has no dot");
	is_err(sl_json_int(doc, "huge", "p", false, 0, INT32_MAX, &x, &present,
			   &e),
	       &e, "p.huge: 9223372036854775807 is out of range",
	       "int: past INT64_MAX reads as INT64_MAX");
	ok(x == 42 && !present, "int: outputs untouched on failure");
}

/**
 * test_unsigned() - sl_json_u32() and sl_json_u64()
 */
static void test_unsigned(void)
{
	struct sl_error e = { 0 };
	bool present = false;
	uint64_t u64 = 42;
	uint32_t u = 42;

	is_int(sl_json_u32(doc, "u32max", "p", true, &u, &present, &e), 0,
	       "u32: UINT32_MAX");
	ok(u == UINT32_MAX && present, "u32: value and present");
	is_int(sl_json_u32(doc, "i", "p", true, &u, NULL, &e), 0,
	       "u32: present may be NULL");
	is_int(u, 7, "u32: value");
	u = 42;
	present = false;
	is_int(sl_json_u32(doc, "nosuch", "p", false, &u, &present, &e), 0,
	       "u32: absent optional");
	ok(u == 42 && !present, "u32: absent leaves outputs alone");
	is_err(sl_json_u32(doc, "nosuch", "p", true, &u, &present, &e), &e,
	       "p.nosuch: missing required field", "u32: absent required");
	is_err(sl_json_u32(doc, "big", "p", false, &u, &present, &e), &e,
	       "p.big: 4294967296 is out of range", "u32: past UINT32_MAX");
	is_err(sl_json_u32(doc, "neg", "p", false, &u, &present, &e), &e,
	       "p.neg: -3 is out of range", "u32: negative");
	is_err(sl_json_u32(doc, "b", "p", false, &u, &present, &e), &e,
	       "p.b: expected an integer", "u32: wrong type");
	ok(u == 42 && !present, "u32: outputs untouched on failure");

	is_int(sl_json_u64(doc, "i", "p", &u64, &e), 0, "u64: small");
	ok(u64 == 7, "u64: value");
	is_int(sl_json_u64(doc, "huge", "p", &u64, &e), 0, "u64: UINT64_MAX");
	ok(u64 == UINT64_MAX, "u64: the full range");
	u64 = 42;
	is_err(sl_json_u64(doc, "neg", "p", &u64, &e), &e,
	       "p.neg: must not be negative", "u64: negative");
	is_err(sl_json_u64(doc, "nosuch", "p", &u64, &e), &e,
	       "p.nosuch: missing required field", "u64: always required");
	is_err(sl_json_u64(doc, "n", "p", &u64, &e), &e,
	       "p.n: missing required field", "u64: null is missing");
	is_err(sl_json_u64(doc, "s", "p", &u64, &e), &e,
	       "p.s: expected an integer", "u64: wrong type");
	ok(u64 == 42, "u64: output untouched on failure");
}

/**
 * test_strv() - sl_json_strv() and sl_json_strv_free()
 */
static void test_strv(void)
{
	static char *keep[] = { NULL };
	struct sl_error e = { 0 };
	char **v = keep;

	is_int(sl_json_strv(doc, "sv", "p", true, &v, &e), 0, "strv: present");
	ok(v != keep && v[0] && v[1] && !v[2], "strv: two, NULL-terminated");
	if (v != keep && v[0] && v[1]) {
		is_str(v[0], "x", "strv: first");
		is_str(v[1], "y", "strv: second");
		sl_json_strv_free(v);
	}
	v = keep;
	is_int(sl_json_strv(doc, "nosuch", "p", false, &v, &e), 0,
	       "strv: absent optional");
	ok(v == keep, "strv: absent leaves the output alone");
	is_int(sl_json_strv(doc, "n", "p", false, &v, &e), 0,
	       "strv: null optional");
	ok(v == keep, "strv: null leaves the output alone");
	is_err(sl_json_strv(doc, "nosuch", "p", true, &v, &e), &e,
	       "p.nosuch: missing required field", "strv: absent required");
	is_err(sl_json_strv(doc, "s", "p", false, &v, &e), &e,
	       "p.s: expected array of strings", "strv: not an array");
	is_err(sl_json_strv(doc, "mixed", "p", false, &v, &e), &e,
	       "p.mixed: expected array of strings", "strv: a non-string");
	is_err(sl_json_strv(doc, "mixed", "", false, &v, &e), &e,
	       "mixed: expected array of strings",
	       "strv: top level has no dot");
	ok(v == keep, "strv: output untouched on failure");
	sl_json_strv_free(NULL);
	ok(1, "strv_free: NULL is a no-op");
}

/**
 * test_peek() - the lenient lookups
 */
static void test_peek(void)
{
	struct json_object *arr = json_object_new_array();
	char *copy;

	ok(sl_json_peek(doc, "o", json_type_object) ==
		   json_object_object_get(doc, "o"),
	   "peek: member of the type");
	ok(!sl_json_peek(doc, "o", json_type_array), "peek: other type");
	ok(!sl_json_peek(doc, "i", json_type_double),
	   "peek: an integer is no double");
	ok(!sl_json_peek(doc, "n", json_type_null), "peek: null is absent");
	ok(!sl_json_peek(doc, "nosuch", json_type_int), "peek: absent");
	ok(!sl_json_peek(NULL, "o", json_type_object), "peek: NULL parent");
	ok(!sl_json_peek(arr, "o", json_type_object),
	   "peek: non-object parent");
	is_str(sl_json_peek_str(doc, "s"), "str", "peek_str: a string");
	ok(!sl_json_peek_str(doc, "i"), "peek_str: an integer");
	ok(!sl_json_peek_str(doc, "n"), "peek_str: null");
	ok(!sl_json_peek_str(NULL, "s"), "peek_str: NULL parent");
	copy = sl_json_peek_strdup(doc, "s");
	is_str(copy, "str", "peek_strdup: a string");
	ok(copy && copy != sl_json_peek_str(doc, "s"), "peek_strdup: a copy");
	free(copy);
	ok(!sl_json_peek_strdup(doc, "a"), "peek_strdup: an array");
	ok(!sl_json_peek_strdup(doc, "nosuch"), "peek_strdup: absent");
	json_object_put(arr);
}

/**
 * test_add_str() - sl_json_add_str()
 */
static void test_add_str(void)
{
	struct json_object *o = json_object_new_object();

	sl_json_add_str(o, "a", "x");
	sl_json_add_str(o, "b", NULL);
	is_str(sl_json_peek_str(o, "a"), "x", "add_str: adds a string");
	ok(!json_object_object_get_ex(o, "b", NULL), "add_str: NULL adds none");
	is_int(json_object_object_length(o), 1, "add_str: one member");
	json_object_put(o);
}

int main(void)
{
	doc = json_tokener_parse(DOC);
	if (!ok(doc != NULL, "test document parses"))
		return done_testing();
	test_field();
	test_array();
	test_str();
	test_bool();
	test_int();
	test_unsigned();
	test_strv();
	test_peek();
	test_add_str();
	json_object_put(doc);
	return done_testing();
}
