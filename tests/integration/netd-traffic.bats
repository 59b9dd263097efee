#!/usr/bin/env bats
# sublet-netd: TCP and UDP from the namespace to a server on the host's
# loopback (reached as cidr+2), refused with --disable-host-loopback, and
# bulk data through a large MTU.

load ../lib
load ../netd

setup() {
	netd_setup_target 2
}

teardown() {
	netd_teardown
}

@test "netd: TCP round trip to the host's 127.0.0.1 as 10.0.2.2" {
	netd_start -c "$TPID"
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'read l; echo tcp-reply=\$l'"
	wait_for 5 listening "$PORT"
	run in_ns sh -c "echo hello | socat -T5 - TCP:10.0.2.2:$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "tcp-reply=hello" ]
	# the host sees the connection from its own loopback
	run in_ns sh -c "echo again | socat -T5 - TCP:10.0.2.2:$PORT"
	[ "$output" = "tcp-reply=again" ]
}

@test "netd: UDP round trip to the host's 127.0.0.1 as 10.0.2.2" {
	netd_start -c "$TPID"
	bg srv socat -T5 UDP-LISTEN:$PORT,bind=127.0.0.1 \
		SYSTEM:"'read l; echo udp-reply=\$l'"
	wait_for 5 listening "$PORT" udp
	run in_ns sh -c "echo hello | socat -T3 - UDP:10.0.2.2:$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "udp-reply=hello" ]
}

@test "netd --disable-host-loopback: the host's loopback is refused" {
	netd_start -c --disable-host-loopback "$TPID"
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'echo host-server'"
	wait_for 5 listening "$PORT"
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" != *host-server* ]]
	# libslirp answers with ICMP net unreachable
	[[ "$output" == *"Network is unreachable"* || "$output" == *"Connection refused"* ]]
	# and the same server is reachable without the flag
	kill "$(cat "$UTMP/netd.pid")"
	netd_start -c "$TPID" tap1
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	[ "$output" = "host-server" ]
}

@test "netd --mtu 65520: 8 MiB each way arrive intact" {
	netd_start -c --mtu 65520 "$TPID"
	head -c 8388608 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg down socat -u OPEN:$UTMP/blob,rdonly \
		TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr
	bg up socat -u TCP-LISTEN:$PORT2,bind=127.0.0.1,reuseaddr \
		CREATE:$UTMP/back
	wait_for 5 listening "$PORT"
	wait_for 5 listening $PORT2
	in_ns socat -T10 -u TCP:10.0.2.2:$PORT CREATE:$UTMP/got
	in_ns socat -T10 -u OPEN:$UTMP/blob,rdonly TCP:10.0.2.2:$PORT2
	wait_for 10 cmp -s "$UTMP/blob" "$UTMP/back"
	cmp "$UTMP/blob" "$UTMP/got"
	cmp "$UTMP/blob" "$UTMP/back"
}

@test "netd --outbound-addr: connections leave from the address given" {
	local ip
	ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
	[ -n "$ip" ] || skip "the host has no global IPv4 address to bind to"
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'echo peer=\$SOCAT_PEERADDR'"
	wait_for 5 listening "$PORT"
	netd_start -c "$TPID"
	run in_ns socat -T5 - TCP:10.0.2.2:$PORT
	[ "$output" = "peer=127.0.0.1" ]
	kill "$(cat "$UTMP/netd.pid")"
	netd_start -c --outbound-addr="$ip" "$TPID" tap1
	run in_ns socat -T5 - TCP:10.0.2.2:$PORT
	[ "$output" = "peer=$ip" ]
	# an interface name stands for its first address
	local ifname
	ifname=$(ip -4 -o addr show scope global | awk '{print $2}' | head -1)
	kill "$(cat "$UTMP/netd.pid")"
	netd_start -c --outbound-addr="$ifname" "$TPID" tap2
	run in_ns socat -T5 - TCP:10.0.2.2:$PORT
	[ "$output" = "peer=$ip" ]
}
