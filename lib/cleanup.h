/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - scope-bound release of heap memory, fds and FILE streams
 *
 * DOC: Theory of Operation
 * A variable declared with one of the _cleanup_*_ attributes is released
 * when it goes out of scope, on every return path.  To hand ownership to
 * the caller, take it with steal_ptr() or steal_fd(), which return the
 * value and leave NULL or -1 behind.
 */
#ifndef SUBLET_CLEANUP_H
#define SUBLET_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/**
 * freep() - free the pointer stored at @p
 * @p:	address of a heap pointer (may hold NULL)
 */
static inline void freep(void *p)
{
	free(*(void **)p);
}

/**
 * closep() - close the fd stored at @fd, keeping errno
 * @fd:	address of an fd, negative for none
 */
static inline void closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

/**
 * fclosep() - close the stream stored at @f
 * @f:	address of a FILE pointer (may hold NULL)
 */
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
#define _cleanup_fclose_ __attribute__((cleanup(fclosep)))

/**
 * steal_ptr() - take ownership of a pointer, leaving NULL behind
 * @pp:	address of the pointer
 *
 * Return: the pointer
 */
#define steal_ptr(pp)                         \
	({                                    \
		__typeof__(*(pp)) _p = *(pp); \
		*(pp) = NULL;                 \
		_p;                           \
	})

/**
 * steal_fd() - take ownership of an fd, leaving -1 behind
 * @fdp:	address of the fd
 *
 * Return: the fd
 */
static inline int steal_fd(int *fdp)
{
	int fd = *fdp;

	*fdp = -1;
	return fd;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* SUBLET_CLEANUP_H */
