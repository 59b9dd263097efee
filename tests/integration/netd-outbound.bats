#!/usr/bin/env bats
# sublet-netd --outbound-fastpath: TCP from the namespace joined kernel to
# kernel to a host socket.  Data both ways (and proof it took the fast
# path), refusal and --disable-host-loopback through the libslirp
# fallback, sublet-netd killed, the listener reached directly, the table
# removed on exit, the one-line notice when it cannot work, no fd leak.

load ../lib
load ../netd

setup() {
	netd_setup_target 3
}

teardown() {
	netd_teardown
}

# host_servers - on the host's 127.0.0.1: $PORT answers the checksum of
# what it read to end of file, $PORT2 sends $UTMP/blob, $PORT3 holds a
# connection open for 30 s
host_servers() {
	head -c 8388608 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg sum socat -t30 TCP4-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork,backlog=256 \
		SYSTEM:sha256sum
	bg blob socat TCP4-LISTEN:$PORT2,bind=127.0.0.1,reuseaddr,fork \
		OPEN:$UTMP/blob,rdonly
	bg hold socat -u TCP4-LISTEN:$PORT3,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'sleep 30'"
	wait_for 5 listening "$PORT"
	wait_for 5 listening "$PORT2"
	wait_for 5 listening "$PORT3"
}

# ofp_port - the port of sublet-netd's listener in the namespace
ofp_port() {
	in_ns ss -Hltn "( src 127.0.0.1 )" | awk '{sub(/.*:/, "", $4); print $4; exit}'
}

# joined P - an established connection in the namespace on 127.0.0.1:P
# from the guest: the redirected end of a fast-path connection
joined() {
	in_ns ss -Htn state established "( sport = :$1 )" | grep -q 10.0.2.100
}

# table_present - is the table in the namespace?
table_present() {
	in_ns nft list table ip sublet_netd >/dev/null 2>&1
}

fd_count() {
	ls "/proc/$NPID/fd" | wc -l
}

fds_are() {
	[ "$(fd_count)" -eq "$1" ]
}

@test "netd outbound fast path: data both ways, through the namespace's listener" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	P=$(ofp_port)
	[ -n "$P" ]
	# out: 8 MiB to the host, end of file, its checksum back
	run in_ns socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:10.0.2.2:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# in: 8 MiB from the host, then its close
	run in_ns sh -c "socat -t10 -T10 -u TCP:10.0.2.2:$PORT2 STDOUT | sha256sum"
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# proof: a held connection's namespace end is our listener's port
	# (libslirp's path has no socket on 127.0.0.1 in the namespace)
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:10.0.2.2:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli.pid"
	wait_for 10 joined "$P"
	# and nothing was said
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}

@test "netd outbound fast path: IPv6 to fd00::2, through the namespace's [::1] listener" {
	netd_start -c -6 --outbound-fastpath "$TPID"
	head -c 4194304 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg sum6 socat -t30 TCP6-LISTEN:$PORT,bind=[::1],reuseaddr,fork SYSTEM:sha256sum
	bg hold6 socat -u TCP6-LISTEN:$PORT3,bind=[::1],reuseaddr,fork \
		SYSTEM:"'sleep 30'"
	wait_for 5 listening "$PORT"
	wait_for 5 listening "$PORT3"
	P6=$(in_ns ss -Hltn "( src [::1] )" | awk '{sub(/.*:/, "", $4); print $4; exit}')
	[ -n "$P6" ]
	run in_ns socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP6:[fd00::2]:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP6:[fd00::2]:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli6.pid"
	wait_for 10 eval "in_ns ss -Htn state established '( sport = :$P6 )' | grep -q '\[fd00:'"
	# a closed port is still refused (through libslirp)
	run in_ns socat -T3 /dev/null TCP6:[fd00::2]:$PORT2,connect-timeout=5
	[[ "$output" == *"Connection refused"* ]]
	run in_ns nft list table ip6 sublet_netd
	[ "$status" -eq 0 ]
}

@test "netd outbound fast path: off without the flag" {
	netd_start -c "$TPID"
	run ofp_port
	[ -z "$output" ]
	run table_present
	[ "$status" -ne 0 ]
}

@test "netd outbound fast path: a closed host port is refused through libslirp" {
	netd_start -c --outbound-fastpath "$TPID"
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT,connect-timeout=5
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
}

@test "netd outbound fast path: --disable-host-loopback still refuses 10.0.2.2" {
	netd_start -c --outbound-fastpath --disable-host-loopback "$TPID"
	host_servers
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Network is unreachable"* || "$output" == *"Connection refused"* ]]
	P=$(ofp_port)
	run joined "$P"
	[ "$status" -ne 0 ]
}

@test "netd outbound fast path: sublet-netd killed, no SYN goes to a dead listener" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	run in_ns sh -c "echo x | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo x | sha256sum)" ]
	P=$(ofp_port)
	kill -9 "$NPID"
	wait_for 10 pids_gone "$NPID"
	# the table went with sublet-netd's socket
	wait_for 10 eval '! table_present'
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	echo "$output"
	[ "$status" -ne 0 ]
	# a redirect to the dead listener would be refused at once
	[[ "$output" != *"Connection refused"* ]]
	[[ "$output" == *"Network is unreachable"* || "$output" == *"timed out"* ]]
	run in_ns ss -Hltn "( sport = :$P )"
	[ -z "$output" ]
}

@test "netd outbound fast path: a direct connection to the listener is reset" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	P=$(ofp_port)
	run in_ns sh -c "echo x | socat -T5 - TCP:127.0.0.1:$P"
	echo "$output"
	[[ "$output" != *"$(echo x | sha256sum)"* ]]
	wait_for 10 eval "! in_ns ss -Htn state established '( sport = :$P )' | grep -q ."
	# and the fast path still works
	run in_ns sh -c "echo y | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo y | sha256sum)" ]
}

@test "netd outbound fast path: the table is there while running, gone after exit" {
	netd_start -c --outbound-fastpath "$TPID"
	run in_ns nft list table ip sublet_netd
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"oifname \"tap0\""* ]]
	[[ "$output" == *"queue"* || "$output" == *"NFQUEUE"* ]]
	[[ "$output" == *"redirect to :$(ofp_port)"* ]]
	kill -TERM "$NPID"
	wait_for 10 pids_gone "$NPID"
	run table_present
	[ "$status" -ne 0 ]
}

@test "netd outbound fast path: one line when it cannot work, traffic goes on" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	mv "$UTMP/netd.pid" "$UTMP/netd1.pid"
	N1=$NPID
	# a second sublet-netd on the namespace cannot take the first's table
	netd_start --outbound-fastpath "$TPID" tap1
	run grep -c "outbound fast path off" "$UTMP/netd.log"
	[ "$output" = 1 ]
	run cat "$UTMP/netd.log"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"libslirp"* ]]
	# the first one's table and fast path are untouched
	table_present
	run in_ns sh -c "echo z | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo z | sha256sum)" ]
	kill -0 "$N1"
}

@test "netd outbound fast path: off under --enable-sandbox, one line, libslirp carries on" {
	# the sandbox joins the target's user namespace and drops every
	# capability: sublet-netd may no longer answer the queue
	netd_start -c --outbound-fastpath --enable-sandbox --enable-seccomp "$TPID"
	host_servers
	run cat "$UTMP/netd.log"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"outbound fast path off: NFQUEUE (--enable-sandbox): Operation not permitted"* ]]
	wait_for 10 eval '! table_present'
	run in_ns sh -c "echo s | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo s | sha256sum)" ]
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT2,connect-timeout=5
	[ "$status" -eq 0 ]
	run in_ns ss -Hltn "( src 127.0.0.1 )"
	[ -z "$output" ]
}

@test "netd outbound fast path: 200 connections leave no fds behind" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	run in_ns sh -c "echo w | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo w | sha256sum)" ]
	n0=$(fd_count)
	run in_ns sh -c "for i in \$(seq 200); do echo \$i | socat -t10 -T10 - TCP:10.0.2.2:$PORT >/dev/null || exit 1; done"
	[ "$status" -eq 0 ]
	wait_for 10 fds_are "$n0"
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}
