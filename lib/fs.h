/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fs.h - small file-system and string-list helpers shared by the programs
 */
#ifndef SUBLET_FS_H
#define SUBLET_FS_H

#include <stddef.h>
#include <sys/types.h>

int mkdir_p(const char *path, mode_t mode);
void strv_sort(char **v, size_t n);

#endif /* SUBLET_FS_H */
