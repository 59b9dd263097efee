#!/usr/bin/env bats
# host-setup.bats - the test host gives an unprivileged user what rootless
# containers need (scripts/setup-test-host), and as_user really drops root.

load ../lib

setup() {
	require_test_user
	make_user_tmp
}

teardown() {
	remove_user_tmp
}

@test "as_user runs without root and without capabilities" {
	run as_user id -u
	[ "$status" -eq 0 ]
	[ "$output" -ne 0 ]
	run as_user grep '^CapEff:' /proc/self/status
	[ "$output" = "$(printf 'CapEff:\t0000000000000000')" ]
}

@test "the test user has subuid and subgid ranges" {
	local u
	u=$(as_user id -un)
	grep -Eq "^($u|$(test_uid)):[0-9]+:[0-9]+\$" /etc/subuid
	grep -Eq "^($u|$(test_uid)):[0-9]+:[0-9]+\$" /etc/subgid
}

@test "the test user can open /dev/fuse and /dev/net/tun" {
	as_user sh -c 'exec 3<>/dev/fuse'
	as_user sh -c 'exec 3<>/dev/net/tun'
}

@test "the test user can create user, mount and network namespaces" {
	run as_user unshare --user --map-root-user --mount --net \
		sh -c 'id -u && ip -o link show lo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" == *"lo:"* ]]
}

@test "the test user owns its XDG_RUNTIME_DIR" {
	run as_user sh -c 'test -O "$XDG_RUNTIME_DIR" && test -w "$XDG_RUNTIME_DIR"'
	[ "$status" -eq 0 ]
}

@test "the test user can run the staged scripts, helpers and binaries" {
	[ -n "${SUBLET_PREFIX:-}" ] || skip "not run through tests/run (no staged install)"
	as_user test -x "$SUBLET_SCRIPTS/make-image"
	as_user test -r "$SUBLET_SCRIPTS/install-deps"
	as_user test -d "$SUBLET_HELPERS"
	as_user test -x "$SUBLET_PREFIX/bin/sublet-idmap"
}
