#!/usr/bin/env bats
# overlayfs-mapping.bats - uidmapping/gidmapping in both directions,
# squash_to_root/uid/gid, and owner and mode kept in override_stat xattrs
# (xattr_permissions=1|2, user.containers.override_stat layers).

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	[ "$(as_user sh -c 'command -v newuidmap')" = "$SUBLET_PREFIX/libexec/sublet/newuidmap" ] ||
		{ echo "sublet-idmap's newuidmap is not first in the test user's PATH" >&2; return 1; }
	as_user_full 'echo a > l2/one && chown 1:1 l2/one
		echo b > l2/five && chown 6:6 l2/five
		echo c > l2/mine'
}

teardown() {
	ovl_teardown
}

@test "uidmapping/gidmapping translate ids shown and stored" {
	# fuse-overlayfs's order: stored ids 1..10 are shown as 0..9
	run ovl_ns_full "$(ovl_opts),uidmapping=1:0:10,gidmapping=1:0:10" \
		'stat -c %u:%g m/one m/five m/mine
		 echo n > m/new; stat -c %u:%g m/new
		 chown 3:4 m/five; stat -c %u:%g m/five
		 chown 20 m/one && stat -c %u:%g m/one'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0:0 ]
	[ "${lines[1]}" = 5:5 ]
	[ "${lines[2]}" = 65534:65534 ]
	[ "${lines[3]}" = 0:0 ]
	[ "${lines[4]}" = 3:4 ]
	# an id outside the mapping is stored as the overflow id
	[ "${lines[5]}" = 65534:0 ]
	# on disk, seen from outside: container 0 is namespace id 1 = subuid 100000
	[ "$(stat -c %u:%g "$UTMP/u/new")" = 100000:100000 ]
	[ "$(stat -c %u:%g "$UTMP/u/five")" = 100003:100004 ]
}

@test "squash_to_root and squash_to_uid/gid" {
	run ovl_ns_full "$(ovl_opts),squash_to_root" 'stat -c %u:%g m/one m/five m/mine; chown 7 m/mine && echo chown-ok'
	echo "$output"
	[ "$(echo $output)" = "0:0 0:0 0:0 chown-ok" ]
	run ovl_ns_full "$(ovl_opts),squash_to_root,squash_to_uid=3,squash_to_gid=4" 'stat -c %u:%g m/one m/mine'
	[ "$(echo $output)" = "3:4 3:4" ]
}

@test "squash_to_uid applies to a mount made without a namespace" {
	ovl_mount_user "$(ovl_opts),squash_to_uid=0,squash_to_gid=0"
	run as_user stat -c %u:%g m/mine m/one
	ovl_umount_user
	[ "$(echo $output)" = "0:0 0:0" ]
}

@test "xattr_permissions=2 shows and stores owner and mode in user.fuseoverlayfs.override_stat" {
	as_user setfattr -n user.fuseoverlayfs.override_stat -v 7:8:0750 l2/mine
	run ovl_ns_full "$(ovl_opts),xattr_permissions=2" \
		'stat -c "%u:%g %a" m/mine; chmod 0700 m/mine; chown 9:9 m/mine; stat -c "%u:%g %a" m/mine
		 echo n > m/new; chown 2:3 m/new; stat -c "%u:%g %a" m/new
		 getfattr -n user.fuseoverlayfs.override_stat m/mine 2>&1 | tail -1'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "7:8 750" ]
	[ "${lines[1]}" = "9:9 700" ]
	[ "${lines[2]}" = "2:3 644" ]
	[[ "${lines[3]}" == *"No such attribute" ]]
	# on disk the real owner and mode are untouched; the xattr holds them
	[ "$(stat -c %a "$UTMP/u/mine")" = 644 ]
	[ "$(getfattr --absolute-names --only-values -n user.fuseoverlayfs.override_stat "$UTMP/u/mine")" = 9:9:100700 ]
	[ "$(getfattr --absolute-names --only-values -n user.fuseoverlayfs.override_stat "$UTMP/u/new")" = 2:3:100644 ]
}

@test "a layer marked with user.containers.override_stat is honoured without options" {
	as_user setfattr -n user.containers.override_stat -v 0:0:0755 l2
	as_user setfattr -n user.containers.override_stat -v 4:5:0600:file l2/mine
	run ovl_ns_full "lowerdir=l2" 'stat -c "%u:%g %a" m/mine m/one'
	echo "$output"
	[ "${lines[0]}" = "4:5 600" ]
	[ "${lines[1]}" = "1:1 644" ]
}

@test "override_stat can give a device type (containers/storage extended form)" {
	as_user setfattr -n user.containers.override_stat -v 0:0:0755 l2
	as_user setfattr -n user.containers.override_stat -v 0:0:0666:char-1-3 l2/mine
	run ovl_ns_full "lowerdir=l2" 'stat -c "%F %t:%T %a" m/mine'
	[ "$output" = "character special file 1:3 666" ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
