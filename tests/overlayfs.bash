# tests/overlayfs.bash - helpers for the sublet-overlayfs bats files.
# Load after ../lib:  load ../lib; load ../overlayfs
#
# Every file sets up $UTMP with lower layers l1 l2 (l1 on top), an upper
# layer u, a work directory w and a mountpoint m, all owned by the test
# user.  Mounts are made as the test user, either inside a user namespace
# (ovl_ns: the mount lives and dies with the namespace's shell script) or
# directly through the setuid fusermount3 (ovl_mount_user).

OVL_BIN=$(sublet_bin sublet-overlayfs)

# ovl_setup - scratch tree for one test
ovl_setup() {
	require_test_user
	make_user_tmp
	as_user mkdir -p "$UTMP/l1" "$UTMP/l2" "$UTMP/u" "$UTMP/w" "$UTMP/m"
}

# ovl_teardown - unmount, stop our daemons, remove the tree
ovl_teardown() {
	local pid
	if [ -n "${UTMP:-}" ]; then
		for pid in $(pgrep -f -- "$UTMP/" 2>/dev/null); do
			kill "$pid" 2>/dev/null || true
		done
	fi
	remove_user_tmp
}

# ovl_opts [LOWERS] - the usual -o list (upper u, work w)
ovl_opts() {
	echo "lowerdir=$UTMP/${1:-l1:$UTMP/l2},upperdir=$UTMP/u,workdir=$UTMP/w"
}

# ovl_ns OPTS SCRIPT - as the test user in a new user+mount namespace:
# mount with OPTS on $UTMP/m, run SCRIPT (sh, cwd $UTMP), unmount.
# The status is SCRIPT's; output is SCRIPT's stdout and stderr.
ovl_ns() {
	as_user unshare -r -m sh -c '
		UTMP=$1; export UTMP
		sublet-overlayfs -o "$2" "$UTMP/m" || exit 98
		( set -e; eval "$3" )
		rc=$?
		fusermount3 -u "$UTMP/m" || rc=99
		exit $rc' sh "$UTMP" "$1" "$2"
}

# ovl_ns_full OPTS SCRIPT - as ovl_ns, in a user namespace that maps the
# test user's whole subordinate range (0 = the user, 1.. = its subuids)
ovl_ns_full() {
	as_user unshare --map-auto --map-root-user -m sh -c '
		UTMP=$1; export UTMP
		sublet-overlayfs -o "$2" "$UTMP/m" || exit 98
		( set -e; eval "$3" )
		rc=$?
		fusermount3 -u "$UTMP/m" || rc=99
		exit $rc' sh "$UTMP" "$1" "$2"
}

# as_user_full SCRIPT - run a shell snippet in such a namespace, in $UTMP
as_user_full() {
	as_user unshare --map-auto --map-root-user sh -c "$1"
}

# ovl_mount_user OPTS - mount on $UTMP/m as the test user, no namespace
ovl_mount_user() {
	as_user sublet-overlayfs -o "$1" "$UTMP/m"
}

# ovl_umount_user - unmount $UTMP/m as the test user
ovl_umount_user() {
	as_user fusermount3 -u "$UTMP/m"
}

# tree_sum DIR - a listing of DIR with types, modes, sizes and checksums,
# to compare a layer before and after
tree_sum() {
	(cd "$1" && find . -printf '%y %m %s %p -> %l\n' | sort &&
		find . -type f -exec md5sum {} + | sort)
}

# no_mounts_left - nothing is mounted under $UTMP and no daemon runs
no_mounts_left() {
	! grep -qF " $UTMP/" /proc/self/mounts &&
		! pgrep -f -- "$OVL_BIN.*$UTMP/" >/dev/null
}
