/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostfwd.h - published ports: API requests and the forward table
 */
#ifndef SUBLET_NETD_HOSTFWD_H
#define SUBLET_NETD_HOSTFWD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netd/netd.h"

#define HOSTFWD_MAX 1024

/**
 * struct hostfwd - one published port
 * @id:		id given by add_hostfwd
 * @udp:	UDP (else TCP)
 * @family:	AF_INET or AF_INET6 (host and guest are the same family)
 * @host:	host address (struct in_addr or struct in6_addr)
 * @guest:	guest address
 * @host_port:	host port
 * @guest_port:	guest port
 * @slow:	"fastpath": false was asked: always through libslirp
 * @fast:	published on the fast path (fastpath.c), not libslirp
 */
struct hostfwd {
	int id;
	bool udp;
	int family;
	struct in6_addr host;
	struct in6_addr guest;
	uint16_t host_port;
	uint16_t guest_port;
	bool slow;
	bool fast;
};

enum api_verb {
	API_ADD_HOSTFWD,
	API_LIST_HOSTFWD,
	API_REMOVE_HOSTFWD,
};

/**
 * struct api_req - one parsed API request
 * @verb:	what to do
 * @fwd:	the forward to add (API_ADD_HOSTFWD)
 * @id:		the forward to remove (API_REMOVE_HOSTFWD)
 */
struct api_req {
	enum api_verb verb;
	struct hostfwd fwd;
	int id;
};

struct hostfwd_table *hostfwd_table_new(void);
void hostfwd_table_free(struct hostfwd_table *t);
int api_parse(const struct netd_opts *o, const char *buf, size_t len,
	      struct api_req *req, char *errbuf, size_t errlen);
char *api_execute(struct netd *n, const struct api_req *req);
char *api_error_reply(const char *desc);

#endif /* SUBLET_NETD_HOSTFWD_H */
