// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * validate.c - may this caller ask for these ranges?
 *
 * DOC: Theory of Operation
 * A request passes when every range is allowed and no two collide:
 *
 * - Ranges may not overlap, neither inside the namespace (two ranges
 *   claiming the same ID) nor outside it (one host id behind two ids).
 *   The kernel refuses both too; checking here gives a message that names
 *   the ranges.
 * - Each range's outside ids [LOWER, LOWER + COUNT) must lie in the
 *   union of the caller's allotments in /etc/subuid (or /etc/subgid).
 *   Allotments that touch end to end count as one stretch, as shadow's
 *   newuidmap counts them; a range across a gap between two allotments
 *   is refused, naming the first id in the gap.
 * - Otherwise, a range of exactly one id whose LOWER is the caller's own
 *   uid (or real gid) is allowed: the caller already holds that id.
 *   Overlap checking makes this possible once only.
 *
 * @any_subid reports whether some range came from the subid file: for a
 * gid map, that decides whether setgroups(2) stays allowed (see map.c).
 */
#include <errno.h>
#include <stdio.h>

#include "idmap/idmap.h"
#include "lib/log.h"

/**
 * overlaps() - do [a, a + an) and [b, b + bn) share an id?
 * @a:	first start
 * @an:	first length
 * @b:	second start
 * @bn:	second length
 *
 * Return: true if they overlap
 */
static bool overlaps(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/**
 * idmap_check_overlap() - refuse requests whose ranges collide
 * @req:	parsed request
 *
 * Return: 0, or -EINVAL with a message naming the two ranges
 */
int idmap_check_overlap(const struct idmap_req *req)
{
	const char *k = idmap_kind_name(req->kind);
	size_t i, j;

	for (i = 0; i < req->n; i++) {
		const struct idmap_range *a = &req->v[i];

		for (j = i + 1; j < req->n; j++) {
			const struct idmap_range *b = &req->v[j];

			if (overlaps(a->id, a->count, b->id, b->count)) {
				err("ranges %zu and %zu overlap inside the namespace (%ss %u-%u and %u-%u)",
				    i + 1, j + 1, k, a->id,
				    a->id + a->count - 1, b->id,
				    b->id + b->count - 1);
				return -EINVAL;
			}
			if (overlaps(a->lower, a->count, b->lower, b->count)) {
				err("ranges %zu and %zu overlap outside the namespace (%ss %u-%u and %u-%u)",
				    i + 1, j + 1, k, a->lower,
				    a->lower + a->count - 1, b->lower,
				    b->lower + b->count - 1);
				return -EINVAL;
			}
		}
	}
	return 0;
}

/**
 * first_uncovered() - find the first id of a span no allotment covers
 * @allot:	allotments
 * @start:	span start
 * @count:	span length
 * @gap:	set to the first uncovered id, if any
 *
 * Return: true if some id in the span is not covered
 */
static bool first_uncovered(const struct subid_list *allot, uint32_t start,
			    uint32_t count, uint32_t *gap)
{
	uint64_t cur = start, end = (uint64_t)start + count;

	while (cur < end) {
		uint64_t next = cur;
		size_t i;

		for (i = 0; i < allot->n; i++) {
			uint64_t s = allot->v[i].start;
			uint64_t e = s + allot->v[i].count;

			if (s <= cur && cur < e && e > next)
				next = e;
		}
		if (next == cur) {
			*gap = (uint32_t)cur;
			return true;
		}
		cur = next;
	}
	return false;
}

/**
 * idmap_check_allowed() - check every range against the allotment
 * @req:	parsed request
 * @allot:	the caller's ranges from the subid file
 * @own_id:	the caller's uid (uid map) or real gid (gid map)
 * @who:	the caller's name, for messages
 * @any_subid:	set to whether some range was allowed by @allot; written
 *		only on success
 *
 * Return: 0, or -EPERM with a message naming the first refused id
 */
int idmap_check_allowed(const struct idmap_req *req,
			const struct subid_list *allot, uint32_t own_id,
			const char *who, bool *any_subid)
{
	const char *k = idmap_kind_name(req->kind);
	bool from_subid = false;
	size_t i;

	for (i = 0; i < req->n; i++) {
		const struct idmap_range *r = &req->v[i];
		uint32_t gap;

		if (!first_uncovered(allot, r->lower, r->count, &gap)) {
			from_subid = true;
			continue;
		}
		if (r->count == 1 && r->lower == own_id)
			continue;
		if (r->count == 1)
			err("range %zu: %s %u is not allotted to %s in %s",
			    i + 1, k, gap, who, idmap_kind_file(req->kind));
		else
			err("range %zu: %s %u (of %u-%u) is not allotted to %s in %s",
			    i + 1, k, gap, r->lower, r->lower + r->count - 1,
			    who, idmap_kind_file(req->kind));
		return -EPERM;
	}
	*any_subid = from_subid;
	return 0;
}

/**
 * idmap_format() - write the request as the kernel's map text
 * @req:	checked request
 * @buf:	output buffer
 * @len:	size of @buf
 *
 * Return: length of the text (without NUL), or -ENOSPC if it does not fit
 */
int idmap_format(const struct idmap_req *req, char *buf, size_t len)
{
	size_t off = 0, i;

	for (i = 0; i < req->n; i++) {
		const struct idmap_range *r = &req->v[i];
		int n = snprintf(buf + off, len - off, "%u %u %u\n", r->id,
				 r->lower, r->count);

		if (n < 0 || (size_t)n >= len - off)
			return -ENOSPC;
		off += (size_t)n;
	}
	return (int)off;
}
