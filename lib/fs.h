/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs.h - small file-system and string-list helpers shared by the programs
 */
#ifndef SUBLET_FS_H
#define SUBLET_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

int mkdir_p(const char *path, mode_t mode);
void strv_sort(char **v, size_t n);
int write_file_atomic(const char *path, const void *buf, size_t len,
		      mode_t mode, bool sync);

#endif /* SUBLET_FS_H */
