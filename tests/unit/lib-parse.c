// SPDX-License-Identifier: GPL-2.0-or-later
/* lib-parse.c - unit tests for lib/parse.c */
#include <errno.h>

#include "lib/parse.h"
#include "tests/unit/tap.h"

int main(void)
{
	uint32_t v = 7;
	unsigned int u = 9;
	uint64_t w;

	is_int(parse_u32("0", &v), 0, "0 parses");
	is_int(v, 0, "0 is 0");
	is_int(parse_u32("4294967295", &v), 0, "UINT32_MAX parses");
	is_int(v, 4294967295LL, "UINT32_MAX value");
	v = 7;
	is_int(parse_u32("4294967296", &v), -ERANGE, "2^32 is out of range");
	is_int(v, 7, "output untouched on failure");
	is_int(parse_u32("99999999999999999999999", &v), -ERANGE,
	       "huge number is out of range, not wrapped");
	is_int(parse_u32("-1", &v), -EINVAL, "negative refused");
	is_int(parse_u32("+1", &v), -EINVAL, "plus sign refused");
	is_int(parse_u32(" 1", &v), -EINVAL, "leading blank refused");
	is_int(parse_u32("1 ", &v), -EINVAL, "trailing blank refused");
	is_int(parse_u32("0x10", &v), -EINVAL, "hex refused");
	is_int(parse_u32("", &v), -EINVAL, "empty refused");
	is_int(parse_u32(NULL, &v), -EINVAL, "NULL refused");
	is_int(parse_u32_n("123:", 3, &v), 0, "length-bounded parse");
	is_int(v, 123, "length-bounded value");
	is_int(parse_u32_n("123", 0, &v), -EINVAL, "zero length refused");
	is_int(parse_uint_range("1500", 68, 65521, &u), 0, "in range");
	is_int(u, 1500, "in range value");
	is_int(parse_uint_range("67", 68, 65521, &u), -ERANGE, "below min");
	is_int(parse_uint_range("65522", 68, 65521, &u), -ERANGE, "above max");
	is_int(parse_uint_range("3", 0, 2, &u), -ERANGE,
	       "a single digit above a small max is out of range");
	is_int(parse_uint_range("2", 0, 2, &u), 0, "max itself parses");
	is_int(parse_u64("10", 9, &w), -ERANGE, "10 above max 9");
	is_int(parse_u64("18446744073709551615", UINT64_MAX, &w), 0,
	       "UINT64_MAX parses");
	is_int(parse_u64("18446744073709551616", UINT64_MAX, &w), -ERANGE,
	       "UINT64_MAX + 1 out of range");
	return done_testing();
}
