#!/usr/bin/env bats
# run-net.bats - the container's network: sublet-netd (default) with
# DNS, /etc/hosts and published ports; none; host.

load ../lib
load ../run

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
