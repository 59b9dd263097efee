#!/usr/bin/env bats
# runtime-seccomp.bats - linux.seccomp: actions, errnoRet, argument rules.

load ../lib
load ../runtime

runtime_hooks

setup() {
	runtime_setup
	bundle_edit '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
}

@test "a denied syscall fails with EPERM" {
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [{"names": ["mkdir", "mkdirat", "nosuch_syscall"], "action": "SCMP_ACT_ERRNO"}]}'
	bundle_args sh -c 'mkdir /tmp/d; touch /tmp/f && echo touch-ok'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "mkdir: can't create directory '/tmp/d': Operation not permitted" ]
	[ "${lines[1]}" = touch-ok ]
}

@test "errnoRet and defaultErrnoRet" {
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
	bundle_args mkdir /tmp/d
	run sl_run
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "mkdir: can't create directory '/tmp/d': Function not implemented" ]
}

@test "argument conditions select the calls" {
	# kill(pid, SIGUSR1) is denied, kill(pid, 0) is not
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]}]}'
	bundle_args sh -c 'kill -USR1 $$; kill -0 $$ && echo kill0-ok'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Operation not permitted" ]]
	[ "${lines[1]}" = kill0-ok ]
}

@test "SCMP_ACT_KILL_PROCESS kills the process" {
	# busybox sh reads $PPID with getppid() as it starts
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	bundle_args sh -c 'echo $PPID'
	run sl_run
	echo "$output"
	[ "$status" -eq 159 ] # 128 + SIGSYS
	[ "$output" = "" ]
}

@test "SCMP_ACT_NOTIFY sends the listener fd to listenerPath" {
	# recvtty --drop takes the fd and closes it: with no supervisor left, the
	# notifying syscall fails with ENOSYS instead of running
	as_user "$RT_ROOTFS_DIR/recvtty" "$UTMP/notify.sock" --drop </dev/null >/dev/null 2>&1 &
	recv=$!
	wait_for 5 test -S "$UTMP/notify.sock"
	bundle_edit ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$UTMP/notify.sock\",
		\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	bundle_args sh -c 'mkdir /tmp/n; echo after'
	run sl_run
	wait "$recv" || true
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "mkdir: can't create directory '/tmp/n': Function not implemented" ]
	[ "${lines[1]}" = after ]
}

@test "exec gets the container's filter, notify listener included" {
	as_user "$RT_ROOTFS_DIR/recvtty" "$UTMP/notify.sock" --count 2 --drop </dev/null >/dev/null 2>&1 &
	recv=$!
	wait_for 5 test -S "$UTMP/notify.sock"
	bundle_edit ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$UTMP/notify.sock\",
		\"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	run sl exec c1 mkdir /tmp/e
	kill "$recv" 2>/dev/null || true
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "mkdir: can't create directory '/tmp/e': Function not implemented" ]
}

@test "a filter is loaded without no_new_privs when noNewPrivileges is false" {
	bundle_edit '.process.noNewPrivileges = false | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	bundle_args sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; mkdir /tmp/d'
	if have_runc; then
		run rc_run
		echo "runc: $output"
		[ "${lines[0]}" = "NoNewPrivs:	0" ]
		[ "${lines[1]}" = "Seccomp:	2" ]
	fi
	run sl_run
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "NoNewPrivs:	0" ]
	[ "${lines[1]}" = "Seccomp:	2" ]
	[[ "${lines[2]}" == *"Operation not permitted" ]]
}

@test "noNewPrivileges true still sets no_new_privs with a filter" {
	bundle_edit '.process.noNewPrivileges = true | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	bundle_args sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NoNewPrivs:	1" ]
	[ "${lines[1]}" = "Seccomp:	2" ]
}
