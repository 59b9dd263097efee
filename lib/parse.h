/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - strict number parsing for command lines and config files
 */
#ifndef SUBLET_PARSE_H
#define SUBLET_PARSE_H

#include <stddef.h>
#include <stdint.h>

int parse_u64(const char *s, uint64_t max, uint64_t *out);
int parse_u32(const char *s, uint32_t *out);
int parse_uint_range(const char *s, unsigned int min, unsigned int max,
		     unsigned int *out);
int parse_u32_n(const char *s, size_t len, uint32_t *out);

#endif /* SUBLET_PARSE_H */
