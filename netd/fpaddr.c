// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fpaddr.c - the fast path's socket addresses
 *
 * DOC: Theory of Operation
 * A forward's addresses come from the API as an address and a port; the
 * fast path's sockets want a struct sockaddr.  And a client on the host's
 * loopback (127.0.0.0/8, ::1) keeps its address through the fast path:
 * the namespace socket is bound to it (the namespace's own loopback has
 * it), so the server sees the client's real address.  Any other client
 * address is not local to the namespace, and the replies would leave
 * through the tap, so the namespace picks the source.  fastpath.c and
 * fpudp.c call down into this file; it calls neither.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "netd/fpint.h"

/**
 * fp_sockaddr() - a socket address from a forward's address and port
 * @family:	AF_INET or AF_INET6
 * @addr:	address (struct in_addr or struct in6_addr)
 * @port:	port
 * @ss:		the address, written
 *
 * Return: its length
 */
socklen_t fp_sockaddr(int family, const struct in6_addr *addr, uint16_t port,
		      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (void *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, addr, 4);
		s4->sin_port = htons(port);
		return sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = *addr;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
}

/**
 * is_loopback() - is @ss on the loopback network?
 * @ss:		address
 *
 * Return: true for 127.0.0.0/8 and ::1
 */
static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)
				      ->sin_addr.s_addr) >>
			24) == 127;
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}

/**
 * fp_bind_source() - bind a namespace socket to a loopback client's address
 * @fd:		namespace socket
 * @peer:	the client's address
 *
 * Best effort: a failure leaves the source to the namespace.  A stream
 * socket from the namespace helper has IP_BIND_ADDRESS_NO_PORT set, so
 * its port is left to connect(); a datagram socket gets its port now.
 */
void fp_bind_source(int fd, const struct sockaddr_storage *peer)
{
	struct sockaddr_storage src = *peer;

	if (!is_loopback(peer))
		return;
	if (src.ss_family == AF_INET)
		((struct sockaddr_in *)&src)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&src)->sin6_port = 0;
	if (bind(fd, (struct sockaddr *)&src,
		 src.ss_family == AF_INET ? sizeof(struct sockaddr_in)
					  : sizeof(struct sockaddr_in6)) < 0)
		debug("fast path: source address not kept: %s",
		      strerror(errno));
}
