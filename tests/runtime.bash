# tests/runtime.bash - helpers for the runtime-*.bats files (sublet).
# Load after ../lib:  load ../lib; load ../runtime
#
# Every test gets $UTMP (owned by the test user) with a bundle in
# $UTMP/bundle whose config.json comes from `sublet spec --rootless`,
# without a terminal; the busybox rootfs is made once per file by
# scripts/make-image and shared read-only, in $RT_ROOTFS_DIR, next to a
# copy of the tests/helpers/recvtty console-socket receiver.  sl runs
# sublet as the test user with --root $UTMP/state.

SUBLET=$(sublet_bin sublet)

# make_image KIND PATH - scripts/make-image, the result owned by the test
# user (run by root and chowned: the source tree may not be readable by
# the test user, e.g. under /root in CI)
make_image() {
	if is_root; then
		"$SUBLET_TOP/scripts/make-image" "$1" "$2" &&
			chown -R -h "$(test_uid):$(test_gid)" "$2"
	else
		"$SUBLET_TOP/scripts/make-image" "$1" "$2"
	fi
}

# runtime_setup_file - build the shared rootfs and copy the recvtty
# helper where the test user can run it (call from setup_file)
runtime_setup_file() {
	is_root && ! id -u "$TEST_USER" >/dev/null 2>&1 && return 0
	RT_ROOTFS_DIR=$(mktemp -d /tmp/sublet-rootfs.XXXXXX)
	chmod 0755 "$RT_ROOTFS_DIR"
	is_root && chown "$(test_uid):$(test_gid)" "$RT_ROOTFS_DIR"
	make_image rootfs "$RT_ROOTFS_DIR/rootfs"
	install -m 0755 "$SUBLET_BUILD/tests/helpers/recvtty" "$RT_ROOTFS_DIR/recvtty"
	export RT_ROOTFS_DIR
}

# runtime_teardown_file - remove the shared rootfs
runtime_teardown_file() {
	[ -n "${RT_ROOTFS_DIR:-}" ] && rm -rf "$RT_ROOTFS_DIR"
	return 0
}

# runtime_setup - $UTMP, the bundle, the state root (call from setup)
runtime_setup() {
	require_test_user
	make_user_tmp
	as_user mkdir -p "$UTMP/bundle" "$UTMP/state"
	as_user "$SUBLET" spec --rootless --bundle "$UTMP/bundle"
	bundle_edit ".root.path = \"$RT_ROOTFS_DIR/rootfs\"
		| .process.terminal = false | .process.args = [\"true\"]"
}

# runtime_teardown - delete every container left, then $UTMP
runtime_teardown() {
	local id
	if [ -n "${UTMP:-}" ] && [ -d "$UTMP/state" ]; then
		for id in $(sl list -q 2>/dev/null); do
			sl delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	remove_user_tmp
}

# runtime_hooks - the usual bats hooks of a runtime-*.bats file: the
# rootfs made once per file, and each test with its own bundle and state
# root.  A file that needs another setup() or teardown() defines it after
# calling this.
runtime_hooks() {
	setup_file() { runtime_setup_file; }
	teardown_file() { runtime_teardown_file; }
	setup() { runtime_setup; }
	teardown() { runtime_teardown; }
}

# bundle_edit FILTER - apply a jq filter to the bundle's config.json
bundle_edit() {
	local cfg=$UTMP/bundle/config.json
	as_user sh -c 'jq "$1" "$2" >"$2.tmp" && mv "$2.tmp" "$2"' sh "$1" "$cfg"
}

# bundle_args ARG... - set process.args
bundle_args() {
	local json a
	json=$(for a in "$@"; do printf '%s' "$a" | jq -R -s .; done | jq -s -c .)
	bundle_edit ".process.args = $json"
}

# sl ARGS... - sublet as the test user, with the test's state root
sl() {
	as_user "$SUBLET" --root "$UTMP/state" "$@"
}

# sl_run ARGS... - `sublet run` of the bundle as container "c1"
sl_run() {
	sl run --bundle "$UTMP/bundle" "$@" c1
}

# state_field ID FIELD - one field of `sublet state ID`
state_field() {
	sl state "$1" | jq -r ".$2"
}

# assert_no_leftovers - the state root is empty, no process refers to
# $UTMP or has its root in the test rootfs, and no mount refers to $UTMP
assert_no_leftovers() {
	local p root
	run ls -A "$UTMP/state"
	[ "$output" = "" ]
	run pgrep -f -- "$UTMP/state"
	[ "$status" -eq 1 ]
	root=$(stat -c %d:%i "$RT_ROOTFS_DIR/rootfs")
	for p in $(pgrep -u "$(test_uid)"); do
		[ "$(stat -L -c %d:%i "/proc/$p/root" 2>/dev/null)" != "$root" ]
	done
	run grep -c -F "$UTMP" /proc/self/mounts
	[ "$output" = 0 ]
}

# slq ARGS... - sublet with its stdio in $UTMP/ctr.out and ctr.err: a
# created container's init keeps create's stdout and stderr, and bats'
# `run` would wait for them to close
slq() {
	sl "$@" </dev/null >>"$UTMP/ctr.out" 2>>"$UTMP/ctr.err"
}

# The reference runtime, run on the same bundle to prove what a test
# expects (the runc parts of a test are left out where it is missing).
RUNC=${RUNC:-/usr/sbin/runc}

# have_runc - whether runc is installed
have_runc() {
	[ -x "$RUNC" ]
}

# rc ARGS... - runc as the test user, with its own root under $UTMP
rc() {
	as_user "$RUNC" --root "$UTMP/runc" "$@"
}

# rc_run [ID] - `runc run` of the bundle (default id r1), stdout and
# stderr together; runc hands its stdio to the container's root, so they
# go through a file the test user owns
rc_run() {
	as_user sh -c '"$0" --root "$1" run --bundle "$2" "$3" </dev/null \
		>"$1.out" 2>&1; r=$?; cat "$1.out"; exit $r' \
		"$RUNC" "$UTMP/runc" "$UTMP/bundle" "${1:-r1}"
}
