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
	! grep -qE '^(nobody|65534):' /etc/subuid || skip "nobody has subordinate ids on this host"
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

# idmap_nocaps_setup - a layer with a file of uid 33 (it needs the whole
# subordinate mapping, which only a privileged newuidmap can write), a
# copy of sublet-idmap without file capabilities ($UTMP/plain: cp drops
# them) and $PREP binding it over the installed one
idmap_nocaps_setup() {
	mkdir -p "$UTMP/l"
	echo www >"$UTMP/l/www"
	tar -C "$UTMP/l" --numeric-owner --owner=33 --group=33 -cf "$UTMP/l.tar" ./www
	cp "$SUBLET_PREFIX/bin/sublet-idmap" "$UTMP/plain"
	chown -R "$(test_uid):$(test_gid)" "$UTMP"
	PREP="mount --bind $UTMP/plain $SUBLET_PREFIX/bin/sublet-idmap
		getcap $SUBLET_PREFIX/libexec/sublet/newuidmap | grep -q . && exit 99"
}

@test "sublet-idmap without capabilities: no privileged newuidmap is a clear error, no hang" {
	idmap_nocaps_setup
	# shadow's setuid helpers, where installed, are hidden the same way
	for h in /usr/bin/newuidmap /usr/bin/newgidmap; do
		[ -e "$h" ] && PREP="$PREP
		mount --bind $UTMP/plain $h"
	done
	run timeout 60 sh -c "$(declare -f as_user_ns is_root test_uid test_gid)
		PREP='$PREP' UTMP='$UTMP' AS_USER_ENV='$AS_USER_ENV' \
		SUBLET_PREFIX='$SUBLET_PREFIX' TEST_USER='$TEST_USER'
		as_user_ns $SUBLET image import --name www $UTMP/l.tar"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	real=$(readlink -f "$SUBLET_PREFIX/bin/sublet-idmap")
	[[ "$output" == "sublet: "*"newuidmap cannot map ids: $real has neither file capabilities nor setuid root; as root, run \`setcap cap_setuid,cap_setgid+ep $real\`, or install shadow's newuidmap and newgidmap (Debian: uidmap)" ]]
	run sl image ls -q
	! grep -qx www <<<"$output"
}

@test "sublet-idmap without capabilities: a privileged newuidmap later in PATH maps" {
	idmap_nocaps_setup
	# a setuid-root sublet-idmap in a directory of $PATH stands for
	# shadow's helpers
	mkdir -p "$UTMP/sys"
	install -o root -m 4755 "$SUBLET_PREFIX/bin/sublet-idmap" "$UTMP/sys/newuidmap"
	install -o root -m 4755 "$SUBLET_PREFIX/bin/sublet-idmap" "$UTMP/sys/newgidmap"
	run timeout 60 unshare -m sh -c "$PREP
		cd $UTMP && exec setpriv --reuid=$(test_uid) --regid=$(test_gid) \
		--init-groups --reset-env env PATH=$UTMP/sys:/usr/bin:/bin \
		$AS_USER_ENV $SUBLET image import --name www $UTMP/l.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	run sl image ls -q
	grep -qx www <<<"$output"
}

@test "a write error while unpacking a layer fails the import, no hole stored" {
	# a 4 MiB file in a layer, unpacked under a 1 MiB file size limit:
	# that write fails (EFBIG) while every other write goes through
	mkdir -p "$UTMP/big"
	head -c 4M /dev/urandom >"$UTMP/big/blob"
	echo small >"$UTMP/big/small"
	tar -C "$UTMP/big" -cf "$UTMP/big.tar" ./blob ./small
	chown -R "$(test_uid):$(test_gid)" "$UTMP/big" "$UTMP/big.tar"
	run as_user sh -c "trap '' XFSZ; ulimit -f 2048; exec $SUBLET image import --name big $UTMP/big.tar"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: layer \`$UTMP/big.tar\`: unpack \`blob\`: Write failed: File too large" ]
	run sl image ls -q
	! grep -qx big <<<"$output"
}

@test "a full store: the failed write is the error, no layer is stored with a hole" {
	# a layer with 4 MiB of data, imported into a 2 MiB store
	mkdir -p "$UTMP/big"
	head -c 4M /dev/urandom >"$UTMP/big/blob"
	tar -C "$UTMP/big" -cf "$UTMP/big.tar" .
	chown -R "$(test_uid):$(test_gid)" "$UTMP/big" "$UTMP/big.tar"
	PREP="mount -t tmpfs -o size=2m,mode=0755,uid=$(test_uid),gid=$(test_gid) tmpfs $UTMP/data"
	run as_user_ns sh -c "$SUBLET image import --name big $UTMP/big.tar; echo status=\$?; ls $UTMP/data/sublet/images"
	echo "$output"
	[ "${lines[0]}" = "sublet: image import: layer \`$UTMP/big.tar\`: unpack \`blob\`: Write failed: No space left on device" ]
	[ "${lines[1]}" = status=1 ]
	[[ "$output" != *big.json* ]]
}

@test "no login session: a private runtime directory under /tmp, checked" {
	local tmpdir=/tmp/sublet-run-$(test_uid)
	rm -rf "$tmpdir"
	# XDG_RUNTIME_DIR names nothing, /run/user/UID is hidden
	install -d -m 0755 "$UTMP/empty"
	PREP="mount --bind $UTMP/empty /run/user"
	AS_USER_ENV="XDG_DATA_HOME=$UTMP/data XDG_RUNTIME_DIR=$UTMP/nonexistent HOME=$UTMP"
	run as_user_ns "$SUBLET" run --rm --net none busybox echo ok
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ "$(stat -c %u:%a "$tmpdir")" = "$(test_uid):700" ]
	rm -rf "$tmpdir"
	# one made by someone else is refused, not used
	install -d -m 0777 "$tmpdir"
	run as_user_ns "$SUBLET" run --rm --net none busybox echo ok
	echo "$output"
	rm -rf "$tmpdir"
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: \`$tmpdir\` is not a private directory of ours: remove it, or set XDG_RUNTIME_DIR to a directory only you can use" ]
}
