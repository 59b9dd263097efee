#!/usr/bin/env bats
# runtime-signals.bats - the process starts with every signal disposition
# default and an empty signal mask, whatever the runtime had: a caller
# that ignores signals, and hooks (the runtime ignores SIGPIPE to write
# the state to them).

load ../lib
load ../runtime

runtime_hooks

# ignoring CMD... - run CMD as the test user with SIGHUP, SIGQUIT and
# SIGPIPE ignored (and whatever the test's caller ignores)
ignoring() {
	as_user sh -c 'trap "" HUP QUIT PIPE; exec "$@"' sh "$@"
}

@test "the process starts with no signal ignored or blocked" {
	bundle_edit '.hooks = {"createContainer": [{"path": "/bin/true"}],
		"startContainer": [{"path": "/bin/true"}]}'
	bundle_args grep -E '^Sig(Blk|Ign):' /proc/self/status
	if have_runc; then
		run ignoring sh -c '"$0" --root "$1" run --bundle "$2" r1 \
			</dev/null >"$1.out" 2>&1; r=$?; cat "$1.out"; exit $r' \
			"$RUNC" "$UTMP/runc" "$UTMP/bundle"
		echo "runc: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "SigBlk:	0000000000000000" ]
		# runc resets what its Go runtime handles, SIGPIPE among them
		[ $((0x${lines[1]#SigIgn:?} & 0x1000)) -eq 0 ]
	fi
	run ignoring "$SUBLET" --root "$UTMP/state" run --bundle "$UTMP/bundle" c1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "SigBlk:	0000000000000000" ]
	[ "${lines[1]}" = "SigIgn:	0000000000000000" ]
}

@test "exec's process starts with no signal ignored or blocked" {
	bundle_args sleep 30
	slq create --bundle "$UTMP/bundle" c1
	slq start c1
	run ignoring "$SUBLET" --root "$UTMP/state" exec c1 \
		grep -E "^Sig(Blk|Ign):" /proc/self/status
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "SigBlk:	0000000000000000" ]
	[ "${lines[1]}" = "SigIgn:	0000000000000000" ]
}
