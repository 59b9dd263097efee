# tests/idmap.bash - helpers for sublet-idmap's bats files.  Load after
# ../lib:
#   load ../lib
#   load ../idmap
#
# The extra users come from scripts/setup-test-host.d/idmap.sh:
# sublet-idmap-multi (several ranges, numeric entries, malformed lines) and
# sublet-idmap-none (no subid entries).  Targets are processes that made
# a user namespace with `unshare --user` and wait in sleep.

IDMAP_MULTI=sublet-idmap-multi
IDMAP_NONE=sublet-idmap-none
IDMAP_TARGETS=()

# require_idmap_root - skip, saying why, unless running as root with a
# test user (the suite needs root to act as several users).
require_idmap_root() {
	require_test_user
	is_root || skip "needs root to run commands as several test users"
}

# require_idmap_users - also need the extra users from setup-test-host.
require_idmap_users() {
	require_idmap_root
	id -u "$IDMAP_MULTI" >/dev/null 2>&1 && id -u "$IDMAP_NONE" >/dev/null 2>&1 ||
		skip "no $IDMAP_MULTI/$IDMAP_NONE users: run scripts/setup-test-host"
}

# as_other USER CMD... - run CMD as USER, the way as_user runs the test
# user: real uid/gid switch, no capabilities, clean environment, cwd /.
as_other() {
	local u=$1 uid gid path
	shift
	uid=$(id -u "$u")
	gid=$(id -g "$u")
	path="${SUBLET_PREFIX:+$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:}"
	path+=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	(cd / && setpriv --reuid="$uid" --regid="$gid" --init-groups \
		--reset-env env PATH="$path" "$@")
}

# skip_if_asan_filecaps - an ASan build cannot be traced with file
# capabilities: LeakSanitizer refuses to run under ptrace, and the process
# (non-dumpable from exec) cannot read ASAN_OPTIONS from
# /proc/self/environ to be told not to.
skip_if_asan_filecaps() {
	if grep -q __asan_init "$(idmap_bin)"; then
		skip "ASan build: its leak checker cannot run under strace with file capabilities"
	fi
}

# idmap_bin - the installed sublet-idmap.
idmap_bin() {
	sublet_bin sublet-idmap
}

# in_new_userns PID - has PID entered a user namespace other than ours?
in_new_userns() {
	local ns
	ns=$(readlink "/proc/$1/ns/user" 2>/dev/null) || return 1
	[ "$ns" != "$(readlink /proc/self/ns/user)" ] &&
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]
}

# start_target [RUNNER...] - start `unshare --user sleep` through RUNNER
# (e.g. as_user, as_other USER, or nothing for root); sets TARGET_PID
# once the process is in its new namespace.  Teardown kills it.
start_target() {
	local f
	f=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/target.XXXXXX")
	"$@" sh -c 'echo $$; exec unshare --user sleep 120' >"$f" 2>/dev/null &
	wait_for 5 test -s "$f"
	TARGET_PID=$(cat "$f")
	IDMAP_TARGETS+=("$TARGET_PID")
	wait_for 5 in_new_userns "$TARGET_PID"
}

# kill_targets - teardown: kill every target this test started.
kill_targets() {
	local p
	for p in "${IDMAP_TARGETS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
	IDMAP_TARGETS=()
}

# map_of PID uid|gid - the process's map, one "ID LOWER COUNT" per line.
map_of() {
	awk '{print $1, $2, $3}' "/proc/$1/$2_map"
}
