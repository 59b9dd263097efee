#!/usr/bin/env bats
# containerd-systemd.bats - containerd with the systemd cgroup driver
# (the runc v2 shim's SystemdCgroup option, which `ctr run
# --runc-systemd-cgroup` sets and which makes the shim pass
# --systemd-cgroup to the runtime), once with sublet and once with runc
# (to prove the test).  containerd runs as root in the namespaces of a
# systemd 252 booted by tests/systemd.bash, so that the system bus and
# the pids are that systemd's; its root, state, sockets and config.toml
# are under a temporary directory, as in containerd.bats.  ctr needs a
# cgroupsPath of systemd's form with that driver: "system.slice:
# containerd:ID" here.  Checked: the task's init in the scope
# containerd-ID.scope (in memory and in the hierarchy systemd tracks
# units in), the memory limit as systemd reports it, in the scope's
# cgroup file and in `ctr task metrics`, and kill and delete removing
# the unit and its cgroup.

load ../lib
load ../runtime
load ../containerd
load ../systemd

NS=sublet-e2e-sd

setup_file() {
	local why
	why=$(sd_missing)
	[ -z "$why" ] || skip "$why"
	command -v containerd >/dev/null || skip "containerd is not installed"
	command -v runc >/dev/null || skip "runc is not installed (the reference runtime)"
	sd_boot
	CD=$(mktemp -d /tmp/sublet-containerd.XXXXXX)
	export CD
	cd_config "$CD"
	# its pid as systemd's namespace sees it
	sd sh -c 'echo $$ >"$1/pid"; exec containerd --config "$1/config.toml"' \
		sh "$CD" </dev/null >"$CD/containerd.log" 2>&1 &
	"$SUBLET_TOP/scripts/make-image" rootfs "$CD/rootfs"
	wait_for 20 ctr -a "$CD/containerd.sock" version
}

teardown_file() {
	local id
	if [ -n "${CD:-}" ]; then
		for id in $(c container ls -q 2>/dev/null); do
			c task kill -s KILL "$id" 2>/dev/null || true
			wait_for 10 task_gone "$id" || true
			c task delete -f "$id" 2>/dev/null || true
			c container delete "$id" 2>/dev/null || true
		done
		sd kill "$(cat "$CD/pid")" 2>/dev/null || true
		wait_for 10 sd sh -c "! kill -0 $(cat "$CD/pid") 2>/dev/null" || true
		rm -rf "$CD"
	fi
	sd_shutdown
}

# c ARGS... - ctr on this file's containerd and namespace
c() {
	ctr -a "$CD/containerd.sock" -n $NS "$@"
}

# cg_line PID CTRL - the path of PID's cgroup holding CTRL (the cgroup2
# line where CTRL has no v1 hierarchy)
cg_line() {
	local line
	line=$(sd grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$1/cgroup" ||
		sd grep '^0::' "/proc/$1/cgroup")
	echo "${line##*:}"
}

# mem_dir CG - the directory of cgroup CG holding memory, in systemd's
# mount namespace
mem_dir() {
	if sd test -d /sys/fs/cgroup/memory; then
		echo "/sys/fs/cgroup/memory$1"
	else
		echo "/sys/fs/cgroup$1"
	fi
}

# scope_run RT - ctr run with the systemd driver and a memory limit: the
# scope, its limit in systemd, the cgroup file and ctr task metrics,
# then kill and delete leave no unit and no cgroup
scope_run() {
	local rt=$1 id=$1-sd u=containerd-$1-sd.scope pid cg mdir lim
	c run -d --null-io --rootfs --runc-binary "$(rt_bin "$rt")" \
		--runc-root "$CD/runc-$rt" --runc-systemd-cgroup \
		--cgroup "system.slice:containerd:$id" \
		--memory-limit 104857600 "$CD/rootfs" "$id" /bin/sleep 1000
	[ "$(task_status "$id")" = RUNNING ]
	pid=$(task_pid "$id")
	[ "$(unit_prop $u ActiveState)" = active ]
	cg=$(unit_prop $u ControlGroup)
	[ "$cg" = "/system.slice/$u" ]
	[ "$(cg_line "$pid" memory)" = "$cg" ]
	[ "$(cg_line "$pid" name=systemd)" = "$cg" ]
	[ "$(unit_limit $u)" = 104857600 ]
	mdir=$(mem_dir "$cg")
	lim=$(sd cat "$mdir/memory.limit_in_bytes" 2>/dev/null ||
		sd cat "$mdir/memory.max")
	[ "$lim" = 104857600 ]
	[ "$(c task metrics --format json "$id" |
		jq -r '.memory.usage.limit // .memory.usage_limit')" = 104857600 ]
	c task kill -s KILL "$id"
	wait_for 10 task_gone "$id"
	c task delete "$id"
	c container delete "$id"
	[ "$(unit_prop $u LoadState)" = not-found ]
	! sd test -d "$mdir" || false
	[ -z "$(ls -A "$CD/runc-$rt/$NS" 2>/dev/null)" ]
}

@test "sublet: ctr run --runc-systemd-cgroup, the task in containerd-ID.scope with its memory limit, delete removes it" {
	scope_run sublet
}

@test "runc: ctr run --runc-systemd-cgroup, the task in containerd-ID.scope with its memory limit, delete removes it" {
	scope_run runc
}
