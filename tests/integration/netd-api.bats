#!/usr/bin/env bats
# sublet-netd --api-socket: add_hostfwd, list_hostfwd, remove_hostfwd,
# published ports carrying data both ways (TCP, UDP, IPv6), and an error
# reply, never a crash, for every bad request.

load ../lib
load ../netd

setup() {
	netd_setup_target 2
}

teardown() {
	netd_teardown
}

# add PROTO HOST_PORT GUEST_PORT [EXTRA_JSON] - add_hostfwd, print the reply
add() {
	api "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"$1\",\"host_port\":$2,\"guest_port\":$3${4:+,$4}}}"
}

@test "netd api: add, list and remove forwards" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	[ -S "$UTMP/api.sock" ]
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[]}}' ]
	run add tcp "$PORT" 80 '"host_addr":"127.0.0.1","guest_addr":"10.0.2.100"'
	[ "$output" = '{"return":{"id":1}}' ]
	run add udp "$PORT" 53
	[ "$output" = '{"return":{"id":2}}' ]
	run add tcp "$PORT" 80 '"host_addr":"::1"'
	[ "$output" = '{"return":{"id":3}}' ]
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[{"id":1,"proto":"tcp","host_addr":"127.0.0.1","host_port":'$PORT',"guest_addr":"10.0.2.100","guest_port":80},{"id":2,"proto":"udp","host_addr":"0.0.0.0","host_port":'$PORT',"guest_addr":"10.0.2.100","guest_port":53},{"id":3,"proto":"tcp","host_addr":"::1","host_port":'$PORT',"guest_addr":"fd00::100","guest_port":80}]}}' ]
	listening "$PORT"
	listening "$PORT" udp
	run api '{"execute":"remove_hostfwd","arguments":{"id":1}}'
	[ "$output" = '{"return":{}}' ]
	run api '{"execute":"remove_hostfwd","arguments":{"id":3}}'
	[ "$output" = '{"return":{}}' ]
	! listening "$PORT" || false
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[{"id":2,"proto":"udp","host_addr":"0.0.0.0","host_port":'$PORT',"guest_addr":"10.0.2.100","guest_port":53}]}}' ]
	# empty addresses mean the defaults (Podman sends guest_addr "")
	run add tcp $PORT2 80 '"host_addr":"","guest_addr":""'
	[ "$output" = '{"return":{"id":4}}' ]
	run api '{"execute":"list_hostfwd"}'
	[[ "$output" == *'{"id":4,"proto":"tcp","host_addr":"0.0.0.0","host_port":'$PORT2',"guest_addr":"10.0.2.100","guest_port":80}'* ]]
	# ids are not reused; a trailing newline is fine
	run api "$(printf '%s\n' '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":'$PORT',"guest_port":80}}')"
	[ "$output" = '{"return":{"id":5}}' ]
}

@test "netd api: a published TCP port carries data both ways" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"socat -t30 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'read l; echo \$l >>$UTMP/seen; echo ns-reply=\$l' >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/nsrv.pid"
	wait_for 5 ns_listening 8080
	run add tcp "$PORT" 8080 '"host_addr":"127.0.0.1"'
	[ "$output" = '{"return":{"id":1}}' ]
	run as_user sh -c "echo from-host | socat -T5 - TCP:127.0.0.1:$PORT"
	[ "$output" = "ns-reply=from-host" ]
	[ "$(cat "$UTMP/seen")" = "from-host" ]
	# a bigger exchange: 1 MiB in, its checksum back
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"socat -t30 TCP-LISTEN:8081,reuseaddr SYSTEM:'sha256sum' >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/nsrv2.pid"
	wait_for 5 ns_listening 8081
	add tcp $PORT2 8081 >/dev/null
	head -c 1048576 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	run as_user socat -T5 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:127.0.0.1:$PORT2
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	api '{"execute":"remove_hostfwd","arguments":{"id":1}}'
	run as_user socat -T2 - TCP:127.0.0.1:$PORT </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
}

@test "netd api: a published UDP port carries data both ways" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"socat -T5 UDP-LISTEN:5353 SYSTEM:'read l; echo udp-ns=\$l' >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/nsrv.pid"
	wait_for 5 ns_listening 5353 udp
	run add udp "$PORT" 5353 '"host_addr":"127.0.0.1"'
	[ "$output" = '{"return":{"id":1}}' ]
	run as_user sh -c "echo ping | socat -T3 - UDP:127.0.0.1:$PORT"
	echo "out: $output"
	[ "$output" = "udp-ns=ping" ]
}

@test "netd api: a published IPv6 port reaches fd00::100 (-6)" {
	grep -q . /proc/net/if_inet6 || skip "IPv6 is disabled on this host"
	netd_start -c -6 -a "$UTMP/api.sock" "$TPID"
	run in_ns ip -o -6 addr show tap0
	[[ "$output" == *"inet6 fd00::100/64 scope global"* ]]
	as_user nsenter --preserve-credentials -U -n -t "$TPID" sh -c \
		"socat -t30 TCP6-LISTEN:8080,reuseaddr SYSTEM:'read l; echo v6-reply=\$l' >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/nsrv.pid"
	wait_for 5 ns_listening 8080
	run add tcp "$PORT" 8080 '"host_addr":"::1"'
	[ "$output" = '{"return":{"id":1}}' ]
	run as_user sh -c "echo six | socat -T5 - TCP6:[::1]:$PORT"
	echo "out: $output"
	[ "$output" = "v6-reply=six" ]
}

# refused JSON DESC - the request gets exactly {"error":{"desc":DESC}}
refused() {
	run api "$1"
	echo "request: $1"
	echo "reply:   $output"
	[ "$output" = "{\"error\":{\"desc\":\"$2\"}}" ]
}

@test "netd api: every bad request gets an error, and the daemon lives on" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	refused '' 'bad request: cannot parse JSON: truncated'
	refused '{"execute":"list_hostfwd"' 'bad request: cannot parse JSON: truncated'
	refused '{"execute": list}' 'bad request: cannot parse JSON: unexpected character'
	refused 'nonsense' 'bad request: cannot parse JSON: null expected'
	refused '[1,2]' 'bad request: json_object() failed: the request must be a JSON object'
	refused '{"execute":"list_hostfwd"} {}' 'bad request: cannot parse JSON: trailing data after the JSON object'
	refused '{}' 'bad request: no execute found'
	refused '{"execute":42}' 'bad request: no execute found: \"execute\" must be a string'
	refused '{"execute":"reboot"}' 'bad request: unknown execute: \"reboot\"'
	refused '{"execute":"add_hostfwd"}' \
		'bad request: add_hostfwd: bad arguments.proto: missing \"arguments\"'
	refused '{"execute":"add_hostfwd","arguments":[]}' \
		'bad request: add_hostfwd: bad arguments.proto: \"arguments\" must be an object'
	refused '{"execute":"list_hostfwd","arguments":[]}' \
		'bad request: \"arguments\" must be an object'
	# slirp4netns 1.2 crashes on this one
	refused '{"execute":"add_hostfwd","arguments":{"host_port":8080,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.proto: missing'
	refused '{"execute":"add_hostfwd","arguments":{"proto":6,"host_port":8080,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.proto: must be a string'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"sctp","host_port":8080,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.proto: must be \"tcp\" or \"udp\"'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: missing'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":8080}}' \
		'bad request: add_hostfwd: bad arguments.guest_port: missing'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":"8080","guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: must be an integer'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":80.5,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: must be an integer'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":0,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: must be 1..65535, not 0'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":8080,"guest_port":65536}}' \
		'bad request: add_hostfwd: bad arguments.guest_port: must be 1..65535, not 65536'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":-1,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: must be 1..65535, not -1'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":99999999999999999999,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_port: must be 1..65535, not 9223372036854775807'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"1.2.3","host_port":8080,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_addr: not an IP address'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":null,"host_port":8080,"guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.host_addr: must be a string'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":8080,"guest_addr":"example.com","guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.guest_addr: not an IP address'
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"::","host_port":8080,"guest_addr":"10.0.2.100","guest_port":80}}' \
		"bad request: add_hostfwd: bad arguments.guest_addr: not of host_addr's family"
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":8080,"guest_addr":"192.168.1.1","guest_port":80}}' \
		'bad request: add_hostfwd: bad arguments.guest_addr: outside the network'
	refused '{"execute":"remove_hostfwd","arguments":{}}' 'bad request: remove_hostfwd: bad arguments.id: missing'
	refused '{"execute":"remove_hostfwd","arguments":{"id":"1"}}' 'bad request: remove_hostfwd: bad arguments.id: must be an integer'
	refused '{"execute":"remove_hostfwd","arguments":{"id":7}}' \
		'bad request: remove_hostfwd: bad arguments.id: no forward with id 7'
	refused '{"execute":"remove_hostfwd","arguments":{"id":-7}}' \
		'bad request: remove_hostfwd: bad arguments.id: no forward with id -7'
	# deep nesting is refused by the parser, not by the stack
	refused "$(printf '[%.0s' $(seq 1 20))" \
		'bad request: cannot parse JSON: nesting too deep'
	# a NUL byte inside the request
	output=$(printf '{"execute":\0"list_hostfwd"}' |
		as_user socat -t5 - UNIX-CONNECT:$UTMP/api.sock)
	[ "$output" = '{"error":{"desc":"bad request: cannot parse JSON: NUL byte in request"}}' ]
	# still alive and serving
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[]}}' ]
	kill -0 "$NPID"
}

@test "netd api: a port already taken on the host is refused" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	bg srv socat TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr STDOUT
	wait_for 5 listening "$PORT"
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_addr":"127.0.0.1","host_port":'$PORT',"guest_port":80}}' \
		"bad request: add_hostfwd: slirp_add_hostfwd failed: cannot listen on 127.0.0.1 port $PORT/tcp: Address already in use"
	run add tcp $PORT2 80
	[ "$output" = '{"return":{"id":1}}' ]
	refused '{"execute":"add_hostfwd","arguments":{"proto":"tcp","host_port":'$PORT2',"guest_port":81}}' \
		"bad request: add_hostfwd: slirp_add_hostfwd failed: cannot listen on 0.0.0.0 port $PORT2/tcp: Address already in use"
	run api '{"execute":"list_hostfwd"}'
	[[ "$output" == '{"return":{"entries":[{"id":1,'* ]]
	[[ "$output" != *'"id":2'* ]]
}

@test "netd api: oversized requests are refused" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	head -c 1000000 /dev/zero | tr '\0' ' ' >"$UTMP/big"
	run api_file "$UTMP/big"
	echo "out: $output"
	[ "$output" = '{"error":{"desc":"bad request: too large message: over 64 KiB"}}' ]
	# 60000 bytes of blanks around a request are within the cap
	{ head -c 60000 /dev/zero | tr '\0' ' '; echo '{"execute":"list_hostfwd"}'; } >"$UTMP/padded"
	run api_file "$UTMP/padded"
	[ "$output" = '{"return":{"entries":[]}}' ]
}

@test "netd api: a slow client times out and does not block others" {
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	# a client that connects and never finishes its request
	bg slow socat -u UNIX-CONNECT:$UTMP/api.sock STDOUT
	sleep 0.3
	local t=$SECONDS
	run api '{"execute":"list_hostfwd"}'
	[ "$output" = '{"return":{"entries":[]}}' ]
	[ $((SECONDS - t)) -le 2 ]
	wait_for 10 grep -q timeout "$UTMP/slow.log"
	[ "$(cat "$UTMP/slow.log")" = '{"error":{"desc":"bad request: timeout"}}' ]
}

# both_refuse DESC REQUEST - slirp4netns 1.2 answers REQUEST with exactly
# {"error":{"desc":DESC}}, sublet-netd with a desc that starts with DESC
both_refuse() {
	printf '%s' "$2" >"$UTMP/req"
	chmod 644 "$UTMP/req"
	run api_file "$UTMP/req" "$UTMP/s4n.sock"
	echo "request:     ${2:0:200}"
	echo "slirp4netns: $output"
	[ "$output" = "{\"error\":{\"desc\":\"$1\"}}" ]
	run api_file "$UTMP/req"
	echo "sublet-netd: $output"
	[[ "$output" == "{\"error\":{\"desc\":\"$1"* ]]
}

@test "netd api: refusals say what slirp4netns 1.2 says" {
	[ -x /usr/bin/slirp4netns ] ||
		skip "/usr/bin/slirp4netns is not installed (apt-get install slirp4netns)"
	netd_start -c -a "$UTMP/api.sock" "$TPID"
	# slirp4netns on a second tap of the same namespace, API only
	bg s4n /usr/bin/slirp4netns -a "$UTMP/s4n.sock" "$TPID" tap1
	wait_for 10 test -S "$UTMP/s4n.sock"
	local add='{"execute":"add_hostfwd","arguments":'
	both_refuse 'bad request: cannot parse JSON' ''
	both_refuse 'bad request: cannot parse JSON' '{"execute":"list_hostfwd"'
	both_refuse 'bad request: cannot parse JSON' 'nonsense'
	both_refuse 'bad request: cannot parse JSON' '{"execute": list}'
	both_refuse 'bad request: json_object() failed' '[1,2]'
	both_refuse 'bad request: json_object() failed' '"x"'
	both_refuse 'bad request: no execute found' '{}'
	both_refuse 'bad request: no execute found' '{"execute":42}'
	both_refuse 'bad request: no execute found' '{"execute":null}'
	both_refuse 'bad request: unknown execute' '{"execute":"reboot"}'
	both_refuse 'bad request: add_hostfwd: bad arguments.proto' \
		"$add"'{"proto":"sctp","host_port":8080,"guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.host_addr' \
		"$add"'{"proto":"tcp","host_addr":"1.2.3","host_port":8080,"guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.host_addr' \
		"$add"'{"proto":"tcp","host_addr":"bogus","host_port":8080,"guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.host_port' \
		"$add"'{"proto":"tcp","guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.host_port' \
		"$add"'{"proto":"tcp","host_port":"8080","guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.host_port' \
		"$add"'{"proto":"tcp","host_port":0,"guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.guest_addr' \
		"$add"'{"proto":"tcp","host_port":8080,"guest_addr":"example.com","guest_port":80}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.guest_port' \
		"$add"'{"proto":"tcp","host_port":8080}}'
	both_refuse 'bad request: add_hostfwd: bad arguments.guest_port' \
		"$add"'{"proto":"tcp","host_port":8080,"guest_port":"80"}}'
	both_refuse 'bad request: remove_hostfwd: bad arguments.id' \
		'{"execute":"remove_hostfwd"}'
	both_refuse 'bad request: remove_hostfwd: bad arguments.id' \
		'{"execute":"remove_hostfwd","arguments":{}}'
	both_refuse 'bad request: remove_hostfwd: bad arguments.id' \
		'{"execute":"remove_hostfwd","arguments":{"id":"1"}}'
	both_refuse 'bad request: remove_hostfwd: bad arguments.id' \
		'{"execute":"remove_hostfwd","arguments":{"id":7}}'
	# a port the host already uses
	bg srv socat TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr STDOUT
	wait_for 5 listening "$PORT"
	both_refuse 'bad request: add_hostfwd: slirp_add_hostfwd failed' \
		"$add"'{"proto":"tcp","host_addr":"127.0.0.1","host_port":'$PORT',"guest_port":80}}'
	# larger than either takes
	both_refuse 'bad request: too large message' \
		"$(head -c 70000 /dev/zero | tr '\0' ' ')"
	kill -0 "$NPID"
	kill -0 "$(cat "$UTMP/s4n.pid")"
}
