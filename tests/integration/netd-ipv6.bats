#!/usr/bin/env bats
# sublet-netd -6: the guest gets fd00::/64 by router advertisement (plus
# fd00::100 with -c) and reaches the host's ::1 as fd00::2.

load ../lib
load ../netd

setup() {
	grep -q . /proc/net/if_inet6 || skip "IPv6 is disabled on this host"
	netd_setup_target 1
}

teardown() {
	netd_teardown
}

@test "netd -6: router advertisements give an address and a default route" {
	netd_start -c -6 "$TPID"
	run in_ns ip -o -6 addr show tap0
	[[ "$output" == *"inet6 fd00::100/64 scope global nodad"* ]]
	# SLAAC from libslirp's router advertisement (after DAD, ~1-2 s)
	wait_for 15 in_ns sh -c "ip -6 route show default | grep -q 'via fe80::2 dev tap0 proto ra'"
	wait_for 15 in_ns sh -c "ip -o -6 addr show tap0 | grep -q 'inet6 fd00::.*/64 scope global dynamic'"
}

@test "netd -6: TCP to the host's ::1 as fd00::2" {
	netd_start -c -6 "$TPID"
	bg srv socat -t30 TCP6-LISTEN:$PORT,bind=[::1],reuseaddr,fork \
		SYSTEM:"'read l; echo v6=\$l'"
	wait_for 5 listening "$PORT"
	run in_ns sh -c "echo hi | socat -T5 - TCP6:[fd00::2]:$PORT"
	[ "$output" = "v6=hi" ]
}

@test "netd without -6: no IPv6 on the tap beyond link-local" {
	netd_start -c "$TPID"
	sleep 1
	run in_ns ip -o -6 addr show tap0 scope global
	[ -z "$output" ]
}
