#!/usr/bin/env bats
# containerd-rootless.bats - rootless containerd: Debian's containerd run
# by the unprivileged test user inside rootlesskit (as containerd's own
# containerd-rootless.sh does it: --copy-up=/etc --copy-up=/run, then
# /run/containerd made in the namespace's own /run), its network driver
# given with --slirp4netns-binary, running a container through the runc
# v2 shim with `ctr run --runc-binary`.  The subject is sublet under
# sublet-netd; the same steps with runc under Debian's slirp4netns prove
# the test.  Each test starts its own rootlesskit and containerd (root,
# state, sockets and config.toml in $UTMP, owned by the test user), and
# checks: run, exec, a TCP connection from the container to a listener on
# the host's loopback through 10.0.2.2, kill, delete, nothing left
# (processes, mounts, runtime state) after the container and after the
# whole stack; then the cgroups that are not delegated here: a memory
# limit is a warning from sublet and an error from runc.

load ../lib
load ../netd
load ../runtime
load ../containerd

NS=rootless-e2e

setup_file() {
	if is_root && ! id -u "$TEST_USER" >/dev/null 2>&1; then
		skip "no user $TEST_USER: run scripts/setup-test-host as root"
	fi
	command -v containerd >/dev/null || skip "containerd is not installed"
	command -v rootlesskit >/dev/null || skip "rootlesskit is not installed"
	command -v slirp4netns >/dev/null || skip "slirp4netns is not installed (the reference network driver)"
	command -v runc >/dev/null || skip "runc is not installed (the reference runtime)"
	CR_ROOTFS_DIR=$(mktemp -d /tmp/sublet-rootfs.XXXXXX)
	chmod 0755 "$CR_ROOTFS_DIR"
	make_image rootfs "$CR_ROOTFS_DIR/rootfs"
	export CR_ROOTFS_DIR
}

teardown_file() {
	[ -n "${CR_ROOTFS_DIR:-}" ] && rm -rf "$CR_ROOTFS_DIR"
	return 0
}

setup() {
	netd_setup
	# rootlesskit maps ids with the system's newuidmap/newgidmap
	AS_USER_ENV="PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$UTMP"
	export AS_USER_ENV
	PORT=$(free_port)
}

teardown() {
	local id
	if [ -s "${UTMP:-}/rk/child_pid" ] && [ -e "/proc/$(cat "$UTMP/rk/child_pid")" ]; then
		for id in $(c task ls -q 2>/dev/null); do
			c task kill -s KILL "$id" 2>/dev/null || true
			wait_for 10 task_gone "$id" || true
			c task delete -f "$id" 2>/dev/null || true
		done
	fi
	# rootlesskit stops its child and network driver; shims outlive
	# containerd: every process still naming the test's directory
	if [ -s "${UTMP:-}/rk.pid" ]; then
		kill -TERM "$(cat "$UTMP/rk.pid")" 2>/dev/null || true
		wait_for 10 pids_gone "$(cat "$UTMP/rk.pid")" || true
	fi
	for id in $(pgrep -u "$(test_uid)" -f -- "${UTMP:-/nonexistent}/"); do
		echo "$id" >"$UTMP/left-$id.pid"
	done
	netd_teardown
}

# c ARGS... - ctr, as the test user in rootlesskit's namespaces (user,
# mount: its own /run/containerd; network), on the test's containerd
c() {
	as_user nsenter -U --preserve-credentials -m -n \
		-t "$(cat "$UTMP/rk/child_pid")" \
		ctr -a "$UTMP/containerd.sock" -n $NS "$@"
}

# net_bin NET - the network driver's binary (--slirp4netns-binary)
net_bin() {
	if [ "$1" = sublet-netd ]; then
		if [ -n "${SUBLET_PREFIX:-}" ]; then
			echo "$SUBLET_PREFIX/libexec/sublet/slirp4netns"
		else
			echo "$NETD"
		fi
	else
		command -v slirp4netns
	fi
}

# stack_start NET - rootlesskit with NET as its network driver, and
# containerd in it with its own root, state and sockets in $UTMP
stack_start() {
	cat >"$UTMP/config.toml" <<-EOF
		version = 2
		root = "$UTMP/root"
		state = "$UTMP/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri",
			"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
			"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
			"io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
		[grpc]
		  address = "$UTMP/containerd.sock"
		[ttrpc]
		  address = "$UTMP/containerd.sock.ttrpc"
		[debug]
		  address = "$UTMP/debug.sock"
		[metrics]
		  address = ""
	EOF
	# in rootlesskit's child: /run is a copy-up tmpfs; the runc v2 shim's
	# sockets go to /run/containerd/s whatever the state directory is
	cat >"$UTMP/child.sh" <<-EOF
		#!/bin/sh
		set -e
		rm -f /run/containerd
		mkdir /run/containerd
		exec containerd --config "$UTMP/config.toml"
	EOF
	chmod 0755 "$UTMP/child.sh"
	chown "$(test_uid):$(test_gid)" "$UTMP/config.toml" "$UTMP/child.sh"
	bg rk rootlesskit --state-dir="$UTMP/rk" --net=slirp4netns \
		--slirp4netns-binary="$(net_bin "$1")" --mtu=65520 \
		--port-driver=builtin --copy-up=/etc --copy-up=/run \
		"$UTMP/child.sh"
	wait_for 15 test -s "$UTMP/rk/child_pid"
	if ! wait_for 20 c version; then
		cat "$UTMP/rk.log" >&2
		return 1
	fi
	RK=$(cat "$UTMP/rk.pid")
	CHILD=$(cat "$UTMP/rk/child_pid")
	CTRD=$(pgrep -P "$CHILD" -x containerd)
	NETPID=$(pgrep -o -P "$RK" -f -- "^$(net_bin "$1") ")
	# for teardown, should a test stop half-way
	echo "$CHILD $CTRD $NETPID" >"$UTMP/stack.pid"
}

# mounts PID - the mount points of PID's mount namespace, sorted
mounts() {
	awk '{ print $5 }' "/proc/$1/mountinfo" | sort
}

# shim_pid ID - the runc v2 shim of a task
shim_pid() {
	pgrep -u "$(test_uid)" -f -- "-id $1 -address $UTMP/containerd.sock"
}

# lifecycle RT NET - the whole test with runtime RT under network driver NET
lifecycle() {
	local rt=$1 net=$2 id=$1-rl before pid shim run_args
	stack_start "$net"
	# the network process is the one asked for, a child of rootlesskit
	[ "$(readlink -f "/proc/$NETPID/exe")" = "$(readlink -f "$(net_bin "$net")")" ]
	bg srv socat TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork \
		SYSTEM:"'read l; echo got=\$l from=\$SOCAT_PEERADDR'"
	wait_for 5 listening "$PORT"
	before=$(mounts "$CHILD")
	# no cgroup, as the CRI plugin's disable_cgroup: cgroups are not
	# delegated here; the rootlesskit namespace's network (--net-host)
	run_args=(--null-io --net-host --cgroup "" --cpu-shares 0 --rootfs
		--runc-binary "$(rt_bin "$rt")" --runc-root "$UTMP/runc-$rt")
	c run -d "${run_args[@]}" "$CR_ROOTFS_DIR/rootfs" "$id" /bin/sleep 1000
	pid=$(task_pid "$id")
	shim=$(shim_pid "$id")
	echo "$pid" >"$UTMP/init.pid"
	[ "$(c task ls | awk -v id="$id" '$1 == id { print $3 }')" = RUNNING ]
	# the container runs as the test user, root of rootlesskit's namespace
	[ "$(stat -c %u "/proc/$pid")" = "$(test_uid)" ]
	[ "$(readlink "/proc/$pid/ns/user")" = "$(readlink "/proc/$CHILD/ns/user")" ]
	run c task exec --exec-id e1 "$id" /bin/sh -c 'echo exec=$(id -u)'
	[ "$status" -eq 0 ]
	[ "$output" = "exec=0" ]
	# out through the network driver: 10.0.2.2 is the host's loopback
	run c task exec --exec-id e2 "$id" /bin/sh -c \
		"echo $rt | nc -w 5 10.0.2.2 $PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "got=$rt from=127.0.0.1" ]
	# no runtime warning on this path
	run grep -c '"level":"warning"' "$UTMP/state/io.containerd.runtime.v2.task/$NS/$id/log.json"
	[ "$output" = 0 ]
	c task kill -s KILL "$id"
	wait_for 10 task_gone "$id"
	c task delete "$id"
	c container delete "$id"
	# nothing left of the container: processes, mounts, state, bundle
	wait_for 10 pids_gone "$pid" "$shim"
	[ "$(mounts "$CHILD")" = "$before" ]
	[ ! -e "$UTMP/runc-$rt/$NS/$id" ]
	[ ! -e "$UTMP/state/io.containerd.runtime.v2.task/$NS/$id" ]
	# nor of the whole stack once rootlesskit is stopped
	kill -TERM "$RK"
	wait_for 10 pids_gone "$RK" "$CHILD" "$CTRD" "$NETPID"
	run pgrep -u "$(test_uid)" -f -- "$UTMP/(rk|config|containerd|state|runc)"
	[ "$status" -eq 1 ]
	run grep -c " $UTMP/" /proc/self/mountinfo
	[ "$output" = 0 ]
}

# limits RT NET - a memory limit where cgroups are not delegated
limits() {
	local rt=$1 net=$2 id=$1-lim pid
	stack_start "$net"
	# ctr's default: cgroup /NS/ID, where the test user cannot write
	run c run -d --null-io --net-host --memory-limit 104857600 --rootfs \
		--runc-binary "$(rt_bin "$rt")" --runc-root "$UTMP/runc-$rt" \
		"$CR_ROOTFS_DIR/rootfs" "$id" /bin/sleep 1000
	echo "$output"
	if [ "$rt" = runc ]; then
		# the reference refuses: the cgroups really are not delegated
		[ "$status" -ne 0 ]
		[[ "$output" == *cgroup*"permission denied"* ]]
		return
	fi
	[ "$status" -eq 0 ]
	pid=$(task_pid "$id")
	echo "$pid" >"$UTMP/init.pid"
	# one warning in the log the shim gave the runtime
	run grep -c '"level":"warning"' "$UTMP/state/io.containerd.runtime.v2.task/$NS/$id/log.json"
	[ "$output" = 1 ]
	grep '"level":"warning"' "$UTMP/state/io.containerd.runtime.v2.task/$NS/$id/log.json" |
		grep -q '"msg":"cgroups: [^"]*not[^"]* applied'
	# and the container stays where its caller is
	[ "$(grep -E '^[0-9]+:(memory|):' "/proc/$pid/cgroup")" = \
		"$(grep -E '^[0-9]+:(memory|):' "/proc/$CTRD/cgroup")" ]
	c task kill -s KILL "$id"
	wait_for 10 task_gone "$id"
	c task delete "$id"
	c container delete "$id"
}

@test "sublet + sublet-netd: rootless containerd runs, execs, reaches the host, kills, deletes, leaves nothing" {
	lifecycle sublet sublet-netd
}

@test "runc + slirp4netns: rootless containerd runs, execs, reaches the host, kills, deletes, leaves nothing" {
	lifecycle runc slirp4netns
}

@test "sublet: rootless containerd, a memory limit without delegated cgroups is one warning" {
	limits sublet sublet-netd
}

@test "runc: rootless containerd, a memory limit without delegated cgroups is an error" {
	limits runc slirp4netns
}
