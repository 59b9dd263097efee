#!/usr/bin/env bats
# idmap-map.bats - sublet-idmap writes the maps a user is allowed: the
# full rootless map (own id + subid range) into a real user namespace,
# through the newuidmap/newgidmap links and the uid/gid verbs, with
# setgroups handled, and for a user with several allotments.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	make_user_tmp
}

teardown() {
	kill_targets
	remove_user_tmp
}

@test "newuidmap/newgidmap on PATH are sublet-idmap's links" {
	run as_user sh -c 'command -v newuidmap; command -v newgidmap'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$SUBLET_PREFIX/libexec/sublet/newuidmap" ]
	[ "${lines[1]}" = "$SUBLET_PREFIX/libexec/sublet/newgidmap" ]
	[ "$(readlink -f "${lines[0]}")" = "$(readlink -f "$(idmap_bin)")" ]
}

@test "the installed binary carries cap_setuid,cap_setgid" {
	run getcap "$(idmap_bin)"
	[[ "$output" == *"cap_setgid,cap_setuid=ep"* ]]
}

@test "full map: own id to 0, 100000:65536 from 1" {
	local uid gid
	uid=$(test_uid)
	gid=$(test_gid)
	start_target as_user
	run as_user newuidmap "$TARGET_PID" 0 "$uid" 1 1 100000 65536
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run as_user newgidmap "$TARGET_PID" 0 "$gid" 1 1 100000 65536
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 %s 1\n1 100000 65536' "$uid")" ]
	[ "$(map_of "$TARGET_PID" gid)" = "$(printf '0 %s 1\n1 100000 65536' "$gid")" ]
	# a subgid range was granted: setgroups stays allowed
	[ "$(cat "/proc/$TARGET_PID/setgroups")" = allow ]
}

@test "files made by uid 1 inside show up as 100000 outside" {
	start_target as_user
	as_user newuidmap "$TARGET_PID" 0 "$(test_uid)" 1 1 100000 65536
	as_user newgidmap "$TARGET_PID" 0 "$(test_gid)" 1 1 100000 65536
	run as_user nsenter --user --target "$TARGET_PID" sh -c "
		mkdir -m 0777 '$UTMP/d' &&
		setpriv --reuid=1 --regid=1 --clear-groups touch '$UTMP/d/f' &&
		setpriv --reuid=65536 --regid=65536 --clear-groups touch '$UTMP/d/g' &&
		stat -c %u:%g '$UTMP/d/f'"
	[ "$status" -eq 0 ]
	[ "$output" = 1:1 ]
	[ "$(stat -c %u:%g "$UTMP/d/f")" = 100000:100000 ]
	[ "$(stat -c %u:%g "$UTMP/d/g")" = 165535:165535 ]
	[ "$(stat -c %u:%g "$UTMP/d")" = "$(test_uid):$(test_gid)" ]
}

@test "the uid and gid verbs do what the links do" {
	start_target as_user
	run as_user sublet-idmap uid "$TARGET_PID" 0 100000 65536
	[ "$status" -eq 0 ]
	run as_user sublet-idmap gid "$TARGET_PID" 0 100000 65536
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "0 100000 65536" ]
	[ "$(map_of "$TARGET_PID" gid)" = "0 100000 65536" ]
}

@test "own gid only: setgroups is set to deny before gid_map" {
	start_target as_user
	run as_user newgidmap "$TARGET_PID" 0 "$(test_gid)" 1
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" gid)" = "0 $(test_gid) 1" ]
	[ "$(cat "/proc/$TARGET_PID/setgroups")" = deny ]
}

@test "own uid alone maps to any id inside" {
	start_target as_user
	run as_user newuidmap "$TARGET_PID" 4242 "$(test_uid)" 1
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "4242 $(test_uid) 1" ]
}

@test "a part of the allotment, in several lines" {
	start_target as_user
	run as_user newuidmap "$TARGET_PID" 0 100000 10 10 100020 5 1000 165000 536
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 100000 10\n10 100020 5\n1000 165000 536')" ]
}

@test "a second write of the same map is refused" {
	start_target as_user
	as_user newuidmap "$TARGET_PID" 0 100000 65536
	run as_user newuidmap "$TARGET_PID" 0 "$(test_uid)" 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID already has a uid_map" ]
	[ "$(map_of "$TARGET_PID" uid)" = "0 100000 65536" ]
}

@test "unshare --map-auto finds newuidmap/newgidmap on PATH" {
	run as_user unshare --map-auto --map-root-user \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{print $1, $2, $3}')" = "$(printf '0 %s 1\n1 100000 65535\n0 %s 1\n1 100000 65535' "$(test_uid)" "$(test_gid)")" ]
}

@test "unshare --map-users/--map-groups use the links too" {
	run as_user unshare --map-users=100000,0,65536 --map-groups=100000,0,65536 \
		cat /proc/self/uid_map /proc/self/gid_map
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{print $1, $2, $3}')" = "$(printf '0 100000 65536\n0 100000 65536')" ]
}

@test "several allotments: by name, by numeric uid, end to end" {
	require_idmap_users
	local uid
	uid=$(id -u "$IDMAP_MULTI")
	start_target as_other "$IDMAP_MULTI"
	# 200000:1000 + 201000:500 touch end to end; 300000:1000 is by uid
	run as_other "$IDMAP_MULTI" newuidmap "$TARGET_PID" 0 "$uid" 1 \
		1 200000 1500 1501 300000 1000
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 %s 1\n1 200000 1500\n1501 300000 1000' "$uid")" ]
	run as_other "$IDMAP_MULTI" newgidmap "$TARGET_PID" 0 200500 1000 \
		1000 300999 1
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" gid)" = "$(printf '0 200500 1000\n1000 300999 1')" ]
}
