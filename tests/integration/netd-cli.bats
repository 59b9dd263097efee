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
	[ "$output" = "slirp4netns: bad --mtu '0': must be 1..65521" ]
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
	for c in abc 10.0.2.0 10.0.2.0/ 10.0.2.0/0 10.0.2.0/26 10.0.2.0/33 \
		10.0.2.1/24 300.0.2.0/24 ::/64 10.0.2.0/24x; do
		refuse "bad --cidr '$c': need an IPv4 network address with prefix 1..25, like 10.0.2.0/24" \
			--cidr "$c" 1
	done
}

@test "netd: bad --mtu is refused" {
	local m
	for m in 0 65522 -1 abc 1500x ""; do
		refuse "bad --mtu '$m': must be 1..65521" --mtu "$m" 1
	done
	refuse "bad --mtu '99999999999': must be 1..65521" -m 99999999999 1
}

@test "netd: a missing network namespace is refused" {
	refuse "missing PID|PATH of the network namespace (see --help)" -c
	refuse "bad PID 'abc' (use --netns-type=path for a path)" abc
	refuse "bad PID '0' (use --netns-type=path for a path)" 0
	# a pid that does not exist (pid_max is at most 2^22)
	refuse "cannot open network namespace /proc/1073741824/ns/net: No such file or directory" \
		1073741824
	refuse "cannot open network namespace $UTMP/nonexistent: No such file or directory" \
		--netns-type=path "$UTMP/nonexistent"
	refuse "bad --netns-type 'foo': must be pid or path" --netns-type=foo 1
}

@test "netd: bad --macaddress is refused" {
	local m
	for m in zz 00:11:22:33:44 00:11:22:33:44:55:66 01:00:00:00:00:01 \
		00-11-22-33-44-55 "0:11:22:33:44:555"; do
		refuse "bad --macaddress '$m': need a unicast MAC like 02:00:00:00:00:01" \
			-c --macaddress "$m" 1
	done
	refuse "--macaddress needs --configure (-c)" --macaddress 02:00:00:00:00:01 1
}

@test "netd: an API socket path longer than sun_path is refused" {
	local long
	long=$UTMP/$(printf 'a%.0s' $(seq 1 120))
	refuse "bad --api-socket '$long': path too long for a unix socket" \
		-a "$long" 1
	refuse "bad --api-socket '': empty path" --api-socket= 1
}

@test "netd: unknown flags, bad fds and extra arguments are refused" {
	refuse "unknown option or missing value: '--bogus' (see --help)" --bogus 1
	refuse "unknown option or missing value: '-x' (see --help)" -x 1
	refuse "unknown option or missing value: '--mtu' (see --help)" 1 --mtu
	refuse "bad --exit-fd 'x': not a file descriptor number" -e x 1
	refuse "bad --exit-fd 77: not an open file descriptor" -e 77 1
	refuse "bad --ready-fd 78: not an open file descriptor" -r 78 1
	refuse "unexpected argument 'extra' (see --help)" 1 tap0 extra
	refuse "bad TAPNAME 'a/b': need 1..15 characters, no '/', ':' or spaces" 1 a/b
	refuse "bad TAPNAME 'abcdefghijklmnop': need 1..15 characters, no '/', ':' or spaces" \
		1 abcdefghijklmnop
	refuse "bad --target-type 'bess': only netns is supported" --target-type=bess 1
	refuse "bad --outbound-addr 'nosuchif0': not an IPv4 address or an interface with one" \
		--outbound-addr=nosuchif0 1
	refuse "bad --outbound-addr6 '1.2.3.4': not an IPv6 address or an interface with one" \
		--outbound-addr6=1.2.3.4 1
}
