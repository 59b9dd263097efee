#!/usr/bin/env bats
# runtime-systemd-user.bats - rootless --systemd-cgroup, as rootless
# Podman runs the runtime on a systemd host: the container's scope made
# by the user's own systemd (user@UID.service) over the user's bus, in
# user.slice of that manager.  Each case with sublet and with runc (to
# prove the test).  tests/systemd.bash boots systemd 252 with dbus as pid
# 1 of its own namespaces and starts the test user's manager in it; the
# runtimes run as the test user in those namespaces, with
# XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS as a login would set them.
#
# Two layouts where the host has v1 hierarchies: the host's own (hybrid:
# systemd tracks units in name=systemd), and cgroup2 alone, where runc
# 1.1 also runs rootless with systemd (it refuses any v1 layout, which
# the first case checks).  Checked: the scope active in the user's
# manager with the init in it (/proc/PID/cgroup, cgroup.procs), start,
# delete removing unit and cgroup, runc's default cgroupsPath form
# (user.slice, PREFIX-ID.scope), the runtime run from a user namespace
# of the user's as Podman does, linux.resources without controllers
# delegated to the user (one warning, as for any rootless container),
# the refusals without a user bus, and features.

load ../lib
load ../runtime
load ../systemd

RUNTIMES="sublet runc"

setup_file() {
	local why
	why=$(sd_missing)
	[ -z "$why" ] || skip "$why"
	why=$(sd_user_missing)
	[ -z "$why" ] || skip "$why"
	id -u "$TEST_USER" >/dev/null 2>&1 ||
		skip "no user $TEST_USER: run scripts/setup-test-host as root"
	have_runc || skip "runc is not installed (the reference runtime)"
	runtime_setup_file
	sd_boot
	SD_HOST=$(sd_saved)
	export SD_HOST
	sd_user_start
	if ! sd_hiers | grep -q '^/sys/fs/cgroup cgroup2 '; then
		SD_LAYOUT=unified sd_boot
		SD_V2=$(sd_saved)
		export SD_V2
		sd_user_start
	fi
}

teardown_file() {
	local s
	for s in "${SD_HOST:-}" "${SD_V2:-}"; do
		[ -z "$s" ] || { sd_use "$s" && sd_shutdown; }
	done
	runtime_teardown_file
}

setup() {
	runtime_setup
	bundle_edit '.process.args = ["sleep", "1000"]'
}

teardown() {
	local s name id
	for s in "${SD_HOST:-}" "${SD_V2:-}"; do
		[ -n "$s" ] || continue
		sd_use "$s"
		for name in $RUNTIMES; do
			[ -d "$UTMP/$name" ] || continue
			for id in $(rt "$name" list -q 2>/dev/null); do
				rt "$name" delete --force "$id" >/dev/null 2>&1 || true
			done
		done
	done
	runtime_teardown
}

# layouts - the variables holding the systemds each case runs against
# (for sd_use "${!s}")
layouts() {
	echo SD_HOST
	[ -z "${SD_V2:-}" ] || echo SD_V2
}

# tracks_v1 - the current systemd tracks units in a v1 name=systemd
# hierarchy (where runc 1.1 refuses rootless systemd cgroups)
tracks_v1() {
	sd test -d /sys/fs/cgroup/systemd
}

# rt NAME ARGS... - runtime NAME (sublet or runc) as the test user in
# systemd's namespaces with --systemd-cgroup and a state root of its own
rt() {
	local name=$1 bin=$SUBLET
	shift
	[ "$name" = runc ] && bin=$RUNC
	sd_user "$bin" --root "$UTMP/$name" --systemd-cgroup "$@"
}

# rt_bin_of NAME - the binary of runtime NAME
rt_bin_of() {
	if [ "$1" = runc ]; then echo "$RUNC"; else echo "$SUBLET"; fi
}

# rt_ns NAME ARGS... - as rt, from a new user and mount namespace of the
# test user's where it is uid 0 (as `podman unshare` runs the runtime)
rt_ns() {
	local name=$1
	shift
	sd_user unshare -rm "$(rt_bin_of "$name")" --root "$UTMP/$name" \
		--systemd-cgroup "$@"
}

# rt_create NAME ID - create the bundle's container, stdio in files
rt_create() {
	rt "$1" create --bundle "$UTMP/bundle" "$2" </dev/null \
		>"$UTMP/$1-$2.out" 2>"$UTMP/$1-$2.err"
}

# uprop UNIT PROP - one property of a unit of the user's manager
uprop() {
	sd_user systemctl --user show -p "$2" --value "$1"
}

# scope_cg UNIT - where the user's manager puts UNIT in user.slice
scope_cg() {
	echo "/user.slice/user-$(test_uid).slice/user@$(test_uid).service/user.slice/$1"
}

# v2_dir CG - the directory of cgroup CG in the cgroup2 hierarchy, in
# systemd's mount namespace
v2_dir() {
	if tracks_v1; then
		echo "/sys/fs/cgroup/unified$1"
	else
		echo "/sys/fs/cgroup$1"
	fi
}

# tracked_dir CG - the directory of cgroup CG in the hierarchy systemd
# tracks units in, in its mount namespace
tracked_dir() {
	if tracks_v1; then
		echo "/sys/fs/cgroup/systemd$1"
	else
		echo "/sys/fs/cgroup$1"
	fi
}

# assert_in_scope NAME ID UNIT - the container's init is in UNIT of the
# user's manager: the unit active at the expected place, the init in its
# cgroup.procs and in it in /proc/PID/cgroup (name=systemd where that is
# mounted, and the cgroup2 line)
assert_in_scope() {
	local pid cg line
	pid=$(rt "$1" state "$2" | jq -r .pid)
	[ "$(uprop "$3" ActiveState)" = active ]
	cg=$(uprop "$3" ControlGroup)
	[ "$cg" = "$(scope_cg "$3")" ]
	sd grep -qx "$pid" "$(tracked_dir "$cg")/cgroup.procs"
	if tracks_v1; then
		line=$(sd grep -E '^[0-9]+:name=systemd:' "/proc/$pid/cgroup")
		[ "${line##*:}" = "$cg" ]
	fi
	line=$(sd grep '^0::' "/proc/$pid/cgroup")
	[ "${line##*:}" = "$cg" ]
}

# assert_nothing_left NAME UNIT - no container in NAME's state root, no
# unit UNIT in the user's manager and no cgroup of it, no process
# running the bundle's rootfs
assert_nothing_left() {
	local p root
	[ -z "$(ls -A "$UTMP/$1" 2>/dev/null)" ]
	[ "$(uprop "$2" LoadState)" = not-found ]
	! sd test -d "$(tracked_dir "$(scope_cg "$2")")" || false
	root=$(stat -c %d:%i "$RT_ROOTFS_DIR/rootfs")
	for p in $(pgrep -x sleep); do
		[ "$(stat -L -c %d:%i "/proc/$p/root" 2>/dev/null)" != "$root" ]
	done
}

@test "the scope in the user's manager: user.slice:sublet-test:ID, start, delete" {
	local s name u=sublet-test-c1.scope
	bundle_edit '.linux.cgroupsPath = "user.slice:sublet-test:c1"'
	for s in $(layouts); do
		sd_use "${!s}"
		for name in $RUNTIMES; do
			if [ "$name" = runc ] && tracks_v1; then
				# runc 1.1: "cannot use rootless systemd
				# cgroups manager on cgroup v1"
				run rt_create "$name" c1
				[ "$status" -ne 0 ]
				assert_nothing_left "$name" $u
				continue
			fi
			rt_create "$name" c1
			assert_in_scope "$name" c1 $u
			rt "$name" start c1
			[ "$(rt "$name" state c1 | jq -r .status)" = running ]
			assert_in_scope "$name" c1 $u
			rt "$name" delete --force c1
			assert_nothing_left "$name" $u
		done
	done
}

@test "no cgroupsPath: the runtime's default, PREFIX-ID.scope in user.slice" {
	local s name u
	bundle_edit 'del(.linux.cgroupsPath)'
	for s in $(layouts); do
		sd_use "${!s}"
		for name in $RUNTIMES; do
			[ "$name" = sublet ] || ! tracks_v1 || continue
			u=$name-d1.scope
			rt_create "$name" d1
			assert_in_scope "$name" d1 "$u"
			rt "$name" delete --force d1
			assert_nothing_left "$name" "$u"
		done
	done
}

@test "from a user namespace of the user's, as Podman runs the runtime" {
	local s name u=sublet-test-n1.scope
	bundle_edit '.linux.cgroupsPath = "user.slice:sublet-test:n1"
		| .linux.uidMappings[0].hostID = 0
		| .linux.gidMappings[0].hostID = 0'
	for s in $(layouts); do
		sd_use "${!s}"
		for name in $RUNTIMES; do
			[ "$name" = sublet ] || ! tracks_v1 || continue
			rt_ns "$name" create --bundle "$UTMP/bundle" n1 \
				</dev/null >"$UTMP/ns.out" 2>"$UTMP/ns.err"
			assert_in_scope "$name" n1 $u
			rt_ns "$name" delete --force n1
			assert_nothing_left "$name" $u
		done
	done
}

# Without controllers delegated to the user (this host's v1 controllers,
# or a cgroup2 without them) limits are the rootless rule's: one warning,
# the container runs; where memory is delegated, the limit is applied.
# runc 1.1 fails instead on a cgroup2 without the pids controller, so
# its part only shows that it did not run there.
@test "linux.resources in the user's scope: applied where delegated, else one warning" {
	local s ctrls d u=sublet-test-r1.scope
	bundle_edit '.linux.cgroupsPath = "user.slice:sublet-test:r1"
		| .linux.resources = {"memory": {"limit": 67108864},
			"pids": {"limit": 42}}'
	for s in $(layouts); do
		sd_use "${!s}"
		rt_create sublet r1
		assert_in_scope sublet r1 $u
		d=$(v2_dir "$(scope_cg $u)")
		ctrls=$(sd cat "$d/cgroup.controllers")
		if [[ " $ctrls " = *" memory "* ]]; then
			[ "$(sd cat "$d/memory.max")" = 67108864 ]
		else
			[ "$(wc -l <"$UTMP/sublet-r1.err")" -eq 1 ]
			grep -q '^sublet: warning: cgroups: linux.resources not fully applied: ' \
				"$UTMP/sublet-r1.err"
		fi
		rt sublet delete --force r1
		assert_nothing_left sublet $u
		tracks_v1 || [[ " $ctrls " = *" pids "* ]] || {
			run rt_create runc r1
			[ "$status" -ne 0 ]
			assert_nothing_left runc $u
		}
	done
}

@test "refused: no user bus (no \$DBUS_SESSION_BUS_ADDRESS and no \$XDG_RUNTIME_DIR/bus, or a bus address that does not answer)" {
	local s name u=sublet-test-b1.scope
	bundle_edit '.linux.cgroupsPath = "user.slice:sublet-test:b1"'
	for s in $(layouts); do
		sd_use "${!s}"
		for name in $RUNTIMES; do
			[ "$name" = sublet ] || ! tracks_v1 || continue
			run sd setpriv --reuid="$(test_uid)" --regid="$(test_gid)" \
				--init-groups --reset-env env PATH=/usr/bin:/bin \
				XDG_RUNTIME_DIR="$UTMP" "$(rt_bin_of "$name")" \
				--root "$UTMP/$name" --systemd-cgroup create \
				--bundle "$UTMP/bundle" b1 </dev/null
			[ "$status" -ne 0 ]
			assert_nothing_left "$name" $u
			[ "$name" = sublet ] || continue
			[ "${#lines[@]}" -eq 1 ]
			[ "$output" = "sublet: cgroups: --systemd-cgroup: no user bus for systemd --user (\$DBUS_SESSION_BUS_ADDRESS is unset and there is no \$XDG_RUNTIME_DIR/bus)" ]
			AS_USER_ENV=DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus \
				run sd_user "$SUBLET" --root "$UTMP/sublet" \
				--systemd-cgroup create --bundle "$UTMP/bundle" b1 </dev/null
			[ "$status" -eq 1 ]
			[ "$output" = "sublet: cgroups: --systemd-cgroup: cannot connect to the user bus: No such file or directory" ]
			assert_nothing_left sublet $u
		done
	done
}

@test "features: the systemd user driver is announced, as runc does" {
	[ "$("$SUBLET" features | jq .linux.cgroup.systemdUser)" = true ]
	[ "$("$RUNC" features | jq .linux.cgroup.systemdUser)" = true ]
}
