# tests/systemd.bash - a real systemd for a test file: systemd 252 booted
# as pid 1 of its own pid, mount and cgroup namespaces, with dbus, in a
# cgroup of its own in every hierarchy.  Load after ../lib.
#
#   sd_boot		boot it (call from setup_file); sets SD_PID, the
#			host pid of that systemd, and SD_DIR
#   sd CMD...		run CMD in its namespaces (pid, mount, cgroup), so
#			that pids, /run and the system bus are systemd's
#   sd_shutdown		stop it and remove its cgroups (teardown_file)
#
# The namespaces mirror the host's cgroup layout (hybrid: each v1
# hierarchy plus cgroup2 at unified; unified: cgroup2 only), mounted
# afresh so that systemd sees its cgroup as the root.  Only the test's
# own subshell is moved into the new cgroups, never the caller.  Units
# come from SD_DIR/units only: a target that wants dbus.socket, the
# dbus units copied from /lib/systemd/system, the empty targets their
# default dependencies need, and sdfail.slice, a slice
# that requires a service that fails, for refusal tests.

# sd_missing - why a systemd cannot be booted here (empty: it can)
sd_missing() {
	is_root || { echo "booting systemd needs root"; return; }
	[ -x /lib/systemd/systemd ] || { echo "systemd is not installed"; return; }
	[ -f /lib/systemd/system/dbus.socket ] ||
		{ echo "dbus is not installed"; return; }
	[ -n "$(sd_hiers)" ] || echo "no cgroup hierarchy is mounted"
}

# sd_hiers - the host's cgroup mounts: "MOUNTPOINT TYPE OPTIONS" a line
sd_hiers() {
	awk '$0 ~ / - cgroup2? / {
		for (i = 7; $i != "-"; i++);
		print $5, $(i + 1), $(i + 3) }' /proc/self/mountinfo
}

# sd_units DIR - write the unit directory systemd boots from
sd_units() {
	mkdir -p "$1"
	cp /lib/systemd/system/dbus.socket /lib/systemd/system/dbus.service \
		/lib/systemd/system/sockets.target "$1/"
	printf '[Unit]\nWants=dbus.socket\n' >"$1/sdtest.target"
	# what dbus.service's default dependencies name, empty
	for u in sysinit.target basic.target shutdown.target; do
		printf '[Unit]\nDescription=%s\n' "$u" >"$1/$u"
	done
	printf '[Unit]\nRequires=sdfail.service\nAfter=sdfail.service\n' \
		>"$1/sdfail.slice"
	printf '[Service]\nType=oneshot\nExecStart=/bin/false\n' \
		>"$1/sdfail.service"
}

# sd_boot_script FILE - the script run as pid 1 that mounts /run and the
# cgroup hierarchies and execs systemd
sd_boot_script() {
	local mnt type opts o
	{
		echo '#!/bin/sh -e'
		echo 'mount --make-rprivate /'
		echo 'mount -t tmpfs tmpfs /run; mkdir -p /run/lock'
		if ! sd_hiers | grep -q '^/sys/fs/cgroup cgroup2 '; then
			echo 'mount -t tmpfs tmpfs /sys/fs/cgroup'
		fi
		sd_hiers | while read -r mnt type opts; do
			o=$(echo "$opts" | tr , '\n' |
				grep -vxE 'rw|ro|nsdelegate|memory_recursiveprot' |
				paste -sd,)
			echo "mkdir -p $mnt"
			if [ "$type" = cgroup2 ]; then
				echo "mount -t cgroup2 cgroup2 $mnt"
			else
				echo "mount -t cgroup -o ${o:-none} cgroup $mnt"
			fi
		done
		echo "export container=sublet-test SYSTEMD_UNIT_PATH=$SD_DIR/units"
		echo 'exec /lib/systemd/systemd --system --unit=sdtest.target'
	} >"$1"
	chmod 0755 "$1"
}

# sd_ready - the boot is over and systemd answers on the system bus
sd_ready() {
	[ -S "/proc/$SD_PID/root/run/dbus/system_bus_socket" ] || return 1
	case $(sd timeout 20 systemctl is-system-running --wait 2>/dev/null) in
	running | degraded) ;;
	*) return 1 ;;
	esac
	sd busctl --system call org.freedesktop.systemd1 \
		/org/freedesktop/systemd1 org.freedesktop.DBus.Peer Ping \
		>/dev/null 2>&1
}

# sd_child PID - the first child of PID once PID is unshare (fails
# before: until then its children are the subshell's own)
sd_child() {
	local c
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = unshare ] || return 1
	read -r c _ <"/proc/$1/task/$1/children" 2>/dev/null
	[ -n "$c" ] && echo "$c"
}

# sd_boot - boot systemd (see the top of this file)
sd_boot() {
	local mnt rest u
	SD_DIR=$(mktemp -d /tmp/sublet-sd.XXXXXX)
	SD_CG=sublet-sd-${SD_DIR##*.}
	export SD_DIR SD_CG
	sd_units "$SD_DIR/units"
	sd_boot_script "$SD_DIR/boot.sh"
	sd_hiers | while read -r mnt rest; do
		mkdir "$mnt/$SD_CG"
		# a new v1 cpuset takes no task before it has cpus and mems
		[ ! -f "$mnt/cpuset.cpus" ] || [ -f "$mnt/cgroup.controllers" ] ||
			for f in cpuset.cpus cpuset.mems; do
				cat "$mnt/$f" >"$mnt/$SD_CG/$f"
			done
	done
	(
		self=$BASHPID
		sd_hiers | while read -r mnt rest; do
			echo "$self" >"$mnt/$SD_CG/cgroup.procs"
		done
		exec unshare -fpm --cgroup --mount-proc "$SD_DIR/boot.sh"
	) </dev/null >"$SD_DIR/log" 2>&1 &
	u=$!
	echo "$u" >"$SD_DIR/unshare.pid"
	wait_for 10 sd_child "$u" >/dev/null || { cat "$SD_DIR/log"; return 1; }
	SD_PID=$(sd_child "$u")
	export SD_PID
	wait_for 30 sd_ready || { cat "$SD_DIR/log"; return 1; }
}

# sd CMD... - CMD in systemd's pid, mount and cgroup namespaces
sd() {
	nsenter -t "$SD_PID" -m -p -C "$@"
}

# sd_shutdown - stop systemd and everything under it, remove its cgroups
sd_shutdown() {
	local mnt rest u
	[ -n "${SD_DIR:-}" ] || return 0
	u=$(cat "$SD_DIR/unshare.pid" 2>/dev/null)
	# SIGKILL: systemd as pid 1 takes SIGTERM as "re-execute"; the end
	# of a pid namespace's init ends every process in it
	[ -z "${SD_PID:-}" ] || kill -KILL "$SD_PID" 2>/dev/null || true
	[ -z "$u" ] || wait_for 10 sh -c "! kill -0 $u 2>/dev/null" || true
	sd_hiers | while read -r mnt rest; do
		[ -d "$mnt/$SD_CG" ] || continue
		wait_for 10 sh -c \
			'find "$1" -depth -type d -exec rmdir {} + 2>/dev/null;
			! [ -d "$1" ]' sh "$mnt/$SD_CG" || true
	done
	rm -rf "$SD_DIR"
	SD_DIR=
}
