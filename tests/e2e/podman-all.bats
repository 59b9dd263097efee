#!/usr/bin/env bats
# podman-all.bats - every sublet program under Podman at once: sublet as
# the OCI runtime, sublet-netd as slirp4netns, sublet-overlayfs as the
# overlay mount_program and sublet-idmap's newuidmap/newgidmap, with
# Debian's crun, runc, slirp4netns, fuse-overlayfs and uidmap covered
# (tests/podman.bash).  Podman is configured only through the test user's
# own containers.conf and storage.conf.  The tests share one Podman setup
# (made in setup_file) and run in order: the last one resets it.

load ../lib
load ../netd
load ../podman

setup_file() {
	require_test_user
	is_root || skip "covering Debian's helpers needs a private mount namespace (root)"
	command -v podman >/dev/null || skip "podman is not installed"
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	make_user_tmp
	pm_setup
	"$SUBLET_SCRIPTS/make-image" docker-archive "$UTMP/img.tar"
	chown "$(test_uid):$(test_gid)" "$UTMP/img.tar"
	pm load -q -i "$UTMP/img.tar" >"$UTMP/load.out" || { cat "$UTMP/podman.err" >&2; return 1; }
	IMG=$(pm images -q | head -1)
	[ -n "$IMG" ]
	pm tag "$IMG" localhost/bb
	export IMG
}

teardown_file() {
	pm_cleanup
	remove_user_tmp
}

setup() {
	[ -n "${UTMP:-}" ] && [ -d "$UTMP/cfg" ] || skip "no Podman setup (see setup_file)"
	: >"$UTMP/podman.err"
}

teardown() {
	cat "$UTMP/podman.err" 2>/dev/null || true
}

@test "podman-all: Debian's helpers are covered; podman info names sublet's" {
	run pm_user sh -c 'for f in /usr/bin/crun /usr/bin/runc /usr/sbin/runc \
		/usr/bin/slirp4netns /usr/bin/fuse-overlayfs /usr/bin/newuidmap \
		/usr/bin/newgidmap; do [ -x "$f" ] && [ -s "$f" ] && echo "usable: $f"; done
		for c in newuidmap newgidmap slirp4netns fuse-overlayfs; do command -v $c; done'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' "$SUBLET_PREFIX"/libexec/sublet/{newuidmap,newgidmap,slirp4netns,fuse-overlayfs})" ]
	run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}
{{.Store.GraphDriverName}} {{index .Store.GraphOptions "overlay.mount_program"}}
{{.Host.Slirp4NetNS.Executable}}'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet $PM_SUBLET" ]
	# the mount program's entry is a map over two lines
	[[ "${lines[1]}" == "overlay map[Executable:$PM_OVL "* ]]
	[ "${lines[-1]}" = "$PM_NETD" ]
	# the rootless user namespace got the subordinate range from our helpers
	run pm unshare cat /proc/self/uid_map
	[ "$(echo $output)" = "0 $(test_uid) 1 1 100000 65536" ]
}

@test "podman-all: run --rm: output, overlay root from sublet-overlayfs" {
	local p
	run pm run --rm localhost/bb sh -c 'echo hello-run; grep " / " /proc/self/mounts | cut -d" " -f3; exit 5'
	echo "$output"
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = hello-run ]
	# a FUSE overlay, named after the compat name Podman ran
	[ "${lines[1]}" = fuse.fuse-overlayfs ]
	pm run -d --name ovl localhost/bb sleep 100000 >/dev/null
	p=$(pm_ovl_pid "$(pm inspect -f '{{.GraphDriver.Data.MergedDir}}' ovl)")
	[ "$(readlink -f "/proc/$p/exe")" = "$(readlink -f "$PM_OVL")" ]
	[ "$(readlink -f "$PM_OVL")" = "$(readlink -f "$SUBLET_PREFIX/bin/sublet-overlayfs")" ]
	pm rm -f -t 0 ovl >/dev/null
}

@test "podman-all: run -d httpd -p, fetch from the host, exec, logs, stop, rm" {
	local port pid p found=""
	port=$(free_port)
	pm run -d --name web -p "127.0.0.1:$port:80" localhost/bb sh -c \
		'mkdir /www && echo hello-from-web >/www/index.html && echo web-started &&
		 exec httpd -f -p 80 -h /www' >/dev/null
	[ "$(pm inspect -f '{{.OCIRuntime}} {{.State.Status}}' web)" = "sublet running" ]
	# the network process of this container is sublet-netd
	for p in $(pgrep -u "$(test_uid)" -f 'slirp4netns|sublet-netd'); do
		grep -qa "$UTMP/r/netns" "/proc/$p/cmdline" 2>/dev/null || continue
		found=$(readlink -f "/proc/$p/exe")
		break
	done
	[ "$found" = "$(readlink -f "$PM_NETD")" ]
	wait_for 20 sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | socat -t5 - TCP:127.0.0.1:$port | grep -q hello-from-web"
	run sh -c "printf 'GET /index.html HTTP/1.0\r\n\r\n' | socat -t5 - TCP:127.0.0.1:$port"
	[[ "$output" == *"200 OK"* ]]
	[ "${lines[-1]}" = hello-from-web ]
	run pm exec web sh -c 'cat /www/index.html; grep " / " /proc/self/mounts | cut -d" " -f3'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hello-from-web\nfuse.fuse-overlayfs')" ]
	run pm logs web
	[ "$output" = web-started ]
	pid=$(pm inspect -f '{{.State.Pid}}' web)
	[ "$(readlink "/proc/$pid/exe")" = /bin/busybox ]
	run pm stop -t 5 web
	[ "$status" -eq 0 ]
	[ "$(pm inspect -f '{{.State.Status}}' web)" = exited ]
	wait_for 10 pids_gone "$pid"
	pm rm web >/dev/null
	run pm ps -a --format '{{.Names}}'
	[ "$output" = "" ]
	! listening "$port"
}

@test "podman-all: commit keeps exactly the writes, deletes and renames" {
	pm run --name c1 localhost/bb sh -c 'mkdir -p /data/dir && echo keep >/data/keep &&
		echo del >/data/del && echo old >/data/old && echo s >/data/dir/s' >/dev/null
	pm commit -q c1 localhost/bb:step1 >/dev/null
	pm rm c1 >/dev/null
	run pm run --name c2 localhost/bb:step1 sh -c 'echo new >/data/new; rm /data/del
		mv /data/old /data/renamed; mv /data/dir /data/dir2; echo more >>/data/keep
		rm /etc/group; ls /data'
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "dir2 keep new renamed" ]
	pm commit -q c2 localhost/bb:step2 >/dev/null
	pm rm c2 >/dev/null
	run pm run --rm localhost/bb:step2 sh -c 'ls -A /data /data/dir2; cat /data/keep /data/new /data/renamed
		[ -e /etc/group ] && echo group-back; [ -e /etc/passwd ] && echo passwd-kept'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "/data: dir2 keep new renamed /data/dir2: s keep more new old passwd-kept" ]
	# the base image is untouched
	run pm run --rm localhost/bb sh -c 'ls /data 2>&1; [ -e /etc/group ] && echo group-there'
	[[ "$output" == *"No such file"* ]]
	[ "${lines[-1]}" = group-there ]
}

@test "podman-all: run -it gives a terminal" {
	# stays a second after writing: see tty_run in runtime-podman.bats
	run pm_tty "podman run --rm -it localhost/bb sh -c 'tty; echo it-ok; sleep 1'"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"it-ok"* ]]
}

@test "podman-all: a pod's two containers share one network namespace" {
	local ns1 ns2
	pm pod create --name p1 --network slirp4netns --infra-image localhost/bb \
		--infra-command "sleep 100000" >/dev/null
	pm run -d --pod p1 --name srv localhost/bb sh -c \
		'mkdir /www && echo hello-from-pod >/www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
	run pm run --rm --pod p1 localhost/bb sh -c \
		'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 1; done; exit 1'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = hello-from-pod ]
	ns1=$(readlink "/proc/$(pm inspect -f '{{.State.Pid}}' srv)/ns/net")
	ns2=$(readlink "/proc/$(pm inspect -f '{{.State.Pid}}' "$(pm pod inspect -f '{{.InfraContainerID}}' p1)")/ns/net")
	[ "$ns1" = "$ns2" ]
	[ "$ns1" != "$(readlink /proc/self/ns/net)" ]
	pm pod rm -f -t 0 p1 >/dev/null
	run pm ps -a --format '{{.Names}} {{.Status}}'
	echo "$output"
	[ "$output" = "" ]
}

@test "podman-all: system reset leaves no mounts or processes behind" {
	pm run -d --name left localhost/bb sleep 100000 >/dev/null
	run pm system reset -f
	[ "$status" -eq 0 ]
	run grep -cF "$UTMP/" /proc/self/mounts
	[ "$output" = 0 ]
	wait_for 20 pm_no_procs || true
	run pm_procs
	[ "$output" = "" ]
	# No layer or container directory is left.  Podman's own `container
	# cleanup`, which conmon starts when the container exits, can run after
	# the reset and open the store again: that re-creates the empty
	# skeleton (overlay/l, .has-mount-program), with any runtime.
	mkdir -p "$UTMP/st/graph/overlay"
	run find "$UTMP/st/graph/overlay" -mindepth 1 ! -path "$UTMP/st/graph/overlay/l" \
		! -name .has-mount-program
	ls -lAR "$UTMP/st/graph/overlay" 2>/dev/null | head -40
	[ -z "$output" ]
	[ ! -d "$UTMP/st/graph/overlay/l" ] || [ -z "$(ls -A "$UTMP/st/graph/overlay/l")" ]
}
