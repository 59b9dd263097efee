// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-runtime-config.c - libFuzzer target for runtime/config.c
 *
 * DOC: Theory of Operation
 * The input is a config.json.  It is parsed as a bundle's config and,
 * when that succeeds, its process object is parsed again the way exec
 * --process parses one; a success must give a config whose required
 * fields are set (args non-empty, absolute cwd, root path), and a
 * failure must leave a message.  ASan and UBSan catch the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "runtime/oci/config.h"

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
	struct sl_config *c = NULL;
	struct sl_error e = { 0 };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sl_config_parse(text, "/bundle", &c, &e) == 0) {
		struct json_object *p;

		if (!c->root_path ||
		    (c->has_process &&
		     (!c->process.args[0] || c->process.cwd[0] != '/')))
			abort();
		if (json_object_object_get_ex(c->root, "process", &p)) {
			struct sl_process proc = { 0 };

			if (sl_process_parse(p, "process", &proc, &e) != 0)
				abort();
			sl_process_free(&proc);
		}
		sl_config_free(c);
	} else if (!e.msg[0] || c) {
		abort();
	}
	free(text);
	return 0;
}
