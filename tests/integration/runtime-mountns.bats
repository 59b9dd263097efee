#!/usr/bin/env bats
# runtime-mountns.bats - a container without a mount namespace: the init
# chroots into root.path and the process runs there; a config that asks
# for mounts (or masked paths, devices...) that only a mount namespace
# could hold is refused by create, in one line.
#
# runc cannot be the reference here: rootless, it fails such a bundle as
# it prepares the rootfs (making / a slave mount in the caller's mount
# namespace is not permitted), whatever the config holds.

load ../lib
load ../runtime

runtime_hooks

# no_mountns - drop the mount namespace and everything that needs one
no_mountns() {
	bundle_edit '.linux.namespaces |= map(select(.type != "mount"))
		| .mounts = [] | del(.linux.maskedPaths) | del(.linux.readonlyPaths)
		| .root.readonly = false'
}

@test "without a mount namespace the process runs chrooted in root.path" {
	no_mountns
	bundle_args sh -c 'ls /linuxrc && readlink /proc/self/fd/0 || echo no-proc'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /linuxrc ]
	[ "${lines[1]}" = no-proc ]
	assert_no_leftovers
}

@test "without a mount namespace create, state, start and delete work" {
	no_mountns
	bundle_args sleep 30
	slq create --bundle "$UTMP/bundle" c1
	[ "$(state_field c1 status)" = created ]
	pid=$(state_field c1 pid)
	[ "$(stat -L -c %i "/proc/$pid/ns/mnt")" = "$(stat -L -c %i /proc/self/ns/mnt)" ]
	slq start c1
	[ "$(state_field c1 status)" = running ]
	[ "$(cat "/proc/$pid/comm")" = sleep ]
	sl delete --force c1
	assert_no_leftovers
}

@test "mounts without a mount namespace fail create in one line" {
	bundle_edit '.linux.namespaces |= map(select(.type != "mount"))'
	run sl create --bundle "$UTMP/bundle" c1
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = 'sublet: mounts: needs a mount namespace (linux.namespaces has no "mount")' ]
	assert_no_leftovers
	bundle_edit '.mounts = [] | .linux.maskedPaths = ["/proc/kcore"]'
	run sl create --bundle "$UTMP/bundle" c1
	[ "$status" -eq 1 ]
	[ "$output" = 'sublet: linux.maskedPaths: needs a mount namespace (linux.namespaces has no "mount")' ]
	assert_no_leftovers
}

@test "an init that could not reach exec.fifo fails create, not start" {
	# no /proc in the container: /proc/self/fd is how the init reopens
	# exec.fifo for writing
	bundle_edit '.mounts |= map(select(.destination != "/proc"))'
	run sl create --bundle "$UTMP/bundle" c1
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: reach exec.fifo through /proc/self/fd: No such file or directory" ]
	assert_no_leftovers
}
