/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * error.h - the error object the runtime library reports through
 *
 * DOC: Theory of Operation
 * Library functions never print and never exit.  A function that fails
 * fills a struct sl_error with the errno value and a one-line message and
 * returns the negative errno; each caller on the way up may put its own
 * context in front with sl_error_prefix(), so the CLI finally prints e.g.
 * "create `c1`: config.json: process.args: expected array of strings".
 */
#ifndef SUBLET_RUNTIME_ERROR_H
#define SUBLET_RUNTIME_ERROR_H

#define SL_ERROR_MSG 512

struct sl_error {
	int code;
	char msg[SL_ERROR_MSG];
};

int sl_error_set(struct sl_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sl_error_say(struct sl_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sl_error_prefix(struct sl_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* SUBLET_RUNTIME_ERROR_H */
