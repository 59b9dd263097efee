// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - sublet-idmap: give a user namespace the caller's subordinate ids
 *
 * DOC: Theory of Operation
 * The program name picks the interface: called as "newuidmap" or
 * "newgidmap" (the links make install puts in libexec/sublet) it is
 * shadow's command of that name; called as anything else it takes a verb:
 * "uid" and "gid" (the same as the two links), "show" and "check".
 *
 * Before the arguments are parsed, main() makes the process state known
 * (env.c: fds, environment, umask) and sheds every privilege the verb
 * does not need (caps.c).  Only then does it look at what the caller
 * asked for.
 */
#include <stdio.h>
#include <string.h>

#include "idmap/idmap.h"
#include "lib/log.h"

#define IDMAP_VERSION "0.1.0"

enum verb {
	VERB_NONE,
	VERB_UID,
	VERB_GID,
	VERB_SHOW,
	VERB_CHECK,
	VERB_HELP,
	VERB_VERSION,
};

/**
 * usage() - print the synopsis
 * @f:	stream
 */
static void usage(FILE *f)
{
	fputs("Usage: sublet-idmap uid PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...\n"
	      "       sublet-idmap gid PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...\n"
	      "       sublet-idmap show [--json] [USER]\n"
	      "       sublet-idmap check [USER]\n"
	      "       sublet-idmap --help | --version\n"
	      "       newuidmap PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...\n"
	      "       newgidmap PID|fd:N ID LOWER COUNT [ID LOWER COUNT]...\n"
	      "\n"
	      "Write a user namespace's uid_map or gid_map with the ranges\n"
	      "/etc/subuid and /etc/subgid allot to the caller, or show and\n"
	      "check a user's setup for rootless containers.\n"
	      "\n"
	      "  uid, newuidmap   map uids: ID inside the namespace, LOWER outside\n"
	      "  gid, newgidmap   map gids\n"
	      "  PID|fd:N         the target process, or an fd open on its /proc/PID\n"
	      "  show             print the ranges USER may map (--json: as JSON)\n"
	      "  check            explain what USER's setup lacks for rootless containers\n"
	      "  -h, --help       print this help\n"
	      "  -V, --version    print the version\n",
	      f);
}

/**
 * verb_of() - which verb a word names
 * @w:	word, or NULL
 *
 * Return: the verb, VERB_NONE if unknown
 */
static enum verb verb_of(const char *w)
{
	static const struct {
		const char *name;
		enum verb v;
	} verbs[] = {
		{ "uid", VERB_UID },	       { "gid", VERB_GID },
		{ "show", VERB_SHOW },	       { "check", VERB_CHECK },
		{ "--help", VERB_HELP },       { "-h", VERB_HELP },
		{ "--version", VERB_VERSION }, { "-V", VERB_VERSION },
	};
	size_t i;

	for (i = 0; w && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(w, verbs[i].name))
			return verbs[i].v;
	return VERB_NONE;
}

/**
 * main() - dispatch by program name, then by verb
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: exit status
 */
int main(int argc, char *argv[])
{
	const char *a0 = argc > 0 && argv[0] ? argv[0] : "sublet-idmap";
	const char *base = strrchr(a0, '/') ? strrchr(a0, '/') + 1 : a0;
	bool compat = !strcmp(base, "newuidmap") || !strcmp(base, "newgidmap");
	int first = compat ? 1 : 2;
	enum verb v;

	if (compat) {
		v = base[3] == 'u' ? VERB_UID : VERB_GID;
		if (argc > 1 && verb_of(argv[1]) >= VERB_HELP)
			v = verb_of(argv[1]);
	} else {
		v = argc > 1 ? verb_of(argv[1]) : VERB_NONE;
	}
	env_sanitize(argc > first ? env_keep_fd(argv[first]) : -1);
	if (caps_setup(v == VERB_GID ? IDMAP_GID : IDMAP_UID,
		       v == VERB_UID || v == VERB_GID))
		die("cannot set up capabilities");
	log_init(compat ? base : "sublet-idmap");

	switch (v) {
	case VERB_UID:
	case VERB_GID:
		return idmap_map_main(v == VERB_UID ? IDMAP_UID : IDMAP_GID,
				      compat ? base : "sublet-idmap uid|gid",
				      argc - first, argv + first);
	case VERB_SHOW:
		return idmap_show_main(argc - 2, argv + 2);
	case VERB_CHECK:
		return idmap_check_main(argc - 2, argv + 2);
	case VERB_HELP:
		usage(stdout);
		return 0;
	case VERB_VERSION:
		printf("sublet-idmap %s\n", IDMAP_VERSION);
		return 0;
	case VERB_NONE:
		break;
	}
	if (argc > 1)
		err("unknown command '%s' (try --help)", argv[1]);
	else
		usage(stderr);
	return 1;
}
