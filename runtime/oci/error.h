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
 *
 * The message is for people only.  Where a caller must tell one failure
 * from another beyond the errno (the CLI choosing an exit code), the
 * function that makes the error gives it a kind with sl_error_mark(); the
 * kind survives sl_error_prefix() and the sync socket (sync.c).
 */
#ifndef SUBLET_RUNTIME_ERROR_H
#define SUBLET_RUNTIME_ERROR_H

#define SL_ERROR_MSG 512

/* what a caller may need to tell apart; most errors are SL_ERR_OTHER */
enum sl_error_kind {
	SL_ERR_OTHER = 0,
	SL_ERR_CMD_NOT_FOUND, /* the process's executable is not in $PATH */
};

struct sl_error {
	int code;
	enum sl_error_kind kind;
	char msg[SL_ERROR_MSG];
};

int sl_error_set(struct sl_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sl_error_say(struct sl_error *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sl_error_prefix(struct sl_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sl_error_mark(struct sl_error *e, enum sl_error_kind kind);

#endif /* SUBLET_RUNTIME_ERROR_H */
