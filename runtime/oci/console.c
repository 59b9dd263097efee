// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * console.c - the container's terminal and the console socket
 *
 * DOC: Theory of Operation
 * With process.terminal, the init opens /dev/ptmx of the container's own
 * devpts instance (after pivot_root, so the pty belongs to the
 * container), gets the peer with TIOCGPTPEER (no path lookup), sets the
 * console size, and sends the master to --console-socket with SCM_RIGHTS,
 * the protocol runc and crun use and conmon implements.  The slave becomes
 * the process's controlling terminal and stdio.
 *
 * `run` in the foreground with a terminal but no --console-socket plays
 * the receiving end itself: sl_console_proxy() takes the master from a
 * socketpair and copies between it and the caller's stdin/stdout (raw
 * mode when stdin is a terminal) until the container's side hangs up.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "runtime/oci/linux.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/**
 * sl_console_setup() - make a pty, send its master, adopt its slave
 * @p:			process (terminal, consoleSize)
 * @console_sock:	connected console socket
 * @e:			error
 *
 * Return: 0 or -errno
 */
int sl_console_setup(const struct sl_process *p, int console_sock,
		     struct sl_error *e)
{
	_cleanup_close_ int master = -1, slave = -1;
	int unlock = 0, r;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return sl_error_set(e, errno, "open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return sl_error_set(e, errno, "unlock pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return sl_error_set(e, errno, "open pty peer");
	if (p->console_width || p->console_height) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_height,
			.ws_col = (unsigned short)p->console_width
		};

		ioctl(slave, TIOCSWINSZ, &ws);
	}
	r = fd_send(console_sock, master, "console", 7);
	if (r < 0)
		return sl_error_set(e, r, "send pty to console socket");
	if (fchown(slave, p->uid, p->gid) < 0 && errno != EINVAL &&
	    errno != EPERM)
		return sl_error_set(e, errno, "chown pty");
	/* the container's init already leads its session; exec's process
	 * does not */
	if (getsid(0) != getpid() && setsid() < 0)
		return sl_error_set(e, errno, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return sl_error_set(e, errno, "set controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return sl_error_set(e, errno, "dup2 pty");
	return 0;
}

/**
 * copy_once() - move what is readable from @from to @to
 * @from:	source fd
 * @to:		destination fd
 *
 * Return: bytes moved, 0 at end of file, -errno on error
 */
static ssize_t copy_once(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return n < 0 ? -errno : 0;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += w;
	}
	return n;
}

/**
 * sl_console_proxy() - receive a pty master and relay it to our stdio
 * @sock:	our end of the console socketpair
 * @pid:	the container's init (unused; the pty's hang-up ends us)
 * @e:		error
 *
 * Return: 0 when the container side hung up, or -errno
 */
int sl_console_proxy(int sock, pid_t pid, struct sl_error *e)
{
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO);
	int master = -1, r;
	char buf[16];

	(void)pid;
	r = fd_recv(sock, &master, buf, sizeof(buf));
	if (r < 0 || master < 0)
		return sl_error_set(e, r < 0 ? r : EPROTO, "receive pty");
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct winsize ws;

		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
			ioctl(master, TIOCSWINSZ, &ws);
	} else {
		tty = false;
	}
	for (bool in_open = true;;) {
		struct pollfd pf[2] = { { master, POLLIN, 0 },
					{ STDIN_FILENO, POLLIN, 0 } };

		if (poll(pf, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents && copy_once(master, STDOUT_FILENO) <= 0)
			break;
		if (in_open && pf[1].revents &&
		    copy_once(STDIN_FILENO, master) <= 0)
			in_open = false;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(master);
	return 0;
}
