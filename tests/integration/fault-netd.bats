#!/usr/bin/env bats
# fault-netd.bats - sublet-netd killed with SIGKILL under traffic.  Its
# tap goes away with it: new connections in the namespace fail at once
# with ENETUNREACH.  A connection already open gets no RST (nobody is
# left to send one), so it stalls until the application's own timeout
# (EAGAIN here, after 2 s) or the kernel's retransmission limit.  A new
# daemon on the same namespace carries traffic again.

load ../lib
load ../netd

setup() {
	netd_setup_target 1
	# a client that echoes through the server until something fails,
	# then prints the error and how long it took to see it
	cat >"$UTMP/client.pl" <<'PERL'
use strict;
use IO::Socket::INET;
use Time::HiRes qw(time);
$| = 1;
my $s = IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1],
	Timeout => 5) or die "connect: $!\n";
setsockopt($s, SOL_SOCKET, SO_RCVTIMEO, pack('l!l!', 2, 0));
setsockopt($s, SOL_SOCKET, SO_SNDTIMEO, pack('l!l!', 2, 0));
my ($n, $buf, $t) = (0, 'x' x 1024);
open(my $go, '>', $ARGV[2]) or die;
while (1) {
	my $w = syswrite($s, $buf);
	my $r = defined $w ? sysread($s, my $got, 65536) : undef;
	if (!defined $w || !defined $r || $r == 0) {
		my $e = defined $r && $r == 0 ? 'EOF' : "$!";
		$t //= time;
		print "error after $n echoes: $e\n";
		last;
	}
	$n++;
	print $go "$n\n" if $n == 100;
	close($go) if $n == 100;
}
# a new connection is refused at once, not left to time out
my $t0 = time;
my $c = IO::Socket::INET->new(PeerAddr => $ARGV[0], PeerPort => $ARGV[1],
	Timeout => 5);
printf "reconnect: %s in %.1fs\n", $c ? 'connected' : "$!", time - $t0;
PERL
	chmod 0644 "$UTMP/client.pl"
}

teardown() {
	netd_teardown
}

@test "kill -9 sublet-netd under traffic: a clean network error, no hang" {
	netd_start -c "$TPID"
	bg srv socat TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork PIPE
	wait_for 5 listening "$PORT"
	in_ns sh -c "perl $UTMP/client.pl 10.0.2.2 $PORT $UTMP/going \
		>$UTMP/client.out 2>&1 </dev/null & echo \$! >$UTMP/client.pid"
	wait_for 10 grep -q 100 "$UTMP/going"
	kill -9 "$(cat "$UTMP/netd.pid")"
	# the client sees an error within its 2 s timeouts, not a hang
	wait_for 15 pids_gone "$(cat "$UTMP/client.pid")"
	cat "$UTMP/client.out" | sed "s/^/# /" >&3
	grep -Eq "^error after [0-9]+ echoes: (Network is unreachable|No route to host|Connection reset by peer|Connection timed out|Resource temporarily unavailable)" \
		"$UTMP/client.out"
	grep -Eq "^reconnect: (Network is unreachable|No route to host) in 0\.[0-9]s" \
		"$UTMP/client.out"
	# the tap went away with the daemon
	run in_ns ip -o link show tap0
	[ "$status" -ne 0 ]
	# a new daemon for the same namespace carries traffic again
	netd_start -c "$TPID"
	run in_ns sh -c "echo back | socat -T5 - TCP:10.0.2.2:$PORT"
	[ "$output" = back ]
}
