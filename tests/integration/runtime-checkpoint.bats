#!/usr/bin/env bats
# runtime-checkpoint.bats - checkpoint and restore through CRIU (Debian's
# criu), tried with runc on a counting container: the reference that a
# `sublet checkpoint` / `sublet restore` would be built against.  sublet
# has neither: CRIU 3.17 (Debian 12) cannot start on a kernel whose vDSO
# layout it does not know (6.18: "vdso: Unexpected rt vDSO area bounds"),
# and runc's checkpoint of the same container fails with it; the skip
# message says so, with CRIU's own error.  Where CRIU works, runc
# checkpoints the container (--image-path, --work-path), restores it
# (--bundle, --detach, --pid-file) and the count goes on where it was.

load ../lib

setup() {
	is_root || skip "checkpoint and restore run as root"
	command -v criu >/dev/null || skip "criu is not installed"
	command -v runc >/dev/null || skip "runc is not installed"
	T=$(mktemp -d /tmp/sublet-criu.XXXXXX)
	"$SUBLET_TOP/scripts/make-image" rootfs "$T/rootfs"
	(cd "$T" && runc spec)
	# appends 1, 2, 3... to /count, ten a second
	jq '.root.readonly = false | .process.terminal = false |
		.process.args = ["/bin/sh", "-c",
		"i=0; while :; do i=$((i+1)); echo $i >>/count; sleep 0.1; done"]' \
		"$T/config.json" >"$T/c.json"
	mv "$T/c.json" "$T/config.json"
}

teardown() {
	[ -n "${T:-}" ] || return 0
	runc --root "$T/state" delete --force c1 >/dev/null 2>&1 || true
	rm -rf "$T"
}

# count - the last number the container wrote
count() {
	tail -n 1 "$T/rootfs/count" 2>/dev/null
}

# count_at_least N - has the container counted to N?
count_at_least() {
	local n
	n=$(count) && [ "${n:-0}" -ge "$1" ]
}

@test "runc checkpoint and restore through CRIU: the count goes on" {
	runc --root "$T/state" run -d --bundle "$T" c1 </dev/null >/dev/null 2>&1
	wait_for 10 count_at_least 3
	run runc --root "$T/state" checkpoint --image-path "$T/img" \
		--work-path "$T/work" c1
	if [ "$status" -ne 0 ] && ! criu check >"$T/check.log" 2>&1; then
		skip "CRIU $(criu --version | sed -n 's/^Version: //p') cannot run on kernel $(uname -r): $(grep -m1 Error "$T/check.log"); runc checkpoint fails with it, so sublet has no checkpoint/restore"
	fi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(runc --root "$T/state" state c1 2>/dev/null | jq -r .status)" != running ]
	local at
	at=$(count)
	runc --root "$T/state" restore --image-path "$T/img" --work-path "$T/work" \
		--bundle "$T" --detach --pid-file "$T/pid" c1 </dev/null >/dev/null 2>&1
	[ -s "$T/pid" ]
	wait_for 10 count_at_least $((at + 3))
	# one count from 1 on, without a restart from 1
	cp "$T/rootfs/count" "$T/seen"
	[ "$(cat "$T/seen")" = "$(seq 1 "$(wc -l <"$T/seen")")" ]
}
