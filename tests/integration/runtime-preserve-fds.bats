#!/usr/bin/env bats
# runtime-preserve-fds.bats - --preserve-fds N passes fds 3..3+N-1 and no
# others.

load ../lib
load ../runtime

runtime_hooks

@test "fds 3 and 4 reach the process, fd 5 does not" {
	as_user sh -c "echo three >$UTMP/f3; echo four >$UTMP/f4; echo five >$UTMP/f5"
	bundle_args sh -c 'cat <&3; cat <&4; [ -e /proc/self/fd/5 ] && echo fd5-leaked; echo done'
	run as_user_sh "exec 3<$UTMP/f3 4<$UTMP/f4 5<$UTMP/f5; $SUBLET --root $UTMP/state run --preserve-fds 2 --bundle $UTMP/bundle c1"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'three\nfour\ndone')" ]
}

@test "without --preserve-fds no extra fd is passed" {
	as_user sh -c "echo three >$UTMP/f3"
	bundle_args sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
	run as_user_sh "exec 3<$UTMP/f3; $SUBLET --root $UTMP/state run --bundle $UTMP/bundle c1"
	[ "$status" -eq 0 ]
	# 0 1 2 and ls's own directory fd
	[ "$output" = "0 1 2 3 " ]
	run sl run --preserve-fds x --bundle "$UTMP/bundle" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: run: --preserve-fds: invalid number \`x\`" ]
}

@test "exec --preserve-fds passes fds to the new process" {
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	as_user sh -c "echo for-exec >$UTMP/f3"
	run as_user_sh "exec 3<$UTMP/f3 4</dev/null; $SUBLET --root $UTMP/state exec --preserve-fds 1 c1 sh -c 'cat <&3; [ -e /proc/self/fd/4 ] && echo fd4-leaked; echo done'"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'for-exec\ndone')" ]
}
