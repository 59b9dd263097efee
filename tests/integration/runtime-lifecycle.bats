#!/usr/bin/env bats
# runtime-lifecycle.bats - sublet create/start/state/kill/delete/run, as an
# unprivileged user, with the state JSON the OCI spec describes.

load ../lib
load ../runtime

runtime_hooks

@test "run true exits 0 and leaves nothing behind" {
	run sl_run
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "run returns the process's exit code" {
	bundle_args sh -c 'exit 42'
	run sl_run
	[ "$status" -eq 42 ]
	bundle_args false
	run sl_run
	[ "$status" -eq 1 ]
}

@test "run returns 128+N when the process dies of signal N" {
	# pid 1 of a pid namespace ignores signals it has no handler for,
	# except SIGKILL from outside
	bundle_args sleep 1000
	sl_run </dev/null >/dev/null 2>&1 &
	bg=$!
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/state state c1 2>/dev/null | jq -r .status)\" = running ]"
	sl kill c1 KILL
	st=0
	wait $bg || st=$?
	[ "$st" -eq 137 ]
	bundle_args sh -c 'trap "exit 3" TERM; sleep 1000 & wait'
	sl_run </dev/null >/dev/null 2>&1 &
	bg=$!
	wait_for 5 sh -c "[ \$($SUBLET --root $UTMP/state ps --format json c1 | jq length) -eq 2 ]"
	sl kill c1 TERM
	st=0
	wait $bg || st=$?
	[ "$st" -eq 3 ]
	assert_no_leftovers
}

@test "run passes the process's output through" {
	bundle_args sh -c 'echo out; echo err >&2'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = out ]
	[ "${lines[1]}" = err ]
}

@test "create, state, start, kill, delete" {
	bundle_args sleep 1000
	bundle_edit '.annotations = {"org.example.k": "v"}'
	slq create --bundle "$UTMP/bundle" --pid-file "$UTMP/pid" c1
	run sl state c1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .status)" = created ]
	[ "$(echo "$output" | jq -r .id)" = c1 ]
	[ "$(echo "$output" | jq -r .ociVersion)" = 1.1.0 ]
	[ "$(echo "$output" | jq -r .bundle)" = "$UTMP/bundle" ]
	[ "$(echo "$output" | jq -r '.annotations["org.example.k"]')" = v ]
	pid=$(echo "$output" | jq -r .pid)
	[ "$pid" = "$(cat "$UTMP/pid")" ]
	kill -0 "$pid"
	# the process has not run yet: the init still waits on exec.fifo
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" != "sleep 1000 " ]

	sl start c1
	[ "$(state_field c1 status)" = running ]
	wait_for 5 sh -c "tr '\0' ' ' </proc/$pid/cmdline | grep -q '^sleep 1000'"

	run sl delete c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: cannot delete container \`c1\` that is not stopped: running" ]

	run sl kill c1 KILL
	[ "$status" -eq 0 ]
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/state state c1 | jq -r .status)\" = stopped ]"
	[ "$(state_field c1 pid)" = 0 ]
	run sl delete c1
	[ "$status" -eq 0 ]
	run sl state c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` does not exist" ]
	run sl delete c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` does not exist" ]
	# engines clean up with --force: no error for a missing container
	run sl delete --force c1
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	assert_no_leftovers
}

@test "kill takes numbers and names, start refuses twice" {
	bundle_args sh -c 'trap "exit 7" USR1; while :; do sleep 0.1; done'
	slq create --bundle "$UTMP/bundle" c1
	sl start c1
	run sl start c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` is running, not created" ]
	run sl kill c1 SIGUSR1
	[ "$status" -eq 0 ]
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/state state c1 | jq -r .status)\" = stopped ]"
	run sl kill c1 15
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` is not running" ]
	run sl kill c1 NOSUCH
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: kill: unknown signal \`NOSUCH\`" ]
	sl delete c1
}

@test "kill --all reaches every process; delete --force kills" {
	bundle_args sh -c 'sleep 1000 & sleep 1000 & wait'
	slq run --detach --bundle "$UTMP/bundle" c1
	pid=$(state_field c1 pid)
	wait_for 5 sh -c "[ \$($SUBLET --root $UTMP/state ps --format json c1 | jq length) -eq 3 ]"
	run sl ps c1
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -cE '^[0-9]+ +sleep 1000')" -eq 2 ]
	run sl kill --all c1 KILL
	[ "$status" -eq 0 ]
	wait_for 5 sh -c "! kill -0 $pid 2>/dev/null"
	sl delete c1

	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c2
	pid=$(state_field c2 pid)
	run sl delete --force c2
	[ "$status" -eq 0 ]
	# the init is dead: gone, or a zombie until its parent reaps it (after
	# run --detach that is init or a subreaper, which delete cannot hurry)
	run awk '{print $3}' "/proc/$pid/stat"
	[ "$status" -ne 0 ] || [ "$output" = Z ]
	assert_no_leftovers
}

@test "list shows containers in table and JSON" {
	bundle_args sleep 1000
	slq create --bundle "$UTMP/bundle" a1
	slq run --detach --bundle "$UTMP/bundle" b2
	run sl list --format json
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r '.[0].id + ":" + .[0].status')" = a1:created ]
	[ "$(echo "$output" | jq -r '.[1].id + ":" + .[1].status')" = b2:running ]
	run sl list -q
	[ "$output" = "$(printf 'a1\nb2')" ]
	run sl list
	[ "${lines[0]%% *}" = ID ]
	[ "${#lines[@]}" -eq 3 ]
	run sl list --format yaml
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: list: --format: expected table or json, not \`yaml\`" ]
}

@test "--help, --version, bad commands and options" {
	run as_user "$SUBLET" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: sublet"* ]]
	run as_user "$SUBLET" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "sublet version "* ]]
	[ "${lines[1]}" = "spec: 1.1.0" ]
	run as_user "$SUBLET" frobnicate
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: unknown command \`frobnicate\` (see --help)" ]
	run as_user "$SUBLET" --frob
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "sublet: bad option (see --help)" ]
	run as_user "$SUBLET"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: missing command (see --help)" ]
	run sl create --bogus c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"sublet: create: bad option (see --help)" ]]
	run sl create
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: create: expected exactly one container ID" ]
	run sl create --bundle "$UTMP/bundle" 'bad/id'
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: invalid container id \`bad/id\`" ]
	run as_user "$SUBLET" --log-format xml list
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: --log-format: expected text or json, not \`xml\`" ]
	for c in create start state kill delete run exec list ps pause resume spec features; do
		run as_user "$SUBLET" "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "Usage: sublet $c"* ]]
	done
}

@test "--log with --log-format json writes JSON lines" {
	run sl --log "$UTMP/log.json" --log-format json state nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`nosuch\` does not exist" ]
	[ "$(jq -r .level "$UTMP/log.json")" = error ]
	[ "$(jq -r .msg "$UTMP/log.json")" = "container \`nosuch\` does not exist" ]
	run sl --systemd-cgroup list -q
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

# status_is STATUS STATE_CMD... - whether the state command says STATUS
status_is() {
	[ "$("${@:2}" 2>/dev/null | jq -r .status)" = "$1" ]
}

# zombie_state RUNTIME_STATE_CMD... - with the process of a container
# run in the background killed but its parent (the runtime's `run`)
# stopped before it could reap it, the status the state command reports
zombie_state() {
	local pid parent
	pid=$("$@" | jq -r .pid)
	parent=$(awk '{ print $4 }' "/proc/$pid/stat")
	kill -STOP "$parent"
	# stopped for real before the kill: a parent still on its way out
	# of waitpid() when the child dies reaps it before it stops
	wait_for 5 grep -q '^State:.T' "/proc/$parent/status"
	kill -KILL "$pid"
	wait_for 5 grep -q '^State:.Z' "/proc/$pid/status"
	"$@" | jq -r .status
	kill -CONT "$parent"
}

@test "a killed process not yet reaped is stopped" {
	bundle_args sleep 1000
	if have_runc; then
		rc_run </dev/null >/dev/null 2>&1 &
		wait_for 5 status_is running rc state r1
		run zombie_state rc state r1
		wait
		echo "runc: $output"
		[ "$output" = stopped ]
	fi
	sl_run </dev/null >/dev/null 2>&1 &
	wait_for 5 status_is running sl state c1
	run zombie_state sl state c1
	wait
	echo "$output"
	[ "$output" = stopped ]
}

@test "the container's process leads a session and a process group of its own, as under runc" {
	# conmon kills the process group of a container that outlives
	# podman run --timeout: sharing the caller's group would kill the
	# caller (conmon) before it writes the exit code
	bundle_args sleep 1000
	slq create --bundle "$UTMP/bundle" c1
	slq start c1
	pid=$(state_field c1 pid)
	[ "$(cut -d' ' -f5,6 "/proc/$pid/stat")" = "$pid $pid" ]
	sl delete --force c1
	if have_runc; then
		as_user "$RUNC" --root "$UTMP/runc" run -d --bundle "$UTMP/bundle" r1 \
			</dev/null >/dev/null 2>&1
		pid=$(rc state r1 | jq -r .pid)
		[ "$(cut -d' ' -f5,6 "/proc/$pid/stat")" = "$pid $pid" ]
		rc delete --force r1
	fi
}
