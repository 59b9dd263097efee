/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.h - open paths that strangers name, inside their own tree
 */
#ifndef SUBLET_RUNTIME_RESOLVE_H
#define SUBLET_RUNTIME_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/oci/error.h"

int sl_openat2(int dir, const char *path, int flags, uint64_t resolve);
int sl_root_target(int root, const char *path, bool dir);
int sl_root_open_file(int root, const char *path);
int sl_open_member(int dir, const char *path, const char *what,
		   struct sl_error *e);

#endif /* SUBLET_RUNTIME_RESOLVE_H */
