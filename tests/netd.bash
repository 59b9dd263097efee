# tests/netd.bash - helpers for sublet-netd's bats files.  Load after lib:
#   load ../lib
#   load ../netd
#
# Every process a test starts writes its pid to $UTMP/NAME.pid; teardown
# kills them all and waits until they are gone.

# netd_setup - scratch dir, binary path; call from setup().  With
# SUBLET_NETD_WRAPPER set (e.g. "valgrind --error-exitcode=99"), $NETD is
# a script that execs the wrapper on the real binary, so the pid is the
# same and every test runs the daemon under it.
netd_setup() {
	require_test_user
	make_user_tmp
	NETD=$(sublet_bin sublet-netd)
	if [ -n "${SUBLET_NETD_WRAPPER:-}" ]; then
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$SUBLET_NETD_WRAPPER" \
			"$NETD" >"$UTMP/netd-wrapped"
		chmod 0755 "$UTMP/netd-wrapped"
		NETD=$UTMP/netd-wrapped
	fi
	export NETD
}

# netd_setup_target [NPORTS] - what most netd tests set up: netd_setup,
# a target (TPID, target_start) and NPORTS (0 to 3) free host ports, each
# different from the others, in PORT, PORT2 and PORT3; call from setup()
netd_setup_target() {
	local n=${1:-0}
	netd_setup
	target_start
	if [ "$n" -ge 1 ]; then
		PORT=$(free_port)
	fi
	if [ "$n" -ge 2 ]; then
		PORT2=$(free_port_other "$PORT")
	fi
	if [ "$n" -ge 3 ]; then
		PORT3=$(free_port_other "$PORT" "$PORT2")
	fi
}

# spare sockets sublet-netd may hold from its namespace helper (a batch)
NETD_SPARES=16

# netd_fds - open fds of sublet-netd
netd_fds() {
	ls "/proc/$NPID/fd" | wc -l
}

# netd_fds_are N - does sublet-netd hold N fds?
netd_fds_are() {
	[ "$(netd_fds)" -eq "$1" ]
}

# netd_fds_within MIN MAX - does sublet-netd hold MIN to MAX fds?
netd_fds_within() {
	local n
	n=$(netd_fds)
	[ "$n" -ge "$1" ] && [ "$n" -le "$2" ]
}

# netd_wrapped - skip, saying why, when the daemon runs under a wrapper
netd_wrapped() {
	[ -z "${SUBLET_NETD_WRAPPER:-}" ] || skip "$1 (under ${SUBLET_NETD_WRAPPER%% *})"
}

# netd_teardown - kill everything the test started; call from teardown()
netd_teardown() {
	local f pids=()
	[ -n "${UTMP:-}" ] || return 0
	for f in "$UTMP"/*.pid; do
		[ -e "$f" ] && pids+=($(cat "$f"))
	done
	# under a wrapper, let the daemon exit by itself so the wrapper's
	# exit checks (valgrind's leak check) run
	if [ -n "${SUBLET_NETD_WRAPPER:-}" ] && [ -e "$UTMP/netd.pid" ]; then
		kill -TERM "$(cat "$UTMP/netd.pid")" 2>/dev/null || true
		wait_for 30 pids_gone "$(cat "$UTMP/netd.pid")" || true
	fi
	if [ ${#pids[@]} -gt 0 ]; then
		kill -9 "${pids[@]}" 2>/dev/null || true
		wait_for 5 pids_gone "${pids[@]}" || true
	fi
	remove_user_tmp
}

# pids_gone PID... - true when none of the pids runs any more (a zombie
# waiting for init to reap it counts as gone)
pids_gone() {
	local p st
	for p in "$@"; do
		st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ -z "$st" ] || [ "$st" = Z ] || return 1
	done
	return 0
}

# ns_ready PID - has PID entered its own network namespace?
ns_ready() {
	[ -e "/proc/$1/ns/net" ] &&
		[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

# target_start - a process (sleep) in new user+network namespaces owned by
# the test user; sets TPID
target_start() {
	as_user_sh "unshare -r -n sleep 1000 >/dev/null 2>&1 </dev/null &
		echo \$! >$UTMP/target.pid"
	TPID=$(cat "$UTMP/target.pid")
	wait_for 5 ns_ready "$TPID"
}

# bg NAME CMD... - run CMD as the test user in the background (pid in
# $UTMP/NAME.pid, output in $UTMP/NAME.log)
bg() {
	local name=$1
	shift
	as_user_sh "$* >$UTMP/$name.log 2>&1 </dev/null & echo \$! >$UTMP/$name.pid"
}

# netd_start ARGS... - start sublet-netd with ARGS plus "-r 3" (ready
# written to $UTMP/ready) and wait until it says it is ready; NPID is set
netd_start() {
	rm -f "$UTMP/ready"
	as_user_sh "$NETD -r 3 $* 3>$UTMP/ready >$UTMP/netd.log 2>&1 </dev/null &
		echo \$! >$UTMP/netd.pid"
	NPID=$(cat "$UTMP/netd.pid")
	if ! wait_for 10 grep -q 1 "$UTMP/ready"; then
		cat "$UTMP/netd.log" >&2
		return 1
	fi
}

# in_ns CMD... - run CMD as the test user in the target's namespaces
in_ns() {
	as_user nsenter --preserve-credentials -U -n -t "$TPID" "$@"
}

# listening PORT [udp] - is something on the host listening on PORT?
listening() {
	local f=t
	[ "${2:-}" != udp ] || f=u
	ss -Hln$f "sport = :$1" | grep -q .
}

# ns_listening PORT [udp] - is something in the target listening on PORT?
ns_listening() {
	local f=t
	[ "${2:-}" != udp ] || f=u
	in_ns ss -Hln$f "sport = :$1" | grep -q .
}

# api JSON - send one request to $UTMP/api.sock and print the reply
api() {
	printf '%s' "$1" | as_user socat -t5 - "UNIX-CONNECT:$UTMP/api.sock"
}

# free_port - print a TCP/UDP port nothing on the host uses: below the
# kernel's range of ephemeral ports (which clients of other tests, or of
# anything else on the machine, take at any moment) and not bound in any
# state
free_port() {
	local p lo hi
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	hi=$((lo > 11024 ? lo - 1 : 65535))
	lo=$((lo > 11024 ? 10000 : hi - 9999))
	for p in $(shuf -i "$lo-$hi" -n 50); do
		if ! ss -Hantu "sport = :$p" | grep -q .; then
			echo "$p"
			return
		fi
	done
	return 1
}

# free_port_other PORT... - print a free port none of PORT...
free_port_other() {
	local p
	while p=$(free_port); do
		if [[ " $* " != *" $p "* ]]; then
			echo "$p"
			return
		fi
	done
	return 1
}

# api_file FILE [SOCK] - send FILE as one request to SOCK (default
# $UTMP/api.sock: write all, shut down the write side, read the reply) and
# print the reply; write errors are ignored, the way a client that sent
# too much still reads its error
api_file() {
	as_user perl -MIO::Socket::UNIX -e '
		$SIG{PIPE} = "IGNORE";
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		open(my $f, "<", $ARGV[1]) or die "$ARGV[1]: $!";
		local $/; my $d = <$f>;
		syswrite($s, $d);
		shutdown($s, 1);
		print while <$s>;' "${2:-$UTMP/api.sock}" "$1"
}

# dns_responder FILE - write a tiny DNS server (perl) to FILE: it answers
# every A query for NAME with 192.0.2.53 and logs "NAME" to its stdout;
# other types get an empty answer.  Usage: perl FILE ADDR PORT
dns_responder() {
	cat >"$1" <<'PERL'
use strict;
use IO::Socket::INET;
$| = 1;
my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1],
	Proto => 'udp') or die "bind: $!";
while (1) {
	my $peer = $s->recv(my $q, 512) // next;
	next if length($q) < 17;
	my ($id) = unpack('n', $q);
	my $p = 12; my @labels;
	while ((my $l = ord(substr($q, $p, 1))) != 0) {
		push @labels, substr($q, $p + 1, $l); $p += $l + 1;
	}
	my $question = substr($q, 12, $p + 5 - 12);
	my ($type) = unpack('n', substr($q, $p + 1, 2));
	print join('.', @labels), "\n";
	my $an = $type == 1 ? 1 : 0;
	my $r = pack('nnnnnn', $id, 0x8180, 1, $an, 0, 0) . $question;
	$r .= pack('nnnNn', 0xc00c, 1, 1, 60, 4) . pack('C4', 192, 0, 2, 53) if $an;
	$s->send($r, 0, $peer);
}
PERL
}
