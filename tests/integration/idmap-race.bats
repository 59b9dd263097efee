#!/usr/bin/env bats
# idmap-race.bats - a PID reused between sublet-idmap's checks and its
# write is never written to.  strace holds newuidmap still at a chosen
# point (delay injection); meanwhile the target is killed and, in a PID
# namespace of the test's own, ns_last_pid gives its PID to a new process
# of the same user in a fresh user namespace - one that would pass every
# check.  newuidmap must notice the original is gone and write nothing.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	command -v strace >/dev/null || skip "strace is not installed (scripts/deps/idmap)"
	skip_if_asan_filecaps
	make_user_tmp
}

teardown() {
	remove_user_tmp
}

# race STRACE_ARGS... - run the scenario in a new PID namespace; prints
# "a=PID b=PID", newuidmap's output, its status and the new process's
# uid_map.
race() {
	cat >"$UTMP/race.sh" <<'EOS'
set -u
userns() { [ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
until_true() { local n=0; until "$@"; do sleep 0.05; n=$((n + 1)); [ $n -lt 200 ] || exit 3; done; }
$U unshare --user sleep 120 & a=$!
until_true userns $a
strace -qq -o "$T/trace" "$@" $U newuidmap $a 0 $ID 1 1 100000 65536 >"$T/out" 2>&1 & s=$!
until_true grep -qs DELAYED "$T/trace"
{ kill -9 $a; wait $a; } 2>/dev/null
echo $((a - 1)) > /proc/sys/kernel/ns_last_pid
$U unshare --user sleep 120 & b=$!
echo "a=$a b=$b"
until_true userns $b
wait $s; echo "status $?"
cat "$T/out"
echo "map [$(cat /proc/$b/uid_map)]"
{ kill -9 $b; wait $b; } 2>/dev/null
exit 0
EOS
	U="setpriv --reuid=$(test_uid) --regid=$(test_gid) --init-groups --reset-env env PATH=$SUBLET_PREFIX/libexec/sublet:/usr/bin:/bin" \
		T="$UTMP" ID="$(test_uid)" \
		unshare --pid --fork --mount-proc bash "$UTMP/race.sh" "$@"
}

@test "PID reused right after pidfd_open: refused, nothing written" {
	run race -e trace=pidfd_open -e inject=pidfd_open:delay_exit=2000000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^a=([0-9]+)\ b=([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${lines[1]}" = "status 1" ]
	[ "${lines[2]}" = "newuidmap: process ${BASH_REMATCH[1]} has exited" ]
	[ "${lines[3]}" = "map []" ]
}

@test "PID reused after the checks, before the write: refused, nothing written" {
	# held while reading /etc/subuid: ownership and namespace are checked
	run race -P /etc/subuid -e trace=openat -e inject=openat:delay_exit=2000000
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^a=([0-9]+)\ b=([0-9]+)$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${lines[1]}" = "status 1" ]
	[ "${lines[2]}" = "newuidmap: process ${BASH_REMATCH[1]} has exited" ]
	[ "${lines[3]}" = "map []" ]
}
