#!/usr/bin/env bats
# runtime-systemd.bats - --systemd-cgroup with a real systemd: the
# container's scope made over D-Bus, each case run with sublet and with
# runc (to prove the test).  One systemd 252 for the file, booted by
# tests/systemd.bash as pid 1 of its own namespaces with dbus; the
# runtimes run as root in those namespaces, so that pids, /run and the
# system bus are that systemd's.  Checked: the scope active with the
# init in it, its limits as systemd reports them and as the cgroup files
# hold them, /proc/PID/cgroup in the scope in memory, pids and the
# hierarchy systemd tracks units in, update reflected in both, delete
# removing the unit; and the refusals, each leaving nothing behind: no
# systemd running, a cgroupsPath not of the systemd form, a unit that
# already exists, a start job that fails, no system bus (the last two
# where runc does not refuse, as said at each).

load ../lib
load ../runtime
load ../systemd

RUNTIMES="sublet runc"

setup_file() {
	local why
	why=$(sd_missing)
	[ -z "$why" ] || skip "$why"
	have_runc || skip "runc is not installed (the reference runtime)"
	runtime_setup_file
	sd_boot
}

teardown_file() {
	sd_shutdown
	runtime_teardown_file
}

setup() {
	runtime_setup
	rm -f "$UTMP/bundle/config.json"
	"$SUBLET" spec --bundle "$UTMP/bundle"
	bundle_edit ".root.path = \"$RT_ROOTFS_DIR/rootfs\"
		| .process.terminal = false | .process.args = [\"sleep\", \"1000\"]"
}

teardown() {
	local name id
	for name in $RUNTIMES; do
		[ -d "$UTMP/$name" ] || continue
		for id in $(rt "$name" list -q 2>/dev/null); do
			rt "$name" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	runtime_teardown
}

# rt NAME ARGS... - runtime NAME (sublet or runc) as root in systemd's
# namespaces with --systemd-cgroup and a state root of its own
rt() {
	local name=$1 bin=$SUBLET
	shift
	[ "$name" = runc ] && bin=$RUNC
	sd "$bin" --root "$UTMP/$name" --systemd-cgroup "$@"
}

# rt_create NAME ID - create the bundle's container, stdio in files
rt_create() {
	rt "$1" create --bundle "$UTMP/bundle" "$2" </dev/null \
		>"$UTMP/$1-$2.out" 2>"$UTMP/$1-$2.err"
}

# scope_dir CTRL UNIT - the scope's directory holding controller CTRL,
# in systemd's mount namespace
scope_dir() {
	local cg
	cg=$(unit_prop "$2" ControlGroup)
	if sd test -d "/sys/fs/cgroup/$1"; then
		echo "/sys/fs/cgroup/$1$cg"
	else
		echo "/sys/fs/cgroup$cg"
	fi
}

# mem_limit UNIT - the memory limit in the scope's cgroup file
mem_limit() {
	local d
	d=$(scope_dir memory "$1")
	sd cat "$d/memory.limit_in_bytes" 2>/dev/null || sd cat "$d/memory.max"
}

# assert_nothing_left NAME UNIT - no container in NAME's state root, no
# unit UNIT, no process running the bundle's rootfs
assert_nothing_left() {
	local p root
	[ -z "$(ls -A "$UTMP/$1" 2>/dev/null)" ]
	[ "$(unit_prop "$2" LoadState)" = not-found ]
	root=$(stat -c %d:%i "$RT_ROOTFS_DIR/rootfs")
	for p in $(pgrep -x sleep); do
		[ "$(stat -L -c %d:%i "/proc/$p/root" 2>/dev/null)" != "$root" ]
	done
}

@test "the scope: active with the init in it, limits in systemd and in the cgroup files, update, delete" {
	local name pid u=sublet-test-c1.scope cg line ctrl mdir
	bundle_edit '.linux.cgroupsPath = "system.slice:sublet-test:c1"
		| .linux.resources = {"memory": {"limit": 67108864},
			"pids": {"limit": 42}}'
	for name in $RUNTIMES; do
		rt_create "$name" c1
		rt "$name" start c1
		pid=$(rt "$name" state c1 | jq -r .pid)
		[ "$(unit_prop $u ActiveState)" = active ]
		cg=$(unit_prop $u ControlGroup)
		[ "$cg" = /system.slice/$u ]
		sd grep -qx "$pid" "$(scope_dir systemd $u)/cgroup.procs"
		[ "$(unit_limit $u)" = 67108864 ]
		[ "$(unit_prop $u TasksMax)" = 42 ]
		for ctrl in memory pids name=systemd; do
			line=$(sd grep -E "^[0-9]+:([^:]*,)?$ctrl(,[^:]*)?:" "/proc/$pid/cgroup" ||
				sd grep '^0::' "/proc/$pid/cgroup")
			[ "${line##*:}" = "$cg" ]
		done
		[ "$(mem_limit $u)" = 67108864 ]
		mdir=$(scope_dir memory $u)
		rt "$name" update --memory 134217728 c1
		[ "$(mem_limit $u)" = 134217728 ]
		[ "$(unit_limit $u)" = 134217728 ]
		rt "$name" delete --force c1
		assert_nothing_left "$name" $u
		! sd test -d "$mdir" || false
	done
}

@test "refused: systemd not running on the host" {
	[ ! -d /run/systemd/system ] || skip "systemd is running on this host"
	bundle_edit '.linux.cgroupsPath = "system.slice:sublet-test:n1"'
	run "$SUBLET" --root "$UTMP/sublet" --systemd-cgroup create \
		--bundle "$UTMP/bundle" n1 </dev/null
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "sublet: cgroups: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system); use the cgroupfs driver" ]
	[ -z "$(ls -A "$UTMP/sublet" 2>/dev/null)" ]
	run "$RUNC" --root "$UTMP/runc" --systemd-cgroup create \
		--bundle "$UTMP/bundle" n1 </dev/null
	[ "$status" -ne 0 ]
	[ -z "$(ls -A "$UTMP/runc" 2>/dev/null)" ]
}

@test "refused: a cgroupsPath not of the form slice:prefix:name" {
	local name
	bundle_edit '.linux.cgroupsPath = "/not/systemd"'
	for name in $RUNTIMES; do
		run rt_create "$name" b1
		[ "$status" -ne 0 ]
		assert_nothing_left "$name" b1.scope
	done
	[ "$(cat "$UTMP/sublet-b1.err")" = "sublet: cgroups: linux.cgroupsPath \`/not/systemd\`: expected slice:prefix:name with --systemd-cgroup" ]
}

# runc 1.1 does not refuse here: its second create joins the scope of
# the first (two containers in one cgroup).  Its part proves the setup:
# the first create made the very unit the second one collides with.
@test "refused: the unit already exists" {
	local name pid u=sublet-test-dup.scope
	bundle_edit '.linux.cgroupsPath = "system.slice:sublet-test:dup"'
	for name in $RUNTIMES; do
		rt_create "$name" d1
		pid=$(rt "$name" state d1 | jq -r .pid)
		[ "$(unit_prop $u ActiveState)" = active ]
		sd grep -qx "$pid" "$(scope_dir systemd $u)/cgroup.procs"
		[ "$name" = sublet ] || { rt "$name" delete --force d1; continue; }
		run rt_create "$name" d2
		[ "$status" -ne 0 ]
		[ "$(rt "$name" list -q)" = d1 ]
		[ "$(sd cat "$(scope_dir systemd $u)/cgroup.procs")" = "$pid" ]
		rt "$name" delete --force d1
		assert_nothing_left "$name" $u
	done
	[ "$(cat "$UTMP/sublet-d2.err")" = "sublet: cgroups: systemd unit \`$u\` already exists" ]
}

@test "refused: the start job fails (a slice whose dependency fails)" {
	local name u=sublet-test-f1.scope
	bundle_edit '.linux.cgroupsPath = "sdfail.slice:sublet-test:f1"'
	for name in $RUNTIMES; do
		run rt_create "$name" f1
		[ "$status" -ne 0 ]
		assert_nothing_left "$name" $u
		sd systemctl reset-failed sdfail.slice sdfail.service 2>/dev/null || true
	done
	[ "$(cat "$UTMP/sublet-f1.err")" = "sublet: cgroups: systemd could not start \`$u\` (job result \`dependency\`)" ]
}

@test "refused: the system bus is unreachable (sublet only: runc as root talks to systemd's private socket)" {
	bundle_edit '.linux.cgroupsPath = "system.slice:sublet-test:u1"'
	run sd env DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent/bus \
		"$SUBLET" --root "$UTMP/sublet" --systemd-cgroup create \
		--bundle "$UTMP/bundle" u1 </dev/null
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "sublet: cgroups: --systemd-cgroup: cannot connect to the system bus: No such file or directory" ]
	assert_nothing_left sublet sublet-test-u1.scope
}

@test "features: the systemd driver is announced, as runc does" {
	[ "$("$SUBLET" features | jq .linux.cgroup.systemd)" = true ]
	[ "$("$RUNC" features | jq .linux.cgroup.systemd)" = true ]
}
