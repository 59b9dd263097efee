/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * self.h - where our own binary lies
 */
#ifndef SUBLET_RUNTIME_SELF_H
#define SUBLET_RUNTIME_SELF_H

#include <stddef.h>

int sl_self_dir(char *buf, size_t len);

#endif /* SUBLET_RUNTIME_SELF_H */
