#!/usr/bin/env bats
# overlayfs-whiteout.bats - deletions and opaque directories: both
# whiteout forms and every opaque mark read in every layer, and the form
# written to the upper layer on unlink/rmdir.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c '
		mkdir -p l2/a l2/b l2/c l2/e l2/g l2/keep
		for d in a b c e g keep; do echo "$d" > l2/$d/old; done
		echo x > l2/gone1; echo x > l2/gone2
		mkdir -p l3/x; echo x > l3/x/deep'
}

teardown() {
	ovl_teardown
}

# ns_mknod_wh PATH - a char 0/0 whiteout made as the test user (needs a
# user namespace; the kernel allows exactly this device there)
ns_mknod_wh() {
	as_user unshare -r sh -c "mknod '$1' c 0 0"
}

@test "char 0/0 and .wh. whiteouts in lower layers hide names below" {
	ns_mknod_wh "$UTMP/l1/gone1"
	as_user touch l1/.wh.gone2
	run ovl_ns "lowerdir=l1:l2" 'ls -A m; cat m/gone1 2>&1 || true'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[@]:0:6}")" = "a b c e g keep" ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "${lines[6]}" == *"No such file or directory" ]]
}

@test "whiteouts in the upper layer hide lower names, in both forms" {
	ns_mknod_wh "$UTMP/u/gone1"
	as_user sh -c 'mkdir u/a && touch u/.wh.gone2 u/a/.wh.old'
	run ovl_ns "$(ovl_opts)" 'ls -A m | tr "\n" " "; echo; ls -A m/a | wc -l'
	echo "$output"
	[ "${lines[0]}" = "a b c e g keep " ]
	[ "${lines[1]}" = 0 ]
}

@test "every opaque form hides the lower directory's content" {
	as_user sh -c 'mkdir -p l1/a l1/b l1/c l1/e u/g
		echo new > l1/a/new; echo new > l1/b/new; echo new > l1/c/new
		echo new > l1/e/new; echo new > u/g/new
		setfattr -n user.overlay.opaque -v y l1/a
		setfattr -n user.fuseoverlayfs.opaque -v y l1/b
		touch l1/c/.wh..wh..opq
		setfattr -n user.overlay.opaque -v y u/g'
	as_user touch l1/e/.wh..wh..opq
	run ovl_ns "$(ovl_opts)" 'for d in a b c e g keep; do echo $d: $(ls -A m/$d); done'
	echo "$output"
	[ "${lines[0]}" = "a: new" ]
	[ "${lines[1]}" = "b: new" ]
	[ "${lines[2]}" = "c: new" ]
	[ "${lines[3]}" = "e: new" ]
	[ "${lines[4]}" = "g: new" ]
	[ "${lines[5]}" = "keep: old" ]
}

@test "trusted.overlay.opaque is honoured where it is readable (as root)" {
	is_root || skip "trusted.* xattrs need root outside a user namespace"
	as_user sh -c 'mkdir -p l1/e && echo new > l1/e/new'
	setfattr -n trusted.overlay.opaque -v y "$UTMP/l1/e"
	"$OVL_BIN" -o "lowerdir=$UTMP/l1:$UTMP/l2" "$UTMP/m"
	run ls -A "$UTMP/m/e"
	fusermount3 -u "$UTMP/m"
	[ "$output" = new ]
}

@test "an opaque directory stops the merge of all layers below it" {
	as_user sh -c 'mkdir -p l1/x l2/x; echo mid > l2/x/mid
		touch l2/x/.wh..wh..opq; echo top > l1/x/top'
	run ovl_ns "lowerdir=l1:l2:l3" 'ls -A m/x | tr "\n" " "'
	[ "$output" = "mid top " ]
}

@test "unlink and rmdir of lower entries write whiteouts in the upper layer" {
	local before
	before=$(tree_sum "$UTMP/l2")
	run ovl_ns "$(ovl_opts)" 'rm m/gone1 m/a/old; rm -r m/b; rmdir m/a; ls -A m | tr "\n" " "'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "c e g gone2 keep " ]
	[ "$(tree_sum "$UTMP/l2")" = "$before" ]
	# the form chosen at mount: char 0/0 where the kernel allows it
	[ "$(stat -c '%F %t:%T' "$UTMP/u/gone1")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$UTMP/u/a")" = "character special file 0:0" ]
	[ "$(stat -c '%F %t:%T' "$UTMP/u/b")" = "character special file 0:0" ]
	# still deleted after a remount
	run ovl_ns "$(ovl_opts)" 'ls -A m | tr "\n" " "'
	[ "$output" = "c e g gone2 keep " ]
}

@test "a directory created over a deleted one is opaque" {
	run ovl_ns "$(ovl_opts)" 'rm -r m/c; mkdir m/c; echo n > m/c/n; ls -A m/c'
	[ "$status" -eq 0 ]
	[ "$output" = n ]
	run getfattr --absolute-names --only-values -n user.fuseoverlayfs.opaque "$UTMP/u/c"
	[ "$output" = y ]
	[ -f "$UTMP/u/c/.wh..wh..opq" ]
	run ovl_ns "$(ovl_opts)" 'ls -A m/c; cat m/c/n'
	[ "$(echo $output)" = "n n" ]
}

@test "a file created over a whiteout replaces it" {
	run ovl_ns "$(ovl_opts)" 'rm m/gone1; echo again > m/gone1; cat m/gone1'
	[ "$output" = again ]
	[ "$(stat -c %F "$UTMP/u/gone1")" = "regular file" ]
}

@test "with .wh. whiteouts in the upper layer, deletes and creates work" {
	as_user touch u/.wh.gone1
	run ovl_ns "$(ovl_opts)" 'ls m | grep -c gone1 || true; echo back > m/gone1; cat m/gone1; ls -A m | grep -c wh || true'
	echo "$output"
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = back ]
	[ "${lines[2]}" = 0 ]
	[ ! -e "$UTMP/u/.wh.gone1" ]
}

@test "removing a directory whose upper part holds only whiteouts" {
	run ovl_ns "$(ovl_opts)" 'rm m/e/old; rmdir m/e; ls m | grep -c "^e$" || true'
	[ "$output" = 0 ]
	[ "$(stat -c '%t:%T' "$UTMP/u/e")" = "0:0" ]
}

@test "rmdir of a non-empty merged directory fails" {
	run ovl_ns "$(ovl_opts)" 'rmdir m/keep'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Directory not empty"* ]]
}

@test "with .wh. files forced, every change writes and reads them" {
	AS_USER_ENV=FUSE_OVERLAYFS_DISABLE_OVL_WHITEOUT=1
	run ovl_ns "$(ovl_opts)" 'rm m/gone1; rm -r m/b; rm -r m/c; mkdir m/c; echo n > m/c/n
		mv m/keep m/kept; rm m/gone2; echo again > m/gone2; ls -A m | tr "\n" " "; echo; ls -A m/c'
	AS_USER_ENV=
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "a c e g gone2 kept " ]
	[ "${lines[1]}" = n ]
	local f
	[ -f "$UTMP/u/c/.wh..wh..opq" ] && [ ! -e "$UTMP/u/.wh.c" ]
	for f in .wh.gone1 .wh.b .wh.keep; do
		[ "$(stat -c %F "$UTMP/u/$f")" = "regular empty file" ]
	done
	[ ! -e "$UTMP/u/.wh.gone2" ]
	[ "$(cat "$UTMP/u/gone2")" = again ]
	[ -z "$(find "$UTMP/u" -type c)" ]
	# the same view after a remount, and through the kernel's default form
	run ovl_ns "$(ovl_opts)" 'ls -A m | tr "\n" " "; echo; ls -A m/c; ls -A m/kept'
	[ "${lines[0]}" = "a c e g gone2 kept " ]
	[ "${lines[1]}" = n ]
	[ "${lines[2]}" = old ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
