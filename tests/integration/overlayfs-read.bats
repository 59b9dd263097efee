#!/usr/bin/env bats
# overlayfs-read.bats - reading a stack of layers: precedence of upper
# over lowers and of higher lowers over lower ones, directory merging,
# symlinks, xattrs, statfs, long names, deep trees and large directories.

load ../lib
load ../overlayfs

setup() {
	ovl_setup
	as_user sh -c '
		mkdir -p l1/d l2/d l2/d/only2 l3/d u/d
		echo l1 > l1/same; echo l2 > l2/same; echo l3 > l3/same
		echo up > u/d/upper; echo 1 > l1/d/one; echo 2 > l2/d/two
		echo 3 > l3/d/three; echo deep > l2/d/only2/x
		ln -s same l2/link; ln -s /etc/hostname l3/abs
		printf "%s" "$(head -c 100000 /dev/zero | tr "\0" a)" > l2/big
		setfattr -n user.color -v blue l2/big'
}

teardown() {
	ovl_teardown
}

@test "the topmost layer's entry wins and directories merge" {
	run ovl_ns "lowerdir=l1:l2:l3,upperdir=$UTMP/u,workdir=$UTMP/w" \
		'cat m/same; ls m; ls m/d; cat m/d/only2/x m/d/upper'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = l1 ]
	[ "$(echo "${lines[@]:1:5}")" = "abs big d link same" ]
	[ "$(echo "${lines[@]:6:5}")" = "one only2 three two upper" ]
	[ "${lines[11]}" = deep ]
	[ "${lines[12]}" = up ]
}

@test "the upper layer wins over every lower" {
	as_user sh -c 'echo upper > u/same'
	run ovl_ns "lowerdir=l1:l2:l3,upperdir=$UTMP/u,workdir=$UTMP/w" 'cat m/same'
	[ "$output" = upper ]
}

@test "a file in a higher layer hides a directory below it and vice versa" {
	as_user sh -c 'echo file > l1/d2; mkdir -p l2/d2 && echo hidden > l2/d2/x
		mkdir l1/f3 && echo x > l1/f3/in; echo file > l2/f3'
	run ovl_ns "lowerdir=l1:l2" 'stat -c %F m/d2 m/f3; ls m/f3; cat m/d2/x 2>&1 || true'
	echo "$output"
	[ "${lines[0]}" = "regular file" ]
	[ "${lines[1]}" = directory ]
	[ "${lines[2]}" = in ]
	[[ "${lines[3]}" == *"Not a directory"* ]]
}

@test "file data, sizes, symlinks and modes read through" {
	as_user chmod 0640 l2/big
	run ovl_ns "lowerdir=l1:l2:l3" \
		'stat -c "%s %a %F" m/big; md5sum < m/big; readlink m/link m/abs; cat m/link'
	echo "$output"
	[ "${lines[0]}" = "100000 640 regular file" ]
	[ "${lines[1]}" = "$(md5sum < "$UTMP/l2/big")" ]
	[ "${lines[2]}" = same ]
	[ "${lines[3]}" = /etc/hostname ]
	[ "${lines[4]}" = l1 ]
}

@test "xattrs of lower files read through; internal ones are hidden" {
	as_user setfattr -n user.fuseoverlayfs.origin -v 7 l2/big
	as_user setfattr -n user.overlay.opaque -v n l2/d
	run ovl_ns "lowerdir=l1:l2" \
		'getfattr -d --absolute-names m/big; getfattr -d --absolute-names m/d;
		 getfattr -n user.overlay.opaque m/d 2>&1 || true'
	echo "$output"
	[ "${lines[0]}" = "# file: m/big" ]
	[ "${lines[1]}" = 'user.color="blue"' ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == *"user.overlay.opaque: No such attribute" ]]
}

@test "statfs reports the upper layer's filesystem" {
	run ovl_ns "$(ovl_opts)" 'stat -f -c "%b %S" m; stat -f -c "%b %S" u'
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "long names, deep trees and large directories" {
	local long
	long=$(printf 'n%.0s' $(seq 255))
	as_user sh -c "echo long > l2/$long
		p=l2; for i in \$(seq 60); do p=\$p/dir\$i; done; mkdir -p \$p && echo bottom > \$p/f
		mkdir l1/many l2/many
		cd l1/many && seq 1 2000 | xargs touch && cd ../../l2/many && seq 1500 3500 | xargs touch"
	run ovl_ns "lowerdir=l1:l2" "cat m/$long; cat m/dir1/dir2/dir3/dir4/dir5/dir6/dir7/dir8/dir9/dir10/dir11/dir12/dir13/dir14/dir15/dir16/dir17/dir18/dir19/dir20/dir21/dir22/dir23/dir24/dir25/dir26/dir27/dir28/dir29/dir30/dir31/dir32/dir33/dir34/dir35/dir36/dir37/dir38/dir39/dir40/dir41/dir42/dir43/dir44/dir45/dir46/dir47/dir48/dir49/dir50/dir51/dir52/dir53/dir54/dir55/dir56/dir57/dir58/dir59/dir60/f;
		ls m/many | wc -l; ls m/many | sort -n | uniq | wc -l; find m/dir1 | wc -l"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = long ]
	[ "${lines[1]}" = bottom ]
	[ "${lines[2]}" = 3500 ]
	[ "${lines[3]}" = 3500 ]
	[ "${lines[4]}" = 61 ]
}

@test "reading never changes the lower layers" {
	local before
	before=$(tree_sum "$UTMP/l2")
	run ovl_ns "lowerdir=l1:l2,upperdir=$UTMP/u,workdir=$UTMP/w" \
		'cat m/big >/dev/null; ls -laR m >/dev/null; getfattr -d m/big >/dev/null'
	[ "$status" -eq 0 ]
	[ "$(tree_sum "$UTMP/l2")" = "$before" ]
	[ -z "$(ls -A "$UTMP/u" | grep -v '^d$')" ]
}

@test "no mounts or daemons are left behind" {
	no_mounts_left
}
