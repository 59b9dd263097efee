#!/usr/bin/env bats
# run-net.bats - the container's network: sublet-netd (default) with
# DNS, /etc/hosts and published ports; none; host.

load ../lib
load ../run
bats_require_minimum_version 1.5.0

run_hooks
setup() {
	run_setup
	import_busybox
	PORT=$((20000 + RANDOM % 20000))
}

@test "netd: tap0 configured, resolver 10.0.2.3, hosts and hostname" {
	run sl run --rm --hostname web busybox sh -c \
		'ip -4 -o addr show tap0; ip route; cat /etc/resolv.conf; grep web /etc/hosts; cat /etc/hostname'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"inet 10.0.2.100/24"* ]]
	[[ "$output" == *"default via 10.0.2.2 dev tap0"* ]]
	[[ "$output" == *"nameserver 10.0.2.3"* ]]
	[[ "$output" == *"10.0.2.100	web"* ]]
	[ "${lines[-1]}" = web ]
	assert_clean
}

@test "none: only a loopback; host: the host's interfaces" {
	run sl run --rm --net none busybox sh -c 'ls /sys/class/net'
	[ "$output" = lo ]
	# and the loopback is up, with its address, as runc leaves it
	run sl run --rm --net none busybox sh -c 'cat /sys/class/net/lo/flags; ip -o -4 addr show dev lo'
	echo "$output"
	[ "${lines[0]}" = 0x9 ]
	[[ "${lines[1]}" == *127.0.0.1/8* ]]
	run sl run --rm --net host busybox sh -c 'ls /sys/class/net | wc -l'
	[ "$output" -eq "$(ls /sys/class/net | wc -l)" ]
}

@test "a published port is served from inside the container" {
	as_user mkdir "$UTMP/www"
	echo "hello from a sublet container" >"$UTMP/www/index.html"
	as_user "$SUBLET" run --rm --name web -p "$PORT:80" -v "$UTMP/www:/www:ro" \
		-e SUBLET_TEST_MARK="$UTMP" \
		busybox httpd -f -p 80 -h /www >/dev/null 2>&1 &
	wait_for 10 curl -sf "http://127.0.0.1:$PORT/"
	run curl -s "http://127.0.0.1:$PORT/index.html"
	[ "$output" = "hello from a sublet container" ]
	run busybox wget -qO- "http://127.0.0.1:$PORT/"
	[ "$output" = "hello from a sublet container" ]
	sl stop -t 1 web
	wait
	assert_clean
}

@test "a port already in use is refused with what to do" {
	as_user busybox nc -l -p "$PORT" -e true >/dev/null 2>&1 &
	wait_for 5 sh -c "ss -ltn | grep -q ':$PORT '"
	run sl run --rm -p "$PORT:80" busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: port $PORT is already in use on the host: publish another one (-p HOST:80)" ]
	for p in $(our_pids); do
		tr '\0' ' ' </proc/$p/cmdline | grep -q "^busybox nc -l" && kill "$p"
	done
	assert_clean
}

@test "netd: outbound TCP to the host takes the fast path" {
	as_user mkdir "$UTMP/srv"
	head -c 1048576 /dev/urandom >"$UTMP/srv/blob"
	chmod a+r "$UTMP/srv/blob"
	as_user busybox httpd -f -p "127.0.0.1:$PORT" -h "$UTMP/srv" &
	wait_for 5 sh -c "ss -ltn | grep -q '127.0.0.1:$PORT '"
	# the fast path's listener lives in the container's namespace, on
	# 127.0.0.1 (libslirp's path has no socket there), and the host's
	# server answers through it
	run sl run --rm busybox sh -c \
		"netstat -ltn; wget -qO- http://10.0.2.2:$PORT/blob | md5sum"
	echo "$output"
	for p in $(our_pids); do
		tr '\0' ' ' </proc/$p/cmdline | grep -q "^busybox httpd" && kill "$p"
	done
	[ "$status" -eq 0 ]
	[[ "$output" == *" 127.0.0.1:"*" LISTEN"* ]]
	[ "${lines[-1]%% *}" = "$(md5sum <"$UTMP/srv/blob" | cut -d' ' -f1)" ]
	assert_clean
}

# as_user_netd PROG CMD... - CMD as the test user in a private mount
# namespace where the script PROG stands in for the sublet-netd that
# sublet finds next to itself
as_user_netd() {
	local netd
	is_root || skip "needs root to bind a sublet-netd over the installed one"
	netd="$(dirname "$SUBLET")/sublet-netd"
	[ -x "$netd" ] || skip "no sublet-netd next to $SUBLET"
	chmod 0755 "$1"
	unshare -m sh -c "mount --bind $1 $netd
		cd $UTMP && exec setpriv --reuid=$(test_uid) --regid=$(test_gid) \
		--init-groups --reset-env env PATH=$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:/usr/bin:/bin \
		$AS_USER_ENV \"\$@\"" sh "${@:2}"
}

@test "netd: the network is up when the container's first command runs" {
	# sublet-netd starts while the init makes its mounts: the container
	# must still find tap0 up, addressed and routed at its first exec
	for i in 1 2 3 4 5; do
		run sl run --rm busybox ip -o link show tap0
		[ "$status" -eq 0 ]
		[[ "$output" == *"<BROADCAST,MULTICAST,UP,LOWER_UP>"* ]]
		run sl run --rm busybox ip -o -4 addr show tap0
		[[ "$output" == *"inet 10.0.2.100/24"* ]]
		run sl run --rm busybox ip route
		[[ "${lines[0]}" == "default via 10.0.2.2 dev tap0"* ]]
	done
	assert_clean
}

@test "run -d returns with the published port already listening" {
	as_user mkdir "$UTMP/www"
	echo "first" >"$UTMP/www/index.html"
	run sl run -d --rm --name web -p "127.0.0.1:$PORT:80" \
		-v "$UTMP/www:/www:ro" -e SUBLET_TEST_MARK="$UTMP" \
		busybox httpd -f -p 80 -h /www
	[ "$status" -eq 0 ]
	# no waiting here: the forward was added before the container started
	run ss -Hltn "sport = :$PORT"
	[[ "$output" == *"127.0.0.1:$PORT "* ]]
	# httpd itself may take a moment to listen inside
	wait_for 10 sh -c "curl -s --max-time 5 http://127.0.0.1:$PORT/ | grep -qx first"
	sl stop -t 1 web
	assert_clean
}

@test "a sublet-netd that fails at start: its line and ours, nothing left" {
	printf '#!/bin/sh\necho "sublet-netd: cannot start (test)" >&2\nexit 1\n' >"$UTMP/netd-fail"
	run as_user_netd "$UTMP/netd-fail" "$SUBLET" run --rm busybox true
	echo "$output"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "sublet-netd: cannot start (test)" ]
	[ "${lines[1]}" = "sublet: sublet-netd did not start: see its message above, or use --net none" ]
	assert_clean
	# a helper that dies without a word, under -d: one line from sublet
	printf '#!/bin/sh\nexit 3\n' >"$UTMP/netd-quiet"
	run as_user_netd "$UTMP/netd-quiet" "$SUBLET" run -d --name q busybox true
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: sublet-netd did not start (exit status 3): use --net none to run without a network" ]
	assert_clean
	# one that closes its ready fd and lives on is not waited for
	printf '#!/bin/sh\nexec 4>&-\nexec sleep 600\n' >"$UTMP/netd-mute"
	run as_user_netd "$UTMP/netd-mute" timeout 60 "$SUBLET" run --rm busybox true
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: sublet-netd did not start (exit status 137): use --net none to run without a network" ]
	assert_clean
}

@test "create fails while sublet-netd starts: one line, nothing left" {
	# the init fails after sublet-netd was started on it: sublet-netd is
	# stopped first and says nothing
	for i in 1 2 3; do
		run -127 sl run --rm busybox no-such-command
		echo "$output"
		[ "$status" -eq 127 ]
		[ "$output" = "sublet: command \`no-such-command\` not found in image \`busybox\`: check the name, or give its full path" ]
		assert_clean
	done
}
