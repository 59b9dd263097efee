#!/usr/bin/env bats
# runtime-hostname.bats - hostname and domainname in the uts namespace.

load ../lib
load ../runtime

runtime_hooks

@test "hostname and domainname are set, the host's are untouched" {
	bundle_edit '.hostname = "box-1" | .domainname = "example.test"'
	bundle_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = box-1 ]
	[ "${lines[1]}" = example.test ]
	[ "$(hostname)" != box-1 ]
}

@test "a hostname without a uts namespace is refused" {
	bundle_edit '.hostname = "box-1" | .linux.namespaces |= map(select(.type != "uts"))'
	run sl_run
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: hostname \`box-1\`: Operation not permitted" ]
	assert_no_leftovers
}
