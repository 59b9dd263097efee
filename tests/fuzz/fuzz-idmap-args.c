// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-idmap-args.c - libFuzzer target for sublet-idmap's request checks
 *
 * DOC: Theory of Operation
 * The input is a command line: arguments separated by NUL bytes (the
 * first byte picks uid or gid).  It goes through everything newuidmap
 * does before it touches the system: idmap_parse_args(),
 * idmap_check_overlap(), idmap_check_allowed() against a fixed
 * allotment, and idmap_format().  A request that passes must really be
 * allowed: every range inside the allotment (or the own id, once), no
 * two overlapping, nothing past 2^32 - 1.  Anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idmap/idmap.h"
#include "lib/log.h"

#define OWN_ID 1001U
#define MAX_ARGS 1100

static const struct subid_range allot_v[] = {
	{ 100000, 65536 },
	{ 165536, 10 },
	{ 300000, 1000 },
	{ 4294967000U, 296 },
};

/**
 * inside() - is [@lower, @lower + @count) within the allotment's union?
 * @lower:	start
 * @count:	length
 *
 * Return: true if every id is allotted
 */
static bool inside(uint32_t lower, uint32_t count)
{
	uint64_t id = lower, end = (uint64_t)lower + count;
	size_t i, n = sizeof(allot_v) / sizeof(allot_v[0]), rounds;

	/* allot_v's ranges do not overlap: each round moves past one */
	for (rounds = 0; id < end && rounds <= n; rounds++) {
		for (i = 0; i < n; i++)
			if (id >= allot_v[i].start &&
			    id < (uint64_t)allot_v[i].start + allot_v[i].count)
				break;
		if (i == n)
			return false;
		id = (uint64_t)allot_v[i].start + allot_v[i].count;
	}
	return id >= end;
}

/**
 * verify() - abort unless an accepted request is really allowed
 * @req:	request that passed every check
 */
static void verify(const struct idmap_req *req)
{
	size_t i, j;

	for (i = 0; i < req->n; i++) {
		const struct idmap_range *a = &req->v[i];

		if (!a->count || (uint64_t)a->id + a->count > UINT32_MAX ||
		    (uint64_t)a->lower + a->count > UINT32_MAX)
			abort();
		if (!(a->count == 1 && a->lower == OWN_ID) &&
		    !inside(a->lower, a->count))
			abort();
		for (j = 0; j < i; j++) {
			const struct idmap_range *b = &req->v[j];

			if (a->id < (uint64_t)b->id + b->count &&
			    b->id < (uint64_t)a->id + a->count)
				abort();
			if (a->lower < (uint64_t)b->lower + b->count &&
			    b->lower < (uint64_t)a->lower + a->count)
				abort();
		}
	}
}

/**
 * LLVMFuzzerInitialize() - send messages to /dev/null
 * @argc:	unused
 * @argv:	unused
 *
 * Return: 0
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_file("/dev/null", false);
	return 0;
}

/**
 * LLVMFuzzerTestOneInput() - libFuzzer entry point
 * @data:	input: kind byte, then NUL-separated arguments
 * @size:	its length
 *
 * Return: 0
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct idmap_req req;
	struct subid_list allot = { .v = (struct subid_range *)allot_v,
				    .n = sizeof(allot_v) / sizeof(allot_v[0]) };
	char *argv[MAX_ARGS], *buf, text[4096];
	enum idmap_kind kind;
	bool any;
	size_t i;
	int argc = 0;

	if (!size)
		return 0;
	kind = data[0] & 1 ? IDMAP_GID : IDMAP_UID;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[argc++] = buf;
	for (i = 0; i + 1 < size - 1 && argc < MAX_ARGS; i++)
		if (!buf[i])
			argv[argc++] = &buf[i + 1];
	if (!idmap_parse_args(kind, argc, argv, &req) &&
	    !idmap_check_overlap(&req) &&
	    !idmap_check_allowed(&req, &allot, OWN_ID, "alice", &any)) {
		verify(&req);
		if (idmap_format(&req, text, sizeof(text)) >= (int)sizeof(text))
			abort();
	}
	free(buf);
	return 0;
}
