#!/usr/bin/env bats
# overlayfs-passthrough.bats - FUSE passthrough (Linux 6.9+), which the
# kernel grants to a daemon with CAP_SYS_ADMIN in the initial user
# namespace: reads and writes of open files go to the layer file without
# a request, a copy-up under files open for reading gives the writer the
# upper copy, and where the privilege is missing nothing changes.  The
# daemon's debug output (-d) lists every request it gets, so the tests
# count READ and WRITE requests.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c '
		mkdir -p l1/d
		head -c 4194304 /dev/urandom > l1/big
		printf "lower\n" > l1/d/f'
}

teardown() {
	ovl_teardown
}

# pt_mount [OPT] - mount as root (not in a namespace) with -d, log in
# $UTMP/log; skips when the kernel does not offer passthrough
pt_mount() {
	is_root || skip "passthrough needs CAP_SYS_ADMIN in the initial namespace (root)"
	"$OVL_BIN" -d -o "$(ovl_opts)${1:+,$1}" "$UTMP/m" 2>"$UTMP/log" &
	wait_for 10 mountpoint -q "$UTMP/m"
	if [ -z "$1" ] && grep -q "does not offer it" "$UTMP/log"; then
		fusermount3 -u "$UTMP/m"
		skip "this kernel does not offer FUSE passthrough (Linux 6.9+, CONFIG_FUSE_PASSTHROUGH)"
	fi
}

# pt_umount - unmount and wait for the daemon to end
pt_umount() {
	fusermount3 -u "$UTMP/m"
	wait_for 10 no_mounts_left
}

# requests OPCODE - how many OPCODE requests the daemon logged
requests() {
	grep -c "opcode: $1 (" "$UTMP/log" || true
}

@test "as root, reads and writes pass through: no READ or WRITE request" {
	local flags
	pt_mount
	grep -q "debug: passthrough: the kernel reads and writes layer files" "$UTMP/log"
	cmp "$UTMP/m/big" "$UTMP/l1/big"
	echo more >>"$UTMP/m/d/f"
	dd if=/dev/zero of="$UTMP/m/new" bs=64k count=16 status=none
	[ "$(cat "$UTMP/m/d/f")" = "lower
more" ]
	pt_umount
	flags=$(grep -m1 "^   flags=" "$UTMP/log" | cut -d= -f2)
	[ $((flags & 0x10000)) -eq 0 ]
	echo "READ $(requests READ) WRITE $(requests WRITE) OPEN $(requests OPEN)"
	[ "$(requests READ)" -eq 0 ]
	[ "$(requests WRITE)" -eq 0 ]
	[ "$(requests OPEN)" -ge 2 ]
	[ "$(cat "$UTMP/u/d/f")" = "lower
more" ]
	[ "$(cat "$UTMP/l1/d/f")" = lower ]
	[ "$(stat -c %s "$UTMP/u/new")" -eq 1048576 ]
}

@test "passthrough=0 keeps reads and writes in the daemon" {
	pt_mount passthrough=0
	! grep -q "debug: passthrough:" "$UTMP/log" || false
	cmp "$UTMP/m/big" "$UTMP/l1/big"
	echo more >>"$UTMP/m/d/f"
	sync "$UTMP/m/d/f"
	pt_umount
	echo "READ $(requests READ) WRITE $(requests WRITE)"
	[ "$(requests READ)" -gt 0 ]
	[ "$(requests WRITE)" -gt 0 ]
}

@test "a copy-up under readers: the writer gets the upper copy, readers keep theirs" {
	pt_mount
	exec 7<"$UTMP/m/d/f" 8<"$UTMP/m/big"
	echo new >>"$UTMP/m/d/f"
	[ "$(cat "$UTMP/m/d/f")" = "lower
new" ]
	# the reader opened before the copy-up reads the lower file
	[ "$(cat <&7)" = lower ]
	cmp - "$UTMP/l1/big" <&8
	exec 7<&- 8<&-
	# a second copy-up: a reader of the big file, then a writer
	exec 7<"$UTMP/m/big"
	printf x | dd of="$UTMP/m/big" bs=1 seek=0 conv=notrunc status=none
	[ "$(head -c 1 "$UTMP/m/big")" = x ]
	cmp - "$UTMP/l1/big" <&7
	exec 7<&-
	grep -q "error: -116" "$UTMP/log"
	pt_umount
	[ "$(cat "$UTMP/l1/d/f")" = lower ]
	[ "$(head -c 1 "$UTMP/u/big")" = x ]
	cmp <(tail -c +2 "$UTMP/u/big") <(tail -c +2 "$UTMP/l1/big")
}

@test "files shared by several opens and mmap write through to the upper layer" {
	pt_mount
	exec 7<"$UTMP/m/d/f"
	python3 -c '
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 0)
m[0:5] = b"LOWER"
m.flush()
m.close()
os.close(fd)' "$UTMP/m/d/f"
	[ "$(cat "$UTMP/m/d/f")" = LOWER ]
	exec 7<&-
	exec 7<"$UTMP/m/d/f" 8<"$UTMP/m/d/f"
	[ "$(cat <&7)" = LOWER ]
	[ "$(cat <&8)" = LOWER ]
	exec 7<&- 8<&-
	pt_umount
	[ "$(cat "$UTMP/u/d/f")" = LOWER ]
	[ "$(cat "$UTMP/l1/d/f")" = lower ]
	[ "$(requests WRITE)" -eq 0 ]
}

@test "unprivileged, passthrough is not asked for and the writeback cache stays" {
	local flags
	run as_user unshare -r -m sh -c '
		cd "$1" && { sublet-overlayfs -d -o "$2" m 2>log & }
		for i in $(seq 100); do mountpoint -q m && break; sleep 0.1; done
		cmp m/big l1/big && echo more >>m/d/f && fusermount3 -u m && wait &&
		echo ok' sh "$UTMP" "$(ovl_opts)"
	echo "$output"
	cat "$UTMP/log" | grep -v "^   \|^unique" | head -20
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	grep -q "no passthrough: it needs CAP_SYS_ADMIN in the initial user namespace" "$UTMP/log"
	[ "$(requests READ)" -gt 0 ]
	# the INIT reply (indented in the log) still asks for the
	# writeback cache (FUSE_WRITEBACK_CACHE, 1 << 16)
	flags=$(grep -m1 "^   flags=" "$UTMP/log" | cut -d= -f2)
	[ $((flags & 0x10000)) -ne 0 ]
	[ "$(cat "$UTMP/u/d/f")" = "lower
more" ]
}

@test "a bad passthrough value is refused" {
	run "$OVL_BIN" -o "$(ovl_opts),passthrough=2" "$UTMP/m"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"passthrough"* ]]
	[ "${#lines[@]}" -eq 1 ]
	no_mounts_left
}
