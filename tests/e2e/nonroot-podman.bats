#!/usr/bin/env bats
# nonroot-podman.bats - containers whose process is not root, under
# rootless Podman 4.3 and Buildah: a non-root user reading, running and
# writing the image's files (run --user, exec -u, buildah run --user),
# --userns keep-id and auto, a setuid-root program, and --network none
# (lo up).  Each case runs twice: with the `sublet` tool set (sublet as
# the runtime, sublet-overlayfs as mount_program, sublet-netd as
# slirp4netns, sublet-idmap as newuidmap, Debian's covered) and with the
# `debian` one (runc, fuse-overlayfs, slirp4netns, shadow's newuidmap),
# which proves the test itself (tests/podman.bash).  Last, `sublet run
# --user` on the FUSE overlay.  The image, scripts/make-image's busybox
# with a setuid-root copy of tests/helpers/ids, is made and imported
# once, in setup_file.

load ../lib
load ../netd
load ../podman

setup_file() {
	local t
	require_test_user
	is_root || skip "covering Debian's helpers needs a private mount namespace (root)"
	for t in podman buildah runc fuse-overlayfs slirp4netns /usr/bin/newuidmap; do
		command -v "$t" >/dev/null ||
			skip "$t is not installed (scripts/deps: podman, buildah, runc, fuse-overlayfs, slirp4netns, uidmap)"
	done
	[ -x "$SUBLET_HELPERS/ids" ] || { echo "no $SUBLET_HELPERS/ids: run make" >&2; return 1; }
	make_user_tmp
	pm_setup sublet "$UTMP/sublet"
	pm_setup debian "$UTMP/debian"
	nr_image "$UTMP/img.tar"
	for t in sublet debian; do
		pm_use "$UTMP/$t"
		pm import -q --change CMD=sh --change "ENV=PATH=$NR_PATH" \
			"$UTMP/img.tar" localhost/bb >/dev/null ||
			{ cat "$UTMP/podman.err" >&2; return 1; }
	done
	as_user mkdir -p "$UTMP/sl/run"
	sl image import --name bb "$UTMP/img.tar" >/dev/null
}

teardown_file() {
	local t
	for t in sublet debian; do
		[ -e "${UTMP:-/nonexistent}/$t/kind" ] || continue
		pm_use "$UTMP/$t"
		pm_cleanup
	done
	remove_user_tmp
}

setup() {
	[ -n "${UTMP:-}" ] && [ -d "$UTMP/debian/cfg" ] || skip "no Podman setup (see setup_file)"
	: >"$UTMP/podman.err"
}

teardown() {
	cat "$UTMP/podman.err" 2>/dev/null || true
}

NR_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# nr_image FILE - root filesystem tar: make-image's busybox, plus
# /usr/local/bin/ids setuid root (made as the test user, owners 0 in the
# tar)
nr_image() {
	as_user "$SUBLET_SCRIPTS/make-image" rootfs "$UTMP/rootfs"
	as_user install -D -m 4755 "$SUBLET_HELPERS/ids" "$UTMP/rootfs/usr/local/bin/ids"
	as_user tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
		-C "$UTMP/rootfs" -cf "$1" .
	rm -rf "$UTMP/rootfs"
}

# sl ARGS... - sublet as the test user, its store and state in $UTMP/sl
sl() {
	AS_USER_ENV="XDG_DATA_HOME=$UTMP/sl/data XDG_RUNTIME_DIR=$UTMP/sl/run HOME=$UTMP/sl" \
		as_user "$(sublet_bin sublet)" "$@"
}

# sub_id N - the host uid of id N of the rootless namespace (N >= 1)
sub_id() {
	echo $(($(awk -F: -v u="$(id -un "$(test_uid)")" '$1 == u { print $2; exit }' /etc/subuid) + $1 - 1))
}

# case_tools KIND - podman info and buildah info name the tool set's programs
case_tools() {
	local want
	pm_use "$UTMP/$1"
	run pm info --format '{{.Host.OCIRuntime.Path}} {{index .Store.GraphOptions "overlay.mount_program"}} {{.Host.Slirp4NetNS.Executable}}'
	echo "$output"
	[ "$status" -eq 0 ]
	want="$PM_SUBLET map[Executable:$PM_OVL * $PM_NETD"
	[ "$1" = sublet ] || want="$(command -v runc) map[Executable:$(command -v fuse-overlayfs) * $(command -v slirp4netns)"
	[[ "$(echo $output)" == $want ]]
	run pm_user sh -c 'command -v newuidmap; buildah info --format "{{.host.OCIRuntime}}"'
	echo "$output"
	[ "$status" -eq 0 ]
	if [ "$1" = sublet ]; then
		[ "$output" = "$(printf '%s\nsublet' "$SUBLET_PREFIX/libexec/sublet/newuidmap")" ]
	else
		[ "$output" = "$(printf '/usr/bin/newuidmap\nrunc')" ]
	fi
}

# case_run_user KIND - run --user 1000: the image's files read and run,
# /tmp written, the new file stored as subordinate id 1000
case_run_user() {
	local up
	pm_use "$UTMP/$1"
	run pm run --name u1 --user 1000 localhost/bb sh -c \
		'id -u; cat /etc/passwd >/dev/null && echo read-ok; touch /tmp/x && stat -c %u:%g /tmp/x
		 grep " / " /proc/self/mounts | cut -d" " -f3'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\nread-ok\n1000:1000\nfuse.fuse-overlayfs')" ]
	up=$(pm inspect -f '{{.GraphDriver.Data.UpperDir}}' u1)
	[ "$(stat -c %u "$up/tmp/x")" = "$(sub_id 1000)" ]
	pm rm u1 >/dev/null
}

# case_exec_user KIND - exec -u 1000 into a running container
case_exec_user() {
	pm_use "$UTMP/$1"
	pm run -d --name e1 localhost/bb sleep 100000 >/dev/null
	run pm exec -u 1000 e1 sh -c \
		'id -u; cat /etc/passwd >/dev/null && echo read-ok; touch /tmp/y && stat -c %u /tmp/y; ls /bin/sh'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\nread-ok\n1000\n/bin/sh')" ]
	pm rm -f -t 0 e1 >/dev/null
}

# case_keep_id KIND - --userns keep-id: the user's own uid inside, the
# image's files still root's, a bind-mounted dir written as the user
case_keep_id() {
	pm_use "$UTMP/$1"
	as_user mkdir -p "$PM_DIR/vol"
	run pm run --rm --userns keep-id -v "$PM_DIR/vol:/vol" localhost/bb sh -c \
		'id -u; stat -c %u:%g /etc/passwd /bin; touch /vol/f /tmp/x && echo write-ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n0:0\n0:0\nwrite-ok' "$(test_uid)")" ]
	[ "$(stat -c %u:%g "$PM_DIR/vol/f")" = "$(test_uid):$(test_gid)" ]
}

# case_auto KIND - --userns auto: a namespace of its own that does not
# map the user, the image's files root's there
case_auto() {
	pm_use "$UTMP/$1"
	run pm run --rm --userns auto localhost/bb sh -c \
		'cat /proc/self/uid_map; stat -c %u:%g /etc/passwd; touch /tmp/x && echo write-ok'
	echo "$output"
	[ "$status" -eq 0 ]
	# one range from container 0, starting past the user (id 0)
	[ "${#lines[@]}" -eq 3 ]
	set -- ${lines[0]}
	[ "$1" = 0 ] && [ "$2" -ge 1 ] && [ "$3" -ge 1024 ]
	[ "${lines[1]}" = 0:0 ]
	[ "${lines[2]}" = write-ok ]
}

# case_setuid KIND - a setuid-root program run by uid 1000 runs as root
case_setuid() {
	pm_use "$UTMP/$1"
	run pm run --rm --user 1000 localhost/bb sh -c 'stat -c %a:%u /usr/local/bin/ids; ids'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '4755:0\n1000 0')" ]
}

# LO_CHECK - lo is up with 127.0.0.1 and the only link; a server on
# 127.0.0.1 answers (busybox httpd binds before it goes to the background)
LO_CHECK='ip -o link show | cut -d" " -f2; ip -o link show lo | grep -o "<[^>]*>"
	ip -o -4 addr show lo | grep -o "inet [^ ]*"
	mkdir /tmp/w && echo lo-ok >/tmp/w/i && httpd -p 127.0.0.1:8080 -h /tmp/w &&
	wget -q -O - http://127.0.0.1:8080/i'
LO_WANT=$(printf 'lo:\n<LOOPBACK,UP,LOWER_UP>\ninet 127.0.0.1/8\nlo-ok')

# case_net_none KIND - --network none: lo up, 127.0.0.1 serves
case_net_none() {
	pm_use "$UTMP/$1"
	run pm run --rm --network none --user 1000 localhost/bb sh -c "$LO_CHECK"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$LO_WANT" ]
}

# case_buildah KIND - buildah run --user 1000 (and --network none: lo up)
# on a working container from the same storage
case_buildah() {
	local c
	pm_use "$UTMP/$1"
	c=$(pm_user buildah from -q localhost/bb 2>>"$UTMP/podman.err")
	[ -n "$c" ]
	run pm_user buildah run --user 1000 "$c" sh -c \
		'id -u; cat /etc/passwd >/dev/null && echo read-ok; touch /tmp/x && stat -c %u /tmp/x; ids
		 grep " / " /proc/self/mounts | cut -d" " -f3'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1000\nread-ok\n1000\n1000 0\nfuse.fuse-overlayfs')" ]
	run pm_user buildah run --network none --user 1000 "$c" sh -c "$LO_CHECK"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$LO_WANT" ]
	pm_user buildah rm "$c" >/dev/null
}

@test "sublet: podman info and buildah info name sublet's programs" {
	case_tools sublet
}

@test "debian: podman info and buildah info name Debian's tools" {
	case_tools debian
}

@test "sublet: podman run --user 1000 reads, runs and writes the image's files" {
	case_run_user sublet
}

@test "debian: podman run --user 1000 reads, runs and writes the image's files" {
	case_run_user debian
}

@test "sublet: podman exec -u 1000 into a running container" {
	case_exec_user sublet
}

@test "debian: podman exec -u 1000 into a running container" {
	case_exec_user debian
}

@test "sublet: podman run --userns keep-id" {
	case_keep_id sublet
}

@test "debian: podman run --userns keep-id" {
	case_keep_id debian
}

@test "sublet: podman run --userns auto" {
	case_auto sublet
}

@test "debian: podman run --userns auto" {
	case_auto debian
}

@test "sublet: a setuid-root program run by uid 1000 gets euid 0" {
	case_setuid sublet
}

@test "debian: a setuid-root program run by uid 1000 gets euid 0" {
	case_setuid debian
}

@test "sublet: podman run --network none: lo is up with 127.0.0.1" {
	case_net_none sublet
}

@test "debian: podman run --network none: lo is up with 127.0.0.1" {
	case_net_none debian
}

@test "sublet: buildah run --user 1000, and --network none" {
	case_buildah sublet
}

@test "debian: buildah run --user 1000, and --network none" {
	case_buildah debian
}

@test "sublet run --user 1000 on sublet-overlayfs (--storage-driver fuse)" {
	# sublet's own command, so one run: the kernel's overlay would be
	# chosen here, fuse forces sublet-overlayfs
	run sl --debug run --rm --net none --storage-driver fuse --user 1000 bb sh -c \
		'id -u; cat /etc/passwd >/dev/null && echo read-ok; touch /tmp/x && stat -c %u:%g /tmp/x; ids
		 grep " / " /proc/self/mounts | cut -d" " -f3'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"storage driver fuse"* ]]
	[ "$(echo "$output" | grep -v '^sublet: ')" = "$(printf '1000\nread-ok\n1000:1000\n1000 0\nfuse.sublet-overlayfs')" ]
}
