// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * error.c - filling, prefixing and marking struct sl_error
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runtime/oci/error.h"

/**
 * sl_error_set() - record an error
 * @e:		error object
 * @errnum:	errno value (sign ignored) to append as ": strerror", 0 for
 *		none, in which case the code is -EINVAL
 * @fmt:	printf format of the message
 *
 * Return: the negative errno now stored in @e
 */
int sl_error_set(struct sl_error *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (errnum < 0)
		errnum = -errnum;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (errnum)
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s",
			 strerror(errnum));
	e->code = errnum ? -errnum : -EINVAL;
	e->kind = SL_ERR_OTHER;
	return e->code;
}

/**
 * sl_error_prefix() - put context in front of a recorded error
 * @e:		error object filled by sl_error_set()
 * @fmt:	printf format of the context; ": " separates it
 *
 * The code and the kind are kept.
 *
 * Return: the negative errno stored in @e
 */
int sl_error_prefix(struct sl_error *e, const char *fmt, ...)
{
	char old[SL_ERROR_MSG];
	va_list ap;
	size_t n;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", old);
	if (!e->code)
		e->code = -EINVAL;
	return e->code;
}

/**
 * sl_error_say() - record an error whose message is complete as given
 * @e:		error
 * @errnum:	errno value (sign ignored), kept as the code only
 * @fmt:	printf format of the message, which already says what to do
 *
 * Unlike sl_error_set(), no ": strerror" is appended: these messages are
 * written for people and end with the advice.
 *
 * Return: the negative errno now stored in @e
 */
int sl_error_say(struct sl_error *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (errnum < 0)
		errnum = -errnum;
	e->code = errnum ? -errnum : -EINVAL;
	e->kind = SL_ERR_OTHER;
	return e->code;
}

/**
 * sl_error_mark() - give a recorded error its kind
 * @e:		error object filled by sl_error_set() or sl_error_say()
 * @kind:	what the caller may need to tell apart
 *
 * Return: the negative errno stored in @e
 */
int sl_error_mark(struct sl_error *e, enum sl_error_kind kind)
{
	e->kind = kind;
	return e->code;
}
