#!/usr/bin/env bats
# load-runtime.bats - LOAD_CONTAINERS (200) containers created, started
# and deleted one after another with the busybox rootfs: afterwards no
# state, no process or mount naming the test's directories, no mount of
# the shared rootfs and no new fd in the caller.  (Counts of all the test
# user's processes or of all cgroups would catch other suites running on
# the same machine.)

load ../lib
load ../runtime

N=${LOAD_CONTAINERS:-200}

setup_file() { runtime_setup_file; }
teardown_file() { runtime_teardown_file; }
setup() { runtime_setup; }
teardown() { runtime_teardown; }

@test "load: $N containers created, started and deleted, nothing leaked" {
	local fds0 t0
	bundle_args sh -c 'echo $$ >/dev/null'
	fds0=$(ls /proc/$$/fd | wc -l)
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
	run grep -c -F "$RT_ROOTFS_DIR" /proc/self/mounts
	[ "$output" = 0 ]
	run pgrep -f -- "$RT_ROOTFS_DIR"
	[ "$status" -eq 1 ]
	[ "$(ls /proc/$$/fd | wc -l)" -eq "$fds0" ]
}
