/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subid.h - /etc/subuid and /etc/subgid lookup
 */
#ifndef SUBLET_SUBID_H
#define SUBLET_SUBID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SUBUID_FILE "/etc/subuid"
#define SUBGID_FILE "/etc/subgid"
/* Largest subid file read; shadow's own files are far smaller. */
#define SUBID_FILE_MAX (16U << 20)

/**
 * struct subid_range - one allotment: ids [start, start + count)
 * @start:	first id
 * @count:	number of ids, at least 1; start + count <= 2^32
 */
struct subid_range {
	uint32_t start;
	uint32_t count;
};

/**
 * struct subid_list - the allotments that name one user
 * @v:		ranges, in file order
 * @n:		number of ranges
 * @bad_lines:	lines that were neither blank, comment nor well formed
 */
struct subid_list {
	struct subid_range *v;
	size_t n;
	size_t bad_lines;
};

int subid_parse(const char *buf, size_t len, const char *name, uint32_t id,
		struct subid_list *out);
int subid_read_fd(int fd, const char *name, uint32_t id,
		  struct subid_list *out);
int subid_read(const char *path, const char *name, uint32_t id,
	       struct subid_list *out);
void subid_list_free(struct subid_list *l);
uint64_t subid_list_total(const struct subid_list *l);

#endif /* SUBLET_SUBID_H */
