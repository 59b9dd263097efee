// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * show.c - "sublet-idmap show [--json] [USER]": what a user may map
 *
 * DOC: Theory of Operation
 * Prints the user's passwd identity, each range /etc/subuid and
 * /etc/subgid allot them (by name or by numeric uid, in file order), and
 * the totals, as aligned text or as one JSON object:
 *
 *   {"user":"alice","uid":1000,"gid":1000,
 *    "subuid":[{"start":100000,"count":65536}],"subuid_total":65536,
 *    "subgid":[...],"subgid_total":65536}
 *
 * "user" is null for a numeric uid without a passwd entry, "gid" then
 * too.  The subid files are world-readable, so any user may be shown.
 * Runs with every capability dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "idmap/idmap.h"
#include "lib/log.h"

/**
 * print_text() - one kind's ranges as text lines
 * @kind:	uid or gid
 * @l:		ranges
 */
static void print_text(enum idmap_kind kind, const struct subid_list *l)
{
	const char *k = kind == IDMAP_UID ? "subuid" : "subgid";
	size_t i;

	if (!l->n)
		printf("%-8s none in %s\n", k, idmap_kind_file(kind));
	for (i = 0; i < l->n; i++)
		printf("%-8s %u:%u (%u-%llu)\n", k, l->v[i].start,
		       l->v[i].count, l->v[i].start,
		       (unsigned long long)l->v[i].start + l->v[i].count - 1);
	printf("%-8s %llu %ss\n", "total",
	       (unsigned long long)subid_list_total(l), k);
}

/**
 * json_ranges() - one kind's ranges as a JSON array
 * @l:	ranges
 *
 * Return: a new json array
 */
static json_object *json_ranges(const struct subid_list *l)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < l->n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "start",
				       json_object_new_int64(l->v[i].start));
		json_object_object_add(o, "count",
				       json_object_new_int64(l->v[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

/**
 * print_json() - the whole answer as one JSON object
 * @u:		user
 * @uids:	subuid ranges
 * @gids:	subgid ranges
 */
static void print_json(const struct idmap_user *u,
		       const struct subid_list *uids,
		       const struct subid_list *gids)
{
	json_object *o = json_object_new_object();

	json_object_object_add(
		o, "user", u->name ? json_object_new_string(u->name) : NULL);
	json_object_object_add(o, "uid", json_object_new_int64(u->uid));
	json_object_object_add(
		o, "gid",
		u->gid == (gid_t)-1 ? NULL : json_object_new_int64(u->gid));
	json_object_object_add(o, "subuid", json_ranges(uids));
	json_object_object_add(
		o, "subuid_total",
		json_object_new_int64((int64_t)subid_list_total(uids)));
	json_object_object_add(o, "subgid", json_ranges(gids));
	json_object_object_add(
		o, "subgid_total",
		json_object_new_int64((int64_t)subid_list_total(gids)));
	printf("%s\n",
	       json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

/**
 * idmap_show_main() - the show verb
 * @argc:	number of arguments after "show"
 * @argv:	arguments after "show"
 *
 * Return: exit status
 */
int idmap_show_main(int argc, char *const argv[])
{
	struct subid_list uids = { 0 }, gids = { 0 };
	struct idmap_user u;
	const char *who = NULL;
	bool json = false;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (argv[i][0] == '-' || who) {
			err("show: unexpected argument '%s'", argv[i]);
			return 1;
		} else {
			who = argv[i];
		}
	}
	if (user_lookup(who, &u))
		return 1;
	ret = user_allotment(&u, IDMAP_UID, &uids);
	if (ret == -ENOENT || !ret)
		ret = user_allotment(&u, IDMAP_GID, &gids);
	if (ret && ret != -ENOENT)
		goto out;
	ret = 0;
	if (json) {
		print_json(&u, &uids, &gids);
	} else {
		printf("%-8s %s (uid %u", "user", u.name ? u.name : "-", u.uid);
		if (u.gid != (gid_t)-1)
			printf(", gid %u", u.gid);
		printf(")\n");
		print_text(IDMAP_UID, &uids);
		print_text(IDMAP_GID, &gids);
	}
out:
	subid_list_free(&uids);
	subid_list_free(&gids);
	user_free(&u);
	return ret ? 1 : 0;
}
