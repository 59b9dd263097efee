#!/usr/bin/env bats
# runtime-cgroups.bats - cgroups as runc's cgroupfs driver makes them:
# linux.cgroupsPath, the container alone in its cgroup in every
# hierarchy (v2 and each v1 one of a hybrid host), every controller of
# linux.resources read back from the cgroup files, pause through the
# freezer, update and events.  As root; rootless without a delegated
# subtree the container runs with one warning.

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

teardown() {
	local id m
	if [ -d "${UTMP:-}/rstate" ]; then
		for id in $(rsl list -q 2>/dev/null); do
			rsl delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	if [ -d "${UTMP:-}/rrunc" ]; then
		for id in $("$RUNC" --root "$UTMP/rrunc" list -q 2>/dev/null); do
			"$RUNC" --root "$UTMP/rrunc" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	# the parent of the tests' absolute cgroupsPath, also after a failure
	for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u); do
		[ ! -d "$m/sublet-test-$$" ] || rmdir "$m/sublet-test-$$" 2>/dev/null || true
	done
	runtime_teardown
}

# rsl ARGS... - sublet as real root with its own state root
rsl() {
	"$SUBLET" --root "$UTMP/rstate" "$@"
}

# rsl_run ID - run the bundle detached as root
rsl_run() {
	rsl run --detach --bundle "$UTMP/bundle" "$1" </dev/null >/dev/null 2>"$UTMP/rerr"
}

# hier_dirs ID - the container's directories, from its state
hier_dirs() {
	jq -r .cgroup "$UTMP/rstate/$1/state.json"
}

# cgdir CTRL ID - the container's directory holding controller CTRL
cgdir() {
	local d
	for d in $(hier_dirs "$2"); do
		case $d in /sys/fs/cgroup/$1/* | /sys/fs/cgroup/*,$1/* | /sys/fs/cgroup/$1,*/*)
			echo "$d"
			return 0 ;;
		esac
	done
	for d in $(hier_dirs "$2"); do
		[ -f "$d/cgroup.controllers" ] && echo "$d" && return 0
	done
	return 1
}

require_root() {
	is_root || skip "needs real root to own cgroups"
}

@test "resources without a delegated cgroup: a warning, and the container runs" {
	[ -z "$delegated" ] || skip "the test user has a delegated cgroup ($delegated)"
	bundle_edit '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 100}}'
	bundle_args echo ran
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet: warning: cgroups: no writable cgroup for the container (no delegated subtree), linux.resources not applied" ]
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

@test "rootless: the spec's device rules alone bring no warning" {
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
	[ "$output" = "sublet: pause needs the container in a writable cgroup (a delegated subtree): Operation not supported" ]
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

@test "root: absolute cgroupsPath, alone in its cgroup in every hierarchy, removed by delete" {
	require_root
	bundle_edit ".linux.cgroupsPath = \"/sublet-test-$$/r1\""
	bundle_args sleep 1000
	rsl_run r1
	pid=$(rsl state r1 | jq -r .pid)
	n=0
	for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u); do
		[ "$(stat -f -c %T "$m")" = tmpfs ] && continue
		[ "$(cat "$m/sublet-test-$$/r1/cgroup.procs")" = "$pid" ]
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
	[ "$(hier_dirs r1 | wc -l)" -eq "$n" ]
	[ "$(grep -c "/sublet-test-$$/r1\$" /proc/$pid/cgroup)" -eq "$(wc -l </proc/$pid/cgroup)" ]
	rsl delete --force r1
	for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u); do
		[ ! -e "$m/sublet-test-$$/r1" ]
	done
}

# cgns_check RUNTIME... - with a cgroup namespace, the init and an exec'd
# process see their cgroup as "/" in every hierarchy, and a process exec'd
# in the background is in the container's cgroup.procs beside the init
cgns_check() {
	"$@" run --detach --bundle "$UTMP/bundle" n1 </dev/null >/dev/null 2>"$UTMP/rerr"
	run "$@" exec n1 sh -c 'cat /proc/1/cgroup /proc/self/cgroup'
	echo "$*: $output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	! printf '%s\n' "${lines[@]}" | grep -v ':/$' || false
	"$@" exec --detach n1 sleep 500
	local m d=
	for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u); do
		[ "$(stat -f -c %T "$m")" = tmpfs ] && continue
		d=$m/sublet-test-$$/n1
		[ "$(wc -l <"$d/cgroup.procs")" -eq 2 ]
	done
	[ -n "$d" ]
	"$@" delete --force n1
}

@test "root: a cgroup namespace is rooted at the container's cgroup, and exec joins it, as under runc" {
	require_root
	bundle_edit ".linux.cgroupsPath = \"/sublet-test-$$/n1\"
		| .linux.namespaces |= (map(select(.type != \"cgroup\")) + [{\"type\": \"cgroup\"}])"
	bundle_args sleep 1000
	if have_runc; then
		cgns_check "$RUNC" --root "$UTMP/rrunc"
	fi
	cgns_check rsl
}

@test "root: a relative cgroupsPath is under sublet's own cgroup in each hierarchy" {
	require_root
	bundle_edit '.linux.cgroupsPath = "rel-r2"'
	bundle_args sleep 1000
	rsl_run r2
	pid=$(rsl state r2 | jq -r .pid)
	while IFS=: read -r _ ctrls path; do
		own=$(grep -F ":$ctrls:" /proc/self/cgroup | cut -d: -f3)
		[ "$path" = "${own%/}/rel-r2" ]
	done </proc/$pid/cgroup
	rsl delete --force r2
}

@test "root: cgroupsPath refusals: .., and the systemd form where systemd is not running" {
	require_root
	bundle_edit '.linux.cgroupsPath = "/a/../b"'
	run rsl run --detach --bundle "$UTMP/bundle" r3 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroups: linux.cgroupsPath \`/a/../b\` has a \`..\` component"* ]]
	[ -z "$(ls -A "$UTMP/rstate")" ]
	[ ! -d /run/systemd/system ] || skip "systemd is running on this host"
	bundle_edit '.linux.cgroupsPath = "system.slice:sublet:r3"'
	run rsl --systemd-cgroup run --detach --bundle "$UTMP/bundle" r3 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroups: --systemd-cgroup: systemd is not running on this host (no /run/systemd/system); use the cgroupfs driver"* ]]
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$(ls -A "$UTMP/rstate")" ]
}

@test "root: memory, cpu, cpuset, pids, devices read back from the cgroup files" {
	require_root
	bundle_edit '.linux.resources = {
		"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728},
		"cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
		"pids": {"limit": 42},
		"devices": [{"allow": false, "access": "rwm"}]}'
	bundle_args sleep 1000
	rsl_run r4
	m=$(cgdir memory r4)
	c=$(cgdir cpu r4)
	if [ -f "$m/memory.limit_in_bytes" ]; then
		[ "$(cat "$m/memory.limit_in_bytes")" = 67108864 ]
		[ "$(cat "$m/memory.soft_limit_in_bytes")" = 33554432 ]
		[ ! -f "$m/memory.memsw.limit_in_bytes" ] || [ "$(cat "$m/memory.memsw.limit_in_bytes")" = 134217728 ]
		[ "$(cat "$c/cpu.shares")" = 512 ]
		[ "$(cat "$c/cpu.cfs_quota_us")" = 50000 ]
		[ "$(cat "$c/cpu.cfs_period_us")" = 100000 ]
		d=$(cgdir devices r4)
		grep -qx 'c 1:3 rwm' "$d/devices.list"
		! grep -q '^a ' "$d/devices.list" || false
	else
		[ "$(cat "$m/memory.max")" = 67108864 ]
		[ "$(cat "$m/memory.low")" = 33554432 ]
		[ "$(cat "$m/memory.swap.max")" = 67108864 ]
		[ "$(cat "$c/cpu.max")" = "50000 100000" ]
	fi
	[ "$(cat "$(cgdir cpuset r4)/cpuset.cpus")" = 0 ]
	[ "$(cat "$(cgdir pids r4)/pids.max")" = 42 ]
	rsl delete --force r4
}

@test "root: hugetlb and block I/O throttling where the host has them" {
	require_root
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages on this host"
	dev=$(ls /sys/dev/block | head -1)
	[ -n "$dev" ] || skip "no block device on this host"
	bundle_edit ".linux.resources = {
		\"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}],
		\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": ${dev%:*}, \"minor\": ${dev#*:}, \"rate\": 1048576}]}}"
	bundle_args sleep 1000
	rsl_run r5
	h=$(cgdir hugetlb r5)
	[ "$(cat "$h/hugetlb.2MB.max" 2>/dev/null || cat "$h/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
	b=$(cgdir blkio r5)
	if [ -f "$b/blkio.throttle.read_bps_device" ]; then
		[ "$(cat "$b/blkio.throttle.read_bps_device")" = "$dev 1048576" ]
	else
		grep -q "^$dev rbps=1048576 " "$(cgdir io r5)/io.max"
	fi
	rsl delete --force r5
}

@test "root: a resource that cannot be applied fails create, nothing left" {
	require_root
	bundle_edit ".linux.cgroupsPath = \"/sublet-test-$$/r6\" | .linux.resources = {\"cpu\": {\"cpus\": \"4095\"}}"
	bundle_args sleep 1000
	run rsl run --detach --bundle "$UTMP/bundle" r6 </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"cgroups: linux.resources.cpu.cpus: write 4095 to \`"*"/sublet-test-$$/r6/cpuset.cpus\`: "* ]]
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$(ls -A "$UTMP/rstate")" ]
	for m in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts | sort -u); do
		[ ! -e "$m/sublet-test-$$/r6" ]
	done
}

@test "root: pause and resume through the freezer; ps from the cgroup" {
	require_root
	bundle_args sleep 1000
	rsl_run r7
	pid=$(rsl state r7 | jq -r .pid)
	rsl pause r7
	[ "$(rsl state r7 | jq -r .status)" = paused ]
	f=$(cgdir freezer r7)
	if [ -f "$f/freezer.state" ]; then
		[ "$(cat "$f/freezer.state")" = FROZEN ]
	else
		grep -qx 'frozen 1' "$f/cgroup.events"
	fi
	rsl resume r7
	[ "$(rsl state r7 | jq -r .status)" = running ]
	run rsl ps --format json r7
	[ "$output" = "[$pid]" ]
	rsl delete --force r7
}

@test "root: update with runc's flags and with -r, read back" {
	require_root
	bundle_edit '.linux.resources = {"memory": {"limit": 67108864}}'
	bundle_args sleep 1000
	rsl_run r8
	rsl update --memory 100M --memory-swap 200M --cpu-shares 256 --cpu-quota 20000 \
		--cpu-period 50000 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 33 r8
	m=$(cgdir memory r8)
	c=$(cgdir cpu r8)
	if [ -f "$m/memory.limit_in_bytes" ]; then
		[ "$(cat "$m/memory.limit_in_bytes")" = 104857600 ]
		[ ! -f "$m/memory.memsw.limit_in_bytes" ] || [ "$(cat "$m/memory.memsw.limit_in_bytes")" = 209715200 ]
		[ "$(cat "$c/cpu.shares")" = 256 ]
		[ "$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us")" = "20000 50000" ]
	else
		[ "$(cat "$m/memory.max")" = 104857600 ]
		[ "$(cat "$c/cpu.max")" = "20000 50000" ]
	fi
	[ "$(cat "$(cgdir pids r8)/pids.max")" = 33 ]
	echo '{"memory": {"limit": 52428800}, "pids": {"limit": 0}}' >"$UTMP/res.json"
	rsl update -r "$UTMP/res.json" r8
	[ "$(cat "$m/memory.limit_in_bytes" 2>/dev/null || cat "$m/memory.max")" = 52428800 ]
	[ "$(cat "$(cgdir pids r8)/pids.max")" = max ]
	echo '{"pids": {"limit": 7}}' | rsl update -r - r8
	[ "$(cat "$(cgdir pids r8)/pids.max")" = 7 ]
	rsl delete --force r8
}

@test "update refuses bad input with one line and changes nothing" {
	require_root
	bundle_args sleep 1000
	rsl_run r9
	p=$(cgdir pids r9)
	before=$(cat "$p/pids.max")
	run rsl update --memory abc r9
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: update: --memory: expected a number of bytes, not \`abc\`" ]
	run rsl update --cpuset-cpus 'x' r9
	[ "$output" = "sublet: update: --cpuset-cpus: expected a list like 0-3,5, not \`x\`" ]
	run rsl update --pids-limit 5 --cpu-shares -7 r9
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: update: --cpu-shares: expected a number, not \`-7\`" ]
	echo '{"pids": {"limit": 5}, "memory": {"limit": "big"}}' >"$UTMP/bad.json"
	run rsl update -r "$UTMP/bad.json" r9
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: update \`r9\`: linux.resources.memory.limit: expected an integer" ]
	[ "$(cat "$p/pids.max")" = "$before" ]
	echo 'nope' >"$UTMP/bad.json"
	run rsl update -r "$UTMP/bad.json" r9
	[ "$output" = "sublet: update: -r \`$UTMP/bad.json\`: expected a JSON object of linux.resources" ]
	run rsl update r9 extra
	[ "$output" = "sublet: update: expected exactly one container ID" ]
	run rsl update --pids-limit 5 nosuch
	[ "$status" -eq 1 ]
	run rsl update --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: sublet update [OPTIONS] ID" ]]
	rsl delete --force r9
}

@test "events --stats: one runc-style object from the container's own cgroup; the stream" {
	require_root
	bundle_edit '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
	bundle_args sleep 1000
	rsl_run r10
	run rsl events --stats r10
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = r10 ]
	[ "$(jq -r .data.memory.usage.limit <<<"$output")" = 67108864 ]
	usage=$(jq -r .data.memory.usage.usage <<<"$output")
	[ "$usage" -gt 0 ]
	[ "$usage" -lt 67108864 ]
	[ "$(jq -r .data.pids.current <<<"$output")" = 1 ]
	[ "$(jq -r .data.pids.limit <<<"$output")" = 20 ]
	[ "$(jq -r '.data.cpu.usage.total' <<<"$output")" -gt 0 ]
	run sh -c "'$SUBLET' --root '$UTMP/rstate' events --interval 50ms r10 | head -n 2"
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r .type <<<"${lines[1]}")" = stats ]
	run rsl events --interval 0s r10
	[ "$output" = "sublet: events: --interval: expected a duration like 5s or 100ms, not \`0s\`" ]
	rsl kill r10 KILL
	wait_for 5 sh -c "[ \"\$('$SUBLET' --root '$UTMP/rstate' state r10 | jq -r .status)\" = stopped ]"
	run rsl events --stats r10
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: events: container \`r10\` is stopped" ]
	rsl delete r10
}
