#!/usr/bin/env bats
# sublet-netd: a guest that asks gets its address by DHCP (cidr+15 on),
# with the gateway and DNS server of the configured network.

load ../lib
load ../netd

setup() {
	netd_setup_target
	cat >"$UTMP/dhcp.sh" <<'SH'
#!/bin/sh
echo "$1 ip=$ip subnet=$subnet router=$router dns=$dns"
SH
	chmod 755 "$UTMP/dhcp.sh"
}

teardown() {
	netd_teardown
}

# dhcp - run busybox's DHCP client on tap0 in the target, print its lease
dhcp() {
	in_ns sh -c "ip link set tap0 up &&
		busybox udhcpc -i tap0 -f -q -n -t 5 -T 1 -s $UTMP/dhcp.sh 2>/dev/null"
}

@test "netd: DHCP gives the guest cidr+15, gateway +2, DNS +3" {
	netd_start "$TPID"
	run dhcp
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bound ip=10.0.2.15 subnet=255.255.255.0 router=10.0.2.2 dns=10.0.2.3"* ]]
}

@test "netd --cidr 10.9.0.0/16: DHCP follows the network" {
	netd_start --cidr 10.9.0.0/16 "$TPID"
	run dhcp
	echo "$output"
	[[ "$output" == *"bound ip=10.9.0.15 subnet=255.255.0.0 router=10.9.0.2 dns=10.9.0.3"* ]]
}
