#!/usr/bin/env bats
# idmap-target.bats - the target process: it must be the caller's, alive,
# in a fresh user namespace the caller made; addressed by PID or by an
# fd:N open on its /proc directory; a PID reused by another process is
# never written to.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	make_user_tmp
}

teardown() {
	kill_targets
	remove_user_tmp
}

@test "a target owned by root is refused" {
	start_target
	run as_user newuidmap "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID is owned by uid 0 gid 0, not by the caller (uid $(test_uid) gid $(test_gid))" ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
}

@test "a target owned by another user is refused" {
	require_idmap_users
	local ou og
	ou=$(id -u "$IDMAP_NONE")
	og=$(id -g "$IDMAP_NONE")
	start_target as_other "$IDMAP_NONE"
	run as_user newgidmap "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newgidmap: process $TARGET_PID is owned by uid $ou gid $og, not by the caller (uid $(test_uid) gid $(test_gid))" ]
	# the other user's own id is theirs, not the caller's, either way
	run as_user newuidmap "$TARGET_PID" 0 "$(test_uid)" 1
	[ "$status" -eq 1 ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
	[ -z "$(cat "/proc/$TARGET_PID/gid_map")" ]
}

@test "a PID with no process is refused" {
	run as_user newuidmap 4194303 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process 4194303 not found" ]
}

@test "a target that has exited (a zombie) is refused" {
	# In a PID namespace of its own, so that the zombie is reaped when
	# the test ends.  The child exits only once its parent has exec'd
	# into sleep, which never reaps it (a shell might, had the child
	# exited before the exec).  The wait is bounded: a failure, not a hang.
	local path
	path="$SUBLET_PREFIX/libexec/sublet:/usr/bin:/bin"
	run unshare --pid --fork --mount-proc setpriv --reuid="$(test_uid)" \
		--regid="$(test_gid)" --init-groups --reset-env \
		env PATH="$path" sh -c '
		sh -c "unshare --user sh -c \"until grep -q ^sleep /proc/\\\$PPID/comm; do sleep 0.05; done\" & echo \$! > /proc/self/fd/3; exec sleep 120" 3>"$1" &
		n=0
		until [ -s "$1" ] && grep -q "^State:.Z" "/proc/$(cat "$1")/status"; do
			n=$((n + 1))
			[ "$n" -lt 600 ] || { echo "no zombie after 30 s"; exit 1; }
			sleep 0.05; done
		z=$(cat "$1")
		newuidmap "$z" 0 100000 1; echo "status $? pid $z"' sh "$UTMP/z"
	echo "$output"
	[[ "${lines[1]}" =~ ^status\ 1\ pid\ ([0-9]+)$ ]]
	[ "${lines[0]}" = "newuidmap: process ${BASH_REMATCH[1]} has exited" ]
}

@test "a process in the caller's own user namespace is refused" {
	as_user sh -c 'echo $$ > p; exec sleep 120' &
	wait_for 5 test -s "$UTMP/p"
	TARGET_PID=$(cat "$UTMP/p")
	IDMAP_TARGETS+=("$TARGET_PID")
	run as_user newuidmap "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID is not in a user namespace of its own" ]
}

@test "a namespace nested in another is refused" {
	as_user unshare --map-root-user sh -c \
		'echo $$ > p; exec unshare --user sleep 120' &
	wait_for 5 test -s "$UTMP/p"
	TARGET_PID=$(cat "$UTMP/p")
	IDMAP_TARGETS+=("$TARGET_PID")
	wait_for 5 in_new_userns "$TARGET_PID"
	wait_for 5 sh -c "[ \"\$(cat /proc/$TARGET_PID/comm)\" = sleep ]"
	run as_user newuidmap "$TARGET_PID" 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID's user namespace is not a child of the caller's" ]
}

@test "fd:N open on the target's /proc directory works" {
	start_target as_user
	run as_user sh -c "exec 3</proc/$TARGET_PID &&
		newuidmap fd:3 0 $(test_uid) 1 1 100000 65536 &&
		newgidmap fd:3 0 $(test_gid) 1 1 100000 65536"
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 %s 1\n1 100000 65536' "$(test_uid)")" ]
	[ "$(map_of "$TARGET_PID" gid)" = "$(printf '0 %s 1\n1 100000 65536' "$(test_gid)")" ]
}

@test "fd:N that is not a /proc/PID directory is refused" {
	start_target as_user
	run as_user sh -c "exec 3<'$UTMP'; newuidmap fd:3 0 100000 1"
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: fd 3 is not a /proc/PID directory" ]
	run as_user sh -c "exec 3</proc; newuidmap fd:3 0 100000 1"
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: fd 3 is not a /proc/PID directory" ]
	run as_user sh -c "exec 3</proc/$TARGET_PID/status; newuidmap fd:3 0 100000 1"
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: fd 3 is not a /proc/PID directory" ]
	run as_user newuidmap fd:9 0 100000 1
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: fd 9 is not open" ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
}

@test "fd:N of another user's process is refused" {
	start_target
	run as_user sh -c "exec 3</proc/$TARGET_PID; newuidmap fd:3 0 100000 1"
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID is owned by uid 0 gid 0, not by the caller (uid $(test_uid) gid $(test_gid))" ]
}

@test "fd:N of a process that has exited is refused" {
	run as_user sh -c 'unshare --user sleep 120 & p=$!
		exec 3</proc/$p
		{ kill $p; wait $p; } 2>/dev/null
		newuidmap fd:3 0 100000 1'
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: fd 3: the process has exited" ]
}

@test "fd:N of a dead process whose PID was reused hits nothing" {
	# In a PID namespace of our own, ns_last_pid makes the next process
	# take the dead target's PID, for certain.
	local path
	path="$SUBLET_PREFIX/libexec/sublet:/usr/bin:/bin:/usr/sbin:/sbin"
	run unshare --pid --fork --mount-proc env \
		U="setpriv --reuid=$(test_uid) --regid=$(test_gid) --init-groups --reset-env env PATH=$path" \
		ID="$(test_uid)" bash -c '
		userns() { [ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
		$U unshare --user sleep 120 & a=$!
		while ! userns $a; do sleep 0.05; done
		exec 3</proc/$a
		{ kill -9 $a; wait $a; } 2>/dev/null
		echo $((a - 1)) > /proc/sys/kernel/ns_last_pid
		$U unshare --user sleep 120 & b=$!
		[ "$a" = "$b" ] || { echo "PID $a not reused ($b)"; exit 2; }
		while ! userns $b; do sleep 0.05; done
		$U newuidmap fd:3 0 $ID 1 1 100000 65536; echo "fd:3 status $?"
		echo "map [$(cat /proc/$b/uid_map)]"
		$U newuidmap $b 0 $ID 1; echo "pid status $?"
		{ kill -9 $b; wait $b; } 2>/dev/null; exit 0'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "newuidmap: fd 3: the process has exited" ]
	[ "${lines[1]}" = "fd:3 status 1" ]
	[ "${lines[2]}" = "map []" ]
	[ "${lines[3]}" = "pid status 0" ]
}
