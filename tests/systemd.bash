# tests/systemd.bash - a real systemd for a test file: systemd 252 booted
# as pid 1 of its own pid, mount and cgroup namespaces, with dbus, in a
# cgroup of its own in every hierarchy.  Load after ../lib.
#
#   sd_boot		boot it (call from setup_file); sets SD_PID, the
#			host pid of that systemd, and SD_DIR
#   sd CMD...		run CMD in its namespaces (pid, mount, cgroup), so
#			that pids, /run and the system bus are systemd's
#   sd_shutdown		stop it and remove its cgroups (teardown_file)
#   sd_user_start	start the test user's manager, user@UID.service,
#			in it and wait until it answers on the user's bus
#   sd_user CMD...	run CMD as the test user in its namespaces, with
#			XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS of
#			that manager (as pam_systemd would set them)
#   sd_use SAVED	make current a systemd saved as "$(sd_saved)", for
#			a file that boots more than one
#   unit_prop UNIT PROP	one property of a unit, as systemctl shows it
#   unit_limit UNIT	the unit's memory limit
#
# SD_LAYOUT=unified before sd_boot mounts cgroup2 alone at
# /sys/fs/cgroup in its namespaces whatever the host's layout (on a
# hybrid host: a unified systemd without controllers, since they are
# bound to the v1 hierarchies).
#
# The namespaces mirror the host's cgroup layout (hybrid: each v1
# hierarchy plus cgroup2 at unified; unified: cgroup2 only), mounted
# afresh so that systemd sees its cgroup as the root.  Only the test's
# own subshell is moved into the new cgroups, never the caller.  Units
# come from SD_DIR/units only: a target that wants dbus.socket, the
# dbus units copied from /lib/systemd/system, the empty targets their
# default dependencies need, and sdfail.slice, a slice
# that requires a service that fails, for refusal tests; and for the
# user's manager user@.service, user-runtime-dir@.service and user.slice
# with a drop-in that gives it XDG_RUNTIME_DIR (there is no logind to
# set it).  SYSTEMD_UNIT_PATH is not passed on to services, so the user
# manager reads the usual user unit directories (dbus-user-session's
# dbus.socket and dbus.service make its bus).

# sd_missing - why a systemd cannot be booted here (empty: it can)
sd_missing() {
	is_root || { echo "booting systemd needs root"; return; }
	[ -x /lib/systemd/systemd ] || { echo "systemd is not installed"; return; }
	[ -f /lib/systemd/system/dbus.socket ] ||
		{ echo "dbus is not installed"; return; }
	[ -f /lib/systemd/system/user@.service ] ||
		{ echo "systemd has no user@.service"; return; }
	[ -n "$(sd_hiers)" ] || echo "no cgroup hierarchy is mounted"
}

# sd_hiers - the host's cgroup mounts: "MOUNTPOINT TYPE OPTIONS" a line
sd_hiers() {
	awk '$0 ~ / - cgroup2? / {
		for (i = 7; $i != "-"; i++);
		print $5, $(i + 1), $(i + 3) }' /proc/self/mountinfo
}

# sd_layout - the hierarchies mounted in systemd's namespaces, as
# sd_hiers prints them: the host's, or cgroup2 alone (SD_LAYOUT=unified)
sd_layout() {
	if [ "${SD_LAYOUT:-}" = unified ]; then
		echo "/sys/fs/cgroup cgroup2 rw"
	else
		sd_hiers
	fi
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
	cp /lib/systemd/system/user@.service \
		/lib/systemd/system/user-runtime-dir@.service \
		/lib/systemd/system/user.slice "$1/"
	mkdir -p "$1/user@.service.d"
	printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%%i\n' \
		>"$1/user@.service.d/sdtest.conf"
}

# sd_user_missing - why the user's manager cannot run (empty: it can)
sd_user_missing() {
	[ -f /usr/lib/systemd/user/dbus.socket ] ||
		echo "no dbus unit for systemd --user (dbus-user-session)"
}

# sd_boot_script FILE - the script run as pid 1 that mounts /run and the
# cgroup hierarchies and execs systemd
sd_boot_script() {
	local mnt type opts o
	{
		echo '#!/bin/sh -e'
		echo 'mount --make-rprivate /'
		echo 'mount -t tmpfs tmpfs /run; mkdir -p /run/lock'
		if ! sd_layout | grep -q '^/sys/fs/cgroup cgroup2 '; then
			echo 'mount -t tmpfs tmpfs /sys/fs/cgroup'
		fi
		sd_layout | while read -r mnt type opts; do
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

# sd_saved - the current systemd, for sd_use
sd_saved() {
	echo "$SD_PID $SD_DIR $SD_CG"
}

# sd_use SAVED - make current the systemd sd_saved printed
sd_use() {
	read -r SD_PID SD_DIR SD_CG <<<"$1"
	export SD_PID SD_DIR SD_CG
}

# sd_user CMD... - CMD as the test user in systemd's namespaces, with a
# clean environment: PATH (staged binaries first), HOME, XDG_RUNTIME_DIR
# and DBUS_SESSION_BUS_ADDRESS of the user's manager, plus $AS_USER_ENV
sd_user() {
	local uid path
	uid=$(test_uid)
	path="${SUBLET_PREFIX:+$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:}"
	path+=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	(cd "${UTMP:-/}" && sd setpriv --reuid="$uid" --regid="$(test_gid)" \
		--init-groups --reset-env env PATH="$path" \
		XDG_RUNTIME_DIR="/run/user/$uid" \
		DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" \
		${AS_USER_ENV:-} "$@")
}

# sd_user_ready - the user's manager is up and answers on its bus
sd_user_ready() {
	case $(sd_user timeout 20 systemctl --user is-system-running --wait \
		2>/dev/null) in
	running | degraded) ;;
	*) return 1 ;;
	esac
}

# sd_user_start - start the test user's manager (see the top)
sd_user_start() {
	sd timeout 30 systemctl start "user@$(test_uid).service" &&
		wait_for 30 sd_user_ready
}

# unit_prop UNIT PROP - one property of a unit, as systemctl shows it
unit_prop() {
	sd systemctl show -p "$2" --value "$1"
}

# unit_limit UNIT - the unit's memory limit (MemoryLimit on v1, where
# runc sets it, MemoryMax on v2)
unit_limit() {
	sd systemctl show -p MemoryMax -p MemoryLimit --value "$1" |
		grep -vx infinity | head -n1
}
