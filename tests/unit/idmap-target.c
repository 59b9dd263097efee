// SPDX-License-Identifier: GPL-2.0-or-later
/* idmap-target.c - unit tests for idmap/target.c, user.c and env.c */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idmap/idmap.h"
#include "lib/log.h"
#include "tests/unit/tap.h"

/**
 * child() - fork a child that sleeps until killed
 *
 * Return: its PID
 */
static pid_t child(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

int main(void)
{
	struct idmap_target_spec spec = { .is_fd = false };
	struct idmap_target t = { -1, -1, 0 }, t2 = { -1, -1, 0 };
	struct idmap_user u = { 0 };
	char path[64];
	pid_t pid = child();
	int fd;

	log_set_file("/dev/null", false);

	is_int(env_keep_fd("fd:7"), 7, "fd:7 keeps 7");
	is_int(env_keep_fd("fd:x"), -1, "fd:x keeps nothing");
	is_int(env_keep_fd("123"), -1, "a PID keeps nothing");
	is_int(env_keep_fd(NULL), -1, "no argument");

	is_int(user_lookup("root", &u), 0, "root by name");
	is_int(u.uid, 0, "root's uid");
	ok(u.name && !strcmp(u.name, "root"), "root's name");
	user_free(&u);
	is_int(user_lookup("0", &u), 0, "root by number");
	ok(u.name && !strcmp(u.name, "root"), "numeric uid finds the name");
	user_free(&u);
	is_int(user_lookup("4242424", &u), 0, "uid without passwd entry");
	ok(!u.name && u.uid == 4242424 && u.gid == (gid_t)-1, "number only");
	user_free(&u);
	is_int(user_lookup("no-such-user-here", &u), -ENOENT, "unknown name");
	is_int(user_lookup("4294967295", &u), -ENOENT, "(uid_t)-1");
	is_int(user_caller(&u), 0, "the caller");
	is_int(u.uid == getuid() && u.gid == getgid(), 1, "real ids");
	user_free(&u);

	spec.pid = pid;
	is_int(target_open(&spec, &t), 0, "open a live child by PID");
	is_int(t.pid, pid, "its PID");
	is_int(target_alive(&t), 0, "alive");
	is_int(target_check_owner(&t, getuid(), getgid()), 0, "ours");
	is_int(target_check_owner(&t, getuid() + 1, getgid()), -EPERM,
	       "not another uid's");
	is_int(target_check_userns(&t, IDMAP_UID, getuid()), -EINVAL,
	       "not in a user namespace of its own");

	snprintf(path, sizeof(path), "/proc/%d", pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	spec.is_fd = true;
	spec.fd = fd;
	is_int(target_open(&spec, &t2), 0, "open by /proc dirfd");
	is_int(t2.pid, pid, "dirfd's PID");
	target_close(&t2);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	is_int(target_alive(&t), -ESRCH, "reaped child is gone");
	is_int(target_check_owner(&t, getuid(), getgid()), -ESRCH,
	       "owner check on a gone child");
	is_int(target_open(&spec, &t2), -ESRCH, "dead dirfd refused");
	spec.is_fd = false;
	is_int(target_open(&spec, &t2), -ESRCH, "reaped PID refused");
	target_close(&t);
	close(fd);

	spec.is_fd = true;
	spec.fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is_int(target_open(&spec, &t2), -EINVAL, "not a /proc dir");
	close(spec.fd);
	spec.fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is_int(target_open(&spec, &t2), -EINVAL, "/proc itself");
	close(spec.fd);
	spec.fd = 1000;
	is_int(target_open(&spec, &t2), -EBADF, "closed fd");
	return done_testing();
}
