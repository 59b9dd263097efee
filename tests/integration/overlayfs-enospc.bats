#!/usr/bin/env bats
# overlayfs-enospc.bats - a full upper layer is reported to the writer at
# write(), not only at close(), with the writeback cache on (the default).
#
# The upper layer is a small filesystem the test user mounts itself (a
# tmpfs with size=, inside its user and mount namespace), or, for quotas,
# a loop-mounted btrfs with a qgroup limit that root mounts in a private
# mount namespace.  Each case runs once on sublet-overlayfs and once on
# the kernel's overlay, mounted by the same user in the same kind of
# namespace, which shows what the test expects is what the kernel does.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c 'mkdir -p l1/d && echo lower >l1/d/lf && echo two >l1/top'
	tree_sum "$UTMP/l1" >"$UTMP/lower.sum"
	# fill.sh METHOD STORE COUNT, run in $UTMP: mount the overlay by
	# METHOD on m with its upper and work directories on STORE, write
	# COUNT MiB to f (opened while the store is empty), fill the rest
	# with f2, write a short file, free the space and write again.
	cat >"$UTMP/fill.sh" <<'EOF'
set -u
method=$1 store=$2 count=$3
mkdir "$store/u" "$store/w"
echo keep >"$store/u/keep"
o="lowerdir=$PWD/l1,upperdir=$store/u,workdir=$store/w"
case $method in
sublet) sublet-overlayfs -o "$o" m || exit 98 ;;
kernel) mount -t overlay overlay -o "$o,userxattr" m || exit 96 ;;
esac
sz() { stat -c %s "$1" 2>/dev/null || echo none; }
# fill F COUNT: dd COUNT MiB into m/F; what dd says it wrote, what the
# mount and the upper layer hold
fill() {
	SECONDS=0
	timeout -k 2 15 dd if=/dev/zero of="m/$1" bs=1M count="$2" 2>dd.err
	echo "dd $1 rc=$? secs=$SECONDS"
	grep -v records dd.err | head -1
	echo "dd $1 wrote $(sed -n 's/^\([0-9]*\) bytes.*/\1/p' dd.err)" \
		"mount $(sz "m/$1") upper $(sz "$store/u/$1")"
}
fill f "$count"
fill f2 "$count"
echo "store bytes $(($(stat -f -c '%b * %S' "$store")))"
bash -c 'echo hello >m/g'
echo "echo rc=$? upper $(sz "$store/u/g")"
rm -f m/f m/f2 m/g
sync -f "$store"
bash -c 'echo hello >m/g'
echo "again rc=$? $(cat "$store/u/g")"
dd if=/dev/zero of=m/h bs=1M count=2 status=none
echo "h rc=$? upper $(sz "$store/u/h")"
echo "keep $(cat m/keep) lower $(cat m/d/lf m/top | tr '\n' ' ')"
umount m || exit 99
EOF
	chmod 0644 "$UTMP/fill.sh"
}

teardown() {
	ovl_teardown
}

# tmpfs_fill METHOD MIB COUNT - fill.sh on a tmpfs of MIB MiB
tmpfs_fill() {
	as_user unshare -r -m bash -c '
		mkdir -p t && mount -t tmpfs -o size="$2m" tmpfs t || exit 97
		. ./fill.sh "$1" "$PWD/t" "$3"' sh "$1" "$2" "$3"
}

# check_fill ERROR - what fill.sh printed: ERROR at write, promptly, the
# file no larger than the store and holding what dd was told it wrote
check_fill() {
	local f line wrote mnt up store
	echo "$output"
	[ "$status" -eq 0 ]
	store=$(sed -n 's/^store bytes //p' <<<"$output")
	for f in f f2; do
		[[ "$output" == *"dd $f rc=1 "* ]] # not 124: the timeout
		line=$(grep "^dd $f wrote" <<<"$output")
		wrote=$(sed 's/.* wrote \([0-9]*\) .*/\1/' <<<"$line")
		mnt=$(sed 's/.* mount \([0-9a-z]*\) .*/\1/' <<<"$line")
		up=${line##* upper }
		[ "$up" = none ] || [ "$up" -le "$store" ]
		# with quotas, what the kernel had cached when the first write
		# failed is lost (reported at close); see docs/overlayfs.md
		if [ "$1" = "No space left on device" ]; then
			[ "$wrote" = "$mnt" ]
			[ "$wrote" = "$up" ]
		fi
	done
	[[ "$output" == *"dd: error writing 'm/f': $1"* ]]
	[[ "$output" == *"dd: "*" 'm/f2': $1"* ]]
	[[ "$output" == *"echo rc=1 "* ]]
	[[ "$output" == *"again rc=0 hello"* ]]
	[[ "$output" == *"h rc=0 upper 2097152"* ]]
	[[ "$output" == *"keep keep lower lower two "* ]]
	tree_sum "$UTMP/l1" | diff "$UTMP/lower.sum" -
}

# margin_mib - a store size above sublet-overlayfs's write-through margin
# (twice a FUSE mount's 1% share of the kernel's dirty threshold, plus 8
# MiB), so that a file opened on the empty store keeps the writeback cache
margin_mib() {
	awk '$1 == "nr_dirty_threshold" {
		printf "%d\n", 2 * $2 * 4096 / 100 / 1048576 + 8 + 48 }' /proc/vmstat
}

@test "ENOSPC at write(): small store, files opened while it is full" {
	run tmpfs_fill sublet 24 100
	check_fill "No space left on device"
	run tmpfs_fill kernel 24 100
	check_fill "No space left on device"
}

@test "ENOSPC at write(): a file opened while the store was empty" {
	local mib
	mib=$(margin_mib)
	run tmpfs_fill sublet "$mib" $((mib * 2))
	check_fill "No space left on device"
	run tmpfs_fill kernel "$mib" $((mib * 2))
	check_fill "No space left on device"
}

# btrfs_fill METHOD COUNT - fill.sh on a btrfs of 300 MiB with a 40 MiB
# qgroup limit (writes fail with EDQUOT while the filesystem has room)
btrfs_fill() {
	(
	export -f as_user is_root test_uid test_gid
	export UTMP TEST_USER SUBLET_PREFIX
	unshare -m --propagation private bash -c '
		# 77: no such filesystem can be made here
		truncate -s 300M "$UTMP/img" &&
			mkfs.btrfs -q "$UTMP/img" >/dev/null &&
			mkdir -p "$UTMP/t" &&
			mount -o loop "$UTMP/img" "$UTMP/t" || exit 77
		btrfs quota enable "$UTMP/t" &&
			btrfs qgroup limit 40M "$UTMP/t" || { umount "$UTMP/t"; exit 77; }
		chown "$2" "$UTMP/t" || exit 1
		as_user unshare -r -m bash fill.sh "$1" "$UTMP/t" "$3"
		rc=$?
		umount "$UTMP/t"
		rm -f "$UTMP/img"
		exit $rc' sh "$1" "$(test_uid):$(test_gid)" "$2"
	)
}

@test "EDQUOT at write(): a btrfs qgroup limit" {
	is_root || skip "a loop-mounted btrfs with quotas needs root"
	command -v mkfs.btrfs >/dev/null ||
		skip "no mkfs.btrfs (btrfs-progs) for a filesystem with quotas"
	grep -qw btrfs /proc/filesystems ||
		skip "this kernel has no btrfs (tmpfs and ext4 quotas need CONFIG_TMPFS_QUOTA, CONFIG_QFMT_V2)"
	local count
	# statfs shows no quota: the first write-back to fail tells the
	# daemon, and a writer that is done before that hears of it only at
	# close; write more than the kernel holds dirty
	count=$(($(margin_mib) * 2))
	run btrfs_fill sublet "$count"
	[ "$status" -ne 77 ] ||
		skip "cannot loop-mount a btrfs with a qgroup limit here: $output"
	check_fill "Disk quota exceeded"
	run btrfs_fill kernel "$count"
	check_fill "Disk quota exceeded"
}

# three_writers METHOD MIB - three dd of MIB MiB each at once into a tmpfs
# of MIB MiB; for each: its status, whether it said ENOSPC, what it wrote
# and what the upper layer holds
three_writers() {
	as_user unshare -r -m bash -c '
		mkdir -p t && mount -t tmpfs -o size="$2m" tmpfs t || exit 97
		mkdir t/u t/w
		o="lowerdir=$PWD/l1,upperdir=$PWD/t/u,workdir=$PWD/t/w"
		case $1 in
		sublet) sublet-overlayfs -o "$o" m || exit 98 ;;
		kernel) mount -t overlay overlay -o "$o,userxattr" m || exit 96 ;;
		esac
		for i in 1 2 3; do
			timeout -k 2 15 dd if=/dev/zero of=m/f$i bs=1M count="$2" \
				2>dd$i.err &
			eval "pid$i=$!"
		done
		for i in 1 2 3; do
			eval "wait \$pid$i"
			echo "f$i rc=$? $(grep -c "No space left" dd$i.err)" \
				"$(sed -n "s/^\([0-9]*\) bytes.*/\1/p" dd$i.err)" \
				"$(stat -c %s t/u/f$i)"
		done
		umount m' sh "$1" "$2"
}

@test "ENOSPC at write(): three writers share the margin, nothing lost" {
	local mib m f
	mib=$(margin_mib)
	for m in sublet kernel; do
		run three_writers "$m" "$mib"
		echo "$output"
		[ "$status" -eq 0 ]
		for f in f1 f2 f3; do
			# told ENOSPC; dd's count is what the upper layer holds
			grep -Eq "^$f rc=1 1 ([0-9]+) \1\$" <<<"$output"
		done
	done
}
