#!/usr/bin/env bats
# idmap-podman.bats - Podman, run as the unprivileged test user, starts
# containers with sublet-idmap's newuidmap/newgidmap first in PATH and
# shadow's uidmap package absent.  Podman calls newuidmap/newgidmap when
# it starts its rootless pause process; a private XDG_RUNTIME_DIR, HOME
# and storage under $UTMP make that happen here, apart from any other
# Podman use on the machine.  No registry is needed: the image is a
# busybox rootfs imported from a tar.
#
# scripts/deps/test installs uidmap (tests/e2e/install-local.bats uses
# it), so every Podman call here runs in a private mount namespace where
# shadow's newuidmap and newgidmap, when installed, are covered by an
# empty, non-executable file, so that only sublet-idmap's can be found.

load ../lib
load ../idmap

setup() {
	require_idmap_root
	command -v podman >/dev/null || skip "podman is not installed (scripts/deps/idmap)"
	[ -x /bin/busybox ] || skip "busybox-static is not installed (scripts/deps/test)"
	make_user_tmp
	as_user mkdir -m 0700 "$UTMP/xdg"
	as_user mkdir -p "$UTMP/home" "$UTMP/vol" "$UTMP/rootfs/bin"
	install -m 0644 /dev/null "$UTMP/hidden"
	PODMAN_RUNTIME=runc
	command -v runc >/dev/null || PODMAN_RUNTIME=crun
}

teardown() {
	local pause
	pause=$(cat "$UTMP/xdg/libpod/tmp/pause.pid" 2>/dev/null) &&
		kill -9 "$pause" 2>/dev/null
	remove_user_tmp
}

# shadow_hidden CMD... - run CMD (as root) in a mount namespace where no
# file of shadow's uidmap package is executable.
shadow_hidden() {
	local hide="" f
	for f in /usr/bin/newuidmap /usr/bin/newgidmap /usr/bin/getsubids; do
		[ -e "$f" ] && hide+="mount --bind $UTMP/hidden $f && "
	done
	unshare --mount --propagation private sh -c "${hide}exec \"\$@\"" sh "$@"
}

# user_cmd CMD... - CMD as the test user, as as_user runs it, but as a
# plain command line (for shadow_hidden).
user_cmd() {
	local path
	path="$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet"
	path+=:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	echo setpriv --reuid="$(test_uid)" --regid="$(test_gid)" --init-groups \
		--reset-env env PATH="$path" HOME="$UTMP/home" \
		XDG_RUNTIME_DIR="$UTMP/xdg" XDG_CONFIG_HOME="$UTMP/home/.config" \
		XDG_DATA_HOME="$UTMP/home/.local/share"
}

# pm ARGS... - podman as the test user with private storage and runtime
# dirs, shadow's helpers hidden; stderr (Podman's warnings) goes to
# $UTMP/podman.err.
pm() {
	# shellcheck disable=SC2046
	(cd "$UTMP" && shadow_hidden $(user_cmd) podman --root "$UTMP/storage" \
		--runroot "$UTMP/run" --storage-driver vfs \
		--events-backend file --cgroup-manager cgroupfs \
		--runtime "$PODMAN_RUNTIME" "$@" 2>>"$UTMP/podman.err")
}

# import_busybox - localhost/busybox from a busybox rootfs tar.
import_busybox() {
	local a
	as_user cp /bin/busybox "$UTMP/rootfs/bin/busybox"
	for a in sh id cat touch chown stat; do
		as_user ln -s busybox "$UTMP/rootfs/bin/$a"
	done
	as_user tar -C "$UTMP/rootfs" -cf "$UTMP/rootfs.tar" .
	pm import "$UTMP/rootfs.tar" localhost/busybox >/dev/null
}

@test "shadow's newuidmap/newgidmap cannot be found; PATH finds sublet-idmap's" {
	# shellcheck disable=SC2046
	run shadow_hidden $(user_cmd) sh -c 'command -v newuidmap; command -v newgidmap;
		for f in /usr/bin/newuidmap /usr/bin/newgidmap; do
			[ -x "$f" ] && [ -f "$f" ] && echo "usable: $f"; done; true'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$SUBLET_PREFIX/libexec/sublet/newuidmap" ]
	[ "${lines[1]}" = "$SUBLET_PREFIX/libexec/sublet/newgidmap" ]
	[ "${#lines[@]}" -eq 2 ]
	if [ "$(dpkg-query -W -f='${db:Status-Status}' uidmap 2>/dev/null)" != installed ]; then
		[ ! -e /usr/bin/newuidmap ] && [ ! -e /usr/bin/newgidmap ]
	fi
}

@test "podman's rootless namespace gets the full subid range" {
	pm system migrate || { cat "$UTMP/podman.err"; false; }
	run pm unshare cat /proc/self/uid_map /proc/self/gid_map
	cat "$UTMP/podman.err"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '{print $1, $2, $3}')" = "$(printf '0 %s 1\n1 100000 65536\n0 %s 1\n1 100000 65536' "$(test_uid)" "$(test_gid)")" ]
}

@test "podman run starts a container as root inside, subordinate ids outside" {
	pm system migrate
	import_busybox || { cat "$UTMP/podman.err"; false; }
	run pm run --rm --network none -v "$UTMP/vol:/vol" localhost/busybox \
		sh -c 'id -u; touch /vol/f; chown 1:1 /vol/f; cat /proc/self/uid_map'
	cat "$UTMP/podman.err"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(echo "${lines[1]}" | awk '{print $1, $2, $3}')" = "0 $(test_uid) 1" ]
	[ "$(echo "${lines[2]}" | awk '{print $1, $2, $3}')" = "1 100000 65536" ]
	[ "$(stat -c %u:%g "$UTMP/vol/f")" = 100000:100000 ]
}
