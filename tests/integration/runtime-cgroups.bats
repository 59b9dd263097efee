#!/usr/bin/env bats
# runtime-cgroups.bats - cgroup v2 only where the user has a delegated
# subtree; elsewhere (this project's hybrid v1/v2 test hosts) containers
# still run, with one warning when resources were asked for.

load ../lib
load ../runtime

runtime_hooks

setup() {
	runtime_setup
	delegated=$(as_user sh -c '
		for m in /sys/fs/cgroup /sys/fs/cgroup/unified; do
			[ "$(stat -f -c %T $m 2>/dev/null)" = cgroup2fs ] || continue
			d=$m$(sed -n "s/^0:://p" /proc/self/cgroup)
			[ -w "$d" ] && echo "$d"
			break
		done')
}

@test "resources without a delegated cgroup: a warning, and the container runs" {
	[ -z "$delegated" ] || skip "the test user has a delegated cgroup ($delegated)"
	bundle_edit '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 100}}'
	bundle_args echo ran
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet: warning: cgroups: no delegated cgroup v2 subtree, linux.resources not applied" ]
	[ "${lines[1]}" = ran ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "no resources asked: no warning" {
	bundle_edit 'del(.linux.resources)'
	bundle_args echo ran
	run sl_run
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}

@test "pause without a delegated cgroup is refused clearly" {
	[ -z "$delegated" ] || skip "the test user has a delegated cgroup ($delegated)"
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	run sl pause c1
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: pause needs the container in a delegated cgroup v2 subtree: Operation not supported" ]
	[ "$(state_field c1 status)" = running ]
}

@test "with a delegated cgroup the limits are applied and pause works" {
	[ -n "$delegated" ] || skip "the test user has no delegated cgroup v2 subtree on this host"
	bundle_edit '.linux.resources = {"pids": {"limit": 100}}'
	bundle_args sleep 1000
	slq run --detach --bundle "$UTMP/bundle" c1
	[ "$(cat "$delegated/sublet-c1/pids.max")" = 100 ]
	sl pause c1
	[ "$(state_field c1 status)" = paused ]
	sl resume c1
	[ "$(state_field c1 status)" = running ]
}

@test "as real root: a cgroup v2 of its own, pause and resume" {
	is_root || skip "needs real root to own a cgroup v2 directory on this host"
	local base
	for base in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ "$(stat -f -c %T $base 2>/dev/null)" = cgroup2fs ] && break
	done
	[ "$(stat -f -c %T $base 2>/dev/null)" = cgroup2fs ] || skip "no cgroup v2 hierarchy"
	own=$base$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -w "$own" ] || skip "root's cgroup $own is not writable"
	bundle_args sleep 1000
	"$SUBLET" --root "$UTMP/rstate" run --detach --bundle "$UTMP/bundle" r1 </dev/null >/dev/null 2>&1
	[ -d "$own/sublet-r1" ]
	pid=$("$SUBLET" --root "$UTMP/rstate" state r1 | jq -r .pid)
	grep -qx "$pid" "$own/sublet-r1/cgroup.procs"
	"$SUBLET" --root "$UTMP/rstate" pause r1
	wait_for 5 sh -c "[ \"\$($SUBLET --root $UTMP/rstate state r1 | jq -r .status)\" = paused ]"
	grep -q '^State:.*(stopped)' /proc/$pid/status || grep -qx 'frozen 1' "$own/sublet-r1/cgroup.events"
	"$SUBLET" --root "$UTMP/rstate" resume r1
	[ "$("$SUBLET" --root "$UTMP/rstate" state r1 | jq -r .status)" = running ]
	run "$SUBLET" --root "$UTMP/rstate" ps --format json r1
	[ "$output" = "[$pid]" ]
	"$SUBLET" --root "$UTMP/rstate" delete --force r1
	[ ! -d "$own/sublet-r1" ]
}
