#!/usr/bin/env bats
# load-runtime.bats - LOAD_CONTAINERS (200) containers created, started
# and deleted one after another with the busybox rootfs: afterwards no
# state, no process of the test user, no mount, no new fd in the caller
# and no cgroup left behind.

load ../lib
load ../runtime

N=${LOAD_CONTAINERS:-200}

setup_file() { runtime_setup_file; }
teardown_file() { runtime_teardown_file; }
setup() { runtime_setup; }
teardown() { runtime_teardown; }

# user_procs - number of processes the test user runs
user_procs() {
	pgrep -c -u "$(test_uid)" || true
}

@test "load: $N containers created, started and deleted, nothing leaked" {
	local mounts0 procs0 fds0 cg0 t0 i
	bundle_args sh -c 'echo $$ >/dev/null'
	mounts0=$(wc -l </proc/self/mounts)
	procs0=$(user_procs)
	fds0=$(ls /proc/$$/fd | wc -l)
	cg0=$(find /sys/fs/cgroup -type d 2>/dev/null | wc -l)
	t0=$SECONDS
	as_user sh -c '
		set -e
		i=0
		while [ $i -lt "$2" ]; do
			i=$((i + 1))
			sublet --root "$1/state" create --bundle "$1/bundle" "c$i" \
				</dev/null >/dev/null 2>"$1/err"
			sublet --root "$1/state" start "c$i"
			n=0
			until [ "$(sublet --root "$1/state" state "c$i" |
				sed -n "s/.*\"status\": *\"\([a-z]*\)\".*/\1/p")" = stopped ]; do
				n=$((n + 1))
				[ $n -lt 200 ] || { echo "c$i never stopped"; exit 1; }
				sleep 0.02
			done
			sublet --root "$1/state" delete "c$i"
		done
		echo "cycled $i"' sh "$UTMP" "$N" >"$UTMP/out" 2>&1 || {
		cat "$UTMP/out" "$UTMP/err"
		false
	}
	[ "$(cat "$UTMP/out")" = "cycled $N" ]
	echo "# $N containers cycled in $((SECONDS - t0)) s" >&3
	assert_no_leftovers
	[ "$(wc -l </proc/self/mounts)" -eq "$mounts0" ]
	wait_for 5 sh -c "[ \$(pgrep -c -u $(test_uid) || true) -le $procs0 ]"
	[ "$(ls /proc/$$/fd | wc -l)" -eq "$fds0" ]
	[ "$(find /sys/fs/cgroup -type d 2>/dev/null | wc -l)" -le "$cg0" ]
}
