#!/usr/bin/env bats
# runtime-tty.bats - process.terminal: the pty master goes to the console
# socket (SCM_RIGHTS), for create and for exec --tty.

load ../lib
load ../runtime

runtime_hooks

teardown() {
	[ -n "${RECV:-}" ] && kill "$RECV" 2>/dev/null
	runtime_teardown
}

# start_recvtty NAME - listen on $UTMP/NAME.sock, output to $UTMP/NAME.out
start_recvtty() {
	as_user "$RT_ROOTFS_DIR/recvtty" "$UTMP/$1.sock" </dev/null >"$UTMP/$1.out" 2>&1 &
	RECV=$!
	wait_for 5 test -S "$UTMP/$1.sock"
}

@test "create --console-socket gives the process a terminal" {
	bundle_edit '.process.terminal = true'
	bundle_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo TTY-OK'
	start_recvtty c
	slq create --bundle "$UTMP/bundle" --console-socket "$UTMP/c.sock" c1
	sl start c1
	wait "$RECV"
	RECV=
	run cat "$UTMP/c.out"
	[[ "${lines[0]}" == /dev/pts/0* ]]
	[[ "${lines[1]}" == TTY-OK* ]]
}

@test "exec --tty --console-socket" {
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	start_recvtty e
	run sl exec --tty --console-socket "$UTMP/e.sock" c1 sh -c 'tty; stty size'
	[ "$status" -eq 0 ]
	wait "$RECV"
	RECV=
	run cat "$UTMP/e.out"
	[[ "${lines[0]}" == /dev/pts/* ]]
}

@test "a console socket that does not listen is refused" {
	bundle_edit '.process.terminal = true'
	run sl create --bundle "$UTMP/bundle" --console-socket "$UTMP/none.sock" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: connect console socket \`$UTMP/none.sock\`: No such file or directory" ]
	assert_no_leftovers
}

@test "run in the foreground relays the terminal itself" {
	bundle_edit '.process.terminal = true'
	bundle_args sh -c 'tty; read line; echo "got $line"'
	run as_user_sh "echo typed | $SUBLET --root $UTMP/state run --bundle $UTMP/bundle c1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"got typed"* ]]
	assert_no_leftovers
}
