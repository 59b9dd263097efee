#!/usr/bin/env bats
# sublet-netd's published-port fast path: the host socket joined kernel to
# kernel to a socket inside the namespace.  TCP and UDP, IPv4 and IPv6,
# data both ways, half-close, many connections, the source address the
# server sees, libslirp as the fallback, removal, no fd leak, a server
# that speaks first, and a refused connection reset.

load ../lib
load ../netd

setup() {
	netd_setup_target 2
}

teardown() {
	netd_teardown
}

# add PROTO HOST_ADDR HOST_PORT GUEST_PORT [EXTRA_JSON] - add_hostfwd
add() {
	api "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"$1\",\"host_addr\":\"$2\",\"host_port\":$3,\"guest_port\":$4${5:+,$5}}}"
}

# ns_bg NAME CMD - run CMD (a shell string) in the target's namespaces in
# the background; its pid goes to $UTMP/NAME.pid for teardown
ns_bg() {
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"$2 >$UTMP/$1.log 2>&1 </dev/null & echo \$! >$UTMP/$1.pid"
}

# servers - in the namespace: 8080 logs the peer address and answers the
# checksum of what it read to end of file (IPv4 and IPv6); 8081 sends
# $UTMP/blob; 5353/udp answers each datagram with its text and the peer
servers() {
	head -c 2097152 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	ns_bg sum4 "socat -t30 TCP4-LISTEN:8080,reuseaddr,fork,backlog=256 SYSTEM:'echo \$SOCAT_PEERADDR >>$UTMP/peers; sha256sum'"
	ns_bg blob4 "socat TCP4-LISTEN:8081,reuseaddr,fork,backlog=256 OPEN:$UTMP/blob,rdonly"
	ns_bg udp4 "socat UDP4-RECVFROM:5353,fork SYSTEM:'read l; echo udp=\$l peer=\$SOCAT_PEERADDR'"
	wait_for 5 ns_listening 8080
	wait_for 5 ns_listening 8081
	wait_for 5 ns_listening 5353 udp
}

# ns_no_conn PORT - no established TCP connection on PORT in the namespace
ns_no_conn() {
	[ -z "$(in_ns ss -Htn state established "( sport = :$1 )")" ]
}

@test "netd fast path: TCP both ways, half-close, the loopback client's address kept" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	run add tcp 127.0.0.1 "$PORT" 8080
	[ "$output" = '{"return":{"id":1}}' ]
	add tcp 127.0.0.1 $PORT2 8081 >/dev/null
	# in: 2 MiB, then end of file (our shutdown reaches the server, which
	# only answers after it), and its checksum back
	run as_user socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:127.0.0.1:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# out: 2 MiB from the server, then its close
	run as_user sh -c "socat -t10 -T10 -u TCP:127.0.0.1:$PORT2 STDOUT | sha256sum"
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# the server saw the client's own loopback address, even a second one
	as_user sh -c "echo x | socat -t5 -T5 - TCP:127.0.0.1:$PORT,bind=127.0.0.2" >/dev/null
	run cat "$UTMP/peers"
	[ "${lines[0]}" = 127.0.0.1 ]
	[ "${lines[1]}" = 127.0.0.2 ]
	# it went kernel to kernel: libslirp would show the gateway 10.0.2.2
	! grep -q 10.0.2.2 "$UTMP/peers"
}

@test "netd fast path: 50 concurrent connections each get their own answer" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	as_user bash -c "for i in \$(seq 1 50); do
		(echo conn-\$i | socat -t10 -T10 - TCP:127.0.0.1:$PORT >$UTMP/c.\$i) &
	done; wait"
	for i in $(seq 1 50); do
		[ "$(cat "$UTMP/c.$i")" = "$(echo conn-$i | sha256sum)" ]
	done
	[ "$(wc -l <"$UTMP/peers")" -eq 50 ]
}

@test "netd fast path: UDP both ways, the client's address kept" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	run add udp 127.0.0.1 "$PORT" 5353
	[ "$output" = '{"return":{"id":1}}' ]
	run as_user sh -c "echo ping | socat -t3 -T3 - UDP:127.0.0.1:$PORT"
	[ "$output" = "udp=ping peer=127.0.0.1" ]
	run as_user sh -c "echo pong | socat -t3 -T3 - UDP:127.0.0.1:$PORT,bind=127.0.0.3"
	[ "$output" = "udp=pong peer=127.0.0.3" ]
}

@test "netd fast path: IPv6 TCP and UDP keep ::1" {
	grep -q . /proc/net/if_inet6 || skip "IPv6 is disabled on this host"
	netd_start -c -6 -a "$UTMP/api.sock" "$TPID"
	head -c 1048576 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	ns_bg sum6 "socat -t30 TCP6-LISTEN:8080,ipv6only=1,reuseaddr,fork,backlog=256 SYSTEM:'echo \$SOCAT_PEERADDR >>$UTMP/peers; sha256sum'"
	ns_bg udp6 "socat UDP6-RECVFROM:5353,ipv6only=1,fork SYSTEM:'read l; echo udp=\$l peer=\$SOCAT_PEERADDR'"
	wait_for 5 ns_listening 8080
	wait_for 5 ns_listening 5353 udp
	run add tcp ::1 "$PORT" 8080
	[ "$output" = '{"return":{"id":1}}' ]
	run add udp ::1 "$PORT" 5353
	[ "$output" = '{"return":{"id":2}}' ]
	run as_user socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP6:[::1]:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# socat writes IPv6 addresses in full
	v6lo=[0000:0000:0000:0000:0000:0000:0000:0001]
	[ "$(cat "$UTMP/peers")" = "$v6lo" ]
	run as_user sh -c "echo six | socat -t3 -T3 - UDP6:[::1]:$PORT"
	[ "$output" = "udp=six peer=$v6lo" ]
}

@test "netd fast path: a guest address not in the namespace goes through libslirp" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	# 10.0.2.50 is inside --cidr but not configured: libslirp takes it
	run add tcp 127.0.0.1 "$PORT" 8080 '"guest_addr":"10.0.2.50"'
	[ "$output" = '{"return":{"id":1}}' ]
	in_ns ip addr add 10.0.2.50/24 dev tap0
	run as_user sh -c "echo via-slirp | socat -t5 -T5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "$(echo via-slirp | sha256sum)" ]
	# "fastpath": false asks for libslirp too
	run add tcp 127.0.0.1 $PORT2 8080 '"fastpath":false'
	[ "$output" = '{"return":{"id":2}}' ]
	run as_user sh -c "echo asked | socat -t5 -T5 - TCP:127.0.0.1:$PORT2"
	[ "$output" = "$(echo asked | sha256sum)" ]
	# libslirp shows host-loopback clients as its gateway
	run cat "$UTMP/peers"
	[ "${lines[0]}" = 10.0.2.2 ]
	[ "${lines[1]}" = 10.0.2.2 ]
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[{"id":1,"proto":"tcp","host_addr":"127.0.0.1","host_port":'$PORT',"guest_addr":"10.0.2.50","guest_port":8080},{"id":2,"proto":"tcp","host_addr":"127.0.0.1","host_port":'$PORT2',"guest_addr":"10.0.2.100","guest_port":8080}]}}' ]
}

@test "netd --disable-fastpath: no helper, every forward through libslirp" {
	netd_start -c --disable-fastpath -a "$UTMP/api.sock" "$TPID"
	[ -z "$(pgrep -P "$NPID")" ]
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	run as_user sh -c "echo slow | socat -t5 -T5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "$(echo slow | sha256sum)" ]
	[ "$(cat "$UTMP/peers")" = 10.0.2.2 ]
}

@test "netd fast path: removing a forward closes its listener and connections" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	add udp 127.0.0.1 "$PORT" 5353 >/dev/null
	listening "$PORT"
	listening "$PORT" udp
	# a connection left open, its server waiting for end of file
	as_user_sh "sleep 30 | socat -t30 -T30 - TCP:127.0.0.1:$PORT >/dev/null 2>&1 & echo \$! >$UTMP/open.pid"
	wait_for 5 grep -q . "$UTMP/peers"
	run api '{"execute":"remove_hostfwd","arguments":{"id":1}}'
	[ "$output" = '{"return":{}}' ]
	run api '{"execute":"remove_hostfwd","arguments":{"id":2}}'
	[ "$output" = '{"return":{}}' ]
	! listening "$PORT" || false
	! listening "$PORT" udp || false
	run as_user socat -t2 -T2 - TCP:127.0.0.1:$PORT </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
	# the open connection was closed too: its server got end of file
	wait_for 5 ns_no_conn 8080
}

@test "netd fast path: no fd leak after 200 connections" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	add udp 127.0.0.1 "$PORT" 5353 >/dev/null
	before=$(netd_fds)
	# the first connection leaves sublet-netd 15 spare sockets from the
	# namespace helper (the first batch is 16); after 200 more it holds
	# at most 16 (it asks for more at 8, and the answer comes in with a
	# later connection)
	as_user sh -c "echo n | socat -t10 -T10 - TCP:127.0.0.1:$PORT" >/dev/null
	wait_for 5 netd_fds_are $((before + NETD_SPARES - 1))
	as_user bash -c "for b in \$(seq 1 10); do
		for i in \$(seq 1 20); do
			echo n | socat -t10 -T10 - TCP:127.0.0.1:$PORT >/dev/null &
		done; wait
	done"
	[ "$(wc -l <"$UTMP/peers")" -eq 201 ]
	wait_for 5 netd_fds_within "$before" $((before + NETD_SPARES))
}

@test "netd fast path: a bad \"fastpath\" value is refused" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	run add tcp 127.0.0.1 "$PORT" 8080 '"fastpath":"no"'
	[ "$output" = '{"error":{"desc":"bad request: add_hostfwd: bad arguments.fastpath: must be a boolean"}}' ]
}

@test "netd fast path: works under --enable-sandbox --enable-seccomp" {
	netd_start -c --enable-sandbox --enable-seccomp -a "$UTMP/api.sock" "$TPID"
	# the namespace helper holds no capability and has the allowlist too
	hpid=$(pgrep -P "$NPID")
	grep -Eq '^CapEff:[[:space:]]+0+$' "/proc/$hpid/status"
	grep -Eq '^Seccomp:[[:space:]]+2$' "/proc/$hpid/status"
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	add udp 127.0.0.1 "$PORT" 5353 >/dev/null
	run as_user socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:127.0.0.1:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	[ "$(cat "$UTMP/peers")" = 127.0.0.1 ]
	run as_user sh -c "echo boxed | socat -t3 -T3 - UDP:127.0.0.1:$PORT"
	[ "$output" = "udp=boxed peer=127.0.0.1" ]
	kill -0 "$NPID"
}

@test "netd fast path: a client from a non-loopback host address shows as the guest" {
	local hostip
	hostip=$(ip -4 -o addr show scope global | awk 'NR == 1 { split($4, a, "/"); print a[1] }')
	[ -n "$hostip" ] || skip "the host has no non-loopback IPv4 address"
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	add tcp 0.0.0.0 "$PORT" 8080 >/dev/null
	add tcp 0.0.0.0 $PORT2 8080 '"fastpath":false' >/dev/null
	run as_user sh -c "echo a | socat -t5 -T5 - TCP:$hostip:$PORT"
	[ "$output" = "$(echo a | sha256sum)" ]
	run as_user sh -c "echo b | socat -t5 -T5 - TCP:$hostip:$PORT2"
	[ "$output" = "$(echo b | sha256sum)" ]
	# fast path: the namespace's own address; libslirp: the real one
	run cat "$UTMP/peers"
	[ "${lines[0]}" = 10.0.2.100 ]
	[ "${lines[1]}" = "$hostip" ]
}

@test "netd fast path: a server that speaks first, a client that sends nothing or only end of file" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	ns_bg first4 "socat TCP4-LISTEN:8082,reuseaddr,fork SYSTEM:'echo hello-first; read l; echo got-\$l'"
	wait_for 5 ns_listening 8082
	add tcp 127.0.0.1 "$PORT" 8082 >/dev/null
	add tcp 127.0.0.1 $PORT2 8080 >/dev/null
	# the banner reaches a client that has sent nothing, its side open
	as_user_sh "sleep 30 | socat -t30 -T30 - TCP:127.0.0.1:$PORT >$UTMP/banner 2>&1 & echo \$! >$UTMP/quiet.pid"
	wait_for 5 grep -q hello-first "$UTMP/banner"
	# and the conversation goes on after it
	run as_user sh -c "echo x | socat -t5 -T5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "$(printf 'hello-first\ngot-x')" ]
	# a client whose only word is end of file, at once: the server reads
	# it as such and its answer comes back
	run as_user socat -t5 -T5 - TCP:127.0.0.1:$PORT2 </dev/null
	[ "$output" = "$(sha256sum </dev/null)" ]
}

@test "netd fast path: a refused connection in the namespace resets the client" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	# nothing listens on 8089 in the namespace
	add tcp 127.0.0.1 "$PORT" 8089 >/dev/null
	listening "$PORT"
	# a client that sends nothing and waits hears a reset, not an end of
	# file, and not silence
	run as_user python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
try:
    print("read", s.recv(1))
except ConnectionResetError:
    print("reset")' "$PORT"
	[ "$output" = reset ]
	kill -0 "$NPID"
}

@test "netd fast path: the namespace helper gone, its spares serve, then a client is reset in one line" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	servers
	add tcp 127.0.0.1 "$PORT" 8080 >/dev/null
	run as_user sh -c "echo a | socat -t10 -T10 - TCP:127.0.0.1:$PORT"
	[ "$output" = "$(echo a | sha256sum)" ]
	# the helper is sublet-netd's only child; the first connection left
	# 15 sockets made ahead
	run pgrep -P "$NPID"
	[ "${#lines[@]}" -eq 1 ]
	kill -9 "$output"
	wait_for 5 pids_gone "$output"
	run as_user sh -c "for i in \$(seq $((NETD_SPARES - 1))); do echo b | socat -t10 -T10 - TCP:127.0.0.1:$PORT || exit 1; done | sort -u"
	[ "$status" -eq 0 ]
	[ "$output" = "$(echo b | sha256sum)" ]
	# none left: the next client is closed at once, and said why
	run as_user sh -c "echo c | socat -t10 -T10 - TCP:127.0.0.1:$PORT"
	[ -z "$output" ]
	run cat "$UTMP/netd.log"
	[ "$output" = "sublet-netd: warning: fast path: no socket in the namespace: Broken pipe" ]
	kill -0 "$NPID"
}
