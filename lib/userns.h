/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userns.h - which user namespace we run in, and who can map ids in a new
 * one
 */
#ifndef SUBLET_USERNS_H
#define SUBLET_USERNS_H

#include <stdbool.h>

bool initial_userns(void);
bool helper_privileged(const char *path);

#endif /* SUBLET_USERNS_H */
