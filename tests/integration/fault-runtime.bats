#!/usr/bin/env bats
# fault-runtime.bats - the runtime killed with SIGKILL: the container's
# init between create and start, and sublet itself in the middle of
# create.  `sublet delete --force` must leave no state, process or mount.

load ../lib
load ../runtime

setup_file() { runtime_setup_file; }
teardown_file() { runtime_teardown_file; }
setup() {
	runtime_setup
	bundle_args sleep 1000
}
teardown() { runtime_teardown; }

# no_state_procs - no process names the test's state root
no_state_procs() {
	! pgrep -f -- "$UTMP/state" >/dev/null
}

@test "kill -9 of the init between create and start; delete --force cleans up" {
	slq create --bundle "$UTMP/bundle" c1
	pid=$(state_field c1 pid)
	[ "$(state_field c1 status)" = created ]
	[ "$pid" -gt 0 ]
	kill -9 "$pid"
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/state state c1 | jq -r .status)\" = stopped ]"
	run sl start c1
	echo "$output"
	[ "$status" -ne 0 ]
	run sl delete --force c1
	echo "$output"
	[ "$status" -eq 0 ]
	assert_no_leftovers
	run sl state c1
	[ "$status" -ne 0 ]
}

@test "kill -9 of sublet in the middle of create; delete --force cleans up" {
	local i n=0 id
	for i in $(seq 10); do
		id=k$i
		as_user "$SUBLET" --root "$UTMP/state" create --bundle "$UTMP/bundle" \
			"$id" </dev/null >/dev/null 2>&1 3>&- &
		sleep "0.0$i"
		# sublet itself (the pid bash knows is the as_user subshell)
		pkill -9 -x -f -- "$SUBLET --root $UTMP/state create --bundle $UTMP/bundle $id" || true
		wait $! 2>/dev/null || true
	done
	# whatever each create got to, delete --force ID removes it, as an
	# engine that knows the id it asked for cleans up; a create killed
	# before state.json was saved is not listed but still removed
	n=$(sl list -q | wc -l)
	for i in $(seq 10); do
		run sl delete --force "k$i"
		echo "k$i: $output"
		[ "$status" -eq 0 ]
	done
	echo "# $n of 10 killed creates left a listed container" >&3
	wait_for 5 no_state_procs
	assert_no_leftovers
	# and the name can be used again
	slq create --bundle "$UTMP/bundle" k1
	[ "$(state_field k1 status)" = created ]
	sl delete --force k1
	assert_no_leftovers
}
