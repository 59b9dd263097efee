#!/usr/bin/env bats
# run-detach.bats - sublet run -d, ps, logs, stop, rm.

load ../lib
load ../run

run_hooks

@test "run -d prints the id; ps, logs, stop, rm" {
	run sl run -d --name d1 --net none -e SUBLET_TEST_MARK="$UTMP" busybox \
		sh -c 'echo started; exec sleep 1000'
	[ "$status" -eq 0 ]
	[ "$output" = d1 ]
	run sl ps -q
	[ "$output" = d1 ]
	wait_for 5 as_user sh -c "$SUBLET logs d1 2>/dev/null | grep -q started"
	run sl rm d1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: rm: container \`d1\` is running: stop it first (sublet stop d1) or use -f" ]
	run sl stop -t 1 d1
	[ "$status" -eq 0 ]
	run sl ps -q
	[ -z "$output" ]
	run sl ps -a
	[[ "${lines[1]}" == "d1               busybox                  exited (137)"* ]]
	run sl logs d1
	[ "$output" = started ]
	run sl rm d1
	[ "$output" = d1 ]
	assert_clean
}

@test "rm -f stops a running container; --rm -d removes itself" {
	sl run -d --name d2 --net none busybox sleep 1000
	run sl rm -f d2
	[ "$status" -eq 0 ]
	sl run -d --rm --name d3 busybox sh -c 'sleep 0.2'
	wait_for 5 sh -c "[ ! -e $UTMP/data/sublet/containers/d3 ]"
	assert_clean
}

@test "ps, stop, rm, logs refusals" {
	run sl stop nothing
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: stop: no container \`nothing\` (see sublet ps -a)" ]
	run sl rm nothing
	[ "$output" = "sublet: rm: no container \`nothing\` (see sublet ps -a)" ]
	run sl logs nothing
	[ "$output" = "sublet: logs: no container \`nothing\` (see sublet ps -a)" ]
	run sl run -d --name d4 --net none busybox true
	[ "$status" -eq 0 ]
	run sl run -d --name d4 --net none busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: container name \`d4\` is in use: remove it with \`sublet rm d4\`" ]
}

@test "logs -f follows the output until the container ends" {
	as_user mkdir "$UTMP/v"
	as_user mkfifo "$UTMP/v/go"
	sl run -d --name f1 --net none -v "$UTMP/v:/v" -e SUBLET_TEST_MARK="$UTMP" \
		busybox sh -c 'echo one; read x </v/go; echo "$x"; echo three'
	as_user sh -c "$SUBLET logs -f f1 >$UTMP/out 2>&1; echo rc=\$? >>$UTMP/out" &
	wait_for 10 grep -q one "$UTMP/out"
	# still following: nothing more yet, and the follower is alive
	[ "$(cat "$UTMP/out")" = one ]
	as_user sh -c "echo two >$UTMP/v/go"
	wait_for 10 grep -q rc= "$UTMP/out"
	run cat "$UTMP/out"
	echo "$output"
	[ "$output" = "$(printf 'one\ntwo\nthree\nrc=0')" ]
	# a finished container: -f prints it all and returns at once
	run sl logs --follow f1
	[ "$output" = "$(printf 'one\ntwo\nthree')" ]
	run sl logs --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Usage: sublet logs [-f] ID" ]
	sl rm f1
	assert_clean
}
