/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signals.h - signal names and numbers
 */
#ifndef SUBLET_RUNTIME_SIGNALS_H
#define SUBLET_RUNTIME_SIGNALS_H

int sl_signal_parse(const char *s, int *sig);

#endif /* SUBLET_RUNTIME_SIGNALS_H */
