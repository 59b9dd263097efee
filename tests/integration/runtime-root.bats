#!/usr/bin/env bats
# runtime-root.bats - the runtime root (--root): created with its parents,
# as runc does (containerd hands a fresh /run/containerd/runc/NAMESPACE).

load ../lib
load ../runtime

runtime_hooks

@test "--root is created with its parents" {
	bundle_args echo ran
	run as_user "$SUBLET" --root "$UTMP/fresh/runc/default" run --bundle "$UTMP/bundle" c1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	[ "$(stat -c %a "$UTMP/fresh/runc/default")" = 700 ]
}
