#!/usr/bin/env bats
# overlayfs-inodes.bats - stable inode numbers (across copy-up, rename and
# remount; readdir agrees with stat) and st_nlink of files and
# directories, with and without static_nlink.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c 'mkdir -p l2/d/s1 l2/d/s2 l1/d; echo f > l2/file
		echo g > l2/d/g; mkdir -p u/updir/a u/updir/b'
}

teardown() {
	ovl_teardown
}

@test "a lower file shows its own inode number, kept across copy-up" {
	local ino
	ino=$(stat -c %i "$UTMP/l2/file")
	run ovl_ns "$(ovl_opts)" 'stat -c %i m/file; echo x >> m/file; stat -c %i m/file; mv m/file m/moved; stat -c %i m/moved'
	echo "$output"
	[ "${lines[0]}" = "$ino" ]
	[ "${lines[1]}" = "$ino" ]
	[ "${lines[2]}" = "$ino" ]
	# the copy remembers its origin, so a new mount shows the same number
	[ "$(stat -c %i "$UTMP/u/moved")" != "$ino" ]
	run ovl_ns "$(ovl_opts)" 'stat -c %i m/moved'
	[ "$output" = "$ino" ]
}

@test "a copied-up directory keeps its inode number" {
	local ino
	ino=$(stat -c %i "$UTMP/l2/d/s1")
	run ovl_ns "$(ovl_opts)" 'stat -c %i m/d/s1; touch m/d/s1/new; stat -c %i m/d/s1'
	[ "${lines[0]}" = "$ino" ]
	[ "${lines[1]}" = "$ino" ]
	[ -d "$UTMP/u/d/s1" ]
	run ovl_ns "$(ovl_opts)" 'stat -c %i m/d/s1'
	[ "$output" = "$ino" ]
}

@test "readdir inode numbers agree with stat" {
	run ovl_ns "$(ovl_opts)" 'echo x >> m/d/g; ls -i m/d | grep " g$" | cut -d" " -f1; stat -c %i m/d/g
		ls -i m | grep " file$" | cut -d" " -f1; stat -c %i m/file'
	echo "$output"
	[ "${lines[0]}" = "${lines[1]}" ]
	[ "${lines[2]}" = "${lines[3]}" ]
}

@test "st_nlink: directories count their merged subdirectories, files their links" {
	run ovl_ns "$(ovl_opts)" 'stat -c %h m/d m/updir m/file; ln m/file m/file2; stat -c %h m/file m/file2; rm m/file2; stat -c %h m/file
		mkdir m/d/s3; stat -c %h m/d; rmdir m/d/s1 m/d/s3; stat -c %h m/d'
	echo "$output"
	[ "${lines[0]}" = 4 ]
	[ "${lines[1]}" = 4 ]
	[ "${lines[2]}" = 1 ]
	[ "${lines[3]}" = 2 ]
	[ "${lines[4]}" = 2 ]
	[ "${lines[5]}" = 1 ]
	[ "${lines[6]}" = 5 ]
	[ "${lines[7]}" = 3 ]
}

@test "static_nlink reports 1 for every directory" {
	run ovl_ns "$(ovl_opts),static_nlink" 'stat -c %h m/updir m/d/s1 m/file'
	[ "$(echo $output)" = "1 1 1" ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
