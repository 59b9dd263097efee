#!/usr/bin/env bats
# install-local.bats - README.md's "By hand" install in a home
# (`make install PREFIX=$HOME/.local`), followed word for word by a new
# user who has never used the machine.
#
# setup_file creates a throwaway user (home under a temporary directory,
# no subordinate ids from useradd) and gives it a free range of 65536 ids
# the way the README tells root to (usermod --add-subuids ...
# --add-subgids ...); /etc/subuid and /etc/subgid are saved first and put
# back by teardown_file whatever happened.  Then, as that user, with no
# privilege: a copy of the source tree in its home (the working tree's
# files, as a checkout would hold them), `make`, `make install
# PREFIX=$HOME/.local`.  Every command of the user runs as after su, or
# ssh into a machine without logind: HOME, USER, the default PATH, no
# XDG_RUNTIME_DIR; and with the README's "Put ~/.local/bin in PATH" done.
#
# The tests follow the README in order: what the user gets before root
# has done anything; the uidmap way; root's setcap; then the commands of
# "By hand", ending with a container serving a port that the host reads.
# A clean Debian 12 machine has no shadow newuidmap/newgidmap; this one
# has (scripts/deps/test installs uidmap for the test of that way), so
# every step but that one runs in a private mount namespace where
# /usr/bin/newuidmap and /usr/bin/newgidmap are covered by an empty file.

load ../lib
load ../netd

# il_user SCRIPT - run SCRIPT with bash as the new user: setpriv leaves
# HOME, USER, LOGNAME, SHELL and PATH=/usr/local/bin:/bin:/usr/bin (much
# as `su -` does; no XDG_RUNTIME_DIR), the script starts in the home directory
# with ~/.local/bin first in PATH.  With IL_NS set, inside the mount
# namespace of that command line (nsenter).
il_user() {
	# shellcheck disable=SC2086
	(cd "$IL" && ${IL_NS:-} setpriv --reuid="$IL_UID" --regid="$IL_GID" \
		--init-groups --reset-env \
		bash -c "cd && PATH=\$HOME/.local/bin:\$PATH && $1")
}

# il_clean SCRIPT - il_user SCRIPT on the "clean machine": in the mount
# namespace where shadow's newuidmap and newgidmap cannot be run.
il_clean() {
	IL_NS="nsenter --mount --target $IL_HOLDER" il_user "$1"
}

# free_subid_range - FIRST-LAST of 65536 ids that no line of /etc/subuid
# or /etc/subgid touches, the lowest from 100000 up in steps of 65536
free_subid_range() {
	cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: '
		$2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { lo[n] = $2; hi[n++] = $2 + $3 }
		END {
			for (s = 100000; s + 65536 < 4294967295; s += 65536) {
				ok = 1
				for (i = 0; i < n; i++)
					if (s < hi[i] && lo[i] < s + 65536)
						ok = 0
				if (ok) {
					printf "%.0f-%.0f\n", s, s + 65535
					exit
				}
			}
			exit 1
		}'
}

# il_pids - processes of the new user or of its subordinate uids (none
# when those are not known yet)
il_pids() {
	perl -e 'my ($uid, $lo, $hi) = @ARGV;
	exit unless $uid =~ /^[1-9]\d*$/;
	($lo, $hi) = (1, 0) unless $lo =~ /^[1-9]\d*$/ && $hi =~ /^\d+$/;
	opendir(my $d, "/proc") or exit;
	for my $p (grep { /^\d+$/ } readdir($d)) {
		my @s = stat("/proc/$p") or next;
		print "$p\n" if $s[4] == $uid || ($s[4] >= $lo && $s[4] <= $hi);
	}' "${IL_UID:-}" "${IL_RANGE%-*}" "${IL_RANGE#*-}"
}

# il_none_left - true when no process of the user is left
il_none_left() {
	[ -z "$(il_pids)" ]
}

setup_file() {
	local f t0
	is_root || skip "creates a user and edits /etc/subuid and /etc/subgid: run as root"
	[ -x /bin/busybox ] || skip "busybox-static is not installed (scripts/deps/test): make builds the image from it"
	IL=$(mktemp -d /tmp/sublet-il.XXXXXX)
	chmod 0755 "$IL"
	export IL
	for f in subuid subgid subuid- subgid-; do
		if [ -e "/etc/$f" ]; then
			cp -p "/etc/$f" "$IL/$f.saved"
		else
			: >"$IL/$f.absent"
		fi
	done
	IL_USER=sublet-il$$
	export IL_USER
	useradd -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 -m -d "$IL/home" \
		-s /bin/bash -U "$IL_USER"
	export IL_CREATED=1
	IL_UID=$(id -u "$IL_USER")
	IL_GID=$(id -g "$IL_USER")
	IL_RANGE=$(free_subid_range)
	export IL_UID IL_GID IL_RANGE
	# the README's root step for subordinate ids
	usermod --add-subuids "$IL_RANGE" --add-subgids "$IL_RANGE" "$IL_USER"

	# the clean machine: shadow's helpers covered in a mount namespace
	# held open by a root process
	install -m 0644 /dev/null "$IL/hidden"
	unshare --mount --propagation private sh -c '
		for f in /usr/bin/newuidmap /usr/bin/newgidmap; do
			[ ! -e "$f" ] || mount --bind "$1" "$f" || exit 1
		done
		echo ready
		exec sleep infinity' sh "$IL/hidden" >"$IL/holder.out" 2>&1 3>&- &
	IL_HOLDER=$!
	export IL_HOLDER
	wait_for 10 grep -qx ready "$IL/holder.out"

	# the user's checkout, built and installed by the user
	(cd "$SUBLET_TOP" &&
		git -c safe.directory='*' ls-files -z -c -o --exclude-standard |
		tar --null -T - --ignore-failed-read -cf -) |
		il_user 'mkdir sublet && tar -C sublet -xf -'
	t0=$SECONDS
	il_user 'cd sublet && make && make install PREFIX=$HOME/.local' \
		>"$IL/build.log" 2>&1 || {
		tail -n 40 "$IL/build.log" >&2
		return 1
	}
	echo "# make and make install as the user: $((SECONDS - t0)) s" >&3
}

teardown_file() {
	local f p
	[ -n "${IL:-}" ] && [ -d "$IL" ] || return 0
	# every step may fail (what setup_file did not get to): none stops
	# the ones after it, and /etc/subuid and /etc/subgid come last
	if [ -n "${IL_HOLDER:-}" ]; then
		kill "$IL_HOLDER" 2>/dev/null || true
	fi
	if [ -n "${IL_CREATED:-}" ] && [ -n "${IL_UID:-}" ]; then
		for p in $(il_pids); do
			kill -9 "$p" 2>/dev/null || true
		done
		wait_for 10 il_none_left || echo "# left running: $(il_pids)" >&3
		grep -F " $IL/" /proc/self/mounts | awk '{print $2}' | sort -r |
			while read -r m; do umount -l "$m" || true; done
		if [ -d "/tmp/sublet-run-$IL_UID" ] &&
			[ "$(stat -c %u "/tmp/sublet-run-$IL_UID")" = "$IL_UID" ]; then
			rm -rf "/tmp/sublet-run-$IL_UID"
		fi
	fi
	if [ -n "${IL_CREATED:-}" ]; then
		userdel -r "$IL_USER" 2>/dev/null || userdel -f -r "$IL_USER" || true
	fi
	for f in subuid subgid subuid- subgid-; do
		if [ -e "$IL/$f.saved" ]; then
			cmp -s "$IL/$f.saved" "/etc/$f" || cp -p "$IL/$f.saved" "/etc/$f" || true
		elif [ -e "$IL/$f.absent" ]; then
			rm -f "/etc/$f"
		fi
	done
	rm -rf "$IL"
}

@test "make install PREFIX=\$HOME/.local as the user: the programs, their compat names and busybox, sublet-idmap unprivileged" {
	run il_user 'for c in sublet sublet-idmap sublet-netd sublet-overlayfs; do command -v $c; done
		ls ~/.local/libexec/sublet ~/.local/share/sublet/images/busybox
		echo "runtime dir: ${XDG_RUNTIME_DIR-unset}"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$IL/home/.local/bin/sublet" ]
	[ "${lines[1]}" = "$IL/home/.local/bin/sublet-idmap" ]
	[ "${lines[2]}" = "$IL/home/.local/bin/sublet-netd" ]
	[ "${lines[3]}" = "$IL/home/.local/bin/sublet-overlayfs" ]
	[[ "$output" == *$'\nfuse-overlayfs\nnewgidmap\nnewuidmap\nslirp4netns\n'* ]]
	[[ "$output" == *$'\nindex.json\n'* ]]
	[ "${lines[-1]}" = "runtime dir: unset" ]
	[ ! -e "/run/user/$IL_UID" ]
	grep -qx "install-idmap: not root or no /sbin/setcap, sublet-idmap left unprivileged" "$IL/build.log"
	[ -z "$(getcap "$IL/home/.local/bin/sublet-idmap")" ]
	# at the next login, Debian's ~/.profile (from /etc/skel) puts
	# ~/.local/bin in PATH by itself
	run bash -c "cd '$IL' && setpriv --reuid=$IL_UID --regid=$IL_GID --init-groups \
		--reset-env bash -lc 'command -v sublet'"
	[ "$output" = "$IL/home/.local/bin/sublet" ]
}

@test "before root's step, on a clean machine: sublet run fails in one line saying what root must run; so does sublet-idmap check" {
	run il_clean 'sublet run --rm busybox echo hello'
	echo "$output"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "sublet: importing \`busybox\` from $IL/home/.local/share/sublet/images/busybox" ]
	[[ "${lines[1]}" == "sublet: "*"as root, run \`setcap cap_setuid,cap_setgid+ep $IL/home/.local/bin/sublet-idmap\`, or install shadow's newuidmap and newgidmap (Debian: uidmap)" ]]
	run il_clean 'sublet-idmap check'
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(grep -c '^missing ' <<<"$output")" -eq 1 ]
	[[ "$output" == *"missing  sublet-idmap: neither setuid root nor file capabilities"* ]]
}

@test "with shadow's uidmap installed instead, sublet maps through its newuidmap; sublet-idmap check says so" {
	[ "$(dpkg-query -W -f='${db:Status-Status}' uidmap 2>/dev/null)" = installed ] ||
		skip "shadow's uidmap package is not installed (scripts/deps/test; scripts/install-deps)"
	run il_user 'sublet run --rm busybox cat /proc/self/uid_map'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(awk '{print $1, $2, $3}' <<<"${lines[-1]}")" = "1 ${IL_RANGE%-*} 65536" ]
	run il_user 'sublet-idmap check'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/usr/bin/newuidmap"* ]]
	# the store is left empty, for the clean machine's first run
	il_user 'sublet image rm busybox'
}

@test "root's step: setcap on the user's ~/.local/bin/sublet-idmap; sublet-idmap check is clean" {
	bash -c "setcap cap_setuid,cap_setgid+ep ~$IL_USER/.local/bin/sublet-idmap"
	run il_clean 'sublet-idmap check'
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(grep -v '^ok ' <<<"$output")" ]
}

@test "sublet run --rm busybox echo: the first run imports the installed busybox; state in a private /tmp/sublet-run-UID" {
	run il_clean 'sublet run --rm busybox echo hello from home'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "hello from home" ]
	[ "$(stat -c '%u %a' "/tmp/sublet-run-$IL_UID")" = "$IL_UID 700" ]
}

@test "sublet run --rm -it busybox sh, typed into through a terminal" {
	run il_clean "printf 'echo typed-\$((6 * 7))\nexit 3\n' |
		script -qec 'sublet run --rm -it busybox sh' /dev/null"
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"typed-42"* ]]
}

@test "sublet image import IMAGE: a docker-archive made in the checkout, then run" {
	run il_clean 'sublet/scripts/make-image docker-archive bb.tar &&
		sublet image import bb.tar'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = sublet/busybox:latest ]
	run il_clean 'sublet run --rm sublet/busybox:latest echo imported'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = imported ]
}

@test "sublet run -d --name web -p PORT:80 busybox httpd: the host fetches a page; ps, logs, stop, rm leave nothing" {
	local port
	port=$(free_port)
	run il_clean "sublet run -d --name web -p $port:80 busybox httpd -f -p 80"
	echo "$output"
	[ "$status" -eq 0 ]
	wait_for 20 curl -sf -o /dev/null "http://127.0.0.1:$port/etc/passwd"
	run curl -sS "http://127.0.0.1:$port/etc/passwd"
	echo "$output"
	[ "${lines[0]}" = "root:x:0:0:root:/root:/bin/sh" ]
	run il_clean 'sublet ps'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^web\ +busybox\ +running\ +httpd\ -f\ -p\ 80$ ]]
	il_clean 'sublet logs web'
	il_clean 'sublet stop web'
	il_clean 'sublet rm web'
	run il_clean 'sublet ps -a'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	wait_for 10 il_none_left
	run curl -s -o /dev/null "http://127.0.0.1:$port/"
	[ "$status" -ne 0 ]
}

@test "make install again replaces sublet-idmap: its capabilities go with it, until root's setcap again" {
	il_user 'cd sublet && make install PREFIX=$HOME/.local' >"$IL/reinstall.log" 2>&1 ||
		{ cat "$IL/reinstall.log"; false; }
	[ -z "$(getcap "$IL/home/.local/bin/sublet-idmap")" ]
	run il_clean 'sublet-idmap check'
	echo "$output"
	[ "$status" -eq 1 ]
	bash -c "setcap cap_setuid,cap_setgid+ep ~$IL_USER/.local/bin/sublet-idmap"
	run il_clean 'sublet-idmap check && sublet run --rm busybox echo mapped again'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "mapped again" ]
}
