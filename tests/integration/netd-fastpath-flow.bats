#!/usr/bin/env bats
# sublet-netd's published-port fast path under flow control: a reader
# that stops for a while fills the sockets behind it, sublet-netd holds
# the data in the source socket (it keeps no buffer of its own), waits
# without spinning, and every byte arrives in order once the reader goes
# on.  Both directions.

load ../lib
load ../netd

setup() {
	netd_setup_target 2
	head -c 33554432 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	SUM=$(sha256sum <"$UTMP/blob")
}

teardown() {
	netd_teardown
}

# add PROTO HOST_ADDR HOST_PORT GUEST_PORT - add_hostfwd
add() {
	api "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"$1\",\"host_addr\":\"$2\",\"host_port\":$3,\"guest_port\":$4}}"
}

# ns_bg NAME CMD - run CMD (a shell string) in the target's namespaces in
# the background; its pid goes to $UTMP/NAME.pid for teardown
ns_bg() {
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"$2 >$UTMP/$1.log 2>&1 </dev/null & echo \$! >$UTMP/$1.pid"
}

# ticks - sublet-netd's CPU time so far (utime + stime, clock ticks)
ticks() {
	awk '{print $14 + $15}' "/proc/$NPID/stat"
}

# cpu_ok T0 - at most one second of CPU since T0 (not checked under a
# wrapper such as valgrind, which makes every copy slow)
cpu_ok() {
	local used=$(($(ticks) - $1))
	echo "# sublet-netd used $used ticks" >&3
	[ -n "${SUBLET_NETD_WRAPPER:-}" ] || [ "$used" -lt "$(getconf CLK_TCK)" ]
}

@test "netd fast path: a server that reads late gets all 32 MiB in order" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	# the server starts reading 3 s after the client connects
	ns_bg slow "socat -u TCP4-LISTEN:8082,reuseaddr SYSTEM:'sleep 3; sha256sum >$UTMP/in.sum'"
	wait_for 5 ns_listening 8082
	add tcp 127.0.0.1 "$PORT" 8082 >/dev/null
	t0=$(ticks)
	run as_user socat -u -T30 OPEN:$UTMP/blob,rdonly TCP:127.0.0.1:$PORT
	[ "$status" -eq 0 ]
	wait_for 30 grep -q . "$UTMP/in.sum"
	[ "$(cat "$UTMP/in.sum")" = "$SUM" ]
	cpu_ok "$t0"
}

@test "netd fast path: a client that reads late gets all 32 MiB in order" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	ns_bg send "socat -u OPEN:$UTMP/blob,rdonly TCP4-LISTEN:8083,reuseaddr"
	wait_for 5 ns_listening 8083
	add tcp 127.0.0.1 "$PORT2" 8083 >/dev/null
	t0=$(ticks)
	run as_user sh -c "socat -u -T30 TCP:127.0.0.1:$PORT2 STDOUT | (sleep 3; sha256sum)"
	[ "$status" -eq 0 ]
	[ "$output" = "$SUM" ]
	cpu_ok "$t0"
}

# records N - N numbered 400-byte lines, the stream the small writer sends
records() {
	python3 -c 'import sys
for i in range(int(sys.argv[1])):
    sys.stdout.write("%0399d\n" % i)' "$1"
}

@test "netd fast path: small writes to a server that reads late all arrive in order" {
	# the namespace's socket buffers at their least, so that its side
	# fills while the client's writes are still read one by one
	in_ns sh -c 'echo 4096 4096 4096 >/proc/sys/net/ipv4/tcp_wmem &&
		echo 4096 4096 4096 >/proc/sys/net/ipv4/tcp_rmem'
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	# writes of 400 bytes, half a millisecond apart, keep the direction
	# on small reads (read outright, not peeked) until the server's side
	# is full: what its socket then refuses is held, and nothing more is
	# read until it went
	ns_bg slow "socat -u TCP4-LISTEN:8084,reuseaddr SYSTEM:'sleep 3; sha256sum >$UTMP/small.sum'"
	wait_for 5 ns_listening 8084
	add tcp 127.0.0.1 "$PORT" 8084 >/dev/null
	t0=$(ticks)
	run as_user python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(int(sys.argv[2])):
    s.sendall(b"%0399d\n" % i)
    time.sleep(0.0005)
s.shutdown(socket.SHUT_WR)
s.recv(1)' "$PORT" 2000
	[ "$status" -eq 0 ]
	wait_for 30 grep -q . "$UTMP/small.sum"
	[ "$(cat "$UTMP/small.sum")" = "$(records 2000 | sha256sum)" ]
	cpu_ok "$t0"
}
