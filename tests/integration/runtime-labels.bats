#!/usr/bin/env bats
# runtime-labels.bats - AppArmor profiles and SELinux labels are accepted
# and ignored with one warning (the test hosts have neither).

load ../lib
load ../runtime

runtime_hooks

@test "labels give one warning and the container runs" {
	bundle_edit '.process.apparmorProfile = "containers-default-0.50"
		| .process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	bundle_args echo ran
	run sl_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet: warning: AppArmor/SELinux labels are not supported here; ignored" ]
	[ "${lines[1]}" = ran ]
	[ "${#lines[@]}" -eq 2 ]
}
