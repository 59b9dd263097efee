#!/usr/bin/env bats
# run-export.bats - sublet export: a container's changes as a tar+zstd
# OCI layer with .wh. whiteouts, read back by sublet image import.

load ../lib
load ../run

run_hooks

@test "export writes the changes; import on top of the image reads them back" {
	for drv in kernel fuse; do
		sl run --name "ex-$drv" --net none --storage-driver $drv busybox sh -c \
			'echo data >/root/f; chown 33:33 /root/f; rm /bin/vi;
			 rm -rf /home/user; mkdir /home/user; touch /home/user/n'
		run sl export "ex-$drv" -o "$UTMP/$drv.tar.zst"
		[ "$status" -eq 0 ]
		run sh -c "zstd -dc $UTMP/$drv.tar.zst | tar -tv --numeric-owner"
		[[ "$output" == *"33/33"*"root/f"* ]]
		[[ "$output" == *"bin/.wh.vi"* ]]
		[[ "$output" == *"home/user/.wh..wh..opq"* ]]
		[[ "$output" != *"etc/hosts"* ]]
		oci_add_layer "$RUN_IMAGE_DIR/busybox" "$UTMP/img-$drv" \
			"$UTMP/$drv.tar.zst" application/vnd.oci.image.layer.v1.tar+zstd
		run sl image import --name "after-$drv" "$UTMP/img-$drv"
		[ "$status" -eq 0 ]
		run sl run --rm --net none "after-$drv" sh -c \
			'cat /root/f; stat -c %u /root/f; ls /bin/vi 2>&1; ls /home/user'
		[ "${lines[0]}" = data ]
		[ "${lines[1]}" = 33 ]
		[[ "${lines[2]}" == *"No such file"* ]]
		[ "${lines[3]}" = n ]
		sl rm "ex-$drv"
	done
}

@test "export refusals" {
	run sl export nothing -o "$UTMP/x"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: export: no container \`nothing\` (see sublet ps -a)" ]
	run sl export
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: export: expected [-o FILE] ID" ]
	run sl export --frob x
	[ "$status" -eq 1 ]
	[[ "$output" == *"sublet: export: bad option (see --help)" ]]
	# a layer is never written to a terminal
	sl run --name tty --net none busybox true
	run script -qec "$(declare -f as_user is_root test_uid test_gid); AS_USER_ENV='$AS_USER_ENV' UTMP='$UTMP' TEST_USER='$TEST_USER' SUBLET_PREFIX='$SUBLET_PREFIX' as_user $SUBLET export tty" /dev/null
	[[ "$output" == *"sublet: export: standard output is a terminal: give -o FILE or redirect it"* ]]
}

@test "export --help, and export to standard output" {
	run sl export --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: sublet export [-o FILE] ID" ]]
	sl run --name out --net none busybox sh -c 'echo data >/root/f'
	as_user sh -c "$SUBLET export out >$UTMP/out.tar.zst"
	run sh -c "zstd -dc $UTMP/out.tar.zst | tar -t"
	[[ "$output" == *"root/f"* ]]
	run sl export -o - out
	[ "$status" -eq 0 ]
}

@test "Podman imports the exported layer" {
	command -v podman >/dev/null || skip "podman is not installed"
	sl run --name ex --net none busybox sh -c 'echo from-sublet >/root/f'
	sl export ex -o "$UTMP/ex.tar.zst"
	pod="podman --root $UTMP/pod --runroot $UTMP/run/pod --storage-driver vfs"
	run as_user $pod import "$UTMP/ex.tar.zst" exported:1
	[ "$status" -eq 0 ]
	run as_user $pod image inspect --format '{{.RootFS.Layers}}' exported:1
	[ "$status" -eq 0 ]
	[[ "$output" == "[sha256:"* ]]
	run as_user sh -c "$pod image save exported:1 | tar -xO --wildcards '*.tar' | tar -xO root/f"
	[ "$output" = from-sublet ]
}
