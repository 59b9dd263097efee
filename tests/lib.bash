# tests/lib.bash - helpers shared by every bats file.  Load it with
#   load ../lib
#
# SUBLET_PREFIX is the staged install made by tests/run (bin/, libexec/);
# when a bats file is run by hand it falls back to the build tree.
# Anything run through as_user must come from the staged paths
# (SUBLET_PREFIX, SUBLET_SCRIPTS, SUBLET_HELPERS), not from the tree,
# which the test user may not be able to read (a clone under /root).
# as_user runs a command as the unprivileged test user: when the suite
# runs as root it switches uid/gid with setpriv (all capabilities go with
# the uid change, as at a real login); when it already runs unprivileged
# it runs the command as it is.

SUBLET_TOP=${SUBLET_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
SUBLET_BUILD=${SUBLET_BUILD:-$SUBLET_TOP}
# Staged copies of scripts/ and of the build's tests/helpers/ programs, for
# use under as_user (tests/run stages them; by hand, the tree's own).
SUBLET_SCRIPTS=${SUBLET_SCRIPTS:-$SUBLET_TOP/scripts}
SUBLET_HELPERS=${SUBLET_HELPERS:-$SUBLET_BUILD/tests/helpers}
TEST_USER=${SUBLET_TEST_USER:-sublet-test}

# sublet_bin NAME - path of an installed program, or of the build tree's.
sublet_bin() {
	local p
	for p in "${SUBLET_PREFIX:-/nonexistent}/bin/$1" \
		"${SUBLET_PREFIX:-/nonexistent}/libexec/sublet/$1"; do
		[ -x "$p" ] && { echo "$p"; return; }
	done
	case "$1" in
	sublet-netd) echo "$SUBLET_BUILD/netd/sublet-netd" ;;
	sublet-overlayfs) echo "$SUBLET_BUILD/overlayfs-fuse/sublet-overlayfs" ;;
	sublet-idmap) echo "$SUBLET_BUILD/idmap/sublet-idmap" ;;
	sublet) echo "$SUBLET_BUILD/runtime/sublet" ;;
	*) echo "$1" ;;
	esac
}

# is_root - is the suite running as root?
is_root() {
	[ "$(id -u)" -eq 0 ]
}

# test_uid / test_gid - ids commands run as under as_user.
test_uid() {
	if is_root; then id -u "$TEST_USER"; else id -u; fi
}
test_gid() {
	if is_root; then id -g "$TEST_USER"; else id -g; fi
}

# require_test_user - skip, saying why, when root has no test user.
require_test_user() {
	if is_root && ! id -u "$TEST_USER" >/dev/null 2>&1; then
		skip "no user $TEST_USER: run scripts/setup-test-host as root"
	fi
}

# as_user CMD... - run CMD as the unprivileged test user, in $UTMP (or /)
# with a clean environment: HOME, USER, PATH (staged binaries first),
# XDG_RUNTIME_DIR, plus anything listed in $AS_USER_ENV ("K=V ...").
as_user() {
	local uid gid path
	uid=$(test_uid)
	gid=$(test_gid)
	path="${SUBLET_PREFIX:+$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:}"
	path+=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	if is_root; then
		(cd "${UTMP:-/}" && setpriv --reuid="$uid" --regid="$gid" \
			--init-groups --reset-env \
			env PATH="$path" XDG_RUNTIME_DIR="/run/user/$uid" \
			${AS_USER_ENV:-} "$@")
	else
		(cd "${UTMP:-/}" && env PATH="$path" ${AS_USER_ENV:-} "$@")
	fi
}

# as_user_sh SCRIPT - run a shell snippet as the test user.
as_user_sh() {
	as_user /bin/sh -c "$1"
}

# make_user_tmp - create $UTMP, a scratch directory the test user owns.
make_user_tmp() {
	UTMP=$(mktemp -d /tmp/sublet-t.XXXXXX)
	chmod 0755 "$UTMP"
	if is_root; then
		chown "$(test_uid):$(test_gid)" "$UTMP"
	fi
	export UTMP
}

# remove_user_tmp - unmount anything left under $UTMP and remove it.
remove_user_tmp() {
	[ -n "${UTMP:-}" ] && [ -d "$UTMP" ] || return 0
	grep -F " $UTMP/" /proc/self/mounts | awk '{print $2}' | sort -r |
		while read -r m; do
			fusermount3 -u -z "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
	rm -rf "$UTMP" 2>/dev/null || {
		# files created with subordinate ids inside a user namespace
		as_user rm -rf "$UTMP" 2>/dev/null
		rm -rf "$UTMP"
	}
	UTMP=
}

# wait_for TIMEOUT_S CMD... - retry CMD every 50 ms until it succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
