#!/usr/bin/env bats
# overlayfs-copyup.bats - copy-up on every kind of change: data, mode,
# owner, times and xattrs kept, sparse holes kept, parents first, the
# lower layers never modified, nothing left in the work directory.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c '
		mkdir -p l2/a/b/c
		printf "hello\n" > l2/a/b/c/f
		chmod 0751 l2/a/b; chmod 0640 l2/a/b/c/f
		setfattr -n user.tag -v lower l2/a/b/c/f
		setfattr -n user.dirtag -v d l2/a/b
		touch -d "2001-02-03 04:05:06" l2/a/b/c/f l2/a/b
		echo data > l2/plain; echo t > l2/times; echo x > l2/x
		truncate -s 64M l2/sparse
		printf start | dd of=l2/sparse conv=notrunc status=none
		printf end | dd of=l2/sparse bs=1 seek=$((32*1024*1024)) conv=notrunc status=none'
	LOWER_SUM=$(tree_sum "$UTMP/l2")
}

teardown() {
	ovl_teardown
}

# lower_unchanged - the lower layer is exactly as set up
lower_unchanged() {
	[ "$(tree_sum "$UTMP/l2")" = "$LOWER_SUM" ]
}

@test "appending copies the file up with parents, mode, xattrs and times" {
	run ovl_ns "$(ovl_opts)" 'echo more >> m/a/b/c/f; cat m/a/b/c/f;
		stat -c "%a %s" m/a/b/c/f; stat -c "%a %y" m/a/b'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = more ]
	[ "${lines[2]}" = "640 11" ]
	[[ "${lines[3]}" == "751 2001-02-03 04:05:06"* ]]
	# on disk: the upper copy with its parents, the lower untouched
	[ "$(cat "$UTMP/u/a/b/c/f")" = "$(printf 'hello\nmore')" ]
	[ "$(stat -c %a "$UTMP/u/a/b")" = 751 ]
	[ "$(getfattr --absolute-names --only-values -n user.tag "$UTMP/u/a/b/c/f")" = lower ]
	[ "$(getfattr --absolute-names --only-values -n user.dirtag "$UTMP/u/a/b")" = d ]
	[[ "$(stat -c %y "$UTMP/u/a/b")" == "2001-02-03 04:05:06"* ]]
	lower_unchanged
	[ -z "$(ls -A "$UTMP/w")" ]
}

@test "chmod, chown, utimes and xattr changes copy up and apply" {
	run ovl_ns "$(ovl_opts)" 'chmod 0600 m/plain; stat -c %a m/plain
		chown 0:0 m/x && stat -c %u:%g m/x
		touch -d "1999-12-31 23:59:59" m/times; stat -c %y m/times
		setfattr -n user.new -v 1 m/a/b/c/f; getfattr --only-values -n user.new m/a/b/c/f; echo
		setfattr -x user.tag m/a/b/c/f; getfattr -d m/a/b/c/f'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 600 ]
	[ "${lines[1]}" = 0:0 ]
	[[ "${lines[2]}" == "1999-12-31 23:59:59"* ]]
	[ "${lines[3]}" = 1 ]
	[ "$(stat -c %a "$UTMP/u/plain")" = 600 ]
	[ "$(cat "$UTMP/u/plain")" = data ]
	[[ "$(stat -c %y "$UTMP/u/times")" == "1999-12-31 23:59:59"* ]]
	run getfattr --absolute-names -d "$UTMP/u/a/b/c/f"
	[[ "$output" == *'user.new="1"'* ]]
	[[ "$output" != *'user.tag'* ]]
	lower_unchanged
}

@test "truncate copies up and cuts" {
	run ovl_ns "$(ovl_opts)" 'truncate -s 2 m/plain; cat m/plain; echo; : > m/x; stat -c %s m/x
		truncate -s 0 m/sparse; stat -c "%s %a" m/sparse; echo y > m/times; cat m/times'
	[ "${lines[0]}" = da ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "0 644" ]
	[ "${lines[3]}" = y ]
	[ "$(stat -c %s "$UTMP/u/x")" = 0 ]
	[ "$(stat -c %s "$UTMP/u/sparse")" = 0 ]
	[ "$(cat "$UTMP/u/times")" = y ]
	lower_unchanged
}

@test "sparse files keep their holes on copy-up" {
	run ovl_ns "$(ovl_opts)" 'echo x >> m/sparse; head -c 5 m/sparse; echo;
		dd if=m/sparse bs=1 skip=$((32*1024*1024)) count=3 status=none; echo'
	echo "$output"
	[ "${lines[0]}" = start ]
	[ "${lines[1]}" = end ]
	[ "$(stat -c %s "$UTMP/u/sparse")" = $((64 * 1024 * 1024 + 2)) ]
	# allocated blocks stay far below the 64 MiB size
	[ "$(du -k "$UTMP/u/sparse" | cut -f1)" -lt 4096 ]
	lower_unchanged
}

@test "opening read-only does not copy up; writing through an fd does" {
	run ovl_ns "$(ovl_opts)" 'cat m/plain >/dev/null; ls u | grep -c plain || true
		exec 3<>m/plain; echo -n D >&3; exec 3>&-; cat m/plain'
	echo "$output"
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = Data ]
	lower_unchanged
}

@test "copy-up in the middle of a deep tree only copies the path" {
	as_user sh -c 'mkdir -p l2/a/other && echo o > l2/a/other/o'
	run ovl_ns "$(ovl_opts)" 'echo y > m/a/b/c/new; ls m/a'
	[ "$(echo $output)" = "b other" ]
	[ -f "$UTMP/u/a/b/c/new" ]
	[ ! -e "$UTMP/u/a/other" ]
	[ ! -e "$UTMP/u/a/b/c/f" ]
}

@test "owner and mode of new files follow the caller" {
	run ovl_ns "$(ovl_opts)" 'umask 022; echo n > m/new; mkdir m/nd; stat -c "%a %u" m/new m/nd'
	[ "${lines[0]}" = "644 0" ]
	[ "${lines[1]}" = "755 0" ]
	[ "$(stat -c %u "$UTMP/u/new")" = "$(test_uid)" ]
}

@test "leftovers of an interrupted copy-up are cleaned at mount" {
	as_user sh -c 'echo half > w/.sublet-tmp-1-1; mkdir w/.sublet-tmp-1-2
		touch w/.sublet-tmp-1-2/.wh..wh..opq; echo keep > w/other'
	run ovl_ns "$(ovl_opts)" 'cat m/plain'
	[ "$output" = data ]
	[ "$(ls -A "$UTMP/w")" = other ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
