#!/usr/bin/env bats
# runtime-bad-bundle.bats - every bad bundle is refused with one line
# naming the field or path, and leaves no state, process or mount behind.

load ../lib
load ../runtime

runtime_hooks

# refuse MESSAGE - `sublet run` fails with exactly MESSAGE, nothing left
refuse() {
	run sl_run
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "$1" ]
	assert_no_leftovers
}

@test "missing bundle directory" {
	run sl run --bundle "$UTMP/nosuch" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: bundle \`$UTMP/nosuch\`: No such file or directory" ]
	assert_no_leftovers
}

@test "missing config.json" {
	rm "$UTMP/bundle/config.json"
	refuse "sublet: open \`$UTMP/bundle/config.json\`: No such file or directory"
}

@test "malformed config.json" {
	as_user sh -c "echo '{\"ociVersion\": \"1.0.2\",' >$UTMP/bundle/config.json"
	refuse "sublet: config.json: malformed JSON: unexpected end of data"
	as_user sh -c "echo '[1, 2]' >$UTMP/bundle/config.json"
	refuse "sublet: config.json: expected a JSON object"
}

@test "fields of the wrong type" {
	bundle_edit '.process.args = "true"'
	refuse "sublet: config.json: process.args: expected array of strings"
	bundle_edit '.process.args = ["true", 1]'
	refuse "sublet: config.json: process.args: expected array of strings"
	bundle_edit '.process.args = ["true"] | .process.terminal = "no"'
	refuse "sublet: config.json: process.terminal: expected a boolean"
	bundle_edit '.process.terminal = false | .mounts[1].options = "ro"'
	refuse "sublet: config.json: mounts[1].options: expected array of strings"
	bundle_edit '.mounts[1].options = [] | .process.user.uid = -1'
	refuse "sublet: config.json: process.user.uid: -1 is out of range"
	bundle_edit '.process.user.uid = 0 | .linux.uidMappings[0].size = "1"'
	refuse "sublet: config.json: linux.uidMappings[0].size: expected an integer"
}

@test "missing required fields and bad values" {
	bundle_edit 'del(.ociVersion)'
	refuse "sublet: config.json: ociVersion: missing required field"
	bundle_edit '.ociVersion = "1.0.2" | del(.root)'
	refuse "sublet: config.json: root: missing required field"
	bundle_edit ".root = {\"path\": \"$RT_ROOTFS_DIR/rootfs\"} | del(.process.cwd)"
	refuse "sublet: config.json: process.cwd: missing required field"
	bundle_edit '.process.cwd = "tmp"'
	refuse "sublet: config.json: process.cwd: \`tmp\` is not an absolute path"
	bundle_edit '.process.cwd = "/" | .linux.namespaces += [{"type": "nosuch"}]'
	refuse "sublet: config.json: linux.namespaces[5].type: unknown namespace \`nosuch\`"
	bundle_edit 'del(.linux.namespaces[5]) | .process.capabilities.bounding = ["CAP_NOSUCH"]'
	refuse "sublet: config.json: process.capabilities.bounding: unknown capability \`CAP_NOSUCH\`"
	bundle_edit 'del(.process.capabilities) | .process.rlimits[0].type = "RLIMIT_NOSUCH"'
	refuse "sublet: config.json: process.rlimits[0].type: unknown rlimit \`RLIMIT_NOSUCH\`"
}

@test "bad seccomp profile" {
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOSUCH"}'
	refuse "sublet: config.json: linux.seccomp.defaultAction: unknown action \`SCMP_ACT_NOSUCH\`"
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_NOSUCH"}]}]}'
	refuse "sublet: config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \`SCMP_CMP_NOSUCH\`"
	bundle_edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}'
	refuse "sublet: config.json: linux.seccomp.listenerPath: needed for SCMP_ACT_NOTIFY"
}

@test "rootfs that does not exist" {
	bundle_edit '.root.path = "nosuch"'
	refuse "sublet: root.path: rootfs \`$UTMP/bundle/nosuch\`: No such file or directory"
}

@test "id already in use" {
	bundle_args sleep 1000
	slq create --bundle "$UTMP/bundle" c1
	pid=$(state_field c1 pid)
	run sl create --bundle "$UTMP/bundle" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: container \`c1\` already exists" ]
	# the first one is untouched
	[ "$(state_field c1 status)" = created ]
	[ "$(state_field c1 pid)" = "$pid" ]
	sl delete c1
	assert_no_leftovers
}

@test "executable missing in the container" {
	bundle_args nosuch
	refuse "sublet: exec: \"nosuch\": executable file not found in \$PATH"
	bundle_args /bin/nosuch
	refuse "sublet: exec: \"/bin/nosuch\": No such file or directory"
}

@test "working directory missing in the container" {
	bundle_edit '.process.cwd = "/nosuch"'
	refuse "sublet: process.cwd: chdir \`/nosuch\`: No such file or directory"
}

@test "a terminal without a console socket" {
	bundle_edit '.process.terminal = true'
	run sl create --bundle "$UTMP/bundle" c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: process.terminal is set: --console-socket is needed" ]
	assert_no_leftovers
}

@test "idmapped mounts are refused, not made without their mapping" {
	bundle_edit '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/tmp", "options": ["rbind", "idmap"],
		"uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}]'
	n=$(jq '.mounts | length - 1' "$UTMP/bundle/config.json")
	refuse "sublet: config.json: mounts[$n]: idmapped mounts are not supported"
}
