// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-ovl-opts.c - libFuzzer target for sublet-overlayfs's -o parser
 *
 * DOC: Theory of Operation
 * The input is one -o argument (lowerdir=...,upperdir=...,uidmapping=...).
 * It goes through config_parse_opts() on a fresh configuration; the
 * lowerdir list it keeps must hold nlower non-empty paths.  The whole
 * input is also given to the lowerdir splitter and the id-mapping parser
 * on their own.  Everything is freed so LeakSanitizer sees a leak on any
 * path; a refusal must leave a message.  ASan and UBSan catch
 * the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "overlayfs-fuse/ovl.h"

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
	struct ovl_config cfg;
	struct ovl_idmap map[OVL_MAX_IDMAP];
	char errbuf[256] = "", *s, **dirs = NULL;
	int n, i;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	config_init(&cfg);
	if (config_parse_opts(&cfg, s, errbuf, sizeof(errbuf))) {
		if (!errbuf[0])
			abort();
	}
	for (i = 0; i < cfg.nlower; i++)
		if (!cfg.lowerdirs[i] || !cfg.lowerdirs[i][0])
			abort();
	if (cfg.lowerdirs && cfg.lowerdirs[cfg.nlower])
		abort();
	if (!config_split_lowerdir(s, &dirs, &n)) {
		for (i = 0; i < n; i++)
			free(dirs[i]);
		free(dirs);
	}
	config_parse_idmap(s, map, &n);
	config_free(&cfg);
	free(s);
	return 0;
}
