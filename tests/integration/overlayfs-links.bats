#!/usr/bin/env bats
# overlayfs-links.bats - hard links, symlinks and special files: fifos,
# sockets, device nodes where the kernel permits them, and copy-up of
# each kind.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c 'echo data > l2/file; ln -s file l2/sym; mkfifo l2/fifo
		echo a > l2/h1 && ln l2/h1 l2/h2'
}

teardown() {
	ovl_teardown
}

@test "hard links to lower and upper files" {
	run ovl_ns "$(ovl_opts)" 'ln m/file m/link; echo more >> m/link; cat m/file;
		stat -c "%h %i" m/file m/link; echo n > m/new; ln m/new m/new2; stat -c %h m/new2'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = data ]
	[ "${lines[1]}" = more ]
	[ "${lines[2]%% *}" = 2 ]
	[ "${lines[2]}" = "${lines[3]}" ]
	[ "${lines[4]}" = 2 ]
	[ "$(stat -c %i "$UTMP/u/file")" = "$(stat -c %i "$UTMP/u/link")" ]
}

@test "a lower file with two links shows its link count" {
	run ovl_ns "$(ovl_opts)" 'stat -c "%h" m/h1; [ "$(stat -c %i m/h1)" = "$(stat -c %i m/h2)" ] && echo same'
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = same ]
}

@test "symlinks: read, create, copy up on chown, rename" {
	run ovl_ns "$(ovl_opts)" 'readlink m/sym; cat m/sym; ln -s /abs/target m/s2; readlink m/s2
		chown -h 0:0 m/sym; readlink m/sym; mv m/sym m/sym3; readlink m/sym3; stat -c %F m/sym3'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = file ]
	[ "${lines[1]}" = data ]
	[ "${lines[2]}" = /abs/target ]
	[ "${lines[3]}" = file ]
	[ "${lines[4]}" = file ]
	[ "${lines[5]}" = "symbolic link" ]
	[ "$(readlink "$UTMP/u/s2")" = /abs/target ]
	[ "$(readlink "$UTMP/u/sym3")" = file ]
}

@test "chmod of a symlink itself never changes its target" {
	as_user sh -c 'echo t > outside && chmod 0644 outside && ln -s "$PWD/outside" l2/out'
	run ovl_ns "$(ovl_opts)" 'perl -e "my \$p = q(m/out); syscall(452, -100, \$p, 0600, 0x100) == 0 or print qq(\$!\n)"; stat -L -c %a m/out'
	echo "$output"
	[ "$(stat -c %a "$UTMP/outside")" = 644 ]
	[ "${lines[-1]}" = 644 ]
}

@test "fifos and sockets are created and copied up" {
	run ovl_ns "$(ovl_opts)" 'mkfifo m/newfifo; stat -c %F m/newfifo m/fifo
		chmod 0600 m/fifo; stat -c "%a %F" m/fifo
		perl -MIO::Socket::UNIX -e "IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => \"m/sock\", Listen => 1) or die \"\$!\""
		stat -c %F m/sock'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = fifo ]
	[ "${lines[1]}" = fifo ]
	[ "${lines[2]}" = "600 fifo" ]
	[ "${lines[3]}" = socket ]
	[ "$(stat -c %F "$UTMP/u/fifo")" = fifo ]
	[ "$(stat -c %F "$UTMP/u/sock")" = socket ]
}

@test "device nodes: refused in a user namespace as the kernel refuses them" {
	run ovl_ns "$(ovl_opts)" 'mknod m/null c 1 3'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[ ! -e "$UTMP/u/null" ]
}

@test "device nodes are created when the daemon may (as root)" {
	is_root || skip "creating device nodes needs root outside a user namespace"
	"$OVL_BIN" -o "$(ovl_opts),allow_other" "$UTMP/m"
	mknod "$UTMP/m/null" c 1 3
	run stat -c '%F %t:%T' "$UTMP/m/null" "$UTMP/u/null"
	fusermount3 -u "$UTMP/m"
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "character special file 1:3" ]
}

@test "an open file keeps its attributes after its name is removed" {
	run ovl_ns "$(ovl_opts)" 'perl -e "
		open(my \$f, q(+>), q(m/tmpf)) or die; syswrite(\$f, q(abcd));
		unlink(q(m/tmpf)) or die; my @s = stat(\$f); print \$s[7], q( ), \$s[3], qq(\n);
		open(my \$g, q(<), q(m/file)) or die; rename(q(m/h1), q(m/file)) or die;
		@s = stat(\$g); print \$s[7], qq(\n);"'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "4 0" ]
	[ "${lines[1]}" = 5 ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
