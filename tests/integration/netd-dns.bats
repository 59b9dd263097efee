#!/usr/bin/env bats
# sublet-netd: DNS sent to cidr+3 is forwarded to the resolver in the
# host's /etc/resolv.conf, and not with --disable-dns.
#
# The machine may have no reachable resolver, so the "host" here is a user
# and network namespace of its own, whose /etc/resolv.conf (bind-mounted in
# its mount namespace) names 127.0.0.1, where a small DNS server answers.
# sublet-netd runs in that namespace, exactly as it would on a host, and
# serves a target namespace nested in it.

load ../lib
load ../netd

setup() {
	netd_setup
	dns_responder "$UTMP/dnsd.pl"
	printf 'nameserver 127.0.0.1\n' >"$UTMP/resolv.conf"
	chmod 644 "$UTMP/resolv.conf" "$UTMP/dnsd.pl"
}

teardown() {
	netd_teardown
}

# start_host ARGS... - the fake host (resolver on 127.0.0.1:53), a target
# nested in it (TPID), and sublet-netd ARGS serving it
start_host() {
	as_user bash -c "unshare -r -n -m bash -c '
		ip link set lo up
		mount --bind $UTMP/resolv.conf /etc/resolv.conf
		perl $UTMP/dnsd.pl 127.0.0.1 53 >$UTMP/queries 2>&1 </dev/null &
		echo \$! >$UTMP/dnsd.pid
		unshare -n sleep 1000 >/dev/null 2>&1 </dev/null &
		echo \$! >$UTMP/target.pid
		sleep 0.2
		exec $NETD -r 3 $* \$(cat $UTMP/target.pid) 3>$UTMP/ready
	' >$UTMP/netd.log 2>&1 </dev/null & echo \$! >$UTMP/netd.pid"
	wait_for 10 grep -qsx 1 "$UTMP/ready"
	TPID=$(cat "$UTMP/target.pid")
	NPID=$(cat "$UTMP/netd.pid")
}

@test "netd: DNS to 10.0.2.3 reaches the host's resolver and answers" {
	start_host -c
	run in_ns busybox nslookup -type=a www.sublet.test 10.0.2.3
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address:	10.0.2.3:53"* ]]
	[[ "$output" == *"Name:	www.sublet.test"* ]]
	[[ "$output" == *"Address: 192.0.2.53"* ]]
	grep -qx www.sublet.test "$UTMP/queries"
}

@test "netd --cidr: DNS moves to the new cidr+3" {
	start_host -c --cidr 172.30.0.0/24
	run in_ns busybox nslookup -type=a other.sublet.test 172.30.0.3
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: 192.0.2.53"* ]]
	grep -qx other.sublet.test "$UTMP/queries"
}

@test "netd --enable-sandbox --enable-seccomp: DNS still forwarded" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	start_host -c --enable-sandbox --enable-seccomp
	run in_ns busybox nslookup -type=a sandboxed.sublet.test 10.0.2.3
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: 192.0.2.53"* ]]
	grep -qx sandboxed.sublet.test "$UTMP/queries"
}

@test "netd --disable-dns: nothing answers at 10.0.2.3" {
	start_host -c --disable-dns
	run in_ns timeout 4 busybox nslookup -type=a www.sublet.test 10.0.2.3
	[ "$status" -ne 0 ]
	[[ "$output" != *"192.0.2.53"* ]]
	! grep -q www.sublet.test "$UTMP/queries"
}
