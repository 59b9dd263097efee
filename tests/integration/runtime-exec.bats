#!/usr/bin/env bats
# runtime-exec.bats - sublet exec into a running container.

load ../lib
load ../runtime

runtime_hooks

setup() {
	runtime_setup
	bundle_args sleep 1000
	bundle_edit '.hostname = "exec-box" | .process.env += ["FROM_CONFIG=yes"]'
	slq run --detach --bundle "$UTMP/bundle" c1
}

@test "exec runs in the container's namespaces" {
	run sl exec c1 hostname
	[ "$status" -eq 0 ]
	[ "$output" = exec-box ]
	pid=$(state_field c1 pid)
	for ns in pid mnt uts ipc user; do
		inside=$(sl exec c1 readlink /proc/self/ns/$ns)
		[ "$inside" = "$(as_user readlink /proc/$pid/ns/$ns)" ]
	done
	# pid 1 is the container's init
	run sl exec c1 sh -c "tr '\\0' ' ' </proc/1/cmdline"
	[ "$output" = "sleep 1000 " ]
}

@test "exec returns the process's exit status" {
	run sl exec c1 sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run sl exec c1 sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "exec --env, --cwd and the config's environment" {
	run sl exec --env FOO=bar --cwd /etc c1 sh -c 'echo $FOO $FROM_CONFIG $(pwd)'
	[ "$status" -eq 0 ]
	[ "$output" = "bar yes /etc" ]
}

@test "exec --process FILE" {
	as_user sh -c "cat >$UTMP/p.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process $X"], "env": ["X=1", "PATH=/bin"], "cwd": "/"}
JSON
	run sl exec --process "$UTMP/p.json" c1
	[ "$status" -eq 0 ]
	[ "$output" = "from-process 1" ]
	as_user sh -c "echo '{\"args\": \"sh\", \"cwd\": \"/\"}' >$UTMP/bad.json"
	run sl exec --process "$UTMP/bad.json" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: exec: $UTMP/bad.json: process.args: expected array of strings" ]
}

@test "exec --detach --pid-file" {
	slq exec --detach --pid-file "$UTMP/exec.pid" c1 sleep 999
	pid=$(cat "$UTMP/exec.pid")
	[ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 999 " ]
	run sl ps --format json c1
	[ "$(echo "$output" | jq length)" -eq 2 ]
}

@test "exec refusals" {
	run sl exec c1 nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: exec: \"nosuch\": executable file not found in \$PATH" ]
	run sl exec nosuch true
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`nosuch\` does not exist" ]
	run sl exec c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: exec: expected --process FILE or a COMMAND" ]
	run sl exec --env NOEQUALS c1 true
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: exec: --env: expected K=V, not \`NOEQUALS\`" ]
	run sl exec --tty c1 true
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: --tty needs --console-socket" ]
	sl kill c1 KILL
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/state state c1 | jq -r .status)\" = stopped ]"
	run sl exec c1 true
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` is not running" ]
}
