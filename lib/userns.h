/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userns.h - which user namespace we run in
 */
#ifndef SUBLET_USERNS_H
#define SUBLET_USERNS_H

#include <stdbool.h>

bool initial_userns(void);

#endif /* SUBLET_USERNS_H */
