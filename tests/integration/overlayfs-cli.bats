#!/usr/bin/env bats
# overlayfs-cli.bats - sublet-overlayfs command line: help, version,
# fuse-overlayfs style options, refusals with one-line messages, mounting
# as a daemon (with and without a user namespace), fuse-overlayfs name,
# mount -t fuse.sublet-overlayfs, unmounting.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c 'echo one > l1/f1 && echo two > l2/f2'
}

teardown() {
	ovl_teardown
}

@test "--help exits 0 and lists every option" {
	run as_user sublet-overlayfs --help
	[ "$status" -eq 0 ]
	for o in lowerdir= upperdir= workdir= uidmapping= gidmapping= \
		squash_to_root squash_to_uid= squash_to_gid= static_nlink noacl \
		xattr_permissions= timeout= threaded= fsync= volatile \
		allow_other -f -d --version; do
		[[ "$output" == *"$o"* ]] || { echo "missing $o"; false; }
	done
}

@test "--version prints the version" {
	run as_user sublet-overlayfs --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "sublet-overlayfs version "* ]]
}

@test "refuses a missing lowerdir" {
	run as_user sublet-overlayfs -o upperdir=u,workdir=w m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: no lowerdir given (-o lowerdir=DIR[:DIR...])" ]
}

@test "refuses a lower layer that does not exist" {
	run as_user sublet-overlayfs -o lowerdir=l1:nope m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: lowerdir nope: No such file or directory" ]
}

@test "refuses an upperdir without a workdir" {
	run as_user sublet-overlayfs -o lowerdir=l1,upperdir=u m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: upperdir needs a workdir" ]
}

@test "refuses a workdir on another filesystem than upperdir" {
	local shm
	shm=$(as_user mktemp -d /dev/shm/sublet-w.XXXXXX)
	run as_user sublet-overlayfs -o "lowerdir=l1,upperdir=u,workdir=$shm" m
	rm -rf "$shm"
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: workdir $shm is not on the same filesystem as upperdir u" ]
}

@test "refuses a missing mountpoint" {
	run as_user sublet-overlayfs -o lowerdir=l1 nomount
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: mountpoint nomount: No such file or directory" ]
}

@test "refuses bad uidmapping and gidmapping syntax" {
	local bad
	for bad in uidmapping=0:1000 gidmapping=a:b:c \
		gidmapping=0:1000:1:5 uidmapping=4294967295:0:2; do
		run as_user sublet-overlayfs -o "lowerdir=l1,$bad" m
		[ "$status" -ne 0 ]
		[ "$output" = "sublet-overlayfs: bad value in option '$bad': want CONTAINER:HOST:LENGTH[:...]" ]
	done
}

@test "refuses bad numbers in other options" {
	run as_user sublet-overlayfs -o lowerdir=l1,xattr_permissions=3 m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: bad value in option 'xattr_permissions=3'" ]
	run as_user sublet-overlayfs -o lowerdir=l1,squash_to_uid=-1 m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: bad value in option 'squash_to_uid=-1'" ]
	run as_user sublet-overlayfs -o lowerdir=l1,threaded=2 m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: bad value in option 'threaded=2'" ]
}

@test "refuses unknown dash options and extra arguments" {
	run as_user sublet-overlayfs --bogus m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: unknown option --bogus (see --help)" ]
	run as_user sublet-overlayfs -o lowerdir=l1 a b m
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: too many arguments: m (see --help)" ]
}

@test "Podman's command line mounts in a user namespace; unknown options warn" {
	run ovl_ns "lowerdir=l1:l2,upperdir=$UTMP/u,workdir=$UTMP/w,,volatile,bogus_opt=1" \
		'cat m/f1 m/f2; grep -c " $UTMP/m fuse.sublet-overlayfs " /proc/self/mounts'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet-overlayfs: warning: unknown option 'bogus_opt=1' ignored" ]
	[ "${lines[1]}" = one ]
	[ "${lines[2]}" = two ]
	[ "${lines[3]}" = 1 ]
}

@test "several -o lists, lowerdir with escaped colon, source argument" {
	as_user mkdir 'a:b'
	as_user sh -c 'echo colon > "a:b/c"'
	run ovl_ns 'lowerdir=a\:b:l2' \
		'sublet-overlayfs -o lowerdir=l1 -o "lowerdir=a\\:b:l2" overlay m2 2>&1 || true; cat m/c m/f2'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-2]}" = colon ]
	[ "${lines[-1]}" = two ]
}

@test "mounts as the user without a namespace, daemonized, until fusermount3 -u" {
	ovl_mount_user "$(ovl_opts),allow_other_bogus"
	grep -q " $UTMP/m fuse.sublet-overlayfs " /proc/self/mounts
	# the command returned: the daemon runs detached
	local pid
	pid=$(pgrep -f -- "sublet-overlayfs -o .*$UTMP/m")
	[ -n "$pid" ]
	run as_user cat m/f1 m/f2
	[ "$output" = "$(printf 'one\ntwo')" ]
	as_user sh -c 'echo three > m/f3'
	[ "$(cat "$UTMP/u/f3")" = three ]
	ovl_umount_user
	! grep -q " $UTMP/m " /proc/self/mounts || false
	# generous: an ASan build on a loaded machine takes seconds to exit
	wait_for 30 sh -c "! kill -0 $pid 2>/dev/null"
}

@test "a mount failure makes the command exit non-zero with a message" {
	as_user sh -c 'echo x > notadir'
	run as_user sublet-overlayfs -o lowerdir=l1 notadir
	[ "$status" -ne 0 ]
	[ "$output" = "sublet-overlayfs: mountpoint notadir: Not a directory" ]
	# mounting on a mountpoint the user may not use fails inside the daemon
	run as_user sublet-overlayfs -o lowerdir=l1 /proc
	[ "$status" -ne 0 ]
	[ -n "$output" ]
}

@test "invoked as fuse-overlayfs it behaves the same" {
	local fo
	fo=$(sublet_bin fuse-overlayfs)
	[ "$fo" != fuse-overlayfs ]
	[ -L "$fo" ]
	run as_user unshare -r -m sh -c "$fo -o lowerdir=l1:l2 m && cat m/f2 && \
		grep ' $UTMP/m ' /proc/self/mounts && fusermount3 -u m"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = two ]
	[[ "${lines[1]}" == "fuse-overlayfs $UTMP/m fuse.fuse-overlayfs "* ]]
	run as_user "$fo" --bogus
	[ "$output" = "fuse-overlayfs: unknown option --bogus (see --help)" ]
}

@test "mount -t fuse.sublet-overlayfs runs it through mount.fuse3" {
	[ -x /sbin/mount.fuse3 ] || [ -x /usr/sbin/mount.fuse3 ] ||
		skip "mount.fuse3 (package fuse3) is not installed"
	# mount(8) drops PATH before running the helper, so mount.fuse3 finds
	# the program in the shell's default PATH: bind the staged bin/ over
	# /usr/local/bin inside the private mount namespace.
	run as_user unshare -r -m sh -c "mount --bind $(dirname "$OVL_BIN") /usr/local/bin && \
		mount -t fuse.sublet-overlayfs \
		-o lowerdir=$UTMP/l1:$UTMP/l2,upperdir=$UTMP/u,workdir=$UTMP/w \
		overlay $UTMP/m && cat m/f1 && \
		grep ' $UTMP/m ' /proc/self/mounts && fusermount3 -u m"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = one ]
	[[ "${lines[1]}" == *" $UTMP/m fuse.sublet-overlayfs "* ]]
}

@test "no upperdir gives a read-only mount" {
	run ovl_ns "lowerdir=l1:l2" \
		'cat m/f1; touch m/new 2>&1 || true; rm m/f1 2>&1 || true; ls m'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = one ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[[ "${lines[2]}" == *"Read-only file system"* ]]
	[ "${lines[3]}" = f1 ]
	[ "${lines[4]}" = f2 ]
}

@test "no mounts or daemons are left behind" {
	run ovl_ns "$(ovl_opts)" 'true'
	[ "$status" -eq 0 ]
	no_mounts_left
}
