#!/usr/bin/env bats
# podman-systemd.bats - rootless Podman 4.3 with cgroup_manager =
# "systemd", as most distributions run it: Podman asks the user's
# systemd for a scope for conmon (libpod-conmon-ID.scope) and runs the
# runtime with --systemd-cgroup and a cgroupsPath user.slice:libpod:ID,
# for which the runtime asks the same manager for libpod-ID.scope.
# tests/systemd.bash boots systemd 252 as pid 1 of its own namespaces and
# starts the test user's manager in it; Podman runs as the test user in
# those namespaces with that manager's XDG_RUNTIME_DIR and
# DBUS_SESSION_BUS_ADDRESS (tests/podman.bash with PM_NS=sd), each case
# with the `sublet` tool set (sublet as the runtime, Debian's helpers
# covered) and the `debian` one (runc), which proves the test.
#
# The layout is cgroup2 alone (SD_LAYOUT=unified): on a host with v1
# hierarchies rootless Podman 4.3 takes cgroupfs whatever containers.conf
# says, and runc 1.1 refuses rootless systemd cgroups there (the first
# case checks the former).  No controller is delegated to the user in
# that view (they are bound to the host's v1 hierarchies), so Podman's
# default pids limit (2048) is a resource runc cannot set: every run but
# the limits case asks for none, with both runtimes.

bats_require_minimum_version 1.5.0

load ../lib
load ../netd
load ../systemd
load ../podman

KINDS="sublet debian"

setup_file() {
	local why k uid
	why=$(sd_missing)
	[ -z "$why" ] || skip "$why"
	why=$(sd_user_missing)
	[ -z "$why" ] || skip "$why"
	require_test_user
	for k in podman runc conmon; do
		command -v $k >/dev/null || skip "$k is not installed"
	done
	make_user_tmp
	SD_LAYOUT=unified sd_boot
	SD_V2=$(sd_saved)
	sd_user_start
	uid=$(test_uid)
	PM_NS=sd PM_RUNDIR=/run/user/$uid PM_CGROUP_MANAGER=systemd
	PM_ENV="DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$uid/bus"
	export SD_V2 PM_NS PM_RUNDIR PM_CGROUP_MANAGER PM_ENV
	"$SUBLET_SCRIPTS/make-image" docker-archive "$UTMP/img.tar"
	chown "$(test_uid):$(test_gid)" "$UTMP/img.tar"
	for k in $KINDS; do
		pm_setup "$k" "$UTMP/$k"
		if ! pm load -q -i "$UTMP/img.tar" >/dev/null ||
			! pm tag "$(pm images -q | head -1)" localhost/bb; then
			cat "$UTMP/podman.err" >&2
			return 1
		fi
	done
}

teardown_file() {
	local k
	if [ -s "${UTMP:-/nonexistent}/sd-hybrid" ]; then
		sd_use "$(cat "$UTMP/sd-hybrid")"
		sd_shutdown
	fi
	if [ -n "${SD_V2:-}" ]; then
		sd_use "$SD_V2"
		for k in $KINDS; do
			[ -e "${UTMP:-/nonexistent}/$k/kind" ] || continue
			pm_use "$UTMP/$k"
			pm_cleanup
		done
		sd_shutdown
	fi
	remove_user_tmp
}

setup() {
	[ -n "${SD_V2:-}" ] || skip "no systemd (see setup_file)"
	sd_use "$SD_V2"
	: >"$UTMP/podman.err"
}

teardown() {
	local k
	cat "$UTMP/podman.err" 2>/dev/null || true
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		pm rm -a -f -t 0 >/dev/null 2>&1 || true
	done
}

# uprop UNIT PROP - one property of a unit of the user's manager
uprop() {
	sd_user systemctl --user show -p "$2" --value "$1"
}

# scope_cg UNIT - where the user's manager puts UNIT of user.slice
scope_cg() {
	echo "/user.slice/user-$(test_uid).slice/user@$(test_uid).service/user.slice/$1"
}

# cg_of PID - the cgroup2 path of PID in systemd's namespaces
cg_of() {
	sd sed -n 's/^0:://p' "/proc/$1/cgroup"
}

# assert_scopes ID - the container's init is in libpod-ID.scope and
# conmon in libpod-conmon-ID.scope, both active units of the user's
# manager, delegated
assert_scopes() {
	local pid conmon u=libpod-$1.scope c=libpod-conmon-$1.scope
	pid=$(pm inspect -f '{{.State.Pid}}' "$1")
	conmon=$(pm inspect -f '{{.State.ConmonPid}}' "$1")
	[ "$(uprop "$u" ActiveState)" = active ]
	[ "$(uprop "$u" ControlGroup)" = "$(scope_cg "$u")" ]
	[ "$(uprop "$u" Delegate)" = yes ]
	[ "$(cg_of "$pid")" = "$(scope_cg "$u")" ]
	sd grep -qx "$pid" "/sys/fs/cgroup$(scope_cg "$u")/cgroup.procs"
	[ "$(uprop "$c" ActiveState)" = active ]
	[ "$(cg_of "$conmon")" = "$(scope_cg "$c")" ]
}

# assert_no_scopes ID - neither unit nor its cgroup is left
assert_no_scopes() {
	local u
	for u in "libpod-$1.scope" "libpod-conmon-$1.scope"; do
		[ "$(uprop "$u" LoadState)" = not-found ]
		! sd test -d "/sys/fs/cgroup$(scope_cg "$u")" || false
	done
}

@test "podman info: the systemd manager on cgroup2 (with the user's bus; Podman's own fallback without it; cgroupfs on v1)" {
	local k want out
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		want="systemd v2 sublet $PM_SUBLET"
		[ "$k" = sublet ] || want="systemd v2 runc $(command -v runc)"
		run pm info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}} {{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
	# what Podman checks for the user's session: $DBUS_SESSION_BUS_ADDRESS
	# or $XDG_RUNTIME_DIR/bus; with neither it falls back to cgroupfs
	out=$(PM_ENV="" PM_RUNDIR="$PM_DIR/r" pm_user podman info 2>&1 || true)
	echo "$out"
	[[ "$out" == *"The cgroupv2 manager is set to systemd but there is no systemd user session available"* ]]
	[[ "$out" == *"Falling back to --cgroup-manager=cgroupfs"* ]]
	# the host's own layout, where it has v1 hierarchies: a second
	# systemd for this case (teardown_file stops it if the case fails)
	if ! sd_hiers | grep -q '^/sys/fs/cgroup cgroup2 '; then
		sd_boot
		sd_saved >"$UTMP/sd-hybrid"
		sd_user_start
		pm_setup debian "$UTMP/hybrid"
		run pm info --format '{{.Host.CgroupManager}} {{.Host.CgroupsVersion}}'
		sd_shutdown
		rm "$UTMP/sd-hybrid"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = "cgroupfs v1" ]
	fi
}

@test "run --rm and run -d: the init in libpod-ID.scope, conmon in libpod-conmon-ID.scope; the container's cgroup namespace and /sys/fs/cgroup are its scope; no warning" {
	local k id
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		run pm run --rm --pids-limit 0 localhost/bb sh -c \
			'sed -n "s/^0:://p" /proc/self/cgroup
			 grep -qx 1 /sys/fs/cgroup/cgroup.procs && echo own-cgroup
			 exit 3'
		echo "$k: $output"
		[ "$status" -eq 3 ]
		[ "$output" = "$(printf '/\nown-cgroup')" ]
		pm run --rm --pids-limit 0 localhost/bb true
		id=$(pm run -d --pids-limit 0 --name c1 localhost/bb sleep 1000)
		assert_scopes "$id"
		# the runtime's stderr is the container's: no warning there
		# (Podman gives pids.limit 0 for --pids-limit 0: no limit)
		[ -z "$(pm_user podman logs c1 2>&1)" ]
		pm rm -f -t 0 c1 >/dev/null
	done
}

@test "exec: the process joins the container's scope and cgroup namespace" {
	local k id n
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		id=$(pm run -d --pids-limit 0 --name c2 localhost/bb sleep 1000)
		run pm exec c2 sh -c 'sed -n "s/^0:://p" /proc/self/cgroup
			grep -qx $$ /sys/fs/cgroup/cgroup.procs && echo in-scope'
		echo "$k: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "$(printf '/\nin-scope')" ]
		pm exec -d c2 sleep 1001
		n=$(sd cat "/sys/fs/cgroup$(scope_cg "libpod-$id.scope")/cgroup.procs" |
			wc -l)
		[ "$n" -eq 2 ]
		pm rm -f -t 0 c2 >/dev/null
	done
}

@test "stop and rm: ps and inspect follow; the scopes go with the container" {
	local k id
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		id=$(pm run -d --pids-limit 0 --name c3 localhost/bb sleep 1000)
		[ "$(pm ps --format '{{.ID}}' --no-trunc)" = "$id" ]
		[ "$(pm inspect -f '{{.State.Status}}' c3)" = running ]
		pm stop -t 0 c3 >/dev/null
		[ "$(pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' c3)" = "exited 137" ]
		[ -z "$(pm ps -q)" ]
		[ "$(pm ps -a --format '{{.ID}}' --no-trunc)" = "$id" ]
		assert_no_scopes "$id"
		pm rm c3 >/dev/null
		[ -z "$(pm ps -a -q)" ]
		run pm inspect c3
		[ "$status" -ne 0 ]
	done
}

# No controller is delegated here: sublet runs the container, asks
# systemd for the limits as scope properties and warns once on its
# stderr, which under conmon is the container's (podman logs shows it);
# runc 1.1 fails on the first file it cannot write, and nothing is left
# of its attempt.
@test "--memory and --pids-limit without delegated controllers: sublet warns once, runc fails" {
	local id u
	pm_use "$UTMP/sublet"
	id=$(pm run -d --memory 64m --pids-limit 42 --name c4 localhost/bb sleep 1000)
	u=libpod-$id.scope
	assert_scopes "$id"
	[ "$(uprop "$u" MemoryMax)" = 67108864 ]
	[ "$(uprop "$u" TasksMax)" = 42 ]
	[ "$(pm inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' c4)" = "67108864 42" ]
	[ ! -s "$UTMP/podman.err" ]
	pm_user podman logs c4 >"$UTMP/logs.out" 2>"$UTMP/logs.err"
	[ ! -s "$UTMP/logs.out" ]
	[ "$(grep -c . "$UTMP/logs.err")" -eq 1 ]
	grep -q '^sublet: warning: cgroups: linux.resources not fully applied: ' "$UTMP/logs.err"
	pm rm -f -t 0 c4 >/dev/null
	pm_use "$UTMP/debian"
	# Podman's status for a runtime that failed
	run -127 pm run -d --memory 64m --pids-limit 42 --name c4 localhost/bb sleep 1000
	echo "$output"
	grep -q 'runc create failed: .*: no such file or directory' "$UTMP/podman.err"
	: >"$UTMP/podman.err"
	id=$(pm inspect -f '{{.ID}}' c4)
	pm rm -f c4 >/dev/null
	assert_no_scopes "$id"
}

@test "rm -f of a running container leaves no scope, process or mount" {
	local k id pid merged
	for k in $KINDS; do
		pm_use "$UTMP/$k"
		id=$(pm run -d --pids-limit 0 --name c5 localhost/bb sleep 1000)
		pm exec -d c5 sleep 1001
		pid=$(pm inspect -f '{{.State.Pid}}' c5)
		merged=$(pm inspect -f '{{.GraphDriver.Data.MergedDir}}' c5)
		pm unshare grep -qF " $merged " /proc/self/mountinfo
		sd test -d "/proc/$pid"
		pm rm -f -t 0 c5 >/dev/null
		assert_no_scopes "$id"
		! sd test -d "/proc/$pid" || false
		! sd pgrep -f "$id" || false
		! pm unshare grep -F -e "$merged" -e "$id" /proc/self/mountinfo || false
		[ -z "$(pm ps -a -q)" ]
	done
}
