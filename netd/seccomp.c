// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp.c - --enable-seccomp: the syscall allowlist
 *
 * DOC: Theory of Operation
 * Applied last, after the sandbox, once setup is over: from then on the
 * process only moves packets between the tap and host sockets, serves the
 * API and rereads resolv.conf.  The allowlist holds what that takes
 * (libslirp and glib's allocator included) and anything else kills the
 * process, so a compromised stack cannot reach the rest of the kernel's
 * surface: no exec, no ptrace, no mount, no namespaces, no new files
 * beyond reading.  libseccomp sets no_new_privs as it loads the filter.
 *
 * In an AddressSanitizer build (make SANITIZE=1) calls outside the list
 * are logged instead: the leak checker stops the world with clone() and
 * ptrace() at exit, which the allowlist rightly forbids.
 */
#include <errno.h>
#include <seccomp.h>

#include "lib/log.h"
#include "netd/sandbox.h"

#ifdef __SANITIZE_ADDRESS__
#define SECCOMP_DEFAULT_ACTION SCMP_ACT_LOG
#else
#define SECCOMP_DEFAULT_ACTION SCMP_ACT_KILL_PROCESS
#endif

static const int allowed[] = {
	/* the packet path and libslirp's sockets */
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),
	SCMP_SYS(writev),
	SCMP_SYS(recvfrom),
	SCMP_SYS(sendto),
	SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg),
	SCMP_SYS(recvmmsg),
	SCMP_SYS(sendmmsg),
	SCMP_SYS(socket),
	SCMP_SYS(connect),
	SCMP_SYS(bind),
	SCMP_SYS(listen),
	SCMP_SYS(accept),
	SCMP_SYS(accept4),
	SCMP_SYS(shutdown),
	/* socket state: libslirp and both fast paths */
	SCMP_SYS(getsockname),
	SCMP_SYS(getpeername),
	SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt),
	SCMP_SYS(close),
	SCMP_SYS(fcntl),
	SCMP_SYS(ioctl),
	SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait),
	SCMP_SYS(epoll_ctl),
	SCMP_SYS(poll),
	SCMP_SYS(ppoll),
	/* resolv.conf */
	SCMP_SYS(open),
	SCMP_SYS(openat),
	SCMP_SYS(fstat),
	SCMP_SYS(newfstatat),
	SCMP_SYS(statx),
	SCMP_SYS(lseek),
	SCMP_SYS(stat),
	/* memory, time, signals, exit */
	SCMP_SYS(brk),
	SCMP_SYS(mmap),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),
	SCMP_SYS(madvise),
	SCMP_SYS(mprotect),
	SCMP_SYS(futex),
	SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),
	SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(getpid),
	SCMP_SYS(gettid),
	SCMP_SYS(restart_syscall),
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
	SCMP_SYS(unlinkat),
};

/**
 * seccomp_apply() - load the allowlist
 *
 * Return: 0, or -errno (message printed)
 */
int seccomp_apply(void)
{
	scmp_filter_ctx ctx = seccomp_init(SECCOMP_DEFAULT_ACTION);
	size_t i;
	int ret = 0;

	if (!ctx) {
		err("seccomp: cannot create a filter");
		return -ENOMEM;
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !ret; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0)
		err_errno(-ret, "seccomp: cannot load the filter");
	return ret;
}
