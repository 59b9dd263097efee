#!/usr/bin/env bats
# run-basic.bats - sublet run IMAGE: the process, the overlay root,
# volumes, exit status, --rm, and runc's run ID beside it.

load ../lib
load ../run

run_hooks

@test "the container's exit status becomes sublet's; --rm leaves nothing" {
	run sl run --rm --net none busybox sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run sl run --rm --net none busybox true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	assert_clean
}

@test "env, workdir, user, hostname and stdin reach the process" {
	run sl run --rm --net none -e FOO=bar -w /tmp --user 1000:1000 \
		--hostname box busybox sh -c 'echo $FOO; pwd; id -u; id -g; hostname'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'bar\n/tmp\n1000\n1000\nbox')" ]
	run sl run --rm --net none --user nobody busybox id -u
	[ "$output" = 65534 ]
	run as_user sh -c "echo from-stdin | $SUBLET run --rm -i --net none busybox cat"
	[ "$output" = from-stdin ]
	run sl run --rm --net none --user nosuch busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: user \`nosuch\` not found in the image's /etc/passwd: use a numeric --user UID" ]
}

@test "--user UID takes its group from the image's /etc/passwd, as Podman does" {
	run sl run --rm --net none --user 1000 busybox sh -c 'echo $(id -u) $(id -g)'
	[ "$output" = "1000 1000" ]
	# no entry: group 0; a group given wins
	run sl run --rm --net none --user 4242 busybox sh -c 'echo $(id -u) $(id -g)'
	[ "$output" = "4242 0" ]
	run sl run --rm --net none --user 1000:5 busybox sh -c 'echo $(id -u) $(id -g)'
	[ "$output" = "1000 5" ]
}

@test "the root is an overlay; writes land in the container's upper dir" {
	run sl --debug run --name w --net none busybox sh -c \
		'mount | grep " on / "; echo data >/root/f; rm /bin/vi'
	[ "$status" -eq 0 ]
	[[ "$output" == *"storage driver kernel"* ]]
	[[ "$output" == *"overlay on / type overlay"* ]]
	up=$UTMP/data/sublet/containers/w/upper
	[ "$(cat "$up/root/f")" = data ]
	[ "$(stat -c %F "$up/bin/vi")" = "character special file" ]
	# the image is untouched: a new container has vi and no /root/f
	run sl run --rm --net none busybox sh -c 'ls /bin/vi; ls /root'
	[ "$output" = /bin/vi ]
	run sl ps -a
	[[ "$output" == *"w                busybox                  exited (0)"* ]]
	run sl rm w
	[ "$status" -eq 0 ]
	[ ! -e "$UTMP/data/sublet/containers/w" ]
	assert_clean
}

@test "the fuse driver: sublet-overlayfs inside the container" {
	run sl --debug run --rm --net none --storage-driver fuse busybox sh -c \
		'mount | grep " on / "; echo x >/new; cat /new'
	[ "$status" -eq 0 ]
	[[ "$output" == *"storage driver fuse"* ]]
	[[ "$output" == *"sublet-overlayfs on / type fuse.sublet-overlayfs"* ]]
	[ "${lines[-1]}" = x ]
	assert_clean
}

@test "volumes: read-write and read-only" {
	as_user mkdir "$UTMP/vol"
	run sl run --rm --net none -v "$UTMP/vol:/vol" -v "$UTMP/vol:/ro:ro" \
		busybox sh -c 'echo hi >/vol/f; cat /ro/f; echo no >/ro/g'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = hi ]
	[[ "$output" == *"Read-only file system"* ]]
	[ "$(cat "$UTMP/vol/f")" = hi ]
	[ ! -e "$UTMP/vol/g" ]
}

@test "run ID stays runc's where a bundle is meant" {
	as_user "$SUBLET_SCRIPTS/make-image" rootfs "$UTMP/rootfs"
	sl spec --rootless --bundle "$UTMP"
	as_user sh -c "jq '.process.terminal = false | .process.args = [\"echo\", \"oci-mode\"]' $UTMP/config.json >$UTMP/c && mv $UTMP/c $UTMP/config.json"
	# not an image, ./config.json exists: runc's run
	run sl run c1
	[ "$status" -eq 0 ]
	[ "$output" = oci-mode ]
	run sl run --bundle "$UTMP" c2
	[ "$output" = oci-mode ]
}

@test "refusals: bad options, missing image" {
	run sl run
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: run: expected an IMAGE (see --help)" ]
	run sl run -p 80 busybox
	[ "$output" = "sublet: run: -p: expected [IP:]HOST:CTR[/udp], not \`80\`" ]
	run sl run --net slirp busybox
	[ "$output" = "sublet: run: --net: unknown value \`slirp\`" ]
	run sl run --storage-driver vfs busybox
	[ "$output" = "sublet: run: --storage-driver: unknown value \`vfs\`" ]
	run sl run -d -t busybox
	[ "$output" = "sublet: run: -t cannot be used with -d" ]
	run sl run -v nocolon busybox
	[ "$output" = "sublet: run: -v: expected SRC:/DST[:ro], not \`nocolon\`" ]
	run sl run -e =x busybox
	[ "$output" = "sublet: run: -e: expected KEY=VALUE or KEY, not \`=x\`" ]
	run sl run --net none -p 8080:80 busybox
	[ "$output" = "sublet: run: -p needs --net netd" ]
	run sl run --name 'bad/name' busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == "sublet: --name: "* ]]
	run sl run --help
	[ "$status" -eq 0 ]
	[[ "$output" == "Usage: sublet run [--rm]"* ]]
}

@test "-e KEY takes the value from our environment (left out when unset); -e replaces the image's" {
	run as_user env FROMHOST=hostvalue "$SUBLET" run --rm --net none \
		-e FROMHOST -e UNSETHERE -e PATH=/bin:/usr/bin -e A=1 -e A=2 \
		busybox sh -c 'echo "$FROMHOST"; echo "${UNSETHERE-unset}"; echo "$PATH"; echo "$A"; env | grep -c "^PATH="'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hostvalue ]
	[ "${lines[1]}" = unset ]
	[ "${lines[2]}" = /bin:/usr/bin ]
	[ "${lines[3]}" = 2 ]
	[ "${lines[4]}" = 1 ]
}

@test "--env-file: KEY=VALUE and KEY lines, comments skipped, -e wins; bad files refused" {
	as_user sh -c "printf '# a comment\n\nFILEVAR=from file\nA=file\nFROMHOST\r\n' >$UTMP/env"
	run as_user env FROMHOST=hostvalue "$SUBLET" run --rm --net none \
		-e A=cli --env-file "$UTMP/env" busybox \
		sh -c 'echo "$FILEVAR"; echo "$A"; echo "$FROMHOST"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from file" ]
	[ "${lines[1]}" = cli ]
	[ "${lines[2]}" = hostvalue ]
	run sl run --env-file "$UTMP/none" busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: run: --env-file: \`$UTMP/none\`: No such file or directory" ]
	as_user sh -c "printf 'OK=1\n=bad\n' >$UTMP/bad"
	run sl run --env-file "$UTMP/bad" busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: run: --env-file: \`$UTMP/bad\` line 2: expected KEY=VALUE or KEY" ]
	run sl run --stop-timeout 0 busybox true
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: run: --stop-timeout: expected seconds (1..86400), not \`0\`" ]
}
