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
	as_user "$SUBLET_SCRIPTS/make-image" oci "$RUN_IMAGE_DIR/busybox"
	as_user "$SUBLET_SCRIPTS/make-image" docker-archive \
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

# run_hooks - the usual bats hooks of a run-*.bats file: the image made
# once per file, and each test with its own store and busybox imported.
# A file that needs another setup() or teardown() defines it after
# calling this.
run_hooks() {
	setup_file() { run_setup_file; }
	teardown_file() { run_teardown_file; }
	setup() {
		run_setup
		import_busybox
	}
	teardown() { run_teardown; }
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

# oci_add_layer SRC DST LAYER MEDIATYPE - DST: a copy of the OCI layout SRC
# with LAYER (a file) added on top, as the test user
oci_add_layer() {
	as_user sh -s "$@" <<'SH'
set -e
cp -r "$1" "$2"; chmod -R u+w "$2"; b="$2/blobs/sha256"
l2=$(sha256sum "$3" | cut -d' ' -f1); cp "$3" "$b/$l2"
case "$4" in
*zstd) d2=$(zstd -dc "$3" | sha256sum | cut -d' ' -f1) ;;
*gzip) d2=$(gunzip -c "$3" | sha256sum | cut -d' ' -f1) ;;
*) d2=$l2 ;;
esac
m=$(jq -r '.manifests[0].digest' "$2/index.json" | cut -d: -f2)
c=$(jq -r '.config.digest' "$b/$m" | cut -d: -f2)
jq -c ".rootfs.diff_ids += [\"sha256:$d2\"]" "$b/$c" >"$2/c"
c2=$(sha256sum "$2/c" | cut -d' ' -f1); mv "$2/c" "$b/$c2"
jq -c ".config.digest = \"sha256:$c2\" | .config.size = $(stat -c %s "$b/$c2")
  | .layers += [{\"mediaType\":\"$4\",\"digest\":\"sha256:$l2\",\"size\":$(stat -c %s "$3")}]" "$b/$m" >"$2/m"
m2=$(sha256sum "$2/m" | cut -d' ' -f1); mv "$2/m" "$b/$m2"
jq -c ".manifests[0].digest = \"sha256:$m2\" | .manifests[0].size = $(stat -c %s "$b/$m2")" "$2/index.json" >"$2/i"
mv "$2/i" "$2/index.json"
SH
}
