#!/usr/bin/env bats
# runtime-sysctl.bats - linux.sysctl is written before /proc/sys is made
# read-only (Podman sets net.ipv4.ping_group_range this way).

load ../lib
load ../runtime

runtime_hooks

@test "sysctls of the container's own namespaces are set" {
	bundle_edit '.linux.namespaces += [{"type": "network"}]
		| .linux.sysctl = {"net.ipv4.ping_group_range": "0 0", "kernel.shmmni": "1234"}'
	bundle_args sh -c 'cat /proc/sys/net/ipv4/ping_group_range /proc/sys/kernel/shmmni; echo 1 >/proc/sys/kernel/shmmni'
	run sl_run
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(echo ${lines[0]})" = "0 0" ]
	[ "${lines[1]}" = 1234 ]
	[ "${lines[2]}" = "sh: can't create /proc/sys/kernel/shmmni: Read-only file system" ]
	# the host's is untouched
	[ "$(cat /proc/sys/kernel/shmmni)" != 1234 ]
}

@test "a sysctl the user namespace may not write is refused" {
	bundle_edit '.linux.sysctl = {"vm.swappiness": "10"}'
	run sl_run
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "sublet: linux.sysctl: \`vm.swappiness\`: "* ]]
	assert_no_leftovers
}
