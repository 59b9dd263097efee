# tests/podman.bash - Podman with every sublet program at once, for
# tests/e2e/podman-all.bats.  Load after ../lib and ../netd.
#
# Podman runs as the test user, configured only through that user's own
# containers.conf and storage.conf in a private XDG_CONFIG_HOME under
# $UTMP (HOME, XDG_RUNTIME_DIR and storage are there too).  Every Podman
# call runs (as root first) in a private mount namespace where Debian's
# crun, runc, slirp4netns, fuse-overlayfs, newuidmap and newgidmap are
# covered by an empty, non-executable file, so only sublet's programs
# can be found; the rootless pause process Podman leaves keeps that
# namespace for later calls.

PM_HIDE="/usr/bin/crun /usr/bin/runc /usr/sbin/runc /usr/bin/slirp4netns
	/usr/bin/fuse-overlayfs /usr/bin/newuidmap /usr/bin/newgidmap"

# pm_setup - private config, storage and dirs under $UTMP (needs $UTMP)
pm_setup() {
	local lx=$SUBLET_PREFIX/libexec/sublet
	PM_SUBLET=$(sublet_bin sublet)
	PM_NETD=$lx/slirp4netns
	PM_OVL=$lx/fuse-overlayfs
	as_user mkdir -p "$UTMP/home" "$UTMP/cfg/containers" "$UTMP/st"
	as_user mkdir -m 0700 "$UTMP/r"
	# conmon runs Podman's cleanup command with HOME but without
	# XDG_CONFIG_HOME: it finds the same config as the user's ~/.config
	# (without it, it knows no runtime `sublet`, and each `podman run`
	# waits 20 s for an exit status nobody records)
	as_user ln -s ../cfg "$UTMP/home/.config"
	install -m 0644 /dev/null "$UTMP/hidden"
	as_user tee "$UTMP/cfg/containers/containers.conf" >/dev/null <<CONF
[engine]
runtime = "sublet"
network_cmd_path = "$PM_NETD"
cgroup_manager = "cgroupfs"
events_logger = "file"

[engine.runtimes]
sublet = ["$PM_SUBLET"]

[network]
default_rootless_network_cmd = "slirp4netns"

[containers]
log_driver = "k8s-file"
CONF
	as_user tee "$UTMP/cfg/containers/storage.conf" >/dev/null <<CONF
[storage]
driver = "overlay"
graphroot = "$UTMP/st/graph"
runroot = "$UTMP/st/run"

[storage.options.overlay]
mount_program = "$PM_OVL"
CONF
	export PM_SUBLET PM_NETD PM_OVL
}

# pm_hidden CMD... - run CMD (as root) where Debian's helpers are covered
pm_hidden() {
	local hide="" f
	for f in $PM_HIDE; do
		[ -e "$f" ] && hide+="mount --bind $UTMP/hidden $f && "
	done
	unshare --mount --propagation private sh -c "${hide}exec \"\$@\"" sh "$@"
}

# pm_user CMD... - CMD as the test user with the private dirs, Debian's
# helpers hidden
pm_user() {
	local path
	path="$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet"
	path+=:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	(cd "$UTMP" && pm_hidden setpriv --reuid="$(test_uid)" \
		--regid="$(test_gid)" --init-groups --reset-env env PATH="$path" \
		HOME="$UTMP/home" XDG_RUNTIME_DIR="$UTMP/r" \
		XDG_CONFIG_HOME="$UTMP/cfg" XDG_DATA_HOME="$UTMP/home/data" "$@")
}

# pm ARGS... - podman ARGS as the test user; Podman's warnings on stderr
# go to $UTMP/podman.err
pm() {
	pm_user podman "$@" 2>>"$UTMP/podman.err"
}

# pm_tty CMD - shell command CMD with a terminal (script(1)) on its stdio
pm_tty() {
	pm_user script -qec "$1" /dev/null </dev/null 2>>"$UTMP/podman.err"
}

# pm_procs - pids of processes that still refer to $UTMP (command line
# or environment)
pm_procs() {
	local p
	for p in $(pgrep -u "$(test_uid)"); do
		if grep -qaF "$UTMP" "/proc/$p/cmdline" "/proc/$p/environ" 2>/dev/null; then
			echo "$p"
		fi
	done
}

# pm_ovl_pid DIR - pid of the overlay mount program serving DIR
pm_ovl_pid() {
	local p
	for p in $(pgrep -u "$(test_uid)" -f 'fuse-overlayfs|sublet-overlayfs'); do
		if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF " $1"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# pm_no_procs - true when no process refers to $UTMP any more
pm_no_procs() {
	[ -z "$(pm_procs)" ]
}

# pm_cleanup - stop what Podman left, kill the rest, unmount (teardown)
pm_cleanup() {
	local p
	[ -n "${UTMP:-}" ] && [ -d "$UTMP/cfg" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm pod rm -a -f -t 0 >/dev/null 2>&1 || true
	pm system reset -f >/dev/null 2>&1 || true
	p=$(pm_procs)
	# shellcheck disable=SC2086 # one pid a word
	[ -z "$p" ] || kill -9 $p 2>/dev/null || true
}
