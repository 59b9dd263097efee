#!/usr/bin/env bats
# runtime-idmap.bats - uid/gid maps over the whole subordinate range,
# written by newuidmap/newgidmap (sublet-idmap's when staged, else the
# ones in $PATH), and a non-root process in the container.

load ../lib
load ../runtime

runtime_hooks

setup() {
	runtime_setup
	if [ ! -x "${SUBLET_PREFIX:-/nonexistent}/libexec/sublet/newuidmap" ] &&
		! command -v newuidmap >/dev/null; then
		skip "no newuidmap: neither sublet-idmap is staged nor uidmap installed"
	fi
	uid=$(test_uid)
	gid=$(test_gid)
	start=$(awk -F: -v u="$(as_user id -un)" '$1 == u { print $2 }' /etc/subuid | head -1)
	gstart=$(awk -F: -v u="$(as_user id -un)" '$1 == u { print $2 }' /etc/subgid | head -1)
	# Podman's layout: the caller is root, 1.. is the subordinate range
	bundle_edit ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $uid, \"size\": 1}, {\"containerID\": 1, \"hostID\": $start, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": $gid, \"size\": 1}, {\"containerID\": 1, \"hostID\": $gstart, \"size\": 65536}]"
	as_user mkdir -m 0777 "$UTMP/share"
	bundle_edit ".mounts += [{\"destination\": \"/share\", \"type\": \"bind\", \"source\": \"$UTMP/share\", \"options\": [\"rbind\"]}]"
}

@test "the maps cover the subordinate range" {
	bundle_args cat /proc/self/uid_map /proc/self/gid_map
	run sl_run
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = " 0 $uid 1" ]
	[ "$(echo "${lines[1]}" | tr -s ' ')" = " 1 $start 65536" ]
	[ "$(echo "${lines[2]}" | tr -s ' ')" = " 0 $gid 1" ]
	[ "$(echo "${lines[3]}" | tr -s ' ')" = " 1 $gstart 65536" ]
}

@test "files made by uid 1000 inside belong to the subordinate uid outside" {
	bundle_edit '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [5]}'
	bundle_args sh -c 'id; touch /share/by-1000'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "uid=1000(user) gid=1000(user) groups=5(tty)" ]
	[ "$(stat -c %u:%g "$UTMP/share/by-1000")" = "$((start + 999)):$((gstart + 999))" ]
}

@test "a non-root process gets exactly its permitted and ambient caps" {
	bundle_edit '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"], "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}'
	bundle_args grep -E '^Cap(Prm|Eff|Amb)' /proc/self/status
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'CapPrm:\t0000000000000400')" ]
	[ "${lines[1]}" = "$(printf 'CapEff:\t0000000000000400')" ]
	[ "${lines[2]}" = "$(printf 'CapAmb:\t0000000000000400')" ]
}

@test "exec --user 1000 in a fully mapped container" {
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	run sl exec --user 1000:1000 c1 id -u
	[ "$status" -eq 0 ]
	[ "$output" = 1000 ]
}

@test "a range the user does not own is refused by newuidmap" {
	bundle_edit '.linux.uidMappings[1].hostID = 1'
	run sl_run
	[ "$status" -eq 1 ]
	[[ "$output" == "sublet: uid map: "*"newuidmap failed"* ]]
	assert_no_leftovers
}

@test "a gid range the user does not own is refused by newgidmap, with newuidmap run beside it" {
	bundle_edit '.linux.gidMappings[1].hostID = 1'
	run sl_run
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "sublet: gid map: "*"newgidmap failed"* ]]
	assert_no_leftovers
}

@test "both ranges refused: the uid map's refusal is the one said" {
	bundle_edit '.linux.uidMappings[1].hostID = 1 | .linux.gidMappings[1].hostID = 1'
	run sl_run
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "sublet: uid map: "*"newuidmap failed"* ]]
	assert_no_leftovers
}

@test "an unmapped process uid is refused at create" {
	bundle_edit '.linux.uidMappings = [{"containerID": 0, "hostID": '"$uid"', "size": 1}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": '"$gid"', "size": 1}]
		| .process.user.uid = 1000'
	bundle_args true
	run sl_run
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: process.user.uid: 1000 is not mapped in linux.uidMappings" ]
	assert_no_leftovers
}
