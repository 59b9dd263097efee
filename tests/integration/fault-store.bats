#!/usr/bin/env bats
# fault-store.bats - the image store of `sublet run` under concurrent
# commands, kill -9 at random moments and a full file system: layers are
# whole or absent, nothing is leaked, write errors fail the writer, and a
# container's exit status survives a full store (docs/reliability.md).

load ../lib
load ../run

run_hooks

# many_files_tar TAR [N] - a rootfs tar (busybox) with N files (2000) in
# /data, f1..fN, each holding its number
many_files_tar() {
	as_user "$SUBLET_SCRIPTS/make-image" rootfs "$UTMP/many"
	as_user sh -c "mkdir -p $UTMP/many/data && cd $UTMP/many/data &&
		for i in \$(seq ${2:-2000}); do echo \$i >f\$i; done &&
		tar -C $UTMP/many -cf $1 ."
}

# layer_files - the number of files under data/ of the stored layers
layer_files() {
	find "$UTMP"/data/sublet/layers/*/diff/data -type f 2>/dev/null | wc -l
}

# store_layers - the layer names in the store
store_layers() {
	ls "$UTMP/data/sublet/layers" | grep -E '^[0-9a-f]{64}$' || true
}

# scratch - what imports and removals work in, left behind
scratch() {
	local s=$UTMP/data/sublet
	ls -A "$s/layers" | grep '^\.' || true
	ls -A "$s/tmp" 2>/dev/null || true
	ls -A "$s/images" | grep -v '\.json$' || true
}

# kill_after SECONDS ARGS - start `sublet ARGS` as the test user, and
# kill -9 its main process (not the children it forked) after SECONDS
kill_after() {
	local delay=$1 pid
	shift
	as_user "$SUBLET" "$@" >/dev/null 2>&1 &
	wait_for 5 pgrep -u "$(test_uid)" -f "sublet $*" >/dev/null || true
	sleep "$delay"
	pid=$(pgrep -o -u "$(test_uid)" -f "sublet $*") &&
		kill -KILL "$pid" 2>/dev/null || true
	wait || true
}

# small_store MIB - move the store onto a tmpfs of MIB MiB, busybox in it
small_store() {
	mkdir "$UTMP/small"
	mount -t tmpfs -o "size=${1}m,mode=0700,uid=$(test_uid),gid=$(test_gid)" \
		tmpfs "$UTMP/small"
	AS_USER_ENV=${AS_USER_ENV/XDG_DATA_HOME=$UTMP\/data/XDG_DATA_HOME=$UTMP/small}
	import_busybox
}

@test "concurrent imports of one layer: every file present, one digest (10 rounds)" {
	many_files_tar "$UTMP/many.tar" 500
	for round in $(seq 10); do
		for i in 1 2 3; do
			as_user "$SUBLET" image import --name "m$i" \
				"$UTMP/many.tar" >"$UTMP/out$i" 2>&1 &
		done
		wait
		for i in 1 2 3; do
			[ "$(cat "$UTMP/out$i")" = "m$i" ] ||
				{ echo "round $round: $(cat "$UTMP/out$i")"; false; }
		done
		[ "$(layer_files)" -eq 500 ] ||
			{ echo "round $round: $(layer_files) files"; false; }
		[ "$(sl image ls | awk '$1 ~ /^m/ { print $2 }' | sort -u | wc -l)" -eq 1 ]
		[ -z "$(scratch)" ]
		sl image rm m1 m2 m3 >/dev/null
	done
	[ "$(store_layers | wc -l)" -eq 1 ] # busybox's only
}

@test "a killed image rm never leaves half a layer; leftovers are swept" {
	many_files_tar "$UTMP/many.tar"
	for round in 1 2 3 4 5; do
		sl image import --name m "$UTMP/many.tar" >/dev/null
		kill_after "0.0$((round * 2))" image rm m
		# the layer is whole, or gone
		local n
		n=$(layer_files)
		[ "$n" -eq 0 ] || [ "$n" -eq 2000 ] ||
			{ echo "round $round: $n files"; false; }
		sl image rm m >/dev/null 2>&1 || true
	done
	# a scratch directory of a dead command is removed by the next import
	as_user mkdir "$UTMP/data/sublet/layers/.tmp-abc-999999999-XXXXXX"
	as_user mkdir -p "$UTMP/data/sublet/tmp/import-999999999-XXXXXX/x"
	sl image import --name m "$UTMP/many.tar" >/dev/null
	[ "$(layer_files)" -eq 2000 ]
	[ -z "$(scratch)" ]
	run sl run --rm --net none m cat /data/f2000
	[ "$output" = 2000 ]
}

@test "image rm racing an import of the same layer: a runnable image or a clear error" {
	many_files_tar "$UTMP/many.tar" 500
	sl image import --name a "$UTMP/many.tar" >/dev/null
	for round in $(seq 6); do
		as_user "$SUBLET" image rm a >"$UTMP/rm.out" 2>&1 &
		as_user "$SUBLET" image import --name b "$UTMP/many.tar" \
			>"$UTMP/imp.out" 2>&1 || { cat "$UTMP/imp.out"; false; }
		wait
		run sl run --rm --net none b cat /data/f500
		[ "$status" -eq 0 ] && [ "$output" = 500 ] ||
			{ echo "round $round: $output"; false; }
		[ "$(layer_files)" -eq 500 ]
		sl image rm b >/dev/null
		[ "$(store_layers | wc -l)" -eq 1 ]
		sl image import --name a "$UTMP/many.tar" >/dev/null
	done
}

@test "re-import under a name releases the old layers; a container keeps its own" {
	local before
	before=$(store_layers)
	many_files_tar "$UTMP/v1.tar" 10
	sl image import --name app "$UTMP/v1.tar" >/dev/null
	[ "$(store_layers | wc -l)" -eq 2 ]
	# a container made from v1 pins v1's layer
	sl run -d --name c1 --net none app sleep 1000 >/dev/null
	many_files_tar "$UTMP/v2.tar" 20
	sl image import --name app "$UTMP/v2.tar" >/dev/null
	[ "$(store_layers | wc -l)" -eq 3 ]
	run sl run --rm --net none app cat /data/f20
	[ "$output" = 20 ]
	sl rm -f c1 >/dev/null
	# v1's layer goes with the next collection: rm, re-import or prune
	run sl image prune
	[ "$status" -eq 0 ]
	[ "$output" = "removed 1 unused layer, 0 leftovers" ]
	[ "$(store_layers | wc -l)" -eq 2 ]
	# re-import with no container: the old layer goes at once
	sl image import --name app "$UTMP/v1.tar" >/dev/null
	[ "$(store_layers | wc -l)" -eq 2 ]
	sl image rm app >/dev/null
	[ "$(store_layers)" = "$before" ]
	[ -z "$(scratch)" ]
}

@test "killed imports leave scratch that prune removes; the next import works" {
	many_files_tar "$UTMP/many.tar"
	for round in 1 2 3 4; do
		kill_after "0.0$((round * 2))" image import --name k "$UTMP/many.tar"
		sl image rm k >/dev/null 2>&1 || true
	done
	# nothing the killed commands forked goes on working
	[ -z "$(pgrep -u "$(test_uid)" -f "sublet image")" ]
	as_user mkdir -p "$UTMP/data/sublet/tmp/import-1-XXXXXX/d" \
		"$UTMP/data/sublet/layers/.trash-abc-1-XXXXXX/d"
	as_user touch "$UTMP/data/sublet/images/x.json.tmp-AAAAAA"
	run sl image prune
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^removed\ [0-9]+\ unused\ layers?,\ [1-9][0-9]*\ leftovers?$ ]]
	[ -z "$(scratch)" ]
	[ "$(store_layers | wc -l)" -eq 1 ]
	run sl image prune
	[ "$output" = "removed 0 unused layers, 0 leftovers" ]
	sl image import --name k "$UTMP/many.tar" >/dev/null
	run sl run --rm --net none k cat /data/f2000
	[ "$output" = 2000 ]
	run sl image prune extra
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image prune: takes no arguments" ]
}

@test "a write error during unpack fails the import and leaves the store as it was" {
	small_store 16
	local before
	before=$(ls -R "$UTMP/small/sublet/layers" "$UTMP/small/sublet/images")
	as_user "$SUBLET_SCRIPTS/make-image" rootfs "$UTMP/big"
	as_user sh -c "head -c 40000000 /dev/urandom >$UTMP/big/blob &&
		tar -C $UTMP/big -cf $UTMP/big.tar ."
	run sl image import --name big "$UTMP/big.tar"
	[ "$status" -ne 0 ]
	[[ "$output" == *"No space left on device"* ]]
	[ "$(ls -R "$UTMP/small/sublet/layers" "$UTMP/small/sublet/images")" = "$before" ]
	[ -z "$(ls -A "$UTMP/small/sublet/tmp" 2>/dev/null)" ]
	run sl run --rm --net none busybox echo still-runs
	[ "$output" = still-runs ]
}

@test "a full store keeps the container's real exit status" {
	small_store 24
	as_user mkdir "$UTMP/ctl"
	sl run -d --name full --net none -v "$UTMP/ctl:/ctl" busybox \
		sh -c 'until [ -e /ctl/go ]; do usleep 20000; done; exit 3' >/dev/null
	# fill the store to the last block
	as_user dd if=/dev/zero of="$UTMP/small/fill" bs=64k 2>/dev/null || true
	run as_user dd if=/dev/zero of="$UTMP/small/more" bs=4k count=1
	[ "$status" -ne 0 ]
	as_user touch "$UTMP/ctl/go"
	wait_for 10 sh -c "! [ -e /proc/\$(jq .monitor \
		$UTMP/small/sublet/containers/full/info.json) ]"
	run sl ps -a
	[[ "$output" == *"full "*"exited (3)"* ]] || { echo "$output"; false; }
	[ -z "$(ls -A "$UTMP/small/sublet/containers/full" | grep tmp)" ]
	as_user rm "$UTMP/small/fill" "$UTMP/small/more"
	sl rm full >/dev/null
}
