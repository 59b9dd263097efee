#!/usr/bin/env bats
# runtime-mountns.bats - a container without a mount namespace: the init
# chroots into root.path and the process runs there.  As real root, with
# no user namespace, its mounts are made in the caller's mount table, on
# root.path bound on itself, and go at delete; with a user namespace of
# its own (rootless) a config that asks for mounts (or masked paths,
# devices...) is refused by create, in one line.
#
# runc cannot be the reference for the rootless cases: it fails such a
# bundle as it prepares the rootfs (making / a slave mount in the
# caller's mount namespace is not permitted), whatever the config holds.
# As root it runs it, leaving the mounts behind after delete.

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

# root_bundle - as real root: $UTMP/rbundle, `sublet spec` (not rootless)
# without a mount namespace, on a copy of the rootfs under $UTMP (so
# that remove_user_tmp unmounts whatever a failure leaves)
root_bundle() {
	is_root || skip "needs real root to mount in the caller's mount namespace"
	mkdir "$UTMP/rbundle"
	cp -a "$RT_ROOTFS_DIR/rootfs" "$UTMP/rbundle/rootfs"
	"$SUBLET" spec --bundle "$UTMP/rbundle"
	jq '.linux.namespaces |= map(select(.type != "mount"))
		| .process.terminal = false
		| .process.args = ["true"]' \
		"$UTMP/rbundle/config.json" >"$UTMP/rbundle/c.json"
	mv "$UTMP/rbundle/c.json" "$UTMP/rbundle/config.json"
}

# slr ARGS... - sublet as root, with a state root under $UTMP
slr() {
	"$SUBLET" --root "$UTMP/rstate" "$@"
}

# mounts_under DIR - how many mounts of this mount table are at or
# under DIR
mounts_under() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1' /proc/self/mounts | wc -l
}

@test "as real root without a mount namespace the mounts are made in the caller's table and go at delete" {
	root_bundle
	rootfs=$UTMP/rbundle/rootfs
	cat >"$rootfs/probe" <<-'EOF'
		readlink /proc/self/ns/mnt
		[ -c /dev/null ] && echo dev-null
		[ -d /proc/1 ] && echo pid-ns
		wc -c </proc/timer_list
		ls /sys/firmware | wc -l
	EOF
	mkfifo "$UTMP/go"
	jq '.process.args = ["sh", "-c", "touch /x 2>/dev/null || echo ro; . /probe; cat /go"]
		| .mounts += [{"destination": "/go", "type": "bind",
			"source": "'"$UTMP/go"'", "options": ["bind"]}]' \
		"$UTMP/rbundle/config.json" >"$UTMP/c.json"
	mv "$UTMP/c.json" "$UTMP/rbundle/config.json"
	slr create --bundle "$UTMP/rbundle" r1 </dev/null >"$UTMP/out" 2>&1
	[ "$(slr state r1 | jq -r .status)" = created ]
	# proc, the /dev tmpfs, devpts, shm, mqueue, sysfs, cgroup and the
	# fifo, on the bind of root.path: all in this mount table
	[ "$(mounts_under "$rootfs")" -ge 8 ]
	slr start r1
	echo >"$UTMP/go"
	wait_for 10 sh -c "[ \"\$($SUBLET --root $UTMP/rstate state r1 | jq -r .status)\" = stopped ]"
	cat "$UTMP/out"
	[ "$(sed -n 1p "$UTMP/out")" = ro ]
	[ "$(sed -n 2p "$UTMP/out")" = "$(readlink /proc/self/ns/mnt)" ]
	[ "$(sed -n 3p "$UTMP/out")" = dev-null ]
	[ "$(sed -n 4p "$UTMP/out")" = pid-ns ]
	# masked: /dev/null over a file, an empty tmpfs over a directory
	[ "$(sed -n 5p "$UTMP/out")" = 0 ]
	[ "$(sed -n 6p "$UTMP/out")" = 0 ]
	# root.readonly made the bind read-only, not the filesystem under it
	touch "$UTMP/written-by-host"
	slr delete r1
	[ "$(mounts_under "$rootfs")" -eq 0 ]
	touch "$rootfs/written-by-host"
	[ ! -e "$UTMP/rstate/r1" ]
}

@test "as real root a create that fails without a mount namespace leaves no mount" {
	root_bundle
	jq '.mounts += [{"destination": "/nowhere", "type": "bind",
		"source": "/nonexistent-source", "options": ["bind"]}]' \
		"$UTMP/rbundle/config.json" >"$UTMP/c.json"
	mv "$UTMP/c.json" "$UTMP/rbundle/config.json"
	run slr create --bundle "$UTMP/rbundle" r1 </dev/null
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/nonexistent-source"* ]]
	[ "$(mounts_under "$UTMP/rbundle/rootfs")" -eq 0 ]
	[ ! -e "$UTMP/rstate/r1" ]
}
