// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-oci-config.c - libFuzzer target for the runtime's config.json and
 * seccomp profile parsing
 *
 * DOC: Theory of Operation
 * The input is a whole config.json.  sl_config_parse() reads it against
 * a fixed bundle path; when it is accepted and holds linux.seccomp, the
 * profile is built into a libseccomp filter (never loaded).  A refusal
 * must leave a message (it may quote the input).  Everything is freed so
 * LeakSanitizer reports a leak on any path.  ASan and UBSan catch the
 * rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/oci/config.h"
#include "runtime/oci/error.h"
#include "runtime/oci/linux.h"

/**
 * has_msg() - abort unless @e holds a message
 * @e:	error
 */
static void has_msg(const struct sl_error *e)
{
	if (!e->msg[0])
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
	struct sl_error e = { 0 };
	struct sl_config *c = NULL;
	struct sl_seccomp *s = NULL;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (sl_config_parse(text, "/fuzz/bundle", &c, &e)) {
		has_msg(&e);
		free(text);
		return 0;
	}
	if (c->seccomp) {
		if (sl_seccomp_build(c->seccomp, &s, &e))
			has_msg(&e);
		sl_seccomp_free(s);
	}
	sl_config_free(c);
	free(text);
	return 0;
}
