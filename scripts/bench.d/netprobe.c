// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netprobe.c - small TCP probes for scripts/bench.d/net.
 *
 * DOC: Theory of Operation
 *
 * Built on the fly by the net benchmark (cc -O2).  Four modes:
 *
 *   netprobe serve ADDR PORT     echo server: accepts one connection at a
 *                                time, echoes what it reads, and closes
 *                                after the peer's end of file or after a
 *                                one-byte "connect" probe (see crr).
 *   netprobe rr ADDR PORT SECS   one connection, TCP_NODELAY, one byte out
 *                                and one byte back as often as it can;
 *                                prints "rr ROUNDS USEC_PER_ROUND".
 *   netprobe crr ADDR PORT SECS  connect, send "c", read it back, wait
 *                                for the server to close, close; prints
 *                                "crr CONNECTIONS PER_SECOND".
 *   netprobe peer ADDR PORT      prints "peer ADDRESS": the address the
 *                                server sees this client at.
 *
 * The server closes first on a crr connection so the TIME_WAIT state
 * stays on its side and the client does not run out of ephemeral ports.
 * Only IPv4 addresses are handled.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/**
 * now_sec() - monotonic time in seconds.
 *
 * Return: seconds since an arbitrary point.
 */
static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * make_addr() - fill a sockaddr_in from text.
 * @addr: dotted IPv4 address.
 * @port: port number as text.
 * @sin: the result.
 *
 * Return: 0, or -1 (with a message) on a bad address or port.
 */
static int make_addr(const char *addr, const char *port,
		     struct sockaddr_in *sin)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (*end || p < 1 || p > 65535 ||
	    inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		fprintf(stderr, "netprobe: bad address %s port %s\n", addr,
			port);
		return -1;
	}
	sin->sin_port = htons(p);
	return 0;
}

/**
 * peer_reply() - answer a "p" probe with the peer's address.
 * @c: an accepted connection.
 *
 * Peeks at the first byte; if it is "p", writes the peer's address as
 * text and closes @c.
 *
 * Return: 1 if @c was a probe (and is closed), 0 otherwise.
 */
static int peer_reply(int c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char b, text[INET6_ADDRSTRLEN + 2] = "?";
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	if (recv(c, &b, 1, MSG_PEEK) != 1 || b != 'p')
		return 0;
	if (read(c, &b, 1) == 1 &&
	    !getpeername(c, (struct sockaddr *)&ss, &len)) {
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &sin6->sin6_addr, text,
				  sizeof(text));
	}
	strcat(text, "\n");
	if (write(c, text, strlen(text)) < 0)
		perror("netprobe: peer");
	close(c);
	return 1;
}

/**
 * serve() - the echo server loop; never returns unless setup fails.
 * @sin: address to listen on.
 *
 * Return: 1 on a setup failure.
 */
static int serve(const struct sockaddr_in *sin)
{
	int one = 1, s, c;
	char buf[65536];
	ssize_t n;

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    listen(s, 128)) {
		perror("netprobe: listen");
		return 1;
	}
	for (;;) {
		c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (peer_reply(c))
			continue;
		while ((n = read(c, buf, sizeof(buf))) > 0) {
			if (write(c, buf, n) != n)
				break;
			if (n == 1 && buf[0] == 'c')
				break;
		}
		close(c);
	}
}

/**
 * dial() - connect a TCP socket with TCP_NODELAY.
 * @sin: where to.
 *
 * Return: the socket, or -1 (with a message).
 */
static int dial(const struct sockaddr_in *sin)
{
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (const struct sockaddr *)sin, sizeof(*sin))) {
		perror("netprobe: connect");
		if (s >= 0)
			close(s);
		return -1;
	}
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

/**
 * peer() - ask the server which address it sees this client at.
 * @sin: the echo server.
 *
 * Return: 0, or 1 on a failure.
 */
static int peer(const struct sockaddr_in *sin)
{
	char buf[128];
	ssize_t n, len = 0;
	int s = dial(sin);

	if (s < 0)
		return 1;
	if (write(s, "p", 1) != 1) {
		perror("netprobe: peer");
		close(s);
		return 1;
	}
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(s, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(s);
	buf[len] = '\0';
	printf("peer %s", len ? buf : "?\n");
	return 0;
}

/**
 * rr() - request/response rounds on one connection for @secs seconds.
 * @sin: the echo server.
 * @secs: duration.
 *
 * Return: 0, or 1 on a failure.
 */
static int rr(const struct sockaddr_in *sin, double secs)
{
	double t0, t;
	long rounds = 0;
	char b = 'r';
	int s = dial(sin);

	if (s < 0)
		return 1;
	t0 = now_sec();
	do {
		for (int i = 0; i < 100; i++) {
			if (write(s, &b, 1) != 1 || read(s, &b, 1) != 1) {
				perror("netprobe: rr");
				close(s);
				return 1;
			}
		}
		rounds += 100;
		t = now_sec();
	} while (t - t0 < secs);
	close(s);
	printf("rr %ld %.2f\n", rounds, (t - t0) * 1e6 / rounds);
	return 0;
}

/**
 * crr() - connect/request/response/close rounds for @secs seconds.
 * @sin: the echo server.
 * @secs: duration.
 *
 * Return: 0, or 1 on a failure.
 */
static int crr(const struct sockaddr_in *sin, double secs)
{
	double t0, t;
	long conns = 0;
	char b;

	t0 = now_sec();
	do {
		int s = dial(sin);

		b = 'c';
		if (s < 0)
			return 1;
		if (write(s, &b, 1) != 1 || read(s, &b, 1) != 1 ||
		    read(s, &b, 1) != 0) {
			perror("netprobe: crr");
			close(s);
			return 1;
		}
		close(s);
		conns++;
		t = now_sec();
	} while (t - t0 < secs);
	printf("crr %ld %.1f\n", conns, conns / (t - t0));
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	double secs = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr,
			"Usage: netprobe serve|peer|rr|crr ADDR PORT [SECS]\n");
		return 2;
	}
	if (make_addr(argv[2], argv[3], &sin))
		return 2;
	if (argc == 5)
		secs = atof(argv[4]);
	if (!strcmp(argv[1], "serve"))
		return serve(&sin);
	if (!strcmp(argv[1], "rr"))
		return rr(&sin, secs);
	if (!strcmp(argv[1], "crr"))
		return crr(&sin, secs);
	if (!strcmp(argv[1], "peer"))
		return peer(&sin);
	fprintf(stderr, "netprobe: unknown mode %s\n", argv[1]);
	return 2;
}
