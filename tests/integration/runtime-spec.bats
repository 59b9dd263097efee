#!/usr/bin/env bats
# runtime-spec.bats - sublet spec and sublet features.

load ../lib
load ../runtime

runtime_hooks

@test "spec --rootless writes a config an unprivileged user can run" {
	as_user mkdir "$UTMP/b2"
	run as_user "$SUBLET" spec --rootless --bundle "$UTMP/b2"
	[ "$status" -eq 0 ]
	cfg=$UTMP/b2/config.json
	# the version implemented, as state, features and --version say
	[ "$(jq -r .ociVersion "$cfg")" = 1.1.0 ]
	[ "$(as_user "$SUBLET" features | jq -r .ociVersionMax)" = 1.1.0 ]
	[ "$(as_user "$SUBLET" --version | sed -n 's/^spec: //p')" = 1.1.0 ]
	[ "$(jq -c '.process.args' "$cfg")" = '["sh"]' ]
	[ "$(jq -r '.linux.uidMappings[0].hostID' "$cfg")" = "$(test_uid)" ]
	[ "$(jq -r '.linux.gidMappings[0].hostID' "$cfg")" = "$(test_gid)" ]
	[ "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$cfg")" = ipc,mount,pid,user,uts ]
	[ "$(jq -r '.mounts[] | select(.destination == "/sys") | .options[0]' "$cfg")" = rbind ]
	run as_user "$SUBLET" spec --rootless --bundle "$UTMP/b2"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: spec: \`$UTMP/b2/config.json\` already exists" ]
	# the template itself runs
	as_user ln -s "$RT_ROOTFS_DIR/rootfs" "$UTMP/b2/rootfs"
	as_user sh -c "jq '.process.terminal = false | .process.args = [\"echo\", \"template-ok\"]' $cfg >$cfg.new && mv $cfg.new $cfg"
	run sl run --bundle "$UTMP/b2" t1
	[ "$status" -eq 0 ]
	[ "$output" = template-ok ]
}

@test "spec without --rootless has a network namespace and no maps" {
	as_user mkdir "$UTMP/b3"
	as_user "$SUBLET" spec --bundle "$UTMP/b3"
	[ "$(jq -r '[.linux.namespaces[].type] | index("network") != null' "$UTMP/b3/config.json")" = true ]
	[ "$(jq -r '.linux.uidMappings' "$UTMP/b3/config.json")" = null ]
}

@test "features prints the OCI features document" {
	run as_user "$SUBLET" features
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .ociVersionMax)" = 1.1.0 ]
	[ "$(echo "$output" | jq -r '.hooks | length')" -eq 6 ]
	[ "$(echo "$output" | jq -r '.linux.seccomp.enabled')" = true ]
	[ "$(echo "$output" | jq -r '.linux.cgroup.v2')" = true ]
	[ "$(echo "$output" | jq -r '.linux.namespaces | index("user") != null')" = true ]
}

@test "state, features and --version name the same spec version" {
	bundle_args sleep 30
	slq create --bundle "$UTMP/bundle" c1
	v=$(state_field c1 ociVersion)
	[ "$v" = 1.1.0 ]
	[ "$(as_user "$SUBLET" features | jq -r .ociVersionMax)" = "$v" ]
	[ "$(as_user "$SUBLET" --version | sed -n 's/^spec: //p')" = "$v" ]
	sl delete --force c1
}
