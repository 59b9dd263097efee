#!/usr/bin/env bats
# runtime-podman-oci.bats - what Podman expects of its OCI runtime, each
# case run with sublet and with runc (Debian's, the reference) on the same
# rootless Podman and image: every signal disposition the default in the
# container whatever Podman's conmon ignored, a `--mount type=tmpfs` that
# starts with the image directory it covers (tmpcopyup), and
# `run --timeout` on a process killed but not yet reaped (a zombie init is
# stopped, so Podman can read its exit code).

load ../lib
load ../runtime

setup_file() {
	is_root && ! id -u "$TEST_USER" >/dev/null 2>&1 && return 0
	command -v podman >/dev/null || return 0
	make_user_tmp
	as_user mkdir -m 0700 "$UTMP/run"
	export AS_USER_ENV="HOME=$UTMP XDG_RUNTIME_DIR=$UTMP/run"
	export PO="podman --root $UTMP/root --runroot $UTMP/runroot \
		--storage-driver vfs --cgroup-manager=cgroupfs --events-backend=none"
	make_image docker-archive "$UTMP/img.tar"
	as_user $PO load -q -i "$UTMP/img.tar" >/dev/null
	IMG=$(as_user $PO images -q | head -1)
	export IMG
}

teardown_file() {
	local pid
	[ -n "${UTMP:-}" ] || return 0
	as_user $PO rm -af -t 0 >/dev/null 2>&1 || true
	pid=$(cat "$UTMP/run/libpod/tmp/pause.pid" 2>/dev/null) &&
		kill "$pid" 2>/dev/null || true
	remove_user_tmp
}

setup() {
	require_test_user
	command -v podman >/dev/null || skip "podman is not installed"
	command -v newuidmap >/dev/null ||
		[ -x "${SUBLET_PREFIX:-/nonexistent}/libexec/sublet/newuidmap" ] ||
		skip "rootless podman needs newuidmap (sublet-idmap or uidmap)"
	[ -n "${IMG:-}" ]
	RUNTIMES=$SUBLET
	if have_runc; then RUNTIMES+=" $RUNC"; fi
}

# po RUNTIME ARGS... - podman with RUNTIME as the test user, without its
# warning that / is not a shared mount (true on this kind of test host)
po() {
	local rt=$1
	shift
	as_user $PO --runtime "$rt" "$@" 2>&1 | grep -v 'is not a shared mount'
	return "${PIPESTATUS[0]}"
}

@test "podman: every signal disposition is the default in the container" {
	for rt in $RUNTIMES; do
		run po "$rt" run --rm "$IMG" grep -E '^Sig(Ign|Blk):' /proc/self/status
		echo "$rt: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "SigBlk:	0000000000000000" ]
		# SIGPIPE (bit 12) is never left ignored; runc leaves signal
		# 32 ignored (conmon's), sublet none
		[ $((0x${lines[1]#SigIgn:?} & 0x1000)) -eq 0 ]
		[ "$rt" != "$SUBLET" ] || [ "${lines[1]}" = "SigIgn:	0000000000000000" ]
	done
}

@test "podman: a --mount type=tmpfs starts with the image's directory" {
	for rt in $RUNTIMES; do
		run po "$rt" run --rm --mount type=tmpfs,dst=/home/user \
			--mount type=tmpfs,dst=/usr/bin "$IMG" sh -c \
			'stat -c "%a %u" /home/user; readlink /usr/bin/top;
			grep -c " /usr/bin tmpfs" /proc/mounts'
		echo "$rt: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "755 0
/bin/busybox
1" ]
	done
}

@test "podman run --timeout: the killed container exits at once, its code read" {
	for rt in $RUNTIMES; do
		start=$SECONDS
		run po "$rt" run --name "t-${rt##*/}" --timeout 1 "$IMG" sleep 60
		echo "$rt: $status $output"
		# conmon's "command timed out" is exit code -1
		[ "$status" -eq 255 ]
		[ -z "$output" ]
		[ $((SECONDS - start)) -lt 15 ]
		run po "$rt" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "t-${rt##*/}"
		echo "$rt: $output"
		[ "$output" = "exited -1" ]
		po "$rt" rm "t-${rt##*/}"
	done
}
