/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - a minimal TAP producer for sublet's C unit tests
 *
 * ok(cond, fmt, ...) prints one "ok N - ..." or "not ok N - ..." line;
 * done_testing() prints the plan and returns the exit status, non-zero
 * if any test failed, so prove reports the file as failed.
 */
#ifndef SUBLET_TAP_H
#define SUBLET_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/**
 * ok() - record one test result
 * @cond:	true if the test passed
 * @fmt:	description
 *
 * Return: @cond
 */
static inline __attribute__((format(printf, 2, 3))) int ok(int cond,
							   const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

/**
 * is_int() - record an integer comparison, printing both on failure
 * @got:	value seen
 * @want:	value expected
 * @what:	description
 *
 * Return: 1 if equal
 */
static inline int is_int(long long got, long long want, const char *what)
{
	if (!ok(got == want, "%s", what))
		printf("#   got %lld, want %lld\n", got, want);
	return got == want;
}

/**
 * done_testing() - print the plan
 *
 * Return: exit status for main()
 */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* SUBLET_TAP_H */
