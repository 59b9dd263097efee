#!/usr/bin/env bats
# idmap-privs.bats - sublet-idmap's privilege and environment handling,
# watched with strace: inherited fds closed, capabilities cut to the one
# needed before any input is read, effective only around the write,
# dropped right after; the same with a setuid-root install; a hostile
# environment and closed stdio change nothing.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	command -v strace >/dev/null || skip "strace is not installed (scripts/deps/idmap)"
	make_user_tmp
	start_target as_user
}

teardown() {
	kill_targets
	remove_user_tmp
}

# traced LOG CMD... - run CMD as the test user under strace (as root, so
# file capabilities and setuid still apply), the trace in LOG.  (An ASan
# build's leak checker cannot run under ptrace: it is turned off.)
traced() {
	local log=$1
	shift
	(cd "$UTMP" && strace -f -qq -o "$log" \
		-e trace=execve,close_range,capset,setresuid,setresgid,openat,write \
		setpriv --reuid="$(test_uid)" --regid="$(test_gid)" --init-groups \
		--reset-env env ASAN_OPTIONS=detect_leaks=0 "$@" 7</etc/hostname)
}

# line_of LOG ERE - number of the first line of LOG matching ERE, after
# the program's execve (0 if none).
line_of() {
	RE="$2" awk 'found && $0 ~ ENVIRON["RE"] { print NR; exit }
		/execve\(".*(sublet-idmap|newuidmap|newgidmap)"/ { found = 1 }
		END { if (!found) print 0 }' "$1" | head -n1 | grep . || echo 0
}

# check_trace LOG NAME CAP - the order of events in a successful run.
check_trace() {
	local log=$1 map=$2 cap=$3
	local close first proc subid raise open write drop
	close=$(line_of "$log" 'close_range\(3, 4294967295')
	first=$(line_of "$log" '^[0-9]+ +capset\(')
	proc=$(line_of "$log" "openat\\(AT_FDCWD, \"/proc/$TARGET_PID\"")
	subid=$(line_of "$log" 'openat\(AT_FDCWD, "/etc/sub[ug]id"')
	raise=$(line_of "$log" "capset\\(.*effective=1<<$cap,")
	open=$(line_of "$log" "openat\\([0-9]+, \"$map\", O_WRONLY")
	write=$(line_of "$log" 'write\([0-9]+, "0 [0-9]+ 1\\n1 100000 65536\\n", 24\) = 24')
	drop=$(line_of "$log" 'capset\(.*effective=0, permitted=0,')
	echo "close=$close first=$first proc=$proc subid=$subid raise=$raise open=$open write=$write drop=$drop"
	[ "$close" -gt 0 ] && [ "$close" -lt "$first" ]
	# the first capset already keeps one capability (and CAP_SETFCAP
	# while it is not known whether host uid 0 is mapped), not effective
	sed -n "${first}p" "$log" |
		grep -Eq "\{effective=0, permitted=1<<$cap(\|1<<CAP_SETFCAP)?, inheritable=0\}"
	[ "$first" -lt "$proc" ] && [ "$proc" -lt "$subid" ]
	# by the time the target is opened, only the one is left
	sed -n "${first},${proc}p" "$log" | grep capset | tail -n1 |
		grep -q "{effective=0, permitted=1<<$cap, inheritable=0}"
	[ "$subid" -lt "$raise" ]
	[ "$open" -eq $((raise + 1)) ] && [ "$write" -eq $((raise + 2)) ]
	[ "$drop" -eq $((raise + 3)) ]
	# nothing made a capability effective before the raise
	! sed -n "${first},$((raise - 1))p" "$log" | grep -q 'capset(.*effective=1<<'
}

@test "file capabilities: fds closed, one capability, effective only for the write" {
	skip_if_asan_filecaps
	traced "$UTMP/trace" "$(idmap_bin)" uid "$TARGET_PID" 0 "$(test_uid)" 1 1 100000 65536
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 %s 1\n1 100000 65536' "$(test_uid)")" ]
	check_trace "$UTMP/trace" uid_map CAP_SETUID
	traced "$UTMP/trace" "$(idmap_bin)" gid "$TARGET_PID" 0 "$(test_gid)" 1 1 100000 65536
	check_trace "$UTMP/trace" gid_map CAP_SETGID
}

@test "fd:N keeps exactly that inherited fd" {
	skip_if_asan_filecaps
	run traced "$UTMP/trace" sh -c "exec 5</proc/$TARGET_PID; exec '$(idmap_bin)' uid fd:5 0 100000 65536"
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "0 100000 65536" ]
	[ "$(line_of "$UTMP/trace" 'close_range\(3, 4, 0\)')" -gt 0 ]
	[ "$(line_of "$UTMP/trace" 'close_range\(6, 4294967295, 0\)')" -gt 0 ]
}

@test "setuid root: gives up root entirely, then the same single capability" {
	install -d -m 0755 -o root -g root "$UTMP/suid"
	install -m 4755 -o root -g root "$(idmap_bin)" "$UTMP/suid/sublet-idmap"
	ln -s sublet-idmap "$UTMP/suid/newuidmap"
	ln -s sublet-idmap "$UTMP/suid/newgidmap"
	[ -z "$(getcap "$UTMP/suid/sublet-idmap")" ]
	run as_user "$UTMP/suid/sublet-idmap" check
	[[ "$output" == *"ok       sublet-idmap: setuid root"* ]]
	traced "$UTMP/trace" "$UTMP/suid/newuidmap" "$TARGET_PID" 0 "$(test_uid)" 1 1 100000 65536
	[ "$(map_of "$TARGET_PID" uid)" = "$(printf '0 %s 1\n1 100000 65536' "$(test_uid)")" ]
	check_trace "$UTMP/trace" uid_map CAP_SETUID
	# all three uids and gids become the caller's before anything else
	local sg su cap1
	sg=$(line_of "$UTMP/trace" "setresgid\\($(test_gid), $(test_gid), $(test_gid)\\) += 0")
	su=$(line_of "$UTMP/trace" "setresuid\\($(test_uid), $(test_uid), $(test_uid)\\) += 0")
	cap1=$(line_of "$UTMP/trace" '^[0-9]+ +capset\(')
	echo "setresgid=$sg setresuid=$su capset=$cap1"
	[ "$sg" -gt 0 ] && [ "$sg" -lt "$su" ] && [ "$su" -lt "$cap1" ]
	run as_user "$UTMP/suid/newgidmap" "$TARGET_PID" 0 "$(test_gid)" 1 1 100000 65536
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" gid)" = "$(printf '0 %s 1\n1 100000 65536' "$(test_gid)")" ]
}

@test "setuid root: a process the caller does not own is still refused" {
	install -d -m 0755 -o root -g root "$UTMP/suid"
	install -m 4755 -o root -g root "$(idmap_bin)" "$UTMP/suid/newuidmap"
	start_target
	run as_user "$UTMP/suid/newuidmap" "$TARGET_PID" 0 100000 65536
	[ "$status" -eq 1 ]
	[ "$output" = "newuidmap: process $TARGET_PID is owned by uid 0 gid 0, not by the caller (uid $(test_uid) gid $(test_gid))" ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
	run as_user "$UTMP/suid/newuidmap" "$TARGET_PID" 0 0 1
	[ "$status" -eq 1 ]
	[ -z "$(cat "/proc/$TARGET_PID/uid_map")" ]
}

@test "a hostile environment changes nothing" {
	run as_user env -i PATH=/nonexistent LC_ALL=fr_FR.UTF-8 LANGUAGE=fr \
		TZ=/etc/passwd LD_PRELOAD="$UTMP/none.so" LD_LIBRARY_PATH="$UTMP" \
		GCONV_PATH="$UTMP" "$(idmap_bin)" uid "$TARGET_PID" 0 100001 0
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-idmap: range 1: COUNT is 0" ]
	run as_user env -i PATH=/nonexistent LC_ALL=fr_FR.UTF-8 \
		"$SUBLET_PREFIX/libexec/sublet/newuidmap" "$TARGET_PID" 0 100000 65536
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" uid)" = "0 100000 65536" ]
}

@test "closed stdin, stdout and stderr change nothing" {
	run as_user sh -c "newgidmap $TARGET_PID 0 100000 0 <&- >&- 2>&-"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run as_user sh -c "newgidmap $TARGET_PID 0 100000 65536 <&- >&- 2>&-"
	[ "$status" -eq 0 ]
	[ "$(map_of "$TARGET_PID" gid)" = "0 100000 65536" ]
}
