#!/usr/bin/env bats
# sublet-netd's outbound fast path (on by default): TCP from the namespace
# joined kernel to kernel to a host socket.  Data both ways (and proof it
# took the fast path), refusal and --disable-host-loopback through the
# libslirp fallback, sublet-netd killed, the listener reached directly,
# the table removed on exit, the one-line notice when it cannot work,
# turning it off (flag, configuration file), the engines' command line
# with the sandbox and seccomp, the namespace's own firewall (nft,
# iptables), no fd leak.

load ../lib
load ../netd

setup() {
	netd_setup_target 3
}

teardown() {
	netd_teardown
}

# host_servers - on the host's 127.0.0.1: $PORT answers the checksum of
# what it read to end of file, $PORT2 sends $UTMP/blob, $PORT3 holds a
# connection open for 30 s
host_servers() {
	head -c 8388608 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg sum socat -t30 TCP4-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork,backlog=256 \
		SYSTEM:sha256sum
	bg blob socat TCP4-LISTEN:$PORT2,bind=127.0.0.1,reuseaddr,fork \
		OPEN:$UTMP/blob,rdonly
	bg hold socat -u TCP4-LISTEN:$PORT3,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'sleep 30'"
	wait_for 5 listening "$PORT"
	wait_for 5 listening "$PORT2"
	wait_for 5 listening "$PORT3"
}

# ofp_port - the port of sublet-netd's listener in the namespace
ofp_port() {
	in_ns ss -Hltn "( src 127.0.0.1 )" | awk '{sub(/.*:/, "", $4); print $4; exit}'
}

# joined P - an established connection in the namespace on 127.0.0.1:P
# from the guest: the redirected end of a fast-path connection
joined() {
	in_ns ss -Htn state established "( sport = :$1 )" | grep -q 10.0.2.100
}

# table_present - is the table in the namespace?
table_present() {
	in_ns nft list table ip sublet_netd >/dev/null 2>&1
}

@test "netd outbound fast path: data both ways, through the namespace's listener" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	P=$(ofp_port)
	[ -n "$P" ]
	# out: 8 MiB to the host, end of file, its checksum back
	run in_ns socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:10.0.2.2:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# in: 8 MiB from the host, then its close
	run in_ns sh -c "socat -t10 -T10 -u TCP:10.0.2.2:$PORT2 STDOUT | sha256sum"
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	# proof: a held connection's namespace end is our listener's port
	# (libslirp's path has no socket on 127.0.0.1 in the namespace)
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:10.0.2.2:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli.pid"
	wait_for 10 joined "$P"
	# and nothing was said
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}

@test "netd outbound fast path: IPv6 to fd00::2, through the namespace's [::1] listener" {
	netd_start -c -6 --outbound-fastpath "$TPID"
	head -c 4194304 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	bg sum6 socat -t30 TCP6-LISTEN:$PORT,bind=[::1],reuseaddr,fork SYSTEM:sha256sum
	bg hold6 socat -u TCP6-LISTEN:$PORT3,bind=[::1],reuseaddr,fork \
		SYSTEM:"'sleep 30'"
	wait_for 5 listening "$PORT"
	wait_for 5 listening "$PORT3"
	P6=$(in_ns ss -Hltn "( src [::1] )" | awk '{sub(/.*:/, "", $4); print $4; exit}')
	[ -n "$P6" ]
	run in_ns socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP6:[fd00::2]:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP6:[fd00::2]:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli6.pid"
	wait_for 10 eval "in_ns ss -Htn state established '( sport = :$P6 )' | grep -q '\[fd00:'"
	# a closed port is still refused (through libslirp)
	run in_ns socat -T3 /dev/null TCP6:[fd00::2]:$PORT2,connect-timeout=5
	[[ "$output" == *"Connection refused"* ]]
	run in_ns nft list table ip6 sublet_netd
	[ "$status" -eq 0 ]
}

@test "netd outbound fast path: on by default, off with --disable-outbound-fastpath" {
	netd_start -c "$TPID"
	[ -n "$(ofp_port)" ]
	table_present
	kill "$NPID"
	wait_for 10 pids_gone "$NPID"
	netd_start -c --disable-outbound-fastpath "$TPID"
	run ofp_port
	[ -z "$output" ]
	run table_present
	[ "$status" -ne 0 ]
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}

# conf TEXT - write TEXT as the test user's netd.conf (under
# $UTMP/xdg, which netd_start's environment names)
conf() {
	as_user mkdir -p "$UTMP/xdg/sublet"
	printf '%s\n' "$1" | as_user tee "$UTMP/xdg/sublet/netd.conf" >/dev/null
}

@test "netd outbound fast path: the configuration file turns it off, the flag back on" {
	export AS_USER_ENV="XDG_CONFIG_HOME=$UTMP/xdg"
	conf $'# outbound TCP through libslirp\n\n  outbound-fastpath =  false  '
	netd_start -c "$TPID"
	run ofp_port
	[ -z "$output" ]
	kill "$NPID"
	wait_for 10 pids_gone "$NPID"
	netd_start -c --outbound-fastpath "$TPID"
	[ -n "$(ofp_port)" ]
	kill "$NPID"
	wait_for 10 pids_gone "$NPID"
	# the slirp4netns name reads the same file
	as_user ln -s "$NETD" "$UTMP/slirp4netns"
	NETD=$UTMP/slirp4netns netd_start -c "$TPID"
	run ofp_port
	[ -z "$output" ]
}

@test "netd outbound fast path: a bad configuration file or flags are refused in one line" {
	export AS_USER_ENV="XDG_CONFIG_HOME=$UTMP/xdg"
	conf "outbound-fastpath = maybe"
	run as_user "$NETD" "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: $UTMP/xdg/sublet/netd.conf:1: outbound-fastpath: want true or false, not 'maybe'" ]
	conf $'outbound-fastpath = true\nfastpath = false'
	run as_user "$NETD" "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: $UTMP/xdg/sublet/netd.conf:2: unknown key 'fastpath' (known: outbound-fastpath)" ]
	conf "outbound-fastpath"
	run as_user "$NETD" "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: $UTMP/xdg/sublet/netd.conf:1: want KEY = VALUE, not 'outbound-fastpath'" ]
	run as_user "$NETD" --outbound-fastpath --disable-outbound-fastpath "$TPID"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet-netd: --outbound-fastpath and --disable-outbound-fastpath contradict each other: give one" ]
}

@test "netd outbound fast path: a closed host port is refused through libslirp" {
	netd_start -c --outbound-fastpath "$TPID"
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT,connect-timeout=5
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
}

@test "netd outbound fast path: --disable-host-loopback still refuses 10.0.2.2" {
	netd_start -c --outbound-fastpath --disable-host-loopback "$TPID"
	host_servers
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Network is unreachable"* || "$output" == *"Connection refused"* ]]
	P=$(ofp_port)
	run joined "$P"
	[ "$status" -ne 0 ]
}

@test "netd outbound fast path: sublet-netd killed, no SYN goes to a dead listener" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	run in_ns sh -c "echo x | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo x | sha256sum)" ]
	P=$(ofp_port)
	kill -9 "$NPID"
	wait_for 10 pids_gone "$NPID"
	# the table went with sublet-netd's socket
	wait_for 10 eval '! table_present'
	run in_ns socat -T3 - TCP:10.0.2.2:$PORT,connect-timeout=3
	echo "$output"
	[ "$status" -ne 0 ]
	# a redirect to the dead listener would be refused at once
	[[ "$output" != *"Connection refused"* ]]
	[[ "$output" == *"Network is unreachable"* || "$output" == *"timed out"* ]]
	run in_ns ss -Hltn "( sport = :$P )"
	[ -z "$output" ]
}

@test "netd outbound fast path: a direct connection to the listener is reset" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	P=$(ofp_port)
	run in_ns sh -c "echo x | socat -T5 - TCP:127.0.0.1:$P"
	echo "$output"
	[[ "$output" != *"$(echo x | sha256sum)"* ]]
	wait_for 10 eval "! in_ns ss -Htn state established '( sport = :$P )' | grep -q ."
	# and the fast path still works
	run in_ns sh -c "echo y | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo y | sha256sum)" ]
}

@test "netd outbound fast path: the table is there while running, gone after exit" {
	netd_start -c --outbound-fastpath "$TPID"
	run in_ns nft list table ip sublet_netd
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"oifname \"tap0\""* ]]
	[[ "$output" == *"queue"* || "$output" == *"NFQUEUE"* ]]
	[[ "$output" == *"redirect to :$(ofp_port)"* ]]
	kill -TERM "$NPID"
	wait_for 10 pids_gone "$NPID"
	run table_present
	[ "$status" -ne 0 ]
}

@test "netd outbound fast path: one line when it cannot work, traffic goes on" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	mv "$UTMP/netd.pid" "$UTMP/netd1.pid"
	N1=$NPID
	# a second sublet-netd on the namespace cannot take the first's table
	netd_start --outbound-fastpath "$TPID" tap1
	run grep -c "outbound fast path off" "$UTMP/netd.log"
	[ "$output" = 1 ]
	run cat "$UTMP/netd.log"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"libslirp"* ]]
	# the first one's table and fast path are untouched
	table_present
	run in_ns sh -c "echo z | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo z | sha256sum)" ]
	kill -0 "$N1"
}

@test "netd outbound fast path: on with the engines' flags, --enable-sandbox --enable-seccomp" {
	netd_wrapped "valgrind cannot run a process under a seccomp filter"
	netd_start -c -6 --mtu=65520 --disable-host-loopback --enable-sandbox \
		--enable-seccomp "$TPID"
	# --disable-host-loopback: the host's own non-loopback address
	local ip
	ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
	[ -n "$ip" ] || skip "the host has no global IPv4 address"
	bg hold socat -u TCP4-LISTEN:$PORT3,bind=$ip,reuseaddr,fork \
		SYSTEM:"'sleep 30'"
	bg sum socat -t30 TCP4-LISTEN:$PORT,bind=$ip,reuseaddr,fork SYSTEM:sha256sum
	wait_for 5 listening "$PORT3"
	wait_for 5 listening "$PORT"
	P=$(ofp_port)
	[ -n "$P" ]
	head -c 4194304 /dev/urandom >"$UTMP/blob"
	chmod 644 "$UTMP/blob"
	run in_ns socat -t10 -T10 OPEN:$UTMP/blob,rdonly!!STDOUT TCP:$ip:$PORT
	[ "$output" = "$(sha256sum <"$UTMP/blob")" ]
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:$ip:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >$UTMP/cli.pid"
	wait_for 10 joined "$P"
	# the host's loopback stays refused
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT,connect-timeout=3
	[ "$status" -ne 0 ]
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}

# fast_path_whole P - the table, the listener on P and a joined
# connection through it: the fast path is on, all of it
fast_path_whole() {
	table_present
	in_ns ss -Hltn "( sport = :$1 )" | grep -q .
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:10.0.2.2:$PORT3 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >>$UTMP/cli.pid"
	wait_for 10 joined "$1"
}

# fast_path_gone P - no table, no listener on P: off, all of it
fast_path_gone() {
	! table_present
	! in_ns ss -Hltn "( sport = :$1 )" | grep -q .
}

@test "netd outbound fast path: nft flush ruleset in the namespace leaves it whole" {
	netd_start -c --enable-sandbox --enable-seccomp "$TPID"
	host_servers
	P=$(ofp_port)
	in_ns nft flush ruleset
	fast_path_whole "$P"
	run in_ns sh -c "echo f | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo f | sha256sum)" ]
	# and rules of the namespace's own after it: off, whole, one line
	in_ns nft add table inet fw
	in_ns nft add chain inet fw out "{ type filter hook output priority 0; }"
	in_ns nft add rule inet fw out tcp dport $PORT2 reject with tcp reset
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT2,connect-timeout=3
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
	fast_path_gone "$P"
	run in_ns sh -c "echo g | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo g | sha256sum)" ]
	in_ns nft flush ruleset
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT2,connect-timeout=3
	[ "$status" -eq 0 ]
	run cat "$UTMP/netd.log"
	[ "$output" = "sublet-netd: warning: outbound fast path off: nftables: the namespace changed rules of its own (table inet fw); outbound TCP through libslirp" ]
}

@test "netd outbound fast path: iptables in the namespace turns it off whole, its rules hold" {
	command -v iptables >/dev/null || skip "no iptables"
	netd_start -c --enable-sandbox --enable-seccomp "$TPID"
	host_servers
	P=$(ofp_port)
	fast_path_whole "$P"
	# a kill switch: only the host's port $PORT, nothing else out of tap0
	in_ns iptables -A OUTPUT -o tap0 -p tcp -d 10.0.2.2 --dport "$PORT" -j ACCEPT
	in_ns iptables -A OUTPUT -o tap0 -p tcp -j REJECT --reject-with tcp-reset
	fast_path_gone "$P"
	run in_ns sh -c "echo i | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo i | sha256sum)" ]
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT2,connect-timeout=3
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
	run grep -c "outbound fast path off: nftables: the namespace changed rules of its own (table ip filter)" "$UTMP/netd.log"
	[ "$output" = 1 ]
}

@test "netd outbound fast path: an iptables-legacy kill switch on the tap holds" {
	command -v iptables-legacy >/dev/null || skip "no iptables-legacy"
	netd_start -c --enable-sandbox --enable-seccomp "$TPID"
	host_servers
	P=$(ofp_port)
	fast_path_whole "$P"
	# x_tables rules send no notification: the fast path stays on, and
	# a rule on the output interface still sees tap0 after the redirect
	in_ns env XTABLES_LOCKFILE="$UTMP/xtables.lock" iptables-legacy \
		-A OUTPUT -o tap0 -p tcp -j REJECT --reject-with tcp-reset
	table_present
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT,connect-timeout=3
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
	run in_ns env XTABLES_LOCKFILE="$UTMP/xtables.lock" iptables-legacy \
		-L OUTPUT -v -n -x
	echo "$output"
	[[ "$output" == *"REJECT"*"tap0"* ]]
	[[ "$(awk '$3 == "REJECT" {print $1}' <<<"$output")" -ge 1 ]]
	# the same with slirp4netns, the tool it replaces
	kill "$NPID"
	wait_for 10 pids_gone "$NPID"
	NETD=$(command -v slirp4netns) netd_start -c --enable-sandbox \
		--enable-seccomp "$TPID" tap0
	run in_ns socat -T3 /dev/null TCP:10.0.2.2:$PORT,connect-timeout=3
	[ "$status" -ne 0 ]
	[[ "$output" == *"Connection refused"* ]]
}

# ct_count - connections the namespace's connection tracking holds
ct_count() {
	in_ns cat /proc/sys/net/netfilter/nf_conntrack_count
}

# hold_loopback PORT N - N connections held open on the namespace's
# 127.0.0.1:PORT (a listener that reads them to end of file)
hold_loopback() {
	local i
	as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP4-LISTEN:$1,bind=127.0.0.1,reuseaddr,fork OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >>$UTMP/lo.pid"
	wait_for 5 eval "in_ns ss -Hltn '( sport = :$1 )' | grep -q ."
	for i in $(seq "$2"); do
		as_user_sh "nsenter --preserve-credentials -U -n -t $TPID socat -u TCP:127.0.0.1:$1 OPEN:/dev/null >/dev/null 2>&1 </dev/null & echo \$! >>$UTMP/lo.pid"
	done
	wait_for 5 eval "[ \$(in_ns ss -Htn state established '( dport = :$1 )' | wc -l) -eq $2 ]"
}

@test "netd outbound fast path: the loopback untracked while it is on, tracked again after the namespace's own rules" {
	netd_start -c --enable-sandbox --enable-seccomp "$TPID"
	host_servers
	P=$(ofp_port)
	# a redirected connection is tracked: the redirect needs it
	fast_path_whole "$P"
	c0=$(ct_count)
	[ "$c0" -ge 1 ]
	# five held on the namespace's loopback are not
	hold_loopback 7001 5
	c1=$(ct_count)
	echo "tracked: $c0 with the redirect, $c1 with five more on lo"
	[ "$c1" -lt $((c0 + 5)) ]
	# a firewall of the namespace's own, one that looks at connection
	# state: the table and its raw chain go, and what starts on the
	# loopback after is tracked for that firewall
	in_ns nft 'add table inet fw; add chain inet fw in { type filter hook input priority 0; }; add rule inet fw in ct state established,related accept'
	wait_for 10 eval '! table_present'
	hold_loopback 7002 5
	c2=$(ct_count)
	echo "and $c2 with five more after the namespace's table"
	[ "$c2" -ge $((c1 + 5)) ]
}

@test "netd outbound fast path: off, one line, when the namespace has rules already" {
	in_ns nft add table ip mine
	netd_start -c "$TPID"
	run cat "$UTMP/netd.log"
	[ "$output" = "sublet-netd: warning: outbound fast path off: nftables: the namespace has rules of its own (table ip mine); outbound TCP through libslirp" ]
	run table_present
	[ "$status" -ne 0 ]
	host_servers
	run in_ns sh -c "echo m | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo m | sha256sum)" ]
}

@test "netd outbound fast path: 200 connections leave no fds behind" {
	netd_start -c --outbound-fastpath "$TPID"
	host_servers
	run in_ns sh -c "echo w | socat -t10 -T10 - TCP:10.0.2.2:$PORT"
	[ "$output" = "$(echo w | sha256sum)" ]
	n0=$(netd_fds)
	run in_ns sh -c "for i in \$(seq 200); do echo \$i | socat -t10 -T10 - TCP:10.0.2.2:$PORT >/dev/null || exit 1; done"
	[ "$status" -eq 0 ]
	wait_for 10 netd_fds_are "$n0"
	run cat "$UTMP/netd.log"
	[ -z "$output" ]
}
