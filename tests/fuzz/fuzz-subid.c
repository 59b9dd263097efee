// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-subid.c - libFuzzer target for lib/subid.c's parser
 *
 * DOC: Theory of Operation
 * The input is a whole /etc/subuid.  It is parsed for a named user and
 * for a numeric-only lookup; every range the parser returns must be
 * well formed (COUNT at least 1, not past 2^32), and parsing the same
 * buffer twice must give the same answer.  ASan and UBSan catch the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/subid.h"

/**
 * check_list() - abort unless every range is well formed
 * @l:	parsed list
 */
static void check_list(const struct subid_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!l->v[i].count ||
		    (uint64_t)l->v[i].start + l->v[i].count > (1ULL << 32))
			abort();
}

/**
 * LLVMFuzzerTestOneInput() - libFuzzer entry point
 * @data:	input
 * @size:	its length
 *
 * Return: 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct subid_list a = { 0 }, b = { 0 };

	if (subid_parse((const char *)data, size, "alice", 1001, &a))
		return 0;
	check_list(&a);
	if (subid_parse((const char *)data, size, "alice", 1001, &b))
		abort();
	if (a.n != b.n || a.bad_lines != b.bad_lines ||
	    (a.n && memcmp(a.v, b.v, a.n * sizeof(*a.v))))
		abort();
	subid_list_free(&a);
	subid_list_free(&b);
	if (!subid_parse((const char *)data, size, NULL, 0, &a)) {
		check_list(&a);
		subid_list_free(&a);
	}
	return 0;
}
