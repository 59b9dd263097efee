#!/usr/bin/env bats
# runtime-caps.bats - process.capabilities in all five sets.

load ../lib
load ../runtime

runtime_hooks

@test "the five capability sets match the config" {
	# CAP_CHOWN=0 CAP_KILL=5 CAP_NET_BIND_SERVICE=10 CAP_SYS_ADMIN=21
	bundle_edit '.process.capabilities = {
		"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_ADMIN"],
		"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"effective": ["CAP_CHOWN", "CAP_KILL"],
		"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
		"ambient": ["CAP_NET_BIND_SERVICE"]}
		| .process.noNewPrivileges = false'
	bundle_args grep ^Cap /proc/self/status
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	# uid 0 gets its bounding set as permitted and effective on exec
	# (see runtime-idmap.bats for a non-root process)
	[ "${lines[0]}" = "$(printf 'CapInh:\t0000000000000420')" ]
	[ "${lines[1]}" = "$(printf 'CapPrm:\t0000000000200421')" ]
	[ "${lines[2]}" = "$(printf 'CapEff:\t0000000000200421')" ]
	[ "${lines[3]}" = "$(printf 'CapBnd:\t0000000000200421')" ]
	[ "${lines[4]}" = "$(printf 'CapAmb:\t0000000000000400')" ]
}

@test "the spec template's capabilities, and no_new_privs" {
	bundle_args grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	# CAP_AUDIT_WRITE=29 CAP_KILL=5 CAP_NET_BIND_SERVICE=10 (ambient)
	[ "${lines[0]}" = "$(printf 'CapEff:\t0000000020000420')" ]
	[ "${lines[1]}" = "$(printf 'CapBnd:\t0000000020000420')" ]
	[ "${lines[2]}" = "$(printf 'NoNewPrivs:\t1')" ]
}

@test "a smaller bounding set limits what root gets" {
	bundle_edit '.process.capabilities = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL"]}'
	bundle_args grep -E '^(CapEff|CapBnd)' /proc/self/status
	run sl_run
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'CapEff:\t0000000000000020')" ]
	[ "${lines[1]}" = "$(printf 'CapBnd:\t0000000000000020')" ]
}
