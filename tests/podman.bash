# tests/podman.bash - Podman with every sublet program at once, for
# tests/e2e/podman-all.bats and nonroot-podman.bats.  Load after ../lib
# and ../netd.
#
# Podman runs as the test user, configured only through that user's own
# containers.conf and storage.conf in a private XDG_CONFIG_HOME under
# $PM_DIR ($UTMP unless pm_setup is given another; HOME, XDG_RUNTIME_DIR
# and storage are there too).  With the `sublet` tool set every Podman
# call runs (as root first) in a private mount namespace where Debian's
# crun, runc, slirp4netns, fuse-overlayfs, newuidmap and newgidmap are
# covered by an empty, non-executable file, so only sublet's programs
# can be found; the rootless pause process Podman leaves keeps that
# namespace for later calls.  The `debian` tool set is the reference the
# same tests are proved with: Debian's runc, fuse-overlayfs, slirp4netns
# and shadow's newuidmap/newgidmap, nothing covered and none of sublet's
# programs on the PATH.  Each set has its own dirs and so its own pause
# process and user namespace; pm_use switches between them.
#
# For Podman inside a booted systemd (tests/systemd.bash), set before
# pm_setup: PM_NS=sd (the command every Podman call is run under, so in
# systemd's namespaces), PM_RUNDIR (XDG_RUNTIME_DIR, default $PM_DIR/r;
# each set then keeps its pause process in its own tmp_dir under
# $PM_DIR), PM_ENV (more "K=V ...", e.g. DBUS_SESSION_BUS_ADDRESS) and
# PM_CGROUP_MANAGER (containers.conf's cgroup_manager, default cgroupfs).

PM_HIDE="/usr/bin/crun /usr/bin/runc /usr/sbin/runc /usr/bin/slirp4netns
	/usr/bin/fuse-overlayfs /usr/bin/newuidmap /usr/bin/newgidmap"

# pm_conf RUNTIME_PATH NETCMD OVERLAY - containers.conf and storage.conf
# in $PM_DIR/cfg/containers: runtime RUNTIME_PATH (named after its file),
# NETCMD as slirp4netns, OVERLAY as the overlay mount_program
pm_conf() {
	local name
	name=$(basename "$1")
	as_user tee "$PM_DIR/cfg/containers/containers.conf" >/dev/null <<CONF
[engine]
runtime = "$name"
network_cmd_path = "$2"
cgroup_manager = "${PM_CGROUP_MANAGER:-cgroupfs}"
events_logger = "file"
${PM_RUNDIR:+tmp_dir = \"$PM_DIR/tmp\"}

[engine.runtimes]
$name = ["$1"]

[network]
default_rootless_network_cmd = "slirp4netns"

[containers]
log_driver = "k8s-file"
CONF
	as_user tee "$PM_DIR/cfg/containers/storage.conf" >/dev/null <<CONF
[storage]
driver = "overlay"
graphroot = "$PM_DIR/st/graph"
runroot = "$PM_DIR/st/run"

[storage.options.overlay]
mount_program = "$3"
CONF
}

# pm_setup [sublet|debian [DIR]] - private config, storage and dirs in
# DIR (default $UTMP) for that tool set (default sublet), made the one
# in use (needs $UTMP)
pm_setup() {
	local lx=$SUBLET_PREFIX/libexec/sublet
	PM_KIND=${1:-sublet}
	PM_DIR=${2:-$UTMP}
	as_user mkdir -p "$PM_DIR/home" "$PM_DIR/cfg/containers" "$PM_DIR/st"
	as_user mkdir -m 0700 "$PM_DIR/r"
	# conmon runs Podman's cleanup command with HOME but without
	# XDG_CONFIG_HOME: it finds the same config as the user's ~/.config
	# (without it, it knows no runtime `sublet`, and each `podman run`
	# waits 20 s for an exit status nobody records)
	as_user ln -s ../cfg "$PM_DIR/home/.config"
	echo "$PM_KIND" | as_user tee "$PM_DIR/kind" >/dev/null
	case $PM_KIND in
	sublet)
		install -m 0644 /dev/null "$PM_DIR/hidden"
		PM_SUBLET=$(sublet_bin sublet)
		PM_NETD=$lx/slirp4netns
		PM_OVL=$lx/fuse-overlayfs
		pm_conf "$PM_SUBLET" "$PM_NETD" "$PM_OVL"
		;;
	debian)
		pm_conf "$(command -v runc)" "$(command -v slirp4netns)" \
			"$(command -v fuse-overlayfs)"
		;;
	*) echo "pm_setup: unknown tool set $PM_KIND" >&2; return 1 ;;
	esac
	export PM_SUBLET PM_NETD PM_OVL PM_KIND PM_DIR
}

# pm_use DIR - use the Podman setup pm_setup made in DIR
pm_use() {
	PM_DIR=$1
	PM_KIND=$(cat "$PM_DIR/kind")
	export PM_DIR PM_KIND
}

# pm_hidden CMD... - run CMD (as root) where Debian's helpers are covered
pm_hidden() {
	local hide="" f
	for f in $PM_HIDE; do
		[ -e "$f" ] && hide+="mount --bind $PM_DIR/hidden $f && "
	done
	${PM_NS:-} unshare --mount --propagation private \
		sh -c "${hide}exec \"\$@\"" sh "$@"
}

# pm_user CMD... - CMD as the test user with the private dirs of the
# tool set in use: sublet's with Debian's helpers hidden, or Debian's
# with none of sublet's on the PATH
pm_user() {
	local path="" wrap=pm_hidden
	if [ "$PM_KIND" = debian ]; then
		wrap=""
	else
		path="$SUBLET_PREFIX/bin:$SUBLET_PREFIX/libexec/sublet:"
	fi
	path+=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
	[ -n "$wrap" ] || wrap=${PM_NS:-}
	# shellcheck disable=SC2086 # PM_ENV: one K=V a word
	(cd "$PM_DIR" && $wrap setpriv --reuid="$(test_uid)" \
		--regid="$(test_gid)" --init-groups --reset-env env PATH="$path" \
		HOME="$PM_DIR/home" XDG_RUNTIME_DIR="${PM_RUNDIR:-$PM_DIR/r}" \
		XDG_CONFIG_HOME="$PM_DIR/cfg" XDG_DATA_HOME="$PM_DIR/home/data" \
		${PM_ENV:-} "$@")
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
	[ -n "${UTMP:-}" ] && [ -d "${PM_DIR:-}/cfg" ] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm pod rm -a -f -t 0 >/dev/null 2>&1 || true
	pm system reset -f >/dev/null 2>&1 || true
	p=$(pm_procs)
	# shellcheck disable=SC2086 # one pid a word
	[ -z "$p" ] || kill -9 $p 2>/dev/null || true
}
