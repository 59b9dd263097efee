/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdpass.h - send and receive one fd over a unix socket (SCM_RIGHTS)
 */
#ifndef SUBLET_FDPASS_H
#define SUBLET_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

int fd_send(int sock, int fd, const void *data, size_t len);
int fd_recv(int sock, int *fd, void *data, size_t len);
pid_t fork_with_socket(int *sock);

#endif /* SUBLET_FDPASS_H */
