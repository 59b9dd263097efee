# tests/containerd.bash - ctr's view of tasks, shared by
# tests/e2e/containerd.bats and containerd-rootless.bats.  A file that
# loads this defines c ARGS... (ctr on its own containerd and namespace).

# task_field ID N - column N of `ctr task ls` for task ID (2 pid, 3 status)
task_field() {
	c task ls | awk -v id="$1" -v n="$2" '$1 == id { print $n }'
}

# task_status ID - a task's status (RUNNING, PAUSED, STOPPED...)
task_status() {
	task_field "$1" 3
}

# task_pid ID - the pid of a task's init
task_pid() {
	task_field "$1" 2
}

# task_gone ID - the task is stopped or gone
task_gone() {
	! task_status "$1" | grep -qx -e RUNNING -e PAUSED
}

# rt_bin RT - the runtime's binary: sublet (this build's) or runc
rt_bin() {
	if [ "$1" = sublet ]; then echo "$SUBLET"; else command -v runc; fi
}

# cd_config DIR - write DIR/config.toml: a containerd with its root,
# state and sockets under DIR, without the CRI and the plugins ctr does
# not need (containerd-systemd.bats)
cd_config() {
	cat >"$1/config.toml" <<-EOF
		version = 2
		root = "$1/root"
		state = "$1/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri",
			"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
			"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
			"io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
		[grpc]
		  address = "$1/containerd.sock"
		[ttrpc]
		  address = "$1/containerd.sock.ttrpc"
		[debug]
		  address = "$1/debug.sock"
		[metrics]
		  address = ""
	EOF
}
