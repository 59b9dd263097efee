#!/usr/bin/env bats
# fault-overlayfs.bats - sublet-overlayfs killed with SIGKILL in the middle
# of heavy writes and copy-ups, and a full upper layer during copy-up.
#
# After each kill the filesystem is mounted again on the same upper and
# work directories: the lower layer must be byte for byte what it was,
# and every file must hold either its old content (a copy-up is made in
# the work directory and renamed into place) or the new content written
# whole and renamed over it by the workload - never a half file.

load ../lib
load ../overlayfs

NFILES=${FAULT_OVL_FILES:-120}
ROUNDS=${FAULT_OVL_ROUNDS:-3}

setup() {
	ovl_setup
	as_user sh -c 'set -e
		mkdir -p "$1/l1/d"
		i=0
		while [ $i -lt "$2" ]; do
			head -c $((65536 + i * 1024)) /dev/urandom >"$1/l1/d/f$i"
			i=$((i + 1))
		done
		head -c 200000 /dev/urandom >"$1/new"' sh "$UTMP" "$NFILES"
	tree_sum "$UTMP/l1" >"$UTMP/lower.sum"
	(cd "$UTMP/l1/d" && md5sum -- *) >"$UTMP/old.md5"
	NEW_MD5=$(md5sum <"$UTMP/new" | cut -d' ' -f1)
}

teardown() {
	ovl_teardown
}

# workload_and_kill SECS - mount, run four writers for SECS seconds
# (chmod and touch copy-ups, whole new files renamed over old ones,
# appends to fresh files), kill -9 the daemon while they run; prints
# "killed" when the daemon died of the SIGKILL with the writers busy
workload_and_kill() {
	as_user unshare -r -m sh -c '
		UTMP=$1
		sublet-overlayfs -o "lowerdir=$UTMP/l1,upperdir=$UTMP/u,workdir=$UTMP/w" \
			"$UTMP/m" || exit 98
		pid=$(pgrep -n -f -- "sublet-overlayfs -o lowerdir=$UTMP/l1")
		for w in 0 1 2 3; do
			(cd "$UTMP/m/d" || exit 1
			n=0
			while :; do
				for f in f*; do
					case $f in *.t*) continue ;; esac
					[ $(( ${f#f} % 4 )) -eq $w ] || continue
					case $((n % 3)) in
					0) chmod 0600 "$f" ;;
					1) cp "$UTMP/new" "$f.t$w" && mv "$f.t$w" "$f" ;;
					2) touch "$f"; head -c 300000 /dev/zero >>"../new$w" ;;
					esac || exit 0
					n=$((n + 1))
				done
			done) 2>/dev/null &
		done
		sleep "$2"
		[ -n "$pid" ] && kill -9 "$pid" || exit 97
		wait
		for i in $(seq 100); do
			st=$(awk "{print \$3}" /proc/$pid/stat 2>/dev/null)
			[ -z "$st" ] || [ "$st" = Z ] && { echo killed; exit 0; }
			sleep 0.05
		done' sh "$UTMP" "$1"
}

# check_content DIR - every file fN under DIR is old or new content
check_content() {
	local f sum want bad=0
	while read -r want f; do
		[ -e "$1/$f" ] || { echo "missing $f"; bad=1; continue; }
		sum=$(md5sum <"$1/$f" | cut -d' ' -f1)
		if [ "$sum" != "$want" ] && [ "$sum" != "$NEW_MD5" ]; then
			echo "half file: $1/$f ($(stat -c %s "$1/$f") bytes)"
			bad=1
		fi
	done <"$UTMP/old.md5"
	return $bad
}

@test "kill -9 during writes and copy-ups: lower untouched, no half file" {
	local r n copied=
	for r in $(seq "$ROUNDS"); do
		run workload_and_kill "0.$((r * 3))"
		echo "$output"
		[ "$status" -eq 0 ]
		[ "$output" = killed ]
		# the lower layer is what it was
		tree_sum "$UTMP/l1" | diff "$UTMP/lower.sum" -
		# the upper layer holds only whole files
		for f in "$UTMP"/u/d/f*; do
			case $f in *.t*) continue ;; esac
			sum=$(md5sum <"$f" | cut -d' ' -f1)
			base=$(basename "$f")
			grep -q "^$sum  $base\$" "$UTMP/old.md5" ||
				[ "$sum" = "$NEW_MD5" ] || {
				echo "half file in upper: $f"
				false
			}
		done
		# mounted again, every file reads whole
		run ovl_ns "lowerdir=$UTMP/l1,upperdir=$UTMP/u,workdir=$UTMP/w" \
			"NEW_MD5=$NEW_MD5; $(declare -f check_content); \
			 UTMP=$UTMP check_content \$UTMP/m/d"
		echo "$output"
		[ "$status" -eq 0 ]
		# start the next round from an empty upper layer, so that it
		# is killed in the middle of copy-ups again
		n=$(find "$UTMP/u/d" -name 'f*' ! -name '*.t*' | wc -l)
		[ "$n" -gt 0 ]
		copied="$copied $n"
		as_user sh -c 'rm -rf "$1"/u/* "$1"/w/*' sh "$UTMP"
	done
	echo "# $ROUNDS kills survived; files of $NFILES copied up at each:$copied" >&3
	tree_sum "$UTMP/l1" | diff "$UTMP/lower.sum" -
}

@test "full upper layer during copy-up: ENOSPC and no half file" {
	as_user sh -c 'head -c 3000000 /dev/urandom >"$1/l1/big" &&
		head -c 1000 /dev/urandom >"$1/l1/small"' sh "$UTMP"
	tree_sum "$UTMP/l1" >"$UTMP/lower.sum"
	run as_user unshare -r -m sh -c '
		UTMP=$1
		mkdir -p "$UTMP/t"
		mount -t tmpfs -o size=1m tmpfs "$UTMP/t" || exit 97
		mkdir "$UTMP/t/u" "$UTMP/t/w"
		sublet-overlayfs -o "lowerdir=$UTMP/l1,upperdir=$UTMP/t/u,workdir=$UTMP/t/w" \
			"$UTMP/m" || exit 98
		echo x >>"$UTMP/m/big"; echo "append rc=$?"
		chmod 0600 "$UTMP/m/big"; echo "chmod rc=$?"
		ls "$UTMP/t/u"; echo "upper: $(ls -A "$UTMP/t/u" | wc -l)"
		echo "work: $(find "$UTMP/t/w" -type f | wc -l)"
		cmp "$UTMP/m/big" "$UTMP/l1/big" && echo big-reads-old
		echo y >>"$UTMP/m/small"; echo "small rc=$?"
		tail -c 2 "$UTMP/m/small"
		fusermount3 -u "$UTMP/m"' sh "$UTMP"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[[ "$output" == *"append rc=2"* ]] # the shell could not open it
	[[ "$output" == *"chmod rc=1"* ]]
	[[ "$output" == *"upper: 0"* ]]
	[[ "$output" == *"work: 0"* ]]
	[[ "$output" == *big-reads-old* ]]
	# a file that fits is still copied up and written
	[[ "$output" == *"small rc=0"* ]]
	[ "${lines[-1]}" = y ]
	tree_sum "$UTMP/l1" | diff "$UTMP/lower.sum" -
}
