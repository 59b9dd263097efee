#!/usr/bin/env bats
# sublet-netd: the slirp4netns 1.2 command line, --help, -v and every
# refusal of a bad argument.

load ../lib
load ../netd

setup() {
	netd_setup
}

teardown() {
	netd_teardown
}

@test "netd: --help exits 0 and lists every slirp4netns flag" {
	run as_user "$NETD" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: "*"sublet-netd [OPTION]... PID|PATH [TAPNAME]" ]]
	for f in -c, --configure -e, --exit-fd=FD -r, --ready-fd=FD -m, \
		--mtu=MTU -6, --enable-ipv6 -a, --api-socket=PATH --cidr=CIDR \
		--disable-host-loopback --netns-type=TYPE --userns-path=PATH \
		--enable-sandbox --enable-seccomp --outbound-addr=IPv4 \
		--outbound-addr6=IPv6 --disable-dns --macaddress=MAC \
		--target-type=TYPE -h, --help -v, --version; do
		grep -qe "$f" <<<"$output" || { echo "missing $f"; false; }
	done
	run as_user "$NETD" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"default=1500, max=65521"* ]]
}

@test "netd: invoked as slirp4netns it is slirp4netns" {
	local s4n="$SUBLET_PREFIX/libexec/sublet/slirp4netns"
	[ -n "${SUBLET_PREFIX:-}" ] || skip "not staged by tests/run"
	[ -L "$s4n" ]
	run as_user "$s4n" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: $s4n [OPTION]... PID|PATH [TAPNAME]" ]]
	run as_user "$s4n" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "slirp4netns version 1.2.0"* ]]
	[[ "$output" == *"libslirp: 4."* ]]
	[[ "$output" == *"SLIRP_CONFIG_VERSION_MAX: "* ]]
	run as_user "$s4n" --mtu=0 1
	[ "$status" -eq 1 ]
	[ "$output" = "slirp4netns: MTU must be a positive integer (< 65522): '0'" ]
}

# refuse MSG ARGS... - sublet-netd ARGS must fail with the one line MSG
refuse() {
	local msg=$1
	shift
	run as_user "$NETD" "$@"
	echo "output: $output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "sublet-netd: $msg" ]
}

@test "netd: bad --cidr is refused" {
	local c
	for c in abc 10.0.2.0 10.0.2.0/ ::/64 10.0.2.0/24x 10.0.2.0/024 \
		1.2.3/24; do
		refuse "invalid CIDR: $c: want ADDR/PREFIX, like 10.0.2.0/24" \
			--cidr "$c" 1
	done
	refuse "invalid network address: 300.0.2.0 (--cidr 300.0.2.0/24)" \
		--cidr 300.0.2.0/24 1
	for c in 10.0.2.0/0 10.0.2.0/26 10.0.2.0/33; do
		refuse "prefix length needs to be 1-25: --cidr $c" --cidr "$c" 1
	done
	refuse "CIDR needs to be a network address like 10.0.2.0/24, not like 10.0.2.100/24: --cidr 10.0.2.1/24" \
		--cidr 10.0.2.1/24 1
}

@test "netd: bad --mtu is refused" {
	local m
	for m in 0 65522 -1 abc 1500x ""; do
		refuse "MTU must be a positive integer (< 65522): '$m'" --mtu "$m" 1
	done
	refuse "MTU must be a positive integer (< 65522): '99999999999'" \
		-m 99999999999 1
}

@test "netd: a missing network namespace is refused" {
	refuse "missing PID|PATH of the network namespace (see --help)" -c
	refuse "PID must be a positive integer: 'abc' (use --netns-type=path for a path)" abc
	refuse "PID must be a positive integer: '0' (use --netns-type=path for a path)" 0
	# a pid that does not exist (pid_max is at most 2^22)
	refuse "/proc/1073741824/ns/net: No such file or directory (cannot open the network namespace)" \
		1073741824
	refuse "existing path expected when --netns-type=path: No such file or directory: $UTMP/nonexistent" \
		--netns-type=path "$UTMP/nonexistent"
	refuse "bad --netns-type 'foo': must be pid or path (slirp4netns takes any other word for path)" \
		--netns-type=foo 1
	refuse "userns path doesn't exist: $UTMP/nonexistent" \
		--userns-path="$UTMP/nonexistent" 1
}

@test "netd: bad --macaddress is refused" {
	local m
	for m in zz 00:11:22:33:44 00:11:22:33:44:55:66 01:00:00:00:00:01 \
		00-11-22-33-44-55 "0:11:22:33:44:555"; do
		refuse "macaddress has to be a valid MAC address (hex string, 6 bytes, each byte separated by a ':'). ('$m': need a unicast MAC like 02:00:00:00:00:01)" \
			-c --macaddress "$m" 1
	done
	refuse "--macaddr cannot be specified when --configure or -c is not specified" \
		--macaddress 02:00:00:00:00:01 1
}

@test "netd: an API socket path longer than sun_path is refused" {
	local long
	long=$UTMP/$(printf 'a%.0s' $(seq 1 120))
	refuse "the specified API socket path is too long (>= 108): '$long'" \
		-a "$long" 1
	refuse "bad --api-socket '': empty path" --api-socket= 1
}

@test "netd: unknown flags, bad fds and extra arguments are refused" {
	refuse "unrecognized option '--bogus' (see --help)" --bogus 1
	refuse "invalid option -- 'x' (see --help)" -x 1
	refuse "option '--mtu' requires an argument (see --help)" 1 --mtu
	refuse "option requires an argument -- 'm' (see --help)" 1 -m
	refuse "option '--configure' doesn't allow an argument (see --help)" \
		--configure=3 1
	refuse "exit-fd must be a non-negative integer: 'x' is not a file descriptor number" \
		-e x 1
	refuse "ready-fd must be a non-negative integer: '-1' is not a file descriptor number" \
		-r -1 1
	refuse "bad --exit-fd 77: not an open file descriptor" -e 77 1
	refuse "bad --ready-fd 78: not an open file descriptor" -r 78 1
	refuse "too many arguments: unexpected 'extra' (see --help)" 1 tap0 extra
	refuse "bad TAPNAME 'a/b': need 1..15 characters, no '/', ':' or spaces" 1 a/b
	refuse "bad TAPNAME 'abcdefghijklmnop': need 1..15 characters, no '/', ':' or spaces" \
		1 abcdefghijklmnop
	refuse "--target-type=bess is not supported by sublet-netd: only netns" \
		--target-type=bess 1
	refuse "--target-type must be either \"netns\" or \"bess\": 'foo'" \
		--target-type=foo 1
	refuse "outbound-addr has to be valid ipv4 address or interface name. (--outbound-addr 'nosuchif0': not an IPv4 address or an interface with one)" \
		--outbound-addr=nosuchif0 1
	refuse "outbound-addr has to be valid ipv4 address or iterface name. (--outbound-addr6 '1.2.3.4': not an IPv6 address or an interface with one)" \
		--outbound-addr6=1.2.3.4 1
}

# side_by_side TEXT ARGS... - slirp4netns 1.2 and sublet-netd both refuse
# ARGS with status 1; slirp4netns's output holds TEXT and sublet-netd's
# one line starts with it
side_by_side() {
	local text=$1
	shift
	run as_user /usr/bin/slirp4netns "$@"
	echo "slirp4netns: $status: $output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$text"* ]]
	run as_user "$NETD" "$@"
	echo "sublet-netd: $status: $output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "sublet-netd: $text"* ]]
}

@test "netd: flag refusals say what slirp4netns 1.2 says" {
	[ -x /usr/bin/slirp4netns ] ||
		skip "/usr/bin/slirp4netns is not installed (apt-get install slirp4netns)"
	side_by_side "invalid CIDR: 24" --cidr 24 1 tap0
	side_by_side "invalid CIDR: ::/64" --cidr ::/64 1 tap0
	side_by_side "invalid CIDR: 10.0.2.0/024" --cidr 10.0.2.0/024 1 tap0
	side_by_side "invalid network address: 300.0.2.0" \
		--cidr 300.0.2.0/24 1 tap0
	side_by_side "prefix length needs to be 1-25" --cidr 10.0.2.0/26 1 tap0
	side_by_side "prefix length needs to be 1-25" --cidr 10.0.2.0/0 1 tap0
	side_by_side "CIDR needs to be a network address like 10.0.2.0/24, not like 10.0.2.100/24" \
		--cidr 10.0.2.1/24 1 tap0
	side_by_side "MTU must be a positive integer (< 65522)" --mtu 0 1 tap0
	side_by_side "MTU must be a positive integer (< 65522)" -m 65522 1 tap0
	side_by_side "MTU must be a positive integer (< 65522)" -m abc 1 tap0
	side_by_side "exit-fd must be a non-negative integer" -e x 1 tap0
	side_by_side "ready-fd must be a non-negative integer" -r -1 1 tap0
	side_by_side "unrecognized option '--bogus'" --bogus 1 tap0
	side_by_side "invalid option -- 'x'" -x 1 tap0
	side_by_side "option '--mtu' requires an argument" 1 tap0 --mtu
	side_by_side "option requires an argument -- 'm'" 1 tap0 -m
	side_by_side "option '--configure' doesn't allow an argument" \
		--configure=3 1 tap0
	side_by_side "PID must be a positive integer" abc tap0
	side_by_side "PID must be a positive integer" 0 tap0
	side_by_side "existing path expected when --netns-type=path: No such file or directory" \
		--netns-type=path "$UTMP/nonexistent" tap0
	side_by_side "userns path doesn't exist: $UTMP/nonexistent" \
		--userns-path="$UTMP/nonexistent" 1 tap0
	side_by_side "/proc/1073741824/ns/net: No such file or directory" \
		1073741824 tap0
	side_by_side "/proc/1/ns/net: Permission denied" -c 1 tap0
	side_by_side "setns(CLONE_NEWNET): Invalid argument" \
		-c --netns-type=path /etc/passwd tap0
	side_by_side "--macaddr cannot be specified when --configure or -c is not specified" \
		--macaddress 02:00:00:00:00:01 1 tap0
	side_by_side "macaddress has to be a valid MAC address (hex string, 6 bytes, each byte separated by a ':')." \
		-c --macaddress zz 1 tap0
	side_by_side "macaddress has to be a valid MAC address (hex string, 6 bytes, each byte separated by a ':')." \
		-c --macaddress 00:11:22:33:44:55:66 1 tap0
	side_by_side "--target-type must be either \"netns\" or \"bess\"" \
		--target-type=foo 1 tap0
	side_by_side "outbound-addr has to be valid ipv4 address or interface name." \
		--outbound-addr=nosuchif0 1 tap0
	side_by_side "outbound-addr has to be valid ipv4 address or iterface name." \
		--outbound-addr6=1.2.3.4 1 tap0
}
