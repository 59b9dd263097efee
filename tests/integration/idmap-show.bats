#!/usr/bin/env bats
# idmap-show.bats - `sublet-idmap show` prints the ranges a user may map,
# as text and as JSON, for entries by name and by numeric uid, several
# ranges, none at all; malformed lines are not shown.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	make_user_tmp
}

teardown() {
	remove_user_tmp
}

@test "show: the caller's ranges as text" {
	local u
	u=$(as_user id -un)
	run as_user sublet-idmap show
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
		"user     $u (uid $(test_uid), gid $(test_gid))" \
		"subuid   100000:65536 (100000-165535)" \
		"total    65536 subuids" \
		"subgid   100000:65536 (100000-165535)" \
		"total    65536 subgids")" ]
}

@test "show --json: the caller's ranges as one JSON object" {
	local u
	u=$(as_user id -un)
	run as_user sublet-idmap show --json
	[ "$status" -eq 0 ]
	[ "$output" = "{\"user\":\"$u\",\"uid\":$(test_uid),\"gid\":$(test_gid),\"subuid\":[{\"start\":100000,\"count\":65536}],\"subuid_total\":65536,\"subgid\":[{\"start\":100000,\"count\":65536}],\"subgid_total\":65536}" ]
}

@test "show USER: several ranges, by name and by numeric uid, in file order" {
	require_idmap_users
	local uid gid
	uid=$(id -u "$IDMAP_MULTI")
	gid=$(id -g "$IDMAP_MULTI")
	run as_user sublet-idmap show "$IDMAP_MULTI"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
		"user     $IDMAP_MULTI (uid $uid, gid $gid)" \
		"subuid   200000:1000 (200000-200999)" \
		"subuid   300000:1000 (300000-300999)" \
		"subuid   201000:500 (201000-201499)" \
		"total    2500 subuids" \
		"subgid   200000:1000 (200000-200999)" \
		"subgid   300000:1000 (300000-300999)" \
		"subgid   201000:500 (201000-201499)" \
		"total    2500 subgids")" ]
	# the same user named by uid
	run as_user sublet-idmap show --json "$uid"
	[ "$status" -eq 0 ]
	[ "$output" = "{\"user\":\"$IDMAP_MULTI\",\"uid\":$uid,\"gid\":$gid,\"subuid\":[{\"start\":200000,\"count\":1000},{\"start\":300000,\"count\":1000},{\"start\":201000,\"count\":500}],\"subuid_total\":2500,\"subgid\":[{\"start\":200000,\"count\":1000},{\"start\":300000,\"count\":1000},{\"start\":201000,\"count\":500}],\"subgid_total\":2500}" ]
}

@test "show USER without entries, and a uid without a passwd entry" {
	require_idmap_users
	run as_user sublet-idmap show --json "$IDMAP_NONE"
	[ "$status" -eq 0 ]
	[ "$output" = "{\"user\":\"$IDMAP_NONE\",\"uid\":$(id -u "$IDMAP_NONE"),\"gid\":$(id -g "$IDMAP_NONE"),\"subuid\":[],\"subuid_total\":0,\"subgid\":[],\"subgid_total\":0}" ]
	run as_user sublet-idmap show 4242424
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "user     - (uid 4242424)" ]
	[ "${lines[1]}" = "subuid   none in /etc/subuid" ]
	run as_user sublet-idmap show --json 4242424
	[ "$output" = '{"user":null,"uid":4242424,"gid":null,"subuid":[],"subuid_total":0,"subgid":[],"subgid_total":0}' ]
}

@test "show refuses unknown users and bad arguments" {
	run as_user sublet-idmap show no-such-user-here
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: no such user 'no-such-user-here'" ]
	run as_user sublet-idmap show --yaml
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: show: unexpected argument '--yaml'" ]
	run as_user sublet-idmap show root daemon
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: show: unexpected argument 'daemon'" ]
}
