/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * idmap.h - sublet-idmap's internal interfaces
 */
#ifndef SUBLET_IDMAP_H
#define SUBLET_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/subid.h"

/* The kernel takes at most this many lines in uid_map or gid_map. */
#define IDMAP_MAX_LINES 340
/* Ids allotted that a rootless container needs (0-65535 inside). */
#define IDMAP_WANT_IDS 65536U

/**
 * enum idmap_kind - which map is written
 * @IDMAP_UID:	uid_map, checked against /etc/subuid
 * @IDMAP_GID:	gid_map, checked against /etc/subgid
 */
enum idmap_kind {
	IDMAP_UID,
	IDMAP_GID,
};

/**
 * struct idmap_range - one requested line of the map
 * @id:		first id inside the namespace
 * @lower:	first id outside (in the caller's namespace)
 * @count:	number of ids, at least 1
 */
struct idmap_range {
	uint32_t id;
	uint32_t lower;
	uint32_t count;
};

/**
 * struct idmap_req - a parsed map request
 * @kind:	uid or gid
 * @target:	the PID or fd:N argument, as given
 * @v:		ranges, in command-line order
 * @n:		number of ranges, 1 to IDMAP_MAX_LINES
 */
struct idmap_req {
	enum idmap_kind kind;
	const char *target;
	struct idmap_range v[IDMAP_MAX_LINES];
	size_t n;
};

/**
 * struct idmap_target_spec - what the PID|fd:N argument names
 * @is_fd:	true for "fd:N"
 * @fd:		N, for "fd:N"
 * @pid:	the PID, otherwise
 */
struct idmap_target_spec {
	bool is_fd;
	int fd;
	pid_t pid;
};

/**
 * struct idmap_target - an opened target process
 * @pidfd:	pidfd of the process
 * @dirfd:	its /proc/PID directory
 * @pid:	its PID in our PID namespace
 */
struct idmap_target {
	int pidfd;
	int dirfd;
	pid_t pid;
};

/**
 * struct idmap_user - the person whose allotment is used
 * @name:	user name, or NULL if the uid has no passwd entry
 * @uid:	uid
 * @gid:	primary gid (for the caller: the real gid)
 */
struct idmap_user {
	char *name;
	uid_t uid;
	gid_t gid;
};

/* args.c */
const char *idmap_kind_name(enum idmap_kind kind);
const char *idmap_kind_file(enum idmap_kind kind);

int idmap_parse_target(const char *s, struct idmap_target_spec *out);
int idmap_parse_args(enum idmap_kind kind, int argc, char *const argv[],
		     struct idmap_req *out);

/* validate.c */
int idmap_check_overlap(const struct idmap_req *req);
int idmap_check_allowed(const struct idmap_req *req,
			const struct subid_list *allot, uint32_t own_id,
			const char *who, bool *any_subid);
int idmap_format(const struct idmap_req *req, char *buf, size_t len);

/* env.c */
void env_sanitize(int keep_fd);
int env_keep_fd(const char *arg);

/* caps.c */
int caps_setup(enum idmap_kind kind, bool need_caps);
int caps_limit(enum idmap_kind kind, bool keep_setfcap);
int caps_raise(void);
int caps_drop_all(void);
bool caps_have_needed(void);

/* user.c */
int user_lookup(const char *arg, struct idmap_user *out);
int user_caller(struct idmap_user *out);
void user_free(struct idmap_user *u);
int user_allotment(const struct idmap_user *u, enum idmap_kind kind,
		   struct subid_list *out);

/* target.c */
int target_open(const struct idmap_target_spec *spec, struct idmap_target *out);
int target_check_owner(const struct idmap_target *t, uid_t uid, gid_t gid);
int target_check_userns(const struct idmap_target *t, enum idmap_kind kind,
			uid_t uid);
int target_alive(const struct idmap_target *t);
void target_close(struct idmap_target *t);

/* map.c */
int idmap_map_main(enum idmap_kind kind, const char *prog, int argc,
		   char *const argv[]);

/* show.c */
int idmap_show_main(int argc, char *const argv[]);

/* doctor.c */
int idmap_check_main(int argc, char *const argv[]);

#endif /* SUBLET_IDMAP_H */
