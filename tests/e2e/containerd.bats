#!/usr/bin/env bats
# containerd.bats - Debian's containerd running containers through the
# runc v2 shim with `--runc-binary`, once with sublet and once with runc
# (to prove the tests): run, exec (also as uid 1000), ps, lo up,
# pause/resume, kill, memory and CPU limits read back by `ctr task
# metrics`, the runtime's `update` reflected there, and
# metrics that are the container's own.  One containerd for the file,
# as root, with its own root, state, sockets and config.toml under a
# temporary directory; the rootfs is scripts/make-image's busybox, given
# to `ctr run --rootfs`.

load ../lib
load ../runtime
load ../containerd

NS=sublet-e2e

setup_file() {
	is_root || skip "containerd runs as root here"
	command -v containerd >/dev/null || skip "containerd is not installed"
	command -v runc >/dev/null || skip "runc is not installed (the reference runtime)"
	CD=$(mktemp -d /tmp/sublet-containerd.XXXXXX)
	export CD
	cat >"$CD/config.toml" <<-EOF
		version = 2
		root = "$CD/root"
		state = "$CD/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri",
			"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
			"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
			"io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
		[grpc]
		  address = "$CD/containerd.sock"
		[ttrpc]
		  address = "$CD/containerd.sock.ttrpc"
		[debug]
		  address = "$CD/debug.sock"
		[metrics]
		  address = ""
	EOF
	containerd --config "$CD/config.toml" >"$CD/containerd.log" 2>&1 &
	echo $! >"$CD/pid"
	"$SUBLET_TOP/scripts/make-image" rootfs "$CD/rootfs"
	wait_for 20 ctr -a "$CD/containerd.sock" version
}

teardown_file() {
	[ -n "${CD:-}" ] || return 0
	local id
	for id in $(ctr -a "$CD/containerd.sock" -n $NS task ls -q 2>/dev/null); do
		ctr -a "$CD/containerd.sock" -n $NS task kill -s KILL "$id" 2>/dev/null || true
	done
	for id in $(ctr -a "$CD/containerd.sock" -n $NS container ls -q 2>/dev/null); do
		wait_for 10 task_gone "$id" || true
		ctr -a "$CD/containerd.sock" -n $NS task delete -f "$id" 2>/dev/null || true
		ctr -a "$CD/containerd.sock" -n $NS container delete "$id" 2>/dev/null || true
	done
	kill "$(cat "$CD/pid")" 2>/dev/null || true
	wait_for 10 sh -c "! kill -0 $(cat "$CD/pid") 2>/dev/null" || true
	rm -rf "$CD"
	# the namespace's parent cgroup, which runtimes leave as runc does
	rmdir /sys/fs/cgroup/*/$NS /sys/fs/cgroup/$NS 2>/dev/null || true
}

# c ARGS... - ctr on this file's containerd and namespace
c() {
	ctr -a "$CD/containerd.sock" -n $NS "$@"
}

# start RT ID ARGS... - ctr run -d with the runtime and a runtime root
start() {
	local rt=$1 id=$2
	shift 2
	c run -d --null-io --rootfs --runc-binary "$(rt_bin "$rt")" \
		--runc-root "$CD/runc-$rt" "$@" "$CD/rootfs" "$id" /bin/sleep 1000
}

# finish ID - kill, wait for the exit, remove task and container
finish() {
	c task kill -s KILL "$1"
	wait_for 10 task_gone "$1"
	c task delete "$1"
	c container delete "$1"
}

# metric ID JQ - one value of `ctr task metrics --format json` (v1 or v2)
metric() {
	c task metrics --format json "$1" | jq -r "$2"
}

basics() {
	local rt=$1 id=$1-basic
	start "$rt" "$id"
	[ "$(task_status "$id")" = RUNNING ]
	run c task exec --exec-id e1 "$id" /bin/sh -c 'echo hello from $$'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^"hello from "[0-9]+$ ]]
	run c task exec --exec-id e2 --user 1000 "$id" /bin/busybox id -u
	[ "$output" = 1000 ]
	run c task exec --exec-id e3 "$id" /bin/busybox ip -o link show lo
	[[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	pid=$(c task ls | awk -v id="$id" '$1 == id { print $2 }')
	run c task ps "$id"
	[ "${lines[1]%% *}" = "$pid" ]
	[ "${#lines[@]}" -eq 2 ]
	c task pause "$id"
	[ "$(task_status "$id")" = PAUSED ]
	f=/sys/fs/cgroup/freezer/$NS/$id/freezer.state
	if [ -f "$f" ]; then
		[ "$(cat "$f")" = FROZEN ]
	else
		grep -qx 'frozen 1' "/sys/fs/cgroup/$NS/$id/cgroup.events"
	fi
	c task resume "$id"
	[ "$(task_status "$id")" = RUNNING ]
	c task kill --all -s KILL "$id"
	wait_for 10 task_gone "$id"
	[ "$(task_status "$id")" = STOPPED ]
	c task delete "$id"
	c container delete "$id"
}

limits() {
	local rt=$1 id=$1-limits bin
	bin=$(rt_bin "$rt")
	start "$rt" "$id" --memory-limit 104857600 --cpu-quota 50000 --cpu-period 100000
	[ "$(metric "$id" '.memory.usage.limit // .memory.usage_limit')" = 104857600 ]
	# the container's own usage: one task, a few hundred KiB, a little CPU
	[ "$(metric "$id" '.pids.current')" = 1 ]
	usage=$(metric "$id" '.memory.usage.usage // .memory.usage')
	[ "$usage" -gt 0 ]
	[ "$usage" -lt 16777216 ]
	cpu=$(metric "$id" '.cpu.usage.total // (.cpu.usage_usec * 1000)')
	[ "$cpu" -gt 0 ]
	[ "$cpu" -lt 5000000000 ]
	pid=$(c task ls | awk -v id="$id" '$1 == id { print $2 }')
	# the quota is where containerd's cgroup of the task says
	cg=$(sed -n 's/^[0-9]*:cpu:\(.*\)/\1/p; s/^[0-9]*:cpu,cpuacct:\(.*\)/\1/p' /proc/$pid/cgroup)
	if [ -n "$cg" ]; then
		[ "$cg" = "/$NS/$id" ]
		[ "$(cat /sys/fs/cgroup/cpu*/$NS/$id/cpu.cfs_quota_us | head -1)" = 50000 ]
	else
		[ "$(cat "/sys/fs/cgroup/$NS/$id/cpu.max")" = "50000 100000" ]
	fi
	# the runtime's own update, on the runtime root the shim gave it
	"$bin" --root "$CD/runc-$rt/$NS" update --memory 52428800 --cpu-quota 20000 "$id"
	[ "$(metric "$id" '.memory.usage.limit // .memory.usage_limit')" = 52428800 ]
	if [ -n "$cg" ]; then
		[ "$(cat /sys/fs/cgroup/cpu*/$NS/$id/cpu.cfs_quota_us | head -1)" = 20000 ]
	fi
	finish "$id"
}

@test "sublet: run, exec (as uid 1000 too), ps, lo up, pause/resume, kill --all" {
	basics sublet
}

@test "runc: run, exec (as uid 1000 too), ps, lo up, pause/resume, kill --all" {
	basics runc
}

@test "sublet: memory and CPU limits, own usage and update in ctr task metrics" {
	limits sublet
}

@test "runc: memory and CPU limits, own usage and update in ctr task metrics" {
	limits runc
}
