#!/usr/bin/env bats
# sublet-netd -c: the tap inside the target namespace (by PID and by path),
# its address, route, MTU and MAC, --cidr, and no configuration without -c.

load ../lib
load ../netd

setup() {
	netd_setup_target
}

teardown() {
	netd_teardown
}

@test "netd -c: tap0 gets cidr+100, a default route via +2, lo is up" {
	netd_start -c "$TPID"
	run in_ns ip -o -4 addr show tap0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.0.2.100/24 brd 10.0.2.255 scope global tap0"* ]]
	run in_ns ip route show default
	[ "$output" = "default via 10.0.2.2 dev tap0 " ] || [ "$output" = "default via 10.0.2.2 dev tap0" ]
	run in_ns ip -o link show tap0
	[[ "$output" == *"<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 "* ]]
	run in_ns ip -o link show lo
	[[ "$output" == *",UP,"* ]]
	# sublet-netd itself stays in the host's network namespace
	[ "$(readlink /proc/$NPID/ns/net)" = "$(readlink /proc/self/ns/net)" ]
}

@test "netd: without -c the tap exists but is left alone" {
	netd_start "$TPID" tapx
	run in_ns ip -o link show tapx
	[ "$status" -eq 0 ]
	[[ "$output" != *"UP"* ]]
	run in_ns ip -o -4 addr show tapx
	[ -z "$output" ]
}

@test "netd --mtu 65520 --macaddress: the tap has them" {
	netd_start -c --mtu=65520 --macaddress=02:12:34:56:78:9a "$TPID" tap0
	run in_ns ip -o link show tap0
	[[ "$output" == *" mtu 65520 "* ]]
	[[ "$output" == *"link/ether 02:12:34:56:78:9a "* ]]
	# libslirp uses the MTU too: a big TCP segment crosses in one frame
	bg srv socat -t30 TCP-LISTEN:$((PORT = $(free_port))),bind=127.0.0.1,reuseaddr SYSTEM:'head\ -c\ 200000\ /dev/zero'
	wait_for 5 listening "$PORT"
	run in_ns sh -c "socat -T5 - TCP:10.0.2.2:$PORT | wc -c"
	[ "$output" = "200000" ]
	run in_ns ip -s -o link show tap0
	echo "$output"
}

@test "netd --cidr 10.8.0.0/16: guest .100, gateway .2" {
	netd_start -c --cidr 10.8.0.0/16 "$TPID"
	run in_ns ip -o -4 addr show tap0
	[[ "$output" == *"inet 10.8.0.100/16 brd 10.8.255.255 scope global tap0"* ]]
	run in_ns ip route show default
	[[ "$output" == "default via 10.8.0.2 dev tap0"* ]]
	run in_ns ip neigh show
	bg srv socat -t30 TCP-LISTEN:$((PORT = $(free_port))),bind=127.0.0.1,reuseaddr SYSTEM:'echo\ cidr-ok'
	wait_for 5 listening "$PORT"
	run in_ns socat -T5 - TCP:10.8.0.2:$PORT
	[ "$output" = "cidr-ok" ]
}

@test "netd --netns-type=path --userns-path: the namespace files given" {
	netd_start -c --netns-type=path --userns-path=/proc/$TPID/ns/user \
		/proc/$TPID/ns/net tap2
	run in_ns ip -o -4 addr show tap2
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
}

@test "netd --netns-type=path: a persistent netns file, as Podman passes" {
	# Podman runs us inside its user+mount namespace, where the netns is
	# bind-mounted at /run/user/UID/netns/NAME: do the same in $UTMP.
	bg netd "unshare -r -m sh -c 'touch $UTMP/netns &&
		unshare --net=$UTMP/netns true &&
		exec $NETD -c -r 3 --mtu=65520 --netns-type=path $UTMP/netns tap0 3>$UTMP/ready'"
	wait_for 10 grep -q 1 "$UTMP/ready"
	NPID=$(cat "$UTMP/netd.pid")
	run as_user nsenter -t "$NPID" -U -m --preserve-credentials \
		nsenter --net="$UTMP/netns" ip -o addr show tap0
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
	run as_user nsenter -t "$NPID" -U -m --preserve-credentials \
		nsenter --net="$UTMP/netns" ip -o link show tap0
	[[ "$output" == *" mtu 65520 "* ]]
}

@test "netd: a tap name already taken in the namespace is refused" {
	in_ns ip tuntap add dev busy0 mode tun
	run as_user "$NETD" "$TPID" busy0
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: ioctl(TUNSETIFF): Invalid argument (cannot create tap device busy0)" ] ||
		[ "$output" = "sublet-netd: ioctl(TUNSETIFF): Device or resource busy (cannot create tap device busy0)" ]
}

@test "netd: namespaces that cannot be used are refused" {
	run as_user "$NETD" -c 1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: /proc/1/ns/net: Permission denied (cannot open the network namespace)" ]
	run as_user "$NETD" -c --netns-type=path /etc/passwd
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: setns(CLONE_NEWNET): Invalid argument (cannot join network namespace /etc/passwd)" ]
	run as_user "$NETD" -c --userns-path=/proc/$TPID/ns/net "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: setns(CLONE_NEWUSER): Invalid argument (cannot join user namespace /proc/$TPID/ns/net)" ]
	run as_user "$NETD" -c --userns-path="$UTMP/none" "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: userns path doesn't exist: $UTMP/none" ]
	# nothing was created in the target
	run in_ns ip -o link show tap0
	[ "$status" -ne 0 ]
}
