#!/usr/bin/env bats
# idmap-check.bats - `sublet-idmap check` says what a rootless setup
# lacks: subid entries, enough ids, user namespaces, /dev/fuse,
# /dev/net/tun, the helper's own privilege.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	make_user_tmp
}

teardown() {
	remove_user_tmp
}

@test "check: the test user's setup is complete" {
	local u
	u=$(as_user id -un)
	run as_user sublet-idmap check
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
		"ok       user: $u (uid $(test_uid))" \
		"ok       /etc/subuid: 65536 ids for $u in 1 range" \
		"ok       /etc/subgid: 65536 ids for $u in 1 range" \
		"ok       user namespaces: enabled" \
		"ok       /dev/fuse: usable" \
		"ok       /dev/net/tun: usable" \
		"ok       sublet-idmap: file capabilities cap_setuid,cap_setgid")" ]
}

@test "check: no subid entries" {
	require_idmap_users
	run as_user sublet-idmap check "$IDMAP_NONE"
	[ "$status" -eq 1 ]
	[ "${lines[1]}" = "missing  /etc/subuid: no entries for $IDMAP_NONE (add a line \"$IDMAP_NONE:START:65536\", e.g. with usermod --add-subuids)" ]
	[ "${lines[2]}" = "missing  /etc/subgid: no entries for $IDMAP_NONE (add a line \"$IDMAP_NONE:START:65536\", e.g. with usermod --add-subuids)" ]
}

@test "check: too few ids, and malformed lines named" {
	require_idmap_users
	run as_other "$IDMAP_MULTI" sublet-idmap check
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing  /etc/subuid: only 2500 ids for $IDMAP_MULTI in 3 ranges, images need 65536"* ]]
	[[ "$output" == *"missing  /etc/subgid: only 2500 ids for $IDMAP_MULTI in 3 ranges, images need 65536"* ]]
	[[ "$output" =~ "warning  /etc/subuid: line "[0-9]+" is malformed and grants nothing: $IDMAP_MULTI:abc:10" ]]
	[[ "$output" =~ "warning  /etc/subgid: line "[0-9]+" is malformed and grants nothing: $IDMAP_MULTI:400000:0" ]]
	[ "$(grep -c '^warning  /etc/subuid: line' <<<"$output")" -eq 4 ]
}

@test "check: user namespaces disabled, /dev/fuse and /dev/net/tun missing" {
	# inside a user namespace of its own the test user may set the
	# namespace limit to 0 and hide /dev, without touching the host
	run as_user unshare --map-root-user --mount sh -c \
		'mount -t tmpfs none /dev &&
		echo 0 > /proc/sys/user/max_user_namespaces &&
		sublet-idmap check'
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing  user namespaces: user.max_user_namespaces is 0 (sysctl -w user.max_user_namespaces=28633)"* ]]
	[[ "$output" == *"missing  /dev/fuse: No such file or directory (sublet-overlayfs needs it; mode 0666 as udev sets it)"* ]]
	[[ "$output" == *"missing  /dev/net/tun: No such file or directory (sublet-netd needs it; mode 0666 as udev sets it)"* ]]
}

@test "check: devices the user may not open" {
	# read-only /proc files stand in for device nodes without write access
	run as_user unshare --map-root-user --mount sh -c \
		'mount --bind /proc/version /dev/fuse &&
		mount --bind /proc/version /dev/net/tun && sublet-idmap check'
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing  /dev/fuse: Permission denied (sublet-overlayfs needs it; mode 0666 as udev sets it)"* ]]
	[[ "$output" == *"missing  /dev/net/tun: Permission denied (sublet-netd needs it; mode 0666 as udev sets it)"* ]]
}

# as_user_sys SETUP CMD... - CMD as the test user in a mount namespace
# where the directories check looks in for shadow's helpers hold only what
# the root shell snippet SETUP puts in /usr/local/bin (a private tmpfs):
# /usr/bin/newuidmap and newgidmap, when there, are covered by an empty file
as_user_sys() {
	local setup=$1
	shift
	install -m 0644 /dev/null "$UTMP/hidden"
	unshare --mount --propagation private sh -c '
		for f in /usr/bin/newuidmap /usr/bin/newgidmap; do
			[ ! -e "$f" ] || mount --bind "$1" "$f" || exit 1
		done
		mount -t tmpfs tmpfs /usr/local/bin && '"$setup"' && shift &&
		exec setpriv --reuid="$(id -u "$0")" --regid="$(id -g "$0")" \
			--init-groups --reset-env "$@"' \
		"$TEST_USER" "$UTMP/hidden" "$@"
}

@test "check: a binary without privilege is reported" {
	cp "$(idmap_bin)" "$UTMP/plain"
	chown "$(test_uid)" "$UTMP/plain"
	run as_user_sys true "$UTMP/plain" check
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing  sublet-idmap: neither setuid root nor file capabilities (setcap cap_setuid,cap_setgid+ep on it, as make install does as root; or install shadow's newuidmap and newgidmap, Debian: uidmap, which sublet then uses)"* ]]
	# and such a binary can still map only what the kernel allows anyone
	start_target as_user
	run as_user "$UTMP/plain" uid "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: writing /proc/$TARGET_PID/uid_map: Operation not permitted (this sublet-idmap has neither file capabilities nor setuid root)" ]
	run as_user "$UTMP/plain" uid "$TARGET_PID" 0 "$(test_uid)" 1
	[ "$status" -eq 0 ]
	kill_targets
}

@test "check: without privilege, setuid newuidmap and newgidmap in /usr/local/bin or /usr/bin are what sublet maps with: a warning" {
	cp "$(idmap_bin)" "$UTMP/plain"
	chown "$(test_uid)" "$UTMP/plain"
	run as_user_sys "install -o root -m 4755 $(idmap_bin) /usr/local/bin/newuidmap &&
		install -o root -m 4755 $(idmap_bin) /usr/local/bin/newgidmap" \
		"$UTMP/plain" check
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "warning  sublet-idmap: neither setuid root nor file capabilities; sublet maps with /usr/local/bin/newuidmap and /usr/local/bin/newgidmap instead (an engine that runs this one's newuidmap needs setcap cap_setuid,cap_setgid+ep on it)" ]
	# one of the two is not enough
	run as_user_sys "install -o root -m 4755 $(idmap_bin) /usr/local/bin/newuidmap" \
		"$UTMP/plain" check
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == "missing  sublet-idmap: neither setuid root nor file capabilities (setcap "* ]]
}

@test "check refuses extra arguments" {
	run as_user sublet-idmap check root daemon
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: check: unexpected argument 'daemon'" ]
}
