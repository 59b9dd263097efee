#!/usr/bin/env bats
# load-overlayfs.bats - LOAD_FILES (50000) lower files, in directories of
# 500, copied up (touch) and deleted through sublet-overlayfs in four
# quarters.  The daemon forgets the inodes of deleted files: its fds stay
# flat, and its VmRSS grows by at most LOAD_RSS_SLACK KiB over the last
# two quarters (25,000 files).  A node kept per file would cost more than
# 100 bytes each, 2.5 MB; what is left is malloc's per-thread arenas of
# the FUSE worker threads warming up (threaded=0 stays flat within
# 100 KiB from the first quarter on).

load ../lib
load ../overlayfs

N=${LOAD_FILES:-50000}
SLACK=${LOAD_RSS_SLACK:-1024}

setup() {
	ovl_setup
	as_user sh -c 'set -e; cd "$1/l1"
		i=0
		while [ $i -lt "$2" ]; do
			d=q$((i * 4 / $2))/d$((i / 500))
			[ $((i % 500)) -ne 0 ] || mkdir -p "$d"
			: >"$d/f$i"
			i=$((i + 1))
		done' sh "$UTMP" "$N"
}

teardown() {
	ovl_teardown
}

@test "load: $N files copied up and deleted, daemon memory flat" {
	local t0=$SECONDS q2 q4 fd0 fd2 fd4
	run ovl_ns "$(ovl_opts l1),fsync=0" '
		pid=$(pgrep -n -f -- "sublet-overlayfs -o lowerdir=$UTMP/l1")
		st() {
			echo "$1 $(ls /proc/$pid/fd | wc -l)" \
				"$(awk "\$1 == \"VmRSS:\" {print \$2}" /proc/$pid/status)"
		}
		st mounted
		for q in 0 1 2 3; do
			cd "$UTMP/m/q$q"
			find . -type f -exec touch {} +
			echo "copied $(find "$UTMP/u/q$q" -type f | wc -l)"
			find . -type f -delete
			echo "left $(find . -type f | wc -l)"
			cd /
			st "quarter$q"
		done'
	echo "$output"
	[ "$status" -eq 0 ]
	# every file was copied up, then deleted
	[ "$(echo "$output" | awk '$1 == "copied" {n += $2} END {print n}')" -eq "$N" ]
	[ "$(echo "$output" | awk '$1 == "left" {n += $2} END {print n}')" -eq 0 ]
	fd0=$(echo "$output" | awk '$1 == "mounted" {print $2}')
	fd4=$(echo "$output" | awk '$1 == "quarter3" {print $2}')
	fd2=$(echo "$output" | awk '$1 == "quarter1" {print $2}')
	q2=$(echo "$output" | awk '$1 == "quarter1" {print $3}')
	q4=$(echo "$output" | awk '$1 == "quarter3" {print $3}')
	echo "# $N files copied up and deleted in $((SECONDS - t0)) s;" \
		"daemon VmRSS KiB:" $(echo "$output" | awk '$1 ~ /^(mounted|quarter)/ {printf "%s ", $3}') \
		"fds: $fd0 -> $fd4" >&3
	[ "$q4" -le $((q2 + SLACK)) ]
	# the O_PATH fds kept for deleted files went with their inodes (the
	# first quarter adds the worker threads' fds, then nothing more)
	[ "$fd4" -le "$fd2" ]
	# the lower layer is untouched
	[ "$(find "$UTMP/l1" -type f | wc -l)" -eq "$N" ]
}
