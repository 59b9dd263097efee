// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - strict decimal number parsing
 *
 * DOC: Theory of Operation
 * strtoul() accepts leading blanks, a sign ("-1" becomes ULONG_MAX), hex
 * with base 0, and trailing junk unless the end pointer is checked: each a
 * way past a range check in a privileged helper.  These parsers accept
 * only what a person means by a number: one or more ASCII digits, nothing
 * else, no overflow.  They return 0 or -errno and write the output only on
 * success.
 */
#include <errno.h>
#include <limits.h>

#include "lib/parse.h"

/**
 * parse_u64_n() - parse @len bytes of @s as an unsigned decimal
 * @s:		digits, not necessarily NUL-terminated
 * @len:	number of bytes to parse
 * @max:	largest value accepted
 * @out:	result, written only on success
 *
 * Return: 0, -EINVAL if not all digits or empty, -ERANGE above @max
 */
static int parse_u64_n(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!s || len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned int)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/**
 * parse_u64() - parse a NUL-terminated unsigned decimal up to @max
 * @s:		string
 * @max:	largest value accepted
 * @out:	result, written only on success
 *
 * Return: 0, -EINVAL if malformed, -ERANGE if above @max
 */
int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	size_t len = 0;

	if (!s)
		return -EINVAL;
	while (s[len])
		len++;
	return parse_u64_n(s, len, max, out);
}

/**
 * parse_u32() - parse a NUL-terminated unsigned 32-bit decimal
 * @s:		string
 * @out:	result, written only on success
 *
 * Return: 0, -EINVAL if malformed, -ERANGE if above UINT32_MAX
 */
int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int ret = parse_u64(s, UINT32_MAX, &v);

	if (ret)
		return ret;
	*out = (uint32_t)v;
	return 0;
}

/**
 * parse_u32_n() - parse @len bytes as an unsigned 32-bit decimal
 * @s:		digits, not necessarily NUL-terminated
 * @len:	number of bytes
 * @out:	result, written only on success
 *
 * Return: 0, -EINVAL if malformed, -ERANGE if above UINT32_MAX
 */
int parse_u32_n(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;
	int ret = parse_u64_n(s, len, UINT32_MAX, &v);

	if (ret)
		return ret;
	*out = (uint32_t)v;
	return 0;
}

/**
 * parse_uint_range() - parse an unsigned decimal within [@min, @max]
 * @s:		string
 * @min:	smallest value accepted
 * @max:	largest value accepted
 * @out:	result, written only on success
 *
 * Return: 0, -EINVAL if malformed, -ERANGE if outside the range
 */
int parse_uint_range(const char *s, unsigned int min, unsigned int max,
		     unsigned int *out)
{
	uint64_t v;
	int ret = parse_u64(s, max, &v);

	if (ret)
		return ret;
	if (v < min)
		return -ERANGE;
	*out = (unsigned int)v;
	return 0;
}
