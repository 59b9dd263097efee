#!/usr/bin/env bats
# overlayfs-podman.bats - Podman, rootless, with sublet-overlayfs as its
# overlay mount_program: import an image, run a container that writes,
# deletes and renames files and directories, commit it, and run the
# result.  Podman gets a private HOME, XDG_RUNTIME_DIR, --root and
# --runroot under $UTMP, so its pause process and storage are this test's
# own and are removed by the teardown.

load ../lib
load ../overlayfs

setup() {
	require_test_user
	command -v podman >/dev/null || skip "podman is not installed"
	[ "$(as_user sh -c 'command -v newuidmap')" = "$SUBLET_PREFIX/libexec/sublet/newuidmap" ] ||
		{ echo "sublet-idmap's newuidmap is not first in the test user's PATH" >&2; return 1; }
	make_user_tmp
	as_user mkdir -m 0700 "$UTMP/run"
	AS_USER_ENV="HOME=$UTMP XDG_RUNTIME_DIR=$UTMP/run"
	local runtime=""
	# crun refuses hybrid cgroup hosts; runc copes with them
	command -v runc >/dev/null && runtime="--runtime $(command -v runc)"
	PO="podman --root $UTMP/root --runroot $UTMP/runroot --storage-driver overlay \
		--storage-opt overlay.mount_program=$OVL_BIN --cgroup-manager=cgroupfs \
		--events-backend=none $runtime"
	as_user sh -c 'mkdir -p rootfs/bin rootfs/tmp rootfs/data/dir/sub &&
		cp "$(command -v busybox)" rootfs/bin/busybox &&
		for c in sh ls cat echo rm mv mkdir stat; do ln -s busybox rootfs/bin/$c; done &&
		echo original > rootfs/data/keep && echo gone > rootfs/data/del &&
		echo ren > rootfs/data/old && echo s > rootfs/data/dir/sub/s &&
		tar -C rootfs -cf rootfs.tar .'
}

teardown() {
	local pid
	if [ -n "${UTMP:-}" ]; then
		as_user $PO rm -af >/dev/null 2>&1 || true
		pid=$(cat "$UTMP/run/libpod/tmp/pause.pid" 2>/dev/null) &&
			kill "$pid" 2>/dev/null || true
	fi
	AS_USER_ENV=
	ovl_teardown
}

@test "podman imports, runs, commits and reruns an image on sublet-overlayfs" {
	as_user $PO import rootfs.tar localhost/sublet-ovl:base
	run as_user $PO run --name c1 --net none localhost/sublet-ovl:base sh -c \
		'grep " / " /proc/self/mounts | cut -d" " -f3
		 echo new > /data/new; rm /data/del; mv /data/old /data/renamed
		 mv /data/dir /data/dir2; echo more >> /data/keep; ls /data'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = fuse.sublet-overlayfs ]
	[ "$(echo "${lines[@]:1}")" = "dir2 keep new renamed" ]
	as_user $PO commit c1 localhost/sublet-ovl:changed
	run as_user $PO run --rm --net none localhost/sublet-ovl:changed sh -c \
		'ls /data; cat /data/keep /data/new /data/renamed /data/dir2/sub/s'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "dir2 keep new renamed original more new ren s" ]
}
