#!/usr/bin/env bats
# sublet-netd under Podman: with network_cmd_path pointing at it, an
# unprivileged user's container reaches a server on the host (through the
# outbound fast path, on under Podman's sandbox) and serves a published
# port, with both of Podman's port handlers.
#
# Podman runs in a scratch setup of its own (config, storage, runtime dir
# under $UTMP, so its own rootless pause process), leaving the user's real
# Podman state alone.  The image is busybox-static imported as a rootfs.

load ../lib
load ../netd

setup() {
	require_test_user
	command -v podman >/dev/null || skip "podman is not installed"
	netd_setup
	podman_setup
}

teardown() {
	if [ -n "${POD:-}" ] && [ -d "$POD" ]; then
		pod rm -a -f -t 0 >/dev/null 2>&1 || true
		pod unshare rm -rf "$POD/storage" >/dev/null 2>&1 || true
		local p
		p=$(cat "$PODRUN/libpod/tmp/pause.pid" 2>/dev/null) || true
		[ -z "$p" ] || kill -9 "$p" 2>/dev/null || true
	fi
	if [ -n "${PODRUN:-}" ] && [ -d "$PODRUN" ]; then
		grep -F " $PODRUN/" /proc/self/mounts | awk '{print $2}' |
			sort -r | xargs -r umount -l 2>/dev/null || true
		rm -rf "$PODRUN" 2>/dev/null || as_user rm -rf "$PODRUN" || true
	fi
	netd_teardown
}

# podman_setup - config, storage and an image for a scratch Podman
podman_setup() {
	local s4n runtime=crun
	POD=$UTMP/pod
	s4n=${SUBLET_PREFIX:+$SUBLET_PREFIX/libexec/sublet/slirp4netns}
	[ -n "$s4n" ] || s4n=$NETD
	# crun refuses hybrid cgroup hierarchies; runc copes
	if [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
		command -v runc >/dev/null || skip "cgroup v1 host without runc"
		runtime=runc
	fi
	# the runtime dir holds the API socket: keep its path short, as
	# /run/user/UID is (a unix socket path has 107 bytes)
	PODRUN=$(mktemp -d /tmp/spod.XXXXXX)
	mkdir -p "$POD"/{home,config,data,rootfs/bin,rootfs/www}
	cp /bin/busybox "$POD/rootfs/bin/"
	for a in sh nc httpd ip cat netstat; do ln -s busybox "$POD/rootfs/bin/$a"; done
	echo hello-from-container >"$POD/rootfs/www/index.html"
	tar -C "$POD/rootfs" -cf "$POD/rootfs.tar" .
	cat >"$POD/containers.conf" <<CONF
[engine]
network_cmd_path = "$s4n"
runtime = "$runtime"
cgroup_manager = "cgroupfs"
events_logger = "file"
[containers]
log_driver = "k8s-file"
CONF
	cat >"$POD/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$POD/storage"
runroot = "$PODRUN/storage"
CONF
	chmod -R a+rX "$POD"
	if is_root; then chown -R "$(test_uid):$(test_gid)" "$POD"; fi
	if is_root; then chown "$(test_uid):$(test_gid)" "$PODRUN"; fi
	chmod 700 "$PODRUN"
	AS_USER_ENV="PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=$POD/home"
	AS_USER_ENV+=" XDG_RUNTIME_DIR=$PODRUN XDG_CONFIG_HOME=$POD/config"
	AS_USER_ENV+=" XDG_DATA_HOME=$POD/data CONTAINERS_CONF=$POD/containers.conf"
	AS_USER_ENV+=" CONTAINERS_STORAGE_CONF=$POD/storage.conf"
	export AS_USER_ENV
	pod import "$POD/rootfs.tar" localhost/sublet-bb >/dev/null
	NETD_EXE=$(readlink -f "$s4n")
}

# pod ARGS... - podman ARGS as the test user, in the scratch setup
pod() {
	as_user podman "$@"
}

# netd_of_container - pid of the sublet-netd serving the running container
netd_of_container() {
	local p
	for p in $(pgrep -u "$(test_uid)" -f 'slirp4netns|sublet-netd'); do
		[ "$(readlink -f /proc/$p/exe)" = "$NETD_EXE" ] || continue
		grep -qa "$PODRUN/netns" "/proc/$p/cmdline" && { echo "$p"; return; }
	done
	return 1
}

# http_get PORT - fetch / from the host's 127.0.0.1:PORT
http_get() {
	printf 'GET / HTTP/1.0\r\n\r\n' | as_user socat -t5 - TCP:127.0.0.1:$1
}

@test "podman + sublet-netd: the container reaches a server on the host" {
	local ip port
	ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
	[ -n "$ip" ] || skip "the host has no global IPv4 address (Podman disables host loopback)"
	port=$(free_port)
	bg srv socat TCP-LISTEN:$port,bind=$ip,reuseaddr,fork SYSTEM:"'echo hello-from-host'"
	wait_for 5 listening "$port"
	run pod run --rm --network slirp4netns localhost/sublet-bb \
		sh -c "ip -o addr show tap0; netstat -ltn; nc $ip $port </dev/null"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
	# the outbound fast path's listener: on under Podman's command line
	[[ "$output" == *" 127.0.0.1:"*" LISTEN"* ]]
	[[ "${lines[-1]}" == "hello-from-host" ]]
}

@test "podman + sublet-netd: -p with the rootlesskit port handler" {
	local port pid
	port=$(free_port)
	pod run -d --name web --network slirp4netns -p "$port:80" \
		localhost/sublet-bb httpd -f -p 80 -h /www
	run netd_of_container
	[ "$status" -eq 0 ]
	# Podman's own command line, as DESIGN.md records it
	run tr '\0' ' ' <"/proc/$output/cmdline"
	[[ "$output" == *"--disable-host-loopback --mtu=65520 --enable-sandbox --enable-seccomp --enable-ipv6 -c -e 3 -r 4 --netns-type=path $PODRUN/netns/"*" tap0 "* ]]
	# sandboxed, with the outbound fast path's one capability (over
	# Podman's user namespace) and the seccomp filter
	pid=$(netd_of_container)
	grep -Eq '^CapEff:[[:space:]]+0000000000001000$' "/proc/$pid/status"
	grep -Eq '^CapBnd:[[:space:]]+0000000000001000$' "/proc/$pid/status"
	grep -Eq '^Seccomp:[[:space:]]+2$' "/proc/$pid/status"
	wait_for 10 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | socat -t5 - TCP:127.0.0.1:$port | grep -q hello-from-container"
	run http_get "$port"
	[[ "$output" == *"hello-from-container"* ]]
}

@test "podman + sublet-netd: -p with the slirp4netns port handler (our API)" {
	local port pid
	port=$(free_port)
	pod run -d --name web --network slirp4netns:port_handler=slirp4netns \
		-p "$port:80" localhost/sublet-bb httpd -f -p 80 -h /www
	pid=$(netd_of_container)
	grep -qa -- --api-socket "/proc/$pid/cmdline"
	wait_for 10 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | socat -t5 - TCP:127.0.0.1:$port | grep -q hello-from-container"
	run http_get "$port"
	[[ "$output" == *"hello-from-container"* ]]
	# stopping the container stops sublet-netd (exit fd) and removes its socket
	pod rm -f -t 0 web
	wait_for 10 pids_gone "$pid"
	[ -z "$(ls "$PODRUN/libpod/tmp/" | grep '\.net$')" ]
}
