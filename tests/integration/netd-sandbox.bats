#!/usr/bin/env bats
# sublet-netd --enable-sandbox / --enable-seccomp: the process ends up
# with an empty read-only root, no capabilities (but CAP_NET_ADMIN over
# the target's user namespace while the outbound fast path is on) and a
# seccomp filter, and still carries traffic, serves the API and publishes
# ports.

load ../lib
load ../netd

setup() {
	netd_setup_target 2
}

teardown() {
	netd_teardown
}

# status_field NAME - a field of /proc/$NPID/status
status_field() {
	awk -v k="$1:" '$1 == k {print $2}' "/proc/$NPID/status"
}

@test "netd --enable-sandbox: empty root, no capabilities, no_new_privs" {
	netd_start -c --enable-sandbox --disable-outbound-fastpath \
		-a "$UTMP/api.sock" "$TPID"
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapPrm)" = 0000000000000000 ]
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapBnd)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	[ "$(status_field NoNewPrivs)" = 1 ]
	[ "$(status_field Seccomp)" = 0 ]
	# its own mount namespace, in the target's user namespace
	[ "$(readlink /proc/$NPID/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
	[ "$(readlink /proc/$NPID/ns/user)" = "$(readlink /proc/$TPID/ns/user)" ]
	# the root holds only the directory with resolv.conf
	local real top want
	real=$(realpath /etc/resolv.conf)
	top=${real#/}
	top=${top%%/*}
	want=$top
	[ "$top" = etc ] || want=$(printf 'etc\n%s' "$top")
	# a sanitizer build keeps /proc for its leak checker
	! grep -q libasan "/proc/$NPID/maps" || want=$(printf '%s\nproc' "$want")
	run ls -A "/proc/$NPID/root/"
	echo "$output"
	[ "$output" = "$want" ]
	[ -r "/proc/$NPID/root/etc/resolv.conf" ]
	[ ! -e "/proc/$NPID/root/usr" ]
	# mounted read-only: the root tmpfs and the resolv.conf directory
	run awk '{print $5, $6}' "/proc/$NPID/mountinfo"
	echo "$output"
	[[ "${lines[0]}" == "/ ro,"* ]]
	[[ "$output" == *"$(dirname "$real") ro,"* ]]
	# still serving: traffic and the API
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'read l; echo sandboxed=\$l'"
	wait_for 5 listening "$PORT"
	run in_ns sh -c "echo x | socat -T5 - TCP:10.0.2.2:$PORT"
	[ "$output" = "sandboxed=x" ]
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[]}}' ]
}

@test "netd --enable-seccomp: filter on, traffic of every kind still flows" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	netd_start -c -6 --enable-sandbox --enable-seccomp -a "$UTMP/api.sock" \
		--mtu 65520 "$TPID"
	[ "$(status_field Seccomp)" = 2 ]
	# the outbound fast path's one capability (the next test)
	[ "$(status_field CapEff)" = 0000000000001000 ]
	# TCP and UDP out to the host
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'read l; echo tcp=\$l'"
	bg usrv socat -T10 UDP-LISTEN:$PORT,bind=127.0.0.1 \
		SYSTEM:"'read l; echo udp=\$l'"
	wait_for 5 listening "$PORT"
	wait_for 5 listening "$PORT" udp
	run in_ns sh -c "echo a | socat -T5 - TCP:10.0.2.2:$PORT"
	[ "$output" = "tcp=a" ]
	run in_ns sh -c "echo b | socat -T5 - UDP:10.0.2.2:$PORT"
	[ "$output" = "udp=b" ]
	# a refused connection (RST path) and a bulk transfer
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT2,connect-timeout=3
	[ "$status" -ne 0 ]
	port3=$(free_port_other "$PORT" "$PORT2")
	port4=$(free_port_other "$PORT" "$PORT2" "$port3")
	head -c 4194304 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg down socat -u OPEN:$UTMP/blob,rdonly TCP-LISTEN:$port3,bind=127.0.0.1,reuseaddr
	wait_for 5 listening $port3
	in_ns socat -T10 -u TCP:10.0.2.2:$port3 CREATE:$UTMP/got
	cmp "$UTMP/blob" "$UTMP/got"
	# published ports, IPv4 and IPv6, added and removed
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"socat -t30 TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork SYSTEM:'read l; echo ns=\$l' >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/nsrv.pid"
	wait_for 5 ns_listening 8080
	run api '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"127.0.0.1","host_port":'$port4',"guest_port":8080}}'
	[ "$output" = '{"return":{"id":1}}' ]
	run api '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"::1","host_port":'$port4',"guest_port":8080}}'
	[ "$output" = '{"return":{"id":2}}' ]
	run as_user sh -c "echo c | socat -T5 - TCP:127.0.0.1:$port4"
	[ "$output" = "ns=c" ]
	run as_user sh -c "echo d | socat -T5 - TCP6:[::1]:$port4"
	[ "$output" = "ns=d" ]
	run api '{"execute":"remove_hostfwd","arguments":{"id":1}}'
	[ "$output" = '{"return":{}}' ]
	run api '{"execute":"bad'
	[ "$output" = '{"error":{"desc":"bad request: cannot parse JSON: truncated"}}' ]
	# IPv6 router advertisements (libslirp's timer) reached the guest
	wait_for 10 in_ns sh -c "ip -6 route show default | grep -q 'via fe80::2'"
	# alive after all of it
	kill -0 "$NPID"
	[ "$(awk '{print $3}' /proc/$NPID/stat)" != Z ]
}

@test "netd --enable-sandbox with --netns-type=path, in our own user namespace" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	# as under Podman: no user namespace to join, sandboxing still works
	bg outer "unshare -r -m bash -c 'touch $UTMP/netns &&
		unshare --net=$UTMP/netns true || exit 1
		$NETD -c -r 3 --enable-sandbox --enable-seccomp --netns-type=path \
			$UTMP/netns tap0 3>$UTMP/ready & echo \$! >$UTMP/netd.pid; wait'"
	wait_for 10 grep -qsx 1 "$UTMP/ready"
	NPID=$(cat "$UTMP/netd.pid")
	[ "$(status_field Seccomp)" = 2 ]
	# CAP_NET_ADMIN only, over the user namespace unshare -r made
	[ "$(status_field CapEff)" = 0000000000001000 ]
	[ "$(status_field CapBnd)" = 0000000000001000 ]
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr SYSTEM:"'echo path-ok'"
	wait_for 5 listening "$PORT"
	run as_user nsenter -t "$(cat "$UTMP/outer.pid")" -U -m --preserve-credentials \
		nsenter --net="$UTMP/netns" socat -T5 - TCP:10.0.2.2:$PORT
	[ "$output" = "path-ok" ]
}

@test "netd --enable-sandbox as root of a user namespace the target's does not map" {
	# as under Podman with --userns auto: sublet-netd runs as root of the
	# rootless namespace (the test user and its subordinate ids) for a
	# container whose namespace, a child of it, maps only ids 1.. of it
	as_user tee "$UTMP/outer.sh" >/dev/null <<'SH'
unshare -U -n sleep 1000 & t=$!
echo "$t" >"$UTMP/inner.pid"
until [ "$(readlink /proc/$t/ns/user)" != "$(readlink /proc/self/ns/user)" ]; do :; done
echo "0 1 1000" >/proc/$t/uid_map && echo "0 1 1000" >/proc/$t/gid_map || exit 1
$NETD -c -r 3 --enable-sandbox "$t" tap0 3>"$UTMP/ready" & echo $! >"$UTMP/netd.pid"
wait
SH
	bg outer "UTMP=$UTMP NETD='$NETD' unshare --map-auto --map-root-user sh $UTMP/outer.sh"
	wait_for 10 grep -qsx 1 "$UTMP/ready" || { cat "$UTMP/outer.log"; false; }
	NPID=$(cat "$UTMP/netd.pid")
	local inner
	inner=$(cat "$UTMP/inner.pid")
	# sandboxed where it runs, as slirp4netns does as uid 0
	[ "$(readlink /proc/$NPID/ns/user)" = "$(readlink /proc/$(cat "$UTMP/outer.pid")/ns/user)" ]
	[ "$(readlink /proc/$NPID/ns/user)" != "$(readlink /proc/$inner/ns/user)" ]
	[ "$(readlink /proc/$NPID/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
	# only what the outbound fast path's verdicts need, over the
	# rootless namespace (not the host's)
	[ "$(status_field CapEff)" = 0000000000001000 ]
	[ "$(status_field CapBnd)" = 0000000000001000 ]
	bg srv socat -t30 TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr SYSTEM:"'echo auto-ok'"
	wait_for 5 listening "$PORT"
	run nsenter -t "$inner" -n socat -T5 - TCP:10.0.2.2:$PORT
	[ "$output" = auto-ok ]
}

@test "netd --enable-sandbox with the outbound fast path: CAP_NET_ADMIN over the target's user namespace, nothing more" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	netd_start -c --enable-sandbox --enable-seccomp "$TPID"
	# the one capability the verdicts need (bit 12), in every set that
	# holds one; none to gain back (bounding set, no_new_privs)
	[ "$(status_field CapEff)" = 0000000000001000 ]
	[ "$(status_field CapPrm)" = 0000000000001000 ]
	[ "$(status_field CapBnd)" = 0000000000001000 ]
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	[ "$(status_field NoNewPrivs)" = 1 ]
	[ "$(status_field Seccomp)" = 2 ]
	# over the target's user namespace, which owns the target's network
	# namespace and nothing of the host's
	[ "$(readlink /proc/$NPID/ns/user)" = "$(readlink /proc/$TPID/ns/user)" ]
	[ "$(readlink /proc/$NPID/ns/net)" = "$(readlink /proc/self/ns/net)" ]
	# what it is for: outbound TCP joined kernel to kernel
	bg hold socat -u TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork SYSTEM:"'sleep 30'"
	wait_for 5 listening "$PORT"
	P=$(in_ns ss -Hltn "( src 127.0.0.1 )" | awk '{sub(/.*:/, "", $4); print $4; exit}')
	[ -n "$P" ]
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:10.0.2.2:$PORT OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli.pid"
	wait_for 10 eval "in_ns ss -Htn state established '( sport = :$P )' | grep -q 10.0.2.100"
	# with the fast path off there is nothing to keep
	kill "$NPID"
	wait_for 10 pids_gone "$NPID"
	netd_start -c --enable-sandbox --enable-seccomp --disable-outbound-fastpath "$TPID"
	[ "$(status_field CapEff)" = 0000000000000000 ]
	[ "$(status_field CapBnd)" = 0000000000000000 ]
}
