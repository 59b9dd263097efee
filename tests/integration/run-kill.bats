#!/usr/bin/env bats
# run-kill.bats - kill -9 of sublet or of a helper mid-run leaves nothing:
# no mount, no process of this test, no container state.

load ../lib
load ../run

run_hooks

# start_k DRIVER - a --rm container `k` running sleep, in the background
start_k() {
	as_user "$SUBLET" run --rm --name k --storage-driver "$1" \
		-e SUBLET_TEST_MARK="$UTMP" busybox \
		sleep 1000 >"$UTMP/out" 2>&1 &
	BG=$!
	wait_for 10 grep -qs '"status":"running"' "$UTMP/data/sublet/containers/k/info.json"
}

# helper_pid COMM - pid of this test's helper process COMM (the first of
# its processes: not one whose parent has the same name)
helper_pid() {
	local p pp
	for p in $(our_pids); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = "$1" ] || continue
		pp=$(awk '/^PPid:/ { print $2 }' /proc/$p/status 2>/dev/null)
		[ "$(cat /proc/$pp/comm 2>/dev/null)" = "$1" ] || echo "$p"
	done
	return 0
}

@test "kill -9 of sublet" {
	start_k fuse
	mon=$(jq -r .monitor "$UTMP/data/sublet/containers/k/info.json")
	[ -n "$(helper_pid sublet-netd)" ]
	[ -n "$(helper_pid sublet-overlayf)" ]
	kill -9 "$mon"
	wait "$BG" || true
	assert_clean
}

@test "kill -9 of sublet-netd" {
	start_k kernel
	kill -9 "$(helper_pid sublet-netd)"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 137 ]
	grep -q "sublet-netd died: stopping container k" "$UTMP/out"
	assert_clean
}

@test "kill -9 of sublet-overlayfs" {
	start_k fuse
	kill -9 "$(helper_pid sublet-overlayf)"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 137 ]
	grep -q "sublet-overlayfs died: stopping container k" "$UTMP/out"
	assert_clean
}

@test "kill -9 of the container's process" {
	start_k kernel
	pid=$(helper_pid sleep)
	[ -n "$pid" ]
	kill -9 "$pid"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 137 ]
	assert_clean
}

@test "SIGTERM to sublet: passed on; a container that ignores it is killed after --stop-timeout" {
	# a process that exits on SIGTERM: its status comes back at once
	as_user "$SUBLET" run --rm --name k --net none -e SUBLET_TEST_MARK="$UTMP" \
		busybox sh -c 'trap "exit 7" TERM; while :; do usleep 20000; done' \
		>"$UTMP/out" 2>&1 &
	BG=$!
	wait_for 10 grep -qs '"status":"running"' "$UTMP/data/sublet/containers/k/info.json"
	kill -TERM "$(helper_pid sublet)"
	st=0
	wait "$BG" || st=$?
	[ "$st" -eq 7 ]
	assert_clean
	# pid 1 of a namespace ignores SIGTERM without a handler: killed
	# after --stop-timeout, with a word on stderr
	as_user "$SUBLET" run --rm --name k --net none --stop-timeout 1 \
		-e SUBLET_TEST_MARK="$UTMP" busybox sleep 1000 >"$UTMP/out" 2>&1 &
	BG=$!
	wait_for 10 grep -qs '"status":"running"' "$UTMP/data/sublet/containers/k/info.json"
	local t0=$SECONDS
	kill -TERM "$(helper_pid sublet)"
	st=0
	wait "$BG" || st=$?
	cat "$UTMP/out"
	[ "$st" -eq 137 ]
	[ $((SECONDS - t0)) -le 5 ]
	grep -q "container k still runs 1 s after the signal: killing it" "$UTMP/out"
	assert_clean
}
