#!/usr/bin/env bats
# idmap-refuse.bats - every malformed or disallowed request is refused
# with exit status 1 and a one-line message naming what was wrong, and
# the target's map stays unwritten.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	make_user_tmp
	start_target as_user
}

teardown() {
	kill_targets
	remove_user_tmp
}

# refused MSG CMD... - CMD (run as the test user) fails with exactly MSG
# and the target's maps are still empty.
refused() {
	local want=$1
	shift
	run as_user "$@"
	echo "status=$status output=$output"
	[ "$status" -eq 1 ]
	[ "$output" = "$want" ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
	[ -z "$(cat "/proc/$TARGET_PID/gid_map")" ]
}

@test "wrong number of arguments prints usage" {
	refused "usage: newuidmap PID|fd:N ID LOWER COUNT [ID LOWER COUNT]..." \
		newuidmap "$TARGET_PID"
	refused "usage: newgidmap PID|fd:N ID LOWER COUNT [ID LOWER COUNT]..." \
		newgidmap "$TARGET_PID" 0 100000 1 1
	refused "usage: sublet-idmap uid|gid PID|fd:N ID LOWER COUNT [ID LOWER COUNT]..." \
		sublet-idmap uid "$TARGET_PID" 0 100000
}

@test "non-numeric numbers are refused" {
	refused "newuidmap: range 1: LOWER 'abc' is not a number" \
		newuidmap "$TARGET_PID" 0 abc 1
	refused "newuidmap: range 2: ID '1x' is not a number" \
		newuidmap "$TARGET_PID" 0 100000 1 1x 100001 1
	refused "newuidmap: range 1: LOWER '0x186a0' is not a number" \
		newuidmap "$TARGET_PID" 0 0x186a0 1
	refused "newuidmap: range 1: LOWER ' 100000' is not a number" \
		newuidmap "$TARGET_PID" 0 " 100000" 1
	refused "newuidmap: invalid target 'self': expected a PID or fd:N" \
		newuidmap self 0 100000 1
}

@test "negative numbers are refused" {
	refused "newuidmap: range 1: COUNT '-1' is not a number" \
		newuidmap "$TARGET_PID" 0 100000 -1
	refused "newgidmap: range 1: ID '-5' is not a number" \
		newgidmap "$TARGET_PID" -5 100000 10
	refused "newuidmap: invalid target '-$TARGET_PID': expected a PID or fd:N" \
		newuidmap "-$TARGET_PID" 0 100000 1
}

@test "numbers and ranges past 32 bits are refused" {
	refused "newuidmap: range 1: ID '4294967296' does not fit in 32 bits" \
		newuidmap "$TARGET_PID" 4294967296 100000 1
	refused "newuidmap: range 1: ID 4294967295 + COUNT 1 overflows 32 bits" \
		newuidmap "$TARGET_PID" 4294967295 100000 1
	refused "newuidmap: range 1: LOWER 4294967290 + COUNT 10 overflows 32 bits" \
		newuidmap "$TARGET_PID" 0 4294967290 10
	refused "newgidmap: range 1: COUNT '18446744073709551617' does not fit in 32 bits" \
		newgidmap "$TARGET_PID" 0 100000 18446744073709551617
}

@test "count 0 is refused" {
	refused "newuidmap: range 1: COUNT is 0" newuidmap "$TARGET_PID" 0 100000 0
}

@test "more than 340 ranges are refused" {
	local args=() i
	for i in $(seq 0 340); do
		args+=("$i" "$((100000 + i))" 1)
	done
	refused "newuidmap: too many ranges: 341, the kernel takes at most 340" \
		newuidmap "$TARGET_PID" "${args[@]}"
}

@test "a map text longer than a page is refused" {
	local args=() i
	for i in $(seq 0 339); do
		args+=("$((1000000000 + i))" "$((100000 + i))" 1)
	done
	refused "newuidmap: the map text is longer than the 4095 bytes the kernel takes" \
		newuidmap "$TARGET_PID" "${args[@]}"
}

@test "ranges overlapping inside the namespace are refused" {
	refused "newuidmap: ranges 1 and 2 overlap inside the namespace (uids 0-9 and 5-14)" \
		newuidmap "$TARGET_PID" 0 100000 10 5 100100 10
}

@test "ranges overlapping outside the namespace are refused" {
	refused "newgidmap: ranges 1 and 2 overlap outside the namespace (gids 100000-100009 and 100005-100014)" \
		newgidmap "$TARGET_PID" 0 100000 10 20 100005 10
	refused "newuidmap: ranges 1 and 2 overlap outside the namespace (uids $(test_uid)-$(test_uid) and $(test_uid)-$(test_uid))" \
		newuidmap "$TARGET_PID" 0 "$(test_uid)" 1 1 "$(test_uid)" 1
}

@test "ranges outside the allotment are refused" {
	local u
	u=$(as_user id -un)
	refused "newuidmap: range 2: uid 165536 (of 100000-165536) is not allotted to $u in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 "$(test_uid)" 1 1 100000 65537
	refused "newuidmap: range 1: uid 99999 (of 99999-100008) is not allotted to $u in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 99999 10
	refused "newgidmap: range 1: gid 0 is not allotted to $u in /etc/subgid" \
		newgidmap "$TARGET_PID" 0 0 1
	refused "newuidmap: range 1: uid $(test_uid) (of $(test_uid)-$(($(test_uid) + 1))) is not allotted to $u in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 "$(test_uid)" 2
}

@test "another user's allotment is refused" {
	require_idmap_users
	refused "newuidmap: range 1: uid 200000 (of 200000-200009) is not allotted to $(as_user id -un) in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 200000 10
}

# as_multi_refused MSG CMD... - like refused, as sublet-idmap-multi.
as_multi_refused() {
	local want=$1
	shift
	run as_other "$IDMAP_MULTI" "$@"
	echo "status=$status output=$output"
	[ "$status" -eq 1 ]
	[ "$output" = "$want" ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
}

@test "a range straddling two allotments with a gap between is refused" {
	require_idmap_users
	kill_targets
	start_target as_other "$IDMAP_MULTI"
	# allotted: 200000-201499 (two lines end to end), 300000-300999
	as_multi_refused "newuidmap: range 1: uid 201500 (of 201000-201999) is not allotted to $IDMAP_MULTI in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 201000 1000
	as_multi_refused "newuidmap: range 1: uid 301000 (of 300500-301499) is not allotted to $IDMAP_MULTI in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 300500 1000
}

@test "malformed subid lines grant nothing" {
	require_idmap_users
	kill_targets
	start_target as_other "$IDMAP_MULTI"
	# the user's lines "400000:0" and "4294967000:1000" are malformed
	as_multi_refused "newuidmap: range 1: uid 400000 is not allotted to $IDMAP_MULTI in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 400000 1
	as_multi_refused "newuidmap: range 1: uid 4294967000 (of 4294967000-4294967009) is not allotted to $IDMAP_MULTI in /etc/subuid" \
		newuidmap "$TARGET_PID" 0 4294967000 10
}

@test "a user without subid entries may map only their own ids" {
	require_idmap_users
	local uid gid
	uid=$(id -u "$IDMAP_NONE")
	gid=$(id -g "$IDMAP_NONE")
	kill_targets
	start_target as_other "$IDMAP_NONE"
	run as_other "$IDMAP_NONE" newuidmap "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: range 1: uid 100000 is not allotted to $IDMAP_NONE in /etc/subuid" ]
	run as_other "$IDMAP_NONE" newuidmap "$TARGET_PID" 0 "$uid" 1
	[ "$status" -eq 0 ]
	run as_other "$IDMAP_NONE" newgidmap "$TARGET_PID" 0 "$gid" 1
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "0 $uid 1" ]
	[ "$(map_of "$TARGET_PID" gid)" = "0 $gid 1" ]
	[ "$(cat "/proc/$TARGET_PID/setgroups")" = deny ]
}

@test "unknown verbs are refused" {
	run as_user sublet-idmap frobnicate
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: unknown command 'frobnicate' (try --help)" ]
	run as_user sublet-idmap
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "Usage: sublet-idmap uid PID|fd:N"* ]]
}

@test "--help and --version exit 0" {
	run as_user sublet-idmap --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: sublet-idmap uid PID|fd:N ID LOWER COUNT"* ]]
	run as_user newuidmap --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"newuidmap PID|fd:N ID LOWER COUNT"* ]]
	run as_user sublet-idmap --version
	[ "$status" -eq 0 ]
	[[ "$output" == "sublet-idmap "[0-9]* ]]
}
