#!/usr/bin/env bats
# runtime-hooks.bats - the six hook kinds run in order with the state on
# stdin; a failing createRuntime hook aborts create.

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
