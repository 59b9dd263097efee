# tests/run.bash - helpers for the run-*.bats files (sublet run IMAGE).
# Load after ../lib:  load ../lib; load ../run
#
# Each test gets $UTMP with its own store ($UTMP/data) and runtime root
# ($UTMP/run), passed to the test user through AS_USER_ENV.  The busybox
# OCI image is made once per file by scripts/make-image.  run_teardown
# kills whatever this test left (processes whose command line,
# environment or working directory mention $UTMP) before removing $UTMP;
# assert_clean checks that there was nothing to kill.

SUBLET=$(sublet_bin sublet)

# run_setup_file - build the busybox image (call from setup_file)
run_setup_file() {
	is_root && ! id -u "$TEST_USER" >/dev/null 2>&1 && return 0
	RUN_IMAGE_DIR=$(mktemp -d /tmp/sublet-image.XXXXXX)
	chmod 0755 "$RUN_IMAGE_DIR"
	is_root && chown "$(test_uid):$(test_gid)" "$RUN_IMAGE_DIR"
	as_user "$SUBLET_TOP/scripts/make-image" oci "$RUN_IMAGE_DIR/busybox"
	as_user "$SUBLET_TOP/scripts/make-image" docker-archive \
		"$RUN_IMAGE_DIR/busybox.tar"
	export RUN_IMAGE_DIR
}

# run_teardown_file - remove the image
run_teardown_file() {
	[ -n "${RUN_IMAGE_DIR:-}" ] && rm -rf "$RUN_IMAGE_DIR"
	return 0
}

# run_setup - $UTMP, the store and the runtime root (call from setup)
run_setup() {
	require_test_user
	make_user_tmp
	AS_USER_ENV="XDG_DATA_HOME=$UTMP/data XDG_RUNTIME_DIR=$UTMP/run HOME=$UTMP SUBLET_TEST_MARK=$UTMP"
	as_user mkdir -p "$UTMP/run"
}

# our_pids - processes of the test user (or its subordinate ids) that
# belong to this test: containers started with -e SUBLET_TEST_MARK=$UTMP
# are found by their environment
our_pids() {
	local sub
	sub=$(awk -F: -v u="$TEST_USER" '$1 == u { print $2 ":" $3; exit }' /etc/subuid)
	perl -e 'my ($dir, $uid, $sub) = @ARGV;
	my ($lo, $n) = split(/:/, $sub || "0:0");
	opendir(my $d, "/proc") or exit;
	for my $p (grep { /^\d+$/ } readdir($d)) {
		my @s = stat("/proc/$p") or next;
		next unless $s[4] == $uid || ($s[4] >= $lo && $s[4] < $lo + $n);
		my $hit = 0;
		for my $f ("cmdline", "environ") {
			open(my $fh, "<", "/proc/$p/$f") or next;
			local $/;
			my $c = <$fh>;
			$hit = 1 if defined $c && index($c, $dir) >= 0;
		}
		my $cwd = readlink("/proc/$p/cwd");
		$hit = 1 if defined $cwd && index($cwd, $dir) == 0;
		print "$p\n" if $hit;
	}' "$UTMP" "$(test_uid)" "$sub"
}

# run_teardown - kill what is left, remove $UTMP
run_teardown() {
	local pids
	[ -n "${UTMP:-}" ] || return 0
	pids=$(our_pids)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	sleep 0.1
	remove_user_tmp
}

# sl ARG... - sublet as the test user
sl() {
	as_user "$SUBLET" "$@"
}

# import_busybox - the busybox image into the store, named busybox
import_busybox() {
	sl image import --name busybox "$RUN_IMAGE_DIR/busybox" >/dev/null
}

# leftovers - print what a finished container left behind
leftovers() {
	grep -F "$UTMP" /proc/mounts
	our_pids | sed 's/^/pid /'
	ls -A "$UTMP/run/sublet" 2>/dev/null | sed 's/^/state /'
	ls -A "$UTMP/data/sublet/containers" 2>/dev/null | sed 's/^/container /'
	return 0
}

# assert_clean - nothing left (waits up to 5 s for the reaper)
assert_clean() {
	local i out
	for i in $(seq 50); do
		out=$(leftovers)
		[ -z "$out" ] && return 0
		sleep 0.1
	done
	echo "left behind: $out" >&2
	return 1
}
