#!/usr/bin/env bats
# sublet-netd under rootlesskit (--slirp4netns-binary): the namespace it
# makes reaches the host, sandboxed and with seccomp, and a published port
# serves through each of rootlesskit's port drivers: slirp4netns (through
# our API socket) and builtin (rootlesskit's own listener).

load ../lib
load ../netd

setup() {
	require_test_user
	command -v rootlesskit >/dev/null || skip "rootlesskit is not installed"
	netd_setup
	S4N=${SUBLET_PREFIX:+$SUBLET_PREFIX/libexec/sublet/slirp4netns}
	[ -n "$S4N" ] || S4N=$NETD
	# rootlesskit maps ids with the system's newuidmap/newgidmap
	AS_USER_ENV="PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$UTMP"
	export AS_USER_ENV
	PORT=$(free_port)
}

teardown() {
	netd_teardown
}

@test "rootlesskit + sublet-netd: the namespace reaches the host" {
	local ip
	ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
	[ -n "$ip" ] || skip "the host has no global IPv4 address (host loopback is disabled)"
	bg srv socat TCP-LISTEN:$PORT,bind=$ip,reuseaddr,fork SYSTEM:"'echo hello-from-host'"
	wait_for 5 listening "$PORT"
	run as_user rootlesskit --state-dir="$UTMP/st" --net=slirp4netns \
		--slirp4netns-binary="$S4N" --mtu=65520 --disable-host-loopback \
		--slirp4netns-sandbox=true --slirp4netns-seccomp=true --copy-up=/etc \
		sh -c "ip -o addr show tap0; ip -o link show tap0; ss -Hltn;
			socat -T5 - TCP:$ip:$PORT </dev/null; cat /etc/resolv.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
	# the outbound fast path's listener: on under the sandbox and seccomp
	[[ "$output" == *" 127.0.0.1:"* ]]
	[[ "$output" == *" mtu 65520 "* ]]
	[[ "$output" == *"hello-from-host"* ]]
	[[ "$output" == *"nameserver 10.0.2.3"* ]]
}

@test "rootlesskit + sublet-netd: --port-driver=slirp4netns publishes a port" {
	bg rk rootlesskit --state-dir="$UTMP/st" --net=slirp4netns \
		--slirp4netns-binary="$S4N" --port-driver=slirp4netns \
		-p "127.0.0.1:$PORT:80/tcp" \
		socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:"'read l; echo rk=\$l'"
	wait_for 15 listening "$PORT"
	local pid
	# the oldest match: sublet-netd itself, not its namespace helper child
	pid=$(pgrep -o -u "$(test_uid)" -f -- "--api-socket $UTMP/st/")
	[ "$(readlink -f /proc/$pid/exe)" = "$(readlink -f "$S4N")" ]
	wait_for 10 sh -c "echo x | socat -t5 - TCP:127.0.0.1:$PORT | grep -q rk=x"
	run as_user sh -c "echo hello | socat -t5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "rk=hello" ]
	# rootlesskit stops sublet-netd when it exits
	kill -TERM "$(cat "$UTMP/rk.pid")"
	wait_for 10 pids_gone "$pid"
}

@test "rootlesskit + sublet-netd: --port-driver=builtin publishes a port" {
	bg rk rootlesskit --state-dir="$UTMP/st" --net=slirp4netns \
		--slirp4netns-binary="$S4N" --port-driver=builtin \
		-p "127.0.0.1:$PORT:80/tcp" \
		socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:"'read l; echo rk=\$l'"
	wait_for 15 listening "$PORT"
	local pid target
	# no API socket with this driver: the oldest sublet-netd of the test
	# user whose target is rootlesskit's child (its helper is younger)
	pid=$(pgrep -o -u "$(test_uid)" -f -- "^$S4N ")
	[ "$(readlink -f /proc/$pid/exe)" = "$(readlink -f "$S4N")" ]
	target=$(tr '\0' '\n' <"/proc/$pid/cmdline" | tail -2 | head -1)
	[ "$(awk '{print $4}' "/proc/$target/stat")" = "$(cat "$UTMP/rk.pid")" ]
	wait_for 10 sh -c "echo x | socat -t5 - TCP:127.0.0.1:$PORT | grep -q rk=x"
	run as_user sh -c "echo hello | socat -t5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "rk=hello" ]
	# the published port is rootlesskit's own listener, not sublet-netd's
	run ss -Hltnp "sport = :$PORT"
	[[ "$output" == *rootlesskit* ]]
	[[ "$output" != *sublet-netd* ]]
	kill -TERM "$(cat "$UTMP/rk.pid")"
	wait_for 10 pids_gone "$pid"
}
