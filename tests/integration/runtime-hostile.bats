#!/usr/bin/env bats
# runtime-hostile.bats - paths in a hostile rootfs resolve inside it.
#
# The rootfs of an image or bundle is a stranger's tree: its symlinks may
# point anywhere on the host.  Every mount destination and device node the
# runtime makes is resolved inside the rootfs (RESOLVE_IN_ROOT), the way
# the container itself will see the path, so nothing is created or
# mounted outside it.  Each test checks the host side stays untouched.

load ../lib
load ../runtime

runtime_hooks

# own_rootfs - a private, writable copy of the rootfs for this test
own_rootfs() {
	as_user cp -a "$RT_ROOTFS_DIR/rootfs" "$UTMP/rootfs"
	bundle_edit ".root.path = \"$UTMP/rootfs\""
}

@test "hostile rootfs: a mount under an absolute symlink stays inside" {
	own_rootfs
	as_user mkdir "$UTMP/vol"
	as_user sh -c "echo from-volume >$UTMP/vol/file"
	as_user rm -rf "$UTMP/rootfs/mnt"
	as_user ln -s "$UTMP/escaped" "$UTMP/rootfs/mnt"
	bundle_edit ".mounts += [
		{\"destination\": \"/mnt/deep/dir\", \"type\": \"bind\", \"source\": \"$UTMP/vol\", \"options\": [\"rbind\"]},
		{\"destination\": \"/mnt/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}]"
	bundle_args sh -c 'cat /mnt/deep/dir/file; grep -c " tmpfs " /proc/mounts >/dev/null && stat -f -c %T /mnt/t'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-volume ]
	[ "${lines[1]}" = tmpfs ]
	# nothing made on the host: the link resolved inside the rootfs
	[ ! -e "$UTMP/escaped" ]
	[ -d "$UTMP/rootfs/$UTMP/escaped/deep/dir" ]
}

@test "hostile rootfs: a relative symlink with .. cannot climb out" {
	own_rootfs
	as_user rm -rf "$UTMP/rootfs/mnt"
	as_user ln -s "../../../../../../../../..$UTMP/escaped" "$UTMP/rootfs/mnt"
	bundle_edit ".mounts += [
		{\"destination\": \"/mnt/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}]"
	bundle_args sh -c 'stat -f -c %T /mnt/t'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = tmpfs ]
	[ ! -e "$UTMP/escaped" ]
}

@test "hostile rootfs: a device node under a symlink stays inside" {
	own_rootfs
	as_user ln -s "$UTMP/devesc" "$UTMP/rootfs/devlink"
	bundle_edit '.linux.devices = [{"path": "/devlink/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	run sl_run
	echo "$output"
	# rootless, mknod is refused and the host has no /devlink/null to
	# bind: the run fails, but its directory was made inside the rootfs
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.devices[0]: create \`/devlink/null\`: No such file or directory" ]]
	[ ! -e "$UTMP/devesc" ]
	[ -d "$UTMP/rootfs/$UTMP/devesc" ]
}

@test "proc is never the host's when the container has its own pid namespace" {
	# a proc mount the kernel refuses used to fall back to binding the
	# host's /proc, showing the host's processes
	bundle_edit '.mounts |= map(if .type == "proc" then .options = ["hidepid=nonsense"] else . end)'
	bundle_args sh -c 'ls /proc | grep -c "^[0-9]"'
	run sl_run
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mount proc on \`/proc\`: "* ]]
}
