#!/usr/bin/env bats
# overlayfs-compat.bats - the on-disk format is fuse-overlayfs's: a store
# changed through fuse-overlayfs reads the same through sublet-overlayfs,
# and a store changed through sublet-overlayfs reads the same through
# fuse-overlayfs (Debian's fuse-overlayfs package).

load ../lib
load ../overlayfs

# the same changes, made through either program
CHANGES='echo new > m/newfile; echo more >> m/l2file; rm m/gone; rm -r m/gonedir
	rm -r m/redo; mkdir m/redo; echo r > m/redo/r; mv m/movedir m/moveddir
	ln -s newfile m/sym; ln m/newfile m/hard; chmod 600 m/l2file
	mkdir -p m/a/b/c; echo deep > m/a/b/c/d; mv m/l1file m/renamed
	rm m/shared/x; mkfifo m/fifo; setfattr -n user.k -v v m/newfile'

# a listing of the merged tree: types, modes, links, targets, xattrs, data
LISTING='cd m && find . -printf "%y %m %n %p -> %l\n" | sort &&
	find . -type f -exec md5sum {} + | sort &&
	find . | sort | while read -r f; do getfattr -h -d "$f" 2>/dev/null; done'

setup() {
	ovl_setup
	FOVL=$(command -v fuse-overlayfs) ||
		skip "fuse-overlayfs (Debian package fuse-overlayfs) is not installed"
	[ "$(readlink -f "$FOVL")" != "$(readlink -f "$OVL_BIN")" ] ||
		skip "fuse-overlayfs in PATH is this program"
	as_user sh -c 'echo 1 > l1/l1file; echo 2 > l2/l2file; echo g > l2/gone
		mkdir -p l2/gonedir/in l2/redo l2/movedir/sub l1/movedir l2/shared
		echo x > l2/gonedir/in/x; echo o > l2/redo/old
		echo f > l2/movedir/f; echo g > l2/movedir/sub/g; echo h > l1/movedir/h
		echo x > l2/shared/x; echo y > l2/shared/y'
}

teardown() {
	ovl_teardown
}

# fovl_ns SCRIPT - mount with Debian's fuse-overlayfs in a user namespace
fovl_ns() {
	as_user unshare -r -m sh -c '
		"$1" -o "$2" m 2>/dev/null || exit 98
		( set -e; eval "$3" )
		rc=$?
		fusermount3 -u m || rc=99
		exit $rc' sh "$FOVL" "$(ovl_opts)" "$1"
}

@test "a store written by fuse-overlayfs reads the same through sublet-overlayfs" {
	run fovl_ns "$CHANGES; ( $LISTING )"
	[ "$status" -eq 0 ]
	local want=$output
	[[ "$want" == *"./moveddir/sub/g"* ]]
	run ovl_ns "$(ovl_opts)" "$LISTING"
	[ "$status" -eq 0 ]
	diff <(echo "$want") <(echo "$output")
}

@test "a store written by sublet-overlayfs reads the same through fuse-overlayfs" {
	run ovl_ns "$(ovl_opts)" "$CHANGES; ( $LISTING )"
	[ "$status" -eq 0 ]
	local want=$output
	[[ "$want" == *"./moveddir/sub/g"* ]]
	[[ "$want" != *"./gone"* ]]
	run fovl_ns "$LISTING"
	[ "$status" -eq 0 ]
	diff <(echo "$want") <(echo "$output")
}

@test "each reads the other's store and keeps writing to it" {
	run fovl_ns "$CHANGES"
	[ "$status" -eq 0 ]
	run ovl_ns "$(ovl_opts)" 'rm m/renamed m/redo/r; echo s > m/shared/x; mv m/moveddir m/md2'
	[ "$status" -eq 0 ]
	run ovl_ns "$(ovl_opts)" "$LISTING"
	local want=$output
	run fovl_ns "$LISTING"
	diff <(echo "$want") <(echo "$output")
	[[ "$output" == *"./md2/sub/g"* ]]
	[[ "$output" != *"./renamed"* ]]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}

# mount_opts PROG - the mount options PROG gets, as root, as root of a
# user namespace and as the test user through fusermount3 (one line each,
# the fields that do not name the program); each with its own upper and
# work directory, since a mount as root leaves root's files in them
mount_opts() {
	local o="lowerdir=$UTMP/l1:$UTMP/l2"
	rm -rf "$UTMP"/u? "$UTMP"/w?
	as_user mkdir "$UTMP/u1" "$UTMP/w1" "$UTMP/u2" "$UTMP/w2" "$UTMP/u3" "$UTMP/w3"
	{
		"$1" -o "$o,upperdir=$UTMP/u1,workdir=$UTMP/w1" "$UTMP/m" &&
			awk -v m="$UTMP/m" '$2 == m { print "root", $4 }' /proc/self/mounts
		umount "$UTMP/m"
		as_user unshare -r -m sh -c '"$1" -o "$2" "$3" &&
			awk -v m="$3" "\$2 == m { print \"userns\", \$4 }" /proc/self/mounts
			umount "$3"' sh "$1" "$o,upperdir=$UTMP/u2,workdir=$UTMP/w2" "$UTMP/m"
		as_user "$1" -o "$o,upperdir=$UTMP/u3,workdir=$UTMP/w3" "$UTMP/m" &&
			awk -v m="$UTMP/m" '$2 == m { print "user", $4 }' /proc/self/mounts
		as_user fusermount3 -u "$UTMP/m"
	} 2>/dev/null
}

@test "mount options are fuse-overlayfs's for the same caller" {
	is_root || skip "needs root to mount as root"
	run mount_opts "$FOVL"
	local want=$output
	echo "fuse-overlayfs: $want"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == *allow_other* ]]
	run mount_opts "$OVL_BIN"
	echo "sublet-overlayfs: $output"
	[ "$output" = "$want" ]
}

# nonroot_reads PROG - mount with PROG as root of a user namespace that
# maps the test user's subordinate range, then read a file and list a
# directory as uid 1000 of that namespace
nonroot_reads() {
	as_user unshare --map-auto --map-root-user -m sh -c '
		"$1" -o "$2" m 2>/dev/null || exit 98
		setpriv --reuid 1000 --regid 1000 --clear-groups \
			sh -c "cat m/l1file && ls m/movedir | tr \"\n\" \" \""
		rc=$?
		fusermount3 -u m || rc=99
		exit $rc' sh "$1" "$(ovl_opts)"
}

@test "a non-root user of the container reads its files (allow_other as root)" {
	as_user chmod -R a+rX l1 l2
	run nonroot_reads "$FOVL"
	echo "fuse-overlayfs: $output"
	[ "$status" -eq 0 ]
	local want=$output
	[ "${lines[0]}" = 1 ]
	run nonroot_reads "$OVL_BIN"
	echo "sublet-overlayfs: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "uidmapping and gidmapping take fuse-overlayfs's syntax (containers/storage's leading colon)" {
	local m
	for m in ":0:0:1:1:1:1000" "0:0:1:" "0:0:1::1:1:1000" "0:0:0:0:0:1" ":"; do
		as_user unshare -r -m sh -c '"$1" -o "$2" m 2>/dev/null || exit 98; fusermount3 -u m' \
			sh "$FOVL" "$(ovl_opts),uidmapping=$m,gidmapping=$m"
		[ "$?" -eq 0 ] || { echo "fuse-overlayfs refuses $m"; false; }
		run ovl_ns "$(ovl_opts),uidmapping=$m,gidmapping=$m" "stat -c %u:%g m/l1file"
		echo "$m: $output"
		[ "$status" -eq 0 ]
	done
}

# in_mapped_ns PROG MAP SCRIPT FILE... - mount with PROG as root of a user
# namespace that maps the test user's subordinate range, uidmapping and
# gidmapping MAP, on a fresh upper layer; run SCRIPT on the mount, then
# print the owners stored for FILE... of the upper layer (seen from outside)
in_mapped_ns() {
	local prog=$1 m=$2 script=$3
	shift 3
	rm -rf "$UTMP/u" "$UTMP/w"
	as_user mkdir "$UTMP/u" "$UTMP/w"
	as_user unshare --map-auto --map-root-user -m sh -c '
		"$1" -o "$2" m 2>/dev/null || exit 98
		( eval "$3" )
		rc=$?
		fusermount3 -u m || rc=99
		exit $rc' sh "$prog" "$(ovl_opts),uidmapping=$m,gidmapping=$m" "$script" || return
	(cd "$UTMP" && stat -c "%n %u:%g" "$@")
}

# mapped_ids PROG - an id mapping in containers/storage's form: the owners
# shown, then those stored for a new file and a chown
mapped_ids() {
	in_mapped_ns "$1" ":0:1:10:10:0:1" 'stat -c "%n %u:%g" m/one m/five m/mine &&
		echo n > m/new && chown 3:4 m/five' u/new u/five
}

@test "uidmapping and gidmapping map ids as fuse-overlayfs does (stored id first)" {
	as_user unshare --map-auto --map-root-user sh -c 'echo a > l2/one &&
		chown 1:1 l2/one && echo b > l2/five && chown 6:6 l2/five &&
		echo c > l2/mine'
	local want sub
	sub=$(awk -F: -v u="$(id -un "$(test_uid)")" '$1 == u { print $2; exit }' /etc/subuid)
	run mapped_ids "$FOVL"
	echo "fuse-overlayfs: $output"
	[ "$status" -eq 0 ]
	want=$output
	# stored 0..9 show as 1..10, stored 10 (subuid 9) as 0, the creator
	[ "$(echo $output)" = "m/one 2:2 m/five 7:7 m/mine 1:1 u/new $((sub + 9)):$((sub + 9)) u/five $((sub + 1)):$((sub + 2))" ]
	run mapped_ids "$OVL_BIN"
	echo "sublet-overlayfs: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

# unmapped_ids PROG - with only stored 0..9 mapped (shown as 1..10), root
# of the namespace (shown id 0, unmapped) creates a file, chowns a file to
# an unmapped id and one to a mapped id: the ids shown, then those stored
unmapped_ids() {
	in_mapped_ns "$1" ":0:1:10" 'echo n > m/new && chown 20:21 m/five &&
		chown 3:4 m/one && stat -c "%n %u:%g" m/new m/five m/one' \
		u/new u/five u/one
}

@test "an unmapped creator or owner is stored as the overflow id, as fuse-overlayfs does" {
	as_user unshare --map-auto --map-root-user sh -c 'echo a > l2/one &&
		chown 1:1 l2/one && echo b > l2/five && chown 6:6 l2/five'
	local sub
	sub=$(awk -F: -v u="$(id -un "$(test_uid)")" '$1 == u { print $2; exit }' /etc/subuid)
	run unmapped_ids "$FOVL"
	echo "fuse-overlayfs: $output"
	[ "$status" -eq 0 ]
	# stored 65534 (namespace id 65534: subuid 65533) is unmapped: shown as
	# 65534; shown 3:4 is stored 2:3 (subuids 1 and 2)
	[ "$(echo $output)" = "m/new 65534:65534 m/five 65534:65534 m/one 3:4 u/new $((sub + 65533)):$((sub + 65533)) u/five $((sub + 65533)):$((sub + 65533)) u/one $((sub + 1)):$((sub + 2))" ]
	want=$output
	run unmapped_ids "$OVL_BIN"
	echo "sublet-overlayfs: $output"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}
