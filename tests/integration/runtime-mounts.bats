#!/usr/bin/env bats
# runtime-mounts.bats - the config's mounts, /dev, masked and read-only
# paths, a read-only root, --no-pivot.

load ../lib
load ../runtime

runtime_hooks

@test "bind mounts (ro and rw) and tmpfs are visible inside" {
	as_user mkdir "$UTMP/ro" "$UTMP/rw"
	as_user sh -c "echo host-data >$UTMP/ro/file"
	bundle_edit ".mounts += [
		{\"destination\": \"/ro\", \"type\": \"bind\", \"source\": \"$UTMP/ro\", \"options\": [\"rbind\", \"ro\"]},
		{\"destination\": \"/rw\", \"type\": \"none\", \"source\": \"$UTMP/rw\", \"options\": [\"bind\", \"rprivate\"]},
		{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\", \"nodev\"]}]"
	bundle_args sh -c 'cat /ro/file; touch /ro/x 2>&1; echo inside >/rw/out; touch /scratch/y && echo scratch-ok; grep " /scratch " /proc/mounts'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = host-data ]
	[ "${lines[1]}" = "touch: /ro/x: Read-only file system" ]
	[ "${lines[2]}" = scratch-ok ]
	[[ "${lines[3]}" == "tmpfs /scratch tmpfs rw,nodev,"* ]]
	[ "$(cat "$UTMP/rw/out")" = inside ]
	[ ! -e "$UTMP/ro/x" ]
}

@test "/dev has the default devices, pts, shm and the links" {
	bundle_args sh -c 'for d in null zero full random urandom tty; do [ -c /dev/$d ] || echo missing $d; done
		echo x >/dev/null && head -c 4 /dev/zero | wc -c
		readlink /dev/fd; readlink /dev/ptmx; ls /dev/pts; grep -c " /dev/shm tmpfs" /proc/mounts'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 4 ]
	[ "${lines[1]}" = /proc/self/fd ]
	[ "${lines[2]}" = pts/ptmx ]
	[ "${lines[3]}" = ptmx ]
	[ "${lines[4]}" = 1 ]
}

@test "masked paths are empty, read-only paths and root are read-only" {
	bundle_args sh -c 'wc -c </proc/timer_list; ls -A /sys/firmware | wc -l
		echo 1 >/proc/sys/kernel/ns_last_pid
		touch /newfile; true'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "sh: can't create /proc/sys/kernel/ns_last_pid: Read-only file system" ]
	[ "${lines[3]}" = "touch: /newfile: Read-only file system" ]
}

@test "sysfs: bound from the host without a network namespace" {
	bundle_args sh -c 'grep " /sys " /proc/mounts | cut -d" " -f3; ls /sys/class/net | grep -c .'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = sysfs ]
	[ "${lines[1]}" = "$(ls /sys/class/net | grep -c .)" ]
	# with its own network namespace, a fresh sysfs: only lo
	bundle_edit '.linux.namespaces += [{"type": "network"}] | .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end)'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = sysfs ]
	[ "${lines[1]}" = 1 ]
}

@test "--no-pivot moves the rootfs and chroots" {
	bundle_args sh -c 'cat /etc/hostname; ls /'
	run sl run --no-pivot --bundle "$UTMP/bundle" c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = sublet ]
	assert_no_leftovers
}

@test "a new network namespace has lo up, with 127.0.0.1 and ::1, as under runc" {
	bundle_edit '.linux.namespaces += [{"type": "network"}] | .mounts |= map(if .destination == "/sys" then {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]} else . end)'
	bundle_args sh -c 'cat /sys/class/net/lo/flags; ip -o addr show dev lo | awk "{print \$4}"'
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0x9 ]
	[[ "$output" == *127.0.0.1/8* ]]
	if [ -e /proc/net/if_inet6 ]; then
		[[ "$output" == *::1/128* ]]
	fi
	# the same bundle under runc, the reference, where installed
	if command -v runc >/dev/null; then
		local want=$output
		run as_user runc --root "$UTMP/runc" run --bundle "$UTMP/bundle" c2
		echo "runc: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	fi
}

@test "a tmpfs with tmpcopyup starts with the directory it covers, as under runc" {
	as_user cp -a "$RT_ROOTFS_DIR/rootfs" "$UTMP/rootfs"
	as_user sh -c 'd=$1/srv/data; mkdir -p "$d/sub" && chmod 0750 "$d" &&
		echo top >"$d/file" && chmod 0604 "$d/file" &&
		echo deep >"$d/sub/file2" && ln -s /etc/hostname "$d/link" &&
		mkdir "$1/srv/plain" && echo hidden >"$1/srv/plain/file"' sh "$UTMP/rootfs"
	bundle_edit ".root.path = \"$UTMP/rootfs\" | .mounts += [
		{\"destination\": \"/srv/data\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"tmpcopyup\", \"size=1m\"]},
		{\"destination\": \"/srv/plain\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}]"
	bundle_args sh -c 'cd /srv/data && cat file sub/file2 && readlink link &&
		stat -c "%a %u" . file && grep -c " /srv/data tmpfs" /proc/mounts &&
		echo new >made-inside && ls /srv/plain | wc -l'
	local want="top
deep
/etc/hostname
750 0
604 0
1
0"
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	# the image's directory is untouched underneath
	[ ! -e "$UTMP/rootfs/srv/data/made-inside" ]
	if have_runc; then
		run rc_run
		echo "runc: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	fi
}

@test "linux.rootfsPropagation unbindable and shared apply to the container's root" {
	for prop in unbindable shared; do
		bundle_edit ".linux.rootfsPropagation = \"$prop\""
		bundle_args sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
		run sl_run
		echo "$prop: $output"
		[ "$status" -eq 0 ]
		case $prop in
		unbindable) [[ "$output" == *" unbindable "* ]] ;;
		shared) [[ "$output" == *" shared:"* ]] ;;
		esac
	done
}
