#!/usr/bin/env bats
# runtime-podman.bats - Podman, rootless, with sublet as its OCI runtime
# (--runtime): run with and without a terminal, run -d, exec and exec -it,
# exit codes, stop (SIGTERM then SIGKILL) and rm.  Podman gets a private
# HOME, XDG_RUNTIME_DIR, --root and --runroot under $UTMP, so its pause
# process and storage are this test's own and are removed by the teardown.
# The image is scripts/make-image's docker archive.

load ../lib
load ../runtime

setup() {
	require_test_user
	command -v podman >/dev/null || skip "podman is not installed"
	command -v newuidmap >/dev/null ||
		[ -x "${SUBLET_PREFIX:-/nonexistent}/libexec/sublet/newuidmap" ] ||
		skip "rootless podman needs newuidmap (sublet-idmap or uidmap)"
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	make_user_tmp
	as_user mkdir -m 0700 "$UTMP/run"
	AS_USER_ENV="HOME=$UTMP XDG_RUNTIME_DIR=$UTMP/run"
	PO="podman --root $UTMP/root --runroot $UTMP/runroot --storage-driver vfs \
		--cgroup-manager=cgroupfs --events-backend=none --runtime $SUBLET"
	make_image docker-archive "$UTMP/img.tar"
	as_user $PO load -q -i "$UTMP/img.tar" >/dev/null
	IMG=$(as_user $PO images -q | head -1)
	[ -n "$IMG" ]
}

teardown() {
	local pid
	if [ -n "${UTMP:-}" ]; then
		as_user $PO rm -af -t 0 >/dev/null 2>&1 || true
		pid=$(cat "$UTMP/run/libpod/tmp/pause.pid" 2>/dev/null) &&
			kill "$pid" 2>/dev/null || true
	fi
	AS_USER_ENV=
	remove_user_tmp
}

# po ARGS... - podman as the test user, without its warning that / is
# not a shared mount (true on this kind of test host)
po() {
	as_user $PO "$@" 2>&1 | grep -v 'is not a shared mount'
	return "${PIPESTATUS[0]}"
}

# tty CMD - run CMD with a terminal on its stdio (podman -it needs one).
# A container that writes and exits at once can lose its output between
# conmon, podman and script(1) whatever the runtime (measured here with
# runc: lost in 9 runs of 160; with a second's sleep before or after the
# output, in none of 100), so the commands stay a second after writing.
tty_run() {
	as_user script -qec "$1" /dev/null </dev/null
}

@test "podman run with sublet: output, exit code, user namespace" {
	run po run --rm "$IMG" sh -c 'echo hello; cat /proc/self/uid_map; exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
	# only the container's lines (a host may add runtime warnings)
	out=$(echo "$output" | grep -v 'sublet: warning')
	[ "$(echo "$out" | sed -n 1p)" = hello ]
	[ "$(echo $(echo "$out" | sed -n 2p))" = "0 $(test_uid) 1" ]
	[ "$(echo $(echo "$out" | sed -n 3p) | cut -d' ' -f1,3)" = "1 65536" ]
}

@test "podman run -it gives a terminal" {
	run tty_run "$PO run --rm -it $IMG sh -c 'tty; echo it-ok; sleep 1'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"it-ok"* ]]
}

@test "podman exec, exec -it, stop and rm" {
	as_user $PO run -d --name c1 "$IMG" sleep 1000
	run po exec c1 sh -c 'echo exec-ok; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = exec-ok ]
	run tty_run "$PO exec -it c1 sh -c 'tty; echo exec-it-ok; sleep 1'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"exec-it-ok"* ]]
	run po inspect -f '{{.State.Status}}' c1
	[ "$output" = running ]
	# sleep as pid 1 ignores SIGTERM: podman falls back to SIGKILL
	run po stop -t 1 c1
	[ "$status" -eq 0 ]
	run po inspect -f '{{.State.Status}} {{.State.ExitCode}}' c1
	[ "$output" = "exited 137" ]
	as_user $PO rm c1
	run po ps -a -q
	[ "$output" = "" ]
	# sublet kept no state of its own behind
	run ls -A "$UTMP/run/sublet"
	[ "$output" = "" ]
}

@test "podman run --pid container: joins another container's pid namespace" {
	po run -d --name c1 "$IMG" sleep 1000 >/dev/null
	run po run --rm --pid container:c1 "$IMG" ps -o comm
	echo "$output"
	[ "$status" -eq 0 ]
	# sleep is pid 1 there, ps is ours
	[[ "$output" == *sleep* ]]
	[[ "$output" == *ps* ]]
	run po run --rm --pid container:c1 "$IMG" sh -c 'exit 4'
	[ "$status" -eq 4 ]
	po rm -f -t 0 c1 >/dev/null
}
