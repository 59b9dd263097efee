// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subid.c - parse /etc/subuid and /etc/subgid
 *
 * DOC: Theory of Operation
 * Each line is "OWNER:START:COUNT", where OWNER is a user name or a
 * numeric uid (shadow accepts both; a user may have several lines).
 * Blank lines and lines starting with '#' are ignored.  A line that does
 * not parse - wrong number of fields, non-digits, a sign, COUNT 0, or a
 * range that runs past 2^32 - is counted in bad_lines and never matches,
 * so a typo can only take ids away, never grant them.
 *
 * The parser works on a buffer so it can be fuzzed; subid_read_fd() reads
 * the whole file first, bounded by SUBID_FILE_MAX.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/parse.h"
#include "lib/subid.h"

/**
 * owner_matches() - does the OWNER field name this user?
 * @f:		field start
 * @flen:	field length
 * @name:	user name, or NULL to match by @id only
 * @id:		numeric uid (or gid)
 *
 * Return: 1 if it matches, 0 if not
 */
static int owner_matches(const char *f, size_t flen, const char *name,
			 uint32_t id)
{
	uint32_t v;

	if (name && strlen(name) == flen && !memcmp(f, name, flen))
		return 1;
	if (!parse_u32_n(f, flen, &v) && v == id)
		return 1;
	return 0;
}

/**
 * parse_line() - split one line into owner and range
 * @line:	line start
 * @len:	line length, without the newline
 * @owner:	set to the owner field
 * @olen:	set to the owner field's length
 * @r:		set to the range
 *
 * Return: 0 on success, -EINVAL if the line is malformed
 */
static int parse_line(const char *line, size_t len, const char **owner,
		      size_t *olen, struct subid_range *r)
{
	const char *c1 = memchr(line, ':', len), *c2, *end = line + len;
	uint32_t start, count;

	if (!c1 || c1 == line)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1));
	if (!c2 || memchr(c2 + 1, ':', (size_t)(end - c2 - 1)))
		return -EINVAL;
	if (parse_u32_n(c1 + 1, (size_t)(c2 - c1 - 1), &start) ||
	    parse_u32_n(c2 + 1, (size_t)(end - c2 - 1), &count))
		return -EINVAL;
	if (count == 0 || (uint64_t)start + count > (1ULL << 32))
		return -EINVAL;
	*owner = line;
	*olen = (size_t)(c1 - line);
	r->start = start;
	r->count = count;
	return 0;
}

/**
 * subid_list_add() - append a range
 * @l:	list
 * @r:	range
 *
 * Return: 0 or -ENOMEM
 */
static int subid_list_add(struct subid_list *l, const struct subid_range *r)
{
	struct subid_range *v;

	v = reallocarray(l->v, l->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v[l->n++] = *r;
	l->v = v;
	return 0;
}

/**
 * subid_parse() - collect the ranges a subid file grants one user
 * @buf:	file contents (need not be NUL-terminated)
 * @len:	length of @buf
 * @name:	user name, or NULL to match by @id only
 * @id:		numeric uid/gid, matched against numeric owners
 * @out:	result; written only on success, free with subid_list_free()
 *
 * Trailing '\r' and surrounding blanks are not accepted: shadow does not
 * accept them either.  A NUL byte ends the buffer.
 *
 * Return: 0, or -ENOMEM
 */
int subid_parse(const char *buf, size_t len, const char *name, uint32_t id,
		struct subid_list *out)
{
	struct subid_list l = { 0 };
	const char *p = buf, *end;
	const char *nul = memchr(buf, '\0', len);

	end = nul ? nul : buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct subid_range r;
		const char *owner;
		size_t olen;

		if (llen && p[0] != '#') {
			if (parse_line(p, llen, &owner, &olen, &r)) {
				l.bad_lines++;
			} else if (owner_matches(owner, olen, name, id) &&
				   subid_list_add(&l, &r)) {
				free(l.v);
				return -ENOMEM;
			}
		}
		p += llen + 1;
	}
	*out = l;
	return 0;
}

/**
 * subid_read_fd() - read a subid file from @fd and parse it
 * @fd:		open file, read from its current offset
 * @name:	user name, or NULL
 * @id:		numeric uid/gid
 * @out:	result, written only on success
 *
 * Return: 0, -EFBIG if larger than SUBID_FILE_MAX, other -errno from read
 */
int subid_read_fd(int fd, const char *name, uint32_t id, struct subid_list *out)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= SUBID_FILE_MAX)
				return -EFBIG;
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return subid_parse(buf ? buf : "", len, name, id, out);
}

/**
 * subid_read() - open and parse a subid file
 * @path:	file, e.g. SUBUID_FILE
 * @name:	user name, or NULL
 * @id:		numeric uid/gid
 * @out:	result, written only on success
 *
 * Return: 0, -ENOENT if the file is missing, other -errno
 */
int subid_read(const char *path, const char *name, uint32_t id,
	       struct subid_list *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return subid_read_fd(fd, name, id, out);
}

/**
 * subid_list_free() - release a list's ranges
 * @l:	list (may be empty)
 */
void subid_list_free(struct subid_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/**
 * subid_list_total() - number of ids in all ranges
 * @l:	list
 *
 * Return: the sum of the counts (ranges may overlap; they are not merged)
 */
uint64_t subid_list_total(const struct subid_list *l)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		t += l->v[i].count;
	return t;
}
