#!/usr/bin/env bats
# runtime-hooks.bats - the six hook kinds run in order with the state (and
# the annotations) on stdin; a failing createRuntime hook aborts create;
# poststart follows the exec and its failures, like poststop's, only warn.

load ../lib
load ../runtime

runtime_hooks

setup() {
	runtime_setup
	as_user mkdir "$UTMP/hk"
	as_user sh -c "cat >$UTMP/hook.sh" <<EOS
#!/bin/sh
echo "\$1" >>$UTMP/hk/log
cat >$UTMP/hk/state-\$1.json
EOS
	as_user chmod +x "$UTMP/hook.sh"
	bundle_edit ".mounts += [{\"destination\": \"/hooks\", \"type\": \"bind\", \"source\": \"$UTMP/hk\", \"options\": [\"rbind\"]}]"
}

# hook KIND - a hook object running hook.sh KIND
hook() {
	echo "{\"path\": \"$UTMP/hook.sh\", \"args\": [\"hook.sh\", \"$1\"]}"
}

@test "hooks run in order with the state on stdin" {
	bundle_edit ".hooks = {\"prestart\": [$(hook prestart)],
		\"createRuntime\": [$(hook createRuntime)],
		\"createContainer\": [$(hook createContainer)],
		\"startContainer\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo startContainer >>/hooks/log; cat >/hooks/state-startContainer.json\"]}],
		\"poststart\": [$(hook poststart)],
		\"poststop\": [$(hook poststop)]}"
	bundle_args sh -c 'sleep 0.2; echo ran'
	run sl_run
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	run cat "$UTMP/hk/log"
	[ "${lines[0]}" = prestart ]
	[ "${lines[1]}" = createRuntime ]
	[ "${lines[2]}" = createContainer ]
	# startContainer (in the container) and poststart (in the runtime)
	# both follow start
	[ "$(printf '%s\n' "${lines[3]}" "${lines[4]}" | sort | tr '\n' ' ')" = "poststart startContainer " ]
	[ "${lines[5]}" = poststop ]
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		[ "$(jq -r .id "$UTMP/hk/state-$k.json")" = c1 ]
		[ "$(jq -r .bundle "$UTMP/hk/state-$k.json")" = "$UTMP/bundle" ]
	done
	[ "$(jq -r .status "$UTMP/hk/state-createRuntime.json")" = creating ]
	[ "$(jq -r .status "$UTMP/hk/state-poststart.json")" = running ]
	[ "$(jq -r .status "$UTMP/hk/state-poststop.json")" = stopped ]
	[ "$(jq -r .pid "$UTMP/hk/state-createRuntime.json")" -gt 0 ]
}

@test "a failing createRuntime hook aborts create and leaves nothing" {
	bundle_edit ".hooks = {\"createRuntime\": [{\"path\": \"/bin/false\"}]}"
	run sl_run
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: createRuntime hook: hook \`/bin/false\` exited with status 1" ]
	assert_no_leftovers
}

@test "a hook that runs too long is killed" {
	bundle_edit ".hooks = {\"prestart\": [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"10\"], \"timeout\": 1}]}"
	run sl_run
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: createRuntime hook: hook \`/bin/sleep\` timed out after 1 s" ]
	assert_no_leftovers
}

@test "a failing poststop hook is only a warning" {
	bundle_edit ".hooks = {\"poststop\": [{\"path\": \"/bin/false\"}]}"
	run sl_run
	[ "$status" -eq 0 ]
	[ "$output" = "sublet: warning: poststop hook: hook \`/bin/false\` exited with status 1" ]
	assert_no_leftovers
}

@test "poststart hooks run once the process is exec'd, before start returns" {
	# the hook names the process the state's pid runs: the user's
	# command, not the runtime's init on its way
	as_user sh -c "cat >$UTMP/comm.sh" <<EOS
#!/bin/sh
pid=\$(jq -r .pid)
cat /proc/\$pid/comm >$UTMP/hk/comm
EOS
	as_user chmod +x "$UTMP/comm.sh"
	bundle_edit ".hooks = {\"startContainer\": [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"0.3\"]}],
		\"poststart\": [{\"path\": \"$UTMP/comm.sh\"}]}"
	bundle_args sleep 30
	slq create --bundle "$UTMP/bundle" c1
	slq start c1
	[ "$(cat "$UTMP/hk/comm")" = sleep ]
	[ "$(state_field c1 status)" = running ]
}

@test "a failing poststart or poststop hook is a warning and the next hooks run" {
	bundle_edit ".hooks = {\"poststart\": [{\"path\": \"/bin/false\"}, $(hook poststart)],
		\"poststop\": [{\"path\": \"/bin/false\"}, $(hook poststop)]}"
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet: warning: poststart hook: hook \`/bin/false\` exited with status 1" ]
	[ "${lines[1]}" = "sublet: warning: poststop hook: hook \`/bin/false\` exited with status 1" ]
	[ "$(cat "$UTMP/hk/log" | tr '\n' ' ')" = "poststart poststop " ]
	assert_no_leftovers
}

@test "every hook's state carries the config's annotations" {
	bundle_edit ".annotations = {\"org.example.k\": \"v\"}
		| .hooks = {\"prestart\": [$(hook prestart)],
		\"createRuntime\": [$(hook createRuntime)],
		\"createContainer\": [$(hook createContainer)],
		\"poststart\": [$(hook poststart)],
		\"poststop\": [$(hook poststop)]}"
	kinds="prestart createRuntime createContainer poststart poststop"
	if have_runc; then
		run rc_run
		echo "runc: $output"
		[ "$status" -eq 0 ]
		for k in $kinds; do
			[ "$(jq -r '.annotations["org.example.k"]' "$UTMP/hk/state-$k.json")" = v ]
		done
		as_user rm "$UTMP/hk/log" "$UTMP"/hk/state-*.json
	fi
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	for k in $kinds; do
		[ "$(jq -r '.annotations["org.example.k"]' "$UTMP/hk/state-$k.json")" = v ]
	done
}
