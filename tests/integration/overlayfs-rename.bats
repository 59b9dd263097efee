#!/usr/bin/env bats
# overlayfs-rename.bats - rename of files and directories across layers:
# lower files, upper files, directories that exist in a lower layer,
# replacing files and empty merged directories, whiteouts left behind,
# and the result after a remount.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c '
		mkdir -p l2/dir/sub l1/dir l2/empty l2/other
		echo f > l2/file; echo t > l2/target
		echo s > l2/dir/sub/s; echo d1 > l1/dir/d1; echo d2 > l2/dir/d2
		echo o > l2/other/o'
	LOWER_SUM=$(tree_sum "$UTMP/l2")
}

teardown() {
	ovl_teardown
}

@test "renaming a lower file leaves a whiteout and moves the data" {
	run ovl_ns "$(ovl_opts)" 'mv m/file m/moved; ls m | tr "\n" " "; echo; cat m/moved'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "dir empty moved other target " ]
	[ "${lines[1]}" = f ]
	[ "$(stat -c '%t:%T' "$UTMP/u/file")" = "0:0" ]
	[ "$(cat "$UTMP/u/moved")" = f ]
	[ "$(tree_sum "$UTMP/l2")" = "$LOWER_SUM" ]
}

@test "renaming over an existing lower file replaces it" {
	run ovl_ns "$(ovl_opts)" 'mv -f m/file m/target; cat m/target; ls m | tr "\n" " "'
	[ "${lines[0]}" = f ]
	[ "${lines[1]}" = "dir empty other target " ]
}

@test "renaming an upper-only file and into another directory" {
	run ovl_ns "$(ovl_opts)" 'echo n > m/new; mv m/new m/other/new2; cat m/other/new2; ls m/other | tr "\n" " "'
	[ "${lines[0]}" = n ]
	[ "${lines[1]}" = "new2 o " ]
	[ ! -e "$UTMP/u/new" ]
	[ -f "$UTMP/u/other/new2" ]
}

@test "renaming a directory merged from two lower layers keeps its content" {
	run ovl_ns "$(ovl_opts)" 'mv m/dir m/newdir; ls m | tr "\n" " "; echo; ls -R m/newdir | tr "\n" " "; echo; cat m/newdir/d1 m/newdir/sub/s'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "empty file newdir other target " ]
	[ "${lines[1]}" = "m/newdir: d1 d2 sub  m/newdir/sub: s " ]
	[ "${lines[2]}" = d1 ]
	[ "${lines[3]}" = s ]
	[ "$(tree_sum "$UTMP/l2")" = "$LOWER_SUM" ]
	# and after a remount
	run ovl_ns "$(ovl_opts)" 'ls m | tr "\n" " "; echo; ls -R m/newdir | tr "\n" " "'
	[ "${lines[0]}" = "empty file newdir other target " ]
	[ "${lines[1]}" = "m/newdir: d1 d2 sub  m/newdir/sub: s " ]
}

@test "renaming a directory over an empty merged directory" {
	run ovl_ns "$(ovl_opts)" 'rm m/other/o; mv -T m/dir m/other; ls m/other | tr "\n" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "d1 d2 sub " ]
	run ovl_ns "$(ovl_opts)" 'ls m/other | tr "\n" " "; ls m | tr "\n" " "'
	[ "$output" = "d1 d2 sub empty file other target " ]
}

@test "renaming over a non-empty directory fails" {
	run ovl_ns "$(ovl_opts)" 'mv -T m/empty m/other'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Directory not empty"* ]]
}

@test "renaming a directory back to where a lower one was deleted" {
	run ovl_ns "$(ovl_opts)" 'mkdir m/fresh; echo z > m/fresh/z; rm -r m/dir; mv m/fresh m/dir; ls m/dir'
	[ "$status" -eq 0 ]
	[ "$output" = z ]
	run ovl_ns "$(ovl_opts)" 'ls m/dir'
	[ "$output" = z ]
}

@test "rename with RENAME_NOREPLACE and to the same name" {
	run ovl_ns "$(ovl_opts)" 'mv -n m/file m/target; cat m/file m/target; mv m/file m/file 2>&1 || true'
	[ "${lines[0]}" = f ]
	[ "${lines[1]}" = t ]
}

@test "renaming one hard link onto another changes nothing" {
	as_user ln l2/file l2/file2
	run ovl_ns "$(ovl_opts)" 'ls m/file m/file2 >/dev/null; perl -e "rename(q(m/file), q(m/file2)) or die \$!"; ls m | tr "\n" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"file file2 "* ]]
}

# exchange A B - renameat2(A, B, RENAME_EXCHANGE) as a shell snippet
EXCHANGE='perl -e "require q(syscall.ph); syscall(&SYS_renameat2, -100, \$ARGV[0], -100, \$ARGV[1], 2) == 0 or die qq(exchange: \$!\n)"'

@test "RENAME_EXCHANGE swaps a lower file and a merged directory" {
	perl -e 'require "syscall.ph"; &SYS_renameat2' 2>/dev/null ||
		skip "perl has no syscall.ph to call renameat2"
	run ovl_ns "$(ovl_opts)" "$EXCHANGE m/file m/dir; cat m/dir; ls m/file | tr '\n' ' '"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = f ]
	[ "${lines[1]}" = "d1 d2 sub " ]
	run ovl_ns "$(ovl_opts)" "cat m/dir; ls m/file | tr '\n' ' '; $EXCHANGE m/empty m/nothere 2>&1 || true"
	[ "${lines[0]}" = f ]
	[ "${lines[1]}" = "d1 d2 sub exchange: No such file or directory" ]
	[ "$(tree_sum "$UTMP/l2")" = "$LOWER_SUM" ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
