#!/usr/bin/env bats
# run-tty.bats - sublet run -it: the container gets a terminal of its own,
# input typed on the outer terminal reaches it and its output comes back.
# script(1) provides the outer terminal.

load ../lib
load ../run

run_hooks

@test "run -it: a terminal inside, input and output through it" {
	run as_user sh -c "printf 'echo typed-\$((6 * 7))\nexit 3\n' |
		script -qec '$SUBLET run --rm -it --net none busybox sh' /dev/null"
	echo "$output"
	# the shell's exit status comes back through sublet and script -e
	[ "$status" -eq 3 ]
	# the shell's answer to the typed line (not the echoed line itself)
	[[ "$output" == *"typed-42"* ]]
	run as_user script -qec "$SUBLET run --rm -it --net none busybox sh -c 'tty; test -t 0 && test -t 1 && echo both-ttys'" /dev/null
	echo "$output"
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"both-ttys"* ]]
	assert_clean
}

@test "-t without a terminal on stdin: a warning, and the run goes on without one" {
	run sl run --rm -it --net none busybox sh -c 'tty; echo "$TERM"; echo done' </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "sublet: "*"run: -t: standard input is not a terminal: running without one" ]]
	[ "${lines[1]}" = "not a tty" ]
	[ "${lines[-1]}" = done ]
}
