#!/usr/bin/env bats
# run-errors.bats - the errors people hit, one line each with what to do:
# image not found, command not found, no subordinate ids, user
# namespaces disabled, /dev/fuse not usable.

load ../lib
load ../run
bats_require_minimum_version 1.5.0

run_hooks

# as_user_ns CMD... - as the test user inside a private mount namespace
# prepared by root with the shell snippet $PREP
as_user_ns() {
	is_root || skip "needs root to prepare a mount namespace"
	unshare -m sh -c "$PREP
		cd $UTMP && exec setpriv --reuid=$(test_uid) --regid=$(test_gid) \
		--init-groups --reset-env env PATH=$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:/usr/bin:/bin \
		$AS_USER_ENV \"\$@\"" sh "$@"
}

@test "image not found" {
	run sl run --rm nothing true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: image \`nothing\` not found: see \`sublet image ls\`, or add it with \`sublet image import PATH\`" ]
}

@test "command not found in the image" {
	run -127 sl run --rm --net none busybox no-such-command
	[ "$status" -eq 127 ]
	[ "$output" = "sublet: command \`no-such-command\` not found in image \`busybox\`: check the name, or give its full path" ]
	assert_clean
}

@test "no subordinate ids" {
	is_root || skip "needs root to run as a user without subordinate ids"
	! grep -qE '^(nobody|65534):' /etc/subuid
	mkdir -m 0777 "$UTMP/nobody"
	run setpriv --reuid=65534 --regid=65534 --clear-groups env \
		XDG_DATA_HOME="$UTMP/nobody" "$SUBLET" image import "$RUN_IMAGE_DIR/busybox"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: no subordinate ids for \`nobody\` in /etc/subuid: ask an administrator to add a range (usermod --add-subuids 100000-165535 --add-subgids 100000-165535 nobody)" ]
}

@test "user namespaces disabled" {
	echo 0 >"$UTMP/zero"
	PREP="mount --bind $UTMP/zero /proc/sys/user/max_user_namespaces"
	run as_user_ns "$SUBLET" run --rm --net none busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: user namespaces are disabled (user.max_user_namespaces = 0): ask an administrator to run \`sysctl -w user.max_user_namespaces=15000\`" ]
}

@test "/dev/fuse not usable: said for fuse, auto uses the kernel's overlay" {
	install -m 000 /dev/null "$UTMP/nofuse"
	PREP="mount --bind $UTMP/nofuse /dev/fuse"
	run as_user_ns "$SUBLET" run --rm --net none --storage-driver fuse busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: /dev/fuse is not usable (Permission denied): load the fuse module and make /dev/fuse mode 0666, or use --storage-driver kernel" ]
	run as_user_ns "$SUBLET" run --rm --net none busybox echo ok
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}
