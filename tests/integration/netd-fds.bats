#!/usr/bin/env bats
# sublet-netd -e/-r: "1" on the ready fd once everything is up, exit 0 on
# the exit fd's hang-up, in both fd layouts engines use; SIGTERM/SIGINT
# exit cleanly; nothing is left behind.

load ../lib
load ../netd

setup() {
	netd_setup_target
	mkfifo -m 0666 "$UTMP/exit"
	# the test holds the exit pipe's write end; netd gets the read end
	exec {EXITW}<>"$UTMP/exit"
}

teardown() {
	[ -z "${EXITW:-}" ] || exec {EXITW}>&-
	netd_teardown
}

# start_fds EFD RFD [ARGS...] - start netd with -e EFD -r RFD: the exit
# pipe on EFD, $UTMP/ready on RFD; its status goes to $UTMP/rc
start_fds() {
	local efd=$1 rfd=$2
	shift 2
	as_user bash -c "( $NETD -e $efd -r $rfd $* $efd<$UTMP/exit $rfd>$UTMP/ready \
		$EXITW>&- >$UTMP/netd.log 2>&1 </dev/null &
		echo \$! >$UTMP/netd.pid; wait \$!; echo \$? >$UTMP/rc ) \
		$EXITW>&- >/dev/null 2>&1 &"
	wait_for 5 test -s "$UTMP/netd.pid"
	NPID=$(cat "$UTMP/netd.pid")
}

# check_ready RFD - "1" was written to the ready fd, and it is closed
check_ready() {
	wait_for 10 grep -qx 1 "$UTMP/ready"
	[ "$(cat "$UTMP/ready")" = "1" ]
	[ ! -e "/proc/$NPID/fd/$1" ]
	# the tap is there and configured by the time ready is written
	run in_ns ip -o -4 addr show tap0
	[[ "$output" == *"10.0.2.100/24"* ]]
	[ -S "$UTMP/api.sock" ]
}

# check_gone - netd exited 0, left no process and no socket behind
check_gone() {
	wait_for 10 test -s "$UTMP/rc"
	[ "$(cat "$UTMP/rc")" = 0 ]
	pids_gone "$NPID"
	[ ! -e "$UTMP/api.sock" ]
	run in_ns ip -o link show tap0
	[ "$status" -ne 0 ]
}

@test "netd -e 3 -r 4: ready, then exit 0 when the exit fd hangs up" {
	start_fds 3 4 -c -a "$UTMP/api.sock" "$TPID"
	check_ready 4
	# the tap child is gone; the one child left is the published-port
	# fast path's helper, living in the target's network namespace
	run pgrep -P "$NPID"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(readlink "/proc/${lines[0]}/ns/net")" = "$(readlink "/proc/$TPID/ns/net")" ]
	HPID=${lines[0]}
	kill -0 "$NPID"
	exec {EXITW}>&-
	EXITW=
	check_gone
	wait_for 5 pids_gone "$HPID"
}

@test "netd -r 3 -e 4: ready, then exit 0 when the exit fd hangs up" {
	start_fds 4 3 -c -a "$UTMP/api.sock" "$TPID"
	check_ready 3
	exec {EXITW}>&-
	EXITW=
	check_gone
}

@test "netd: SIGTERM exits 0 and removes the API socket" {
	start_fds 3 4 -c -a "$UTMP/api.sock" "$TPID"
	check_ready 4
	kill -TERM "$NPID"
	check_gone
}

@test "netd: SIGINT exits 0 as well, also sandboxed" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	start_fds 3 4 -c --enable-sandbox --enable-seccomp -a "$UTMP/api.sock" "$TPID"
	check_ready 4
	kill -INT "$NPID"
	check_gone
}

@test "netd: after the target exits, the helper takes the tap and the table down, then goes" {
	start_fds 3 4 -c -a "$UTMP/api.sock" "$TPID"
	check_ready 4
	HPID=$(pgrep -P "$NPID")
	[ -n "$HPID" ]
	kill -9 "$TPID"
	wait_for 5 pids_gone "$TPID"
	# sublet-netd passes them to the helper, exits 0, the helper follows
	kill -TERM "$NPID"
	wait_for 10 test -s "$UTMP/rc"
	[ "$(cat "$UTMP/rc")" = 0 ]
	[ ! -e "$UTMP/api.sock" ]
	wait_for 5 pids_gone "$HPID"
}

@test "netd: a failed setup never writes the ready fd" {
	start_fds 3 4 -c -a "$UTMP/nonexistent/api.sock" "$TPID"
	wait_for 10 test -s "$UTMP/rc"
	[ "$(cat "$UTMP/rc")" = 1 ]
	[ ! -s "$UTMP/ready" ]
	[ "$(cat "$UTMP/netd.log")" = "sublet-netd: cannot open the directory of --api-socket $UTMP/nonexistent/api.sock: No such file or directory" ]
}

@test "netd: a stale API socket is replaced, a live one is refused" {
	bg live socat UNIX-LISTEN:"$UTMP/api.sock",fork /dev/null
	wait_for 5 test -S "$UTMP/api.sock"
	run as_user "$NETD" -a "$UTMP/api.sock" "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: cannot listen on --api-socket $UTMP/api.sock: Address already in use" ]
	kill "$(cat "$UTMP/live.pid")"
	wait_for 5 pids_gone "$(cat "$UTMP/live.pid")"
	# socat removed its socket; leave a stale one behind instead
	as_user perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die' "$UTMP/api.sock"
	[ -S "$UTMP/api.sock" ]
	start_fds 3 4 -a "$UTMP/api.sock" "$TPID"
	wait_for 10 grep -qx 1 "$UTMP/ready"
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[]}}' ]
}
