#!/usr/bin/env bats
# run-image.bats - sublet image import|ls|rm: OCI layouts, docker
# archives, rootfs tars; digests, shared layers, whiteouts, owners.

load ../lib
load ../run

run_hooks
setup() { run_setup; }

layers() {
	ls "$UTMP/data/sublet/layers" | grep -cE '^[0-9a-f]{64}$'
}

@test "import an OCI image layout, list it" {
	run sl image import "$RUN_IMAGE_DIR/busybox"
	[ "$status" -eq 0 ]
	[ "$output" = busybox ]
	run sl image ls
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^busybox\ +[0-9a-f]{12}\ +1$ ]]
	run sl image ls -q
	[ "$output" = busybox ]
	[ -x "$UTMP/data/sublet/layers/$(ls "$UTMP/data/sublet/layers")/diff/bin/busybox" ]
}

@test "import a docker archive, named by its RepoTags" {
	run sl image import "$RUN_IMAGE_DIR/busybox.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "sublet/busybox:latest" ]
	run sl run --rm --net none busybox echo from-docker-archive
	[ "$status" -eq 0 ]
	[ "$output" = from-docker-archive ]
	# the scratch directory of the import is gone
	[ -z "$(ls -A "$UTMP/data/sublet/tmp")" ]
}

@test "import rootfs tarballs: plain, gzip and zstd" {
	as_user "$SUBLET_SCRIPTS/make-image" rootfs "$UTMP/rootfs"
	as_user tar -C "$UTMP/rootfs" -cf "$UTMP/root.tar" .
	as_user sh -c "gzip -c $UTMP/root.tar >$UTMP/root.tar.gz"
	as_user sh -c "zstd -q -c $UTMP/root.tar >$UTMP/root.tar.zst"
	for f in root.tar root.tar.gz root.tar.zst; do
		run sl image import --name "img-${f//./-}" "$UTMP/$f"
		[ "$status" -eq 0 ]
	done
	# the same tar three times: one layer, shared by digest
	[ "$(layers)" -eq 1 ]
	run sl run --rm --net none img-root-tar-zst head -1 /etc/passwd
	[ "$output" = root:x:0:0:root:/root:/bin/sh ]
}

@test "layers are shared between images and removed with the last one" {
	sl image import --name one "$RUN_IMAGE_DIR/busybox"
	sl image import --name two "$RUN_IMAGE_DIR/busybox"
	[ "$(layers)" -eq 1 ]
	run sl image rm one
	[ "$status" -eq 0 ]
	[ "$(layers)" -eq 1 ]
	run sl image rm two
	[ "$status" -eq 0 ]
	[ "$(layers)" -eq 0 ]
	run sl image ls -q
	[ -z "$output" ]
}

@test "a damaged blob is refused" {
	as_user cp -r "$RUN_IMAGE_DIR/busybox" "$UTMP/bad"
	blob=$(ls -S "$UTMP/bad/blobs/sha256" | head -1)
	as_user sh -c "chmod u+w $UTMP/bad/blobs/sha256/$blob && printf x >>$UTMP/bad/blobs/sha256/$blob"
	run sl image import "$UTMP/bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *"digest mismatch"* ]]
	run sl image ls -q
	[ -z "$output" ]
}

@test "owners are stored through the subordinate ids; whiteouts converted" {
	import_busybox
	# a second layer: a file of uid 33, a deleted file, an opaque dir
	mkdir -p "$UTMP/l2/etc" "$UTMP/l2/home"
	echo www >"$UTMP/l2/www"
	: >"$UTMP/l2/etc/.wh.group"
	: >"$UTMP/l2/home/.wh..wh..opq"
	echo new >"$UTMP/l2/home/new"
	tar -C "$UTMP/l2" --numeric-owner --owner=0 --group=0 -cf "$UTMP/l2.tar" .
	tar -C "$UTMP/l2" --numeric-owner --owner=33 --group=33 -rf "$UTMP/l2.tar" ./www
	gzip "$UTMP/l2.tar"
	chown -R "$(test_uid):$(test_gid)" "$UTMP"
	as_user sh -s "$RUN_IMAGE_DIR/busybox" "$UTMP/two" "$UTMP/l2.tar.gz" <<'SH'
set -e
cp -r "$1" "$2"; chmod -R u+w "$2"; b="$2/blobs/sha256"
l2=$(sha256sum "$3" | cut -d' ' -f1); cp "$3" "$b/$l2"
d2=$(gunzip -c "$3" | sha256sum | cut -d' ' -f1)
m=$(jq -r '.manifests[0].digest' "$2/index.json" | cut -d: -f2)
c=$(jq -r '.config.digest' "$b/$m" | cut -d: -f2)
jq -c ".rootfs.diff_ids += [\"sha256:$d2\"]" "$b/$c" >"$2/c"
c2=$(sha256sum "$2/c" | cut -d' ' -f1); mv "$2/c" "$b/$c2"
jq -c ".config.digest = \"sha256:$c2\" | .config.size = $(stat -c %s "$b/$c2")
  | .layers += [{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$l2\",\"size\":$(stat -c %s "$3")}]" "$b/$m" >"$2/m"
m2=$(sha256sum "$2/m" | cut -d' ' -f1); mv "$2/m" "$b/$m2"
jq -c ".manifests[0].digest = \"sha256:$m2\" | .manifests[0].size = $(stat -c %s "$b/$m2")" "$2/index.json" >"$2/i"
mv "$2/i" "$2/index.json"
SH
	run sl image import --name two "$UTMP/two"
	[ "$status" -eq 0 ]
	[ "$(layers)" -eq 2 ]
	d2=$(gunzip -c "$UTMP/l2.tar.gz" | sha256sum | cut -d' ' -f1)
	diff=$UTMP/data/sublet/layers/$d2/diff
	sub=$(awk -F: -v u="$TEST_USER" '$1 == u { print $2; exit }' /etc/subuid)
	[ "$(stat -c %u "$diff/www")" -eq $((sub + 32)) ]
	[ "$(stat -c %F:%t:%T "$diff/etc/group")" = "character special file:0:0" ]
	[ ! -e "$diff/etc/.wh.group" ]
	[ "$(getfattr --only-values -n user.overlay.opaque "$diff/home")" = y ]
	# seen through both drivers
	for drv in kernel fuse; do
		run sl run --rm --net none --storage-driver $drv two sh -c \
			'stat -c %u /www; ls /etc/group 2>&1; ls /home'
		[ "${lines[0]}" = 33 ]
		[[ "${lines[1]}" == *"No such file"* ]]
		[ "${lines[2]}" = new ]
	done
}

@test "device nodes in a layer are left out with a warning; whiteouts kept" {
	# /dev/null 1:3 and a block device cannot be made in a user
	# namespace; a char device 0:0 is a whiteout, which can
	python3 - "$UTMP/dev.tar" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
def dev(name, kind, major, minor):
    i = tarfile.TarInfo(name); i.type = kind; i.mode = 0o666
    i.devmajor, i.devminor = major, minor; t.addfile(i)
i = tarfile.TarInfo("dev"); i.type = tarfile.DIRTYPE; i.mode = 0o755; t.addfile(i)
dev("dev/null", tarfile.CHRTYPE, 1, 3)
dev("dev/sda", tarfile.BLKTYPE, 8, 0)
dev("etc/group", tarfile.CHRTYPE, 0, 0)
data = b"kept\n"; i = tarfile.TarInfo("kept"); i.size = len(data)
t.addfile(i, io.BytesIO(data)); t.close()
PY
	chown -R "$(test_uid):$(test_gid)" "$UTMP"
	oci_add_layer "$RUN_IMAGE_DIR/busybox" "$UTMP/dev" "$UTMP/dev.tar" \
		application/vnd.oci.image.layer.v1.tar
	run sl image import --name dev "$UTMP/dev"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: image import: 2 device nodes left out (the first: \`dev/null\`): a user namespace cannot create devices"* ]]
	d=$(sha256sum "$UTMP/dev.tar" | cut -d' ' -f1)
	diff=$UTMP/data/sublet/layers/$d/diff
	[ "$(cat "$diff/kept")" = kept ]
	[ ! -e "$diff/dev/null" ]
	[ ! -e "$diff/dev/sda" ]
	[ "$(stat -c %F:%t:%T "$diff/etc/group")" = "character special file:0:0" ]
	# the container still gets a working /dev/null from the runtime
	run sl run --rm --net none dev sh -c 'echo x >/dev/null && cat /kept'
	[ "$status" -eq 0 ]
	[ "$output" = kept ]
}

@test "image rm refuses an image a container uses" {
	import_busybox
	sl run --name keep --net none busybox true
	run sl image rm busybox
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image rm: image \`busybox\` is used by container \`keep\`: remove it first (sublet rm keep)" ]
	sl rm keep
	run sl image rm busybox
	[ "$status" -eq 0 ]
}

@test "import refusals: missing path, not an image, bad name" {
	run sl image import "$UTMP/nope"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: \`$UTMP/nope\`: No such file or directory" ]
	as_user mkdir "$UTMP/empty"
	run sl image import "$UTMP/empty"
	[ "$status" -eq 1 ]
	[[ "$output" == *"neither an OCI image layout nor a docker archive" ]]
	run sl image import --name '../x' "$RUN_IMAGE_DIR/busybox"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: invalid name \`../x\`" ]
	run sl image rm nothing
	[ "$status" -eq 1 ]
	[[ "$output" == *"image \`nothing\` not found"* ]]
	run sl image frob
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image: expected import, ls, rm or prune (see --help)" ]
}

@test "import refusals: manifest members of the wrong type are errors, not crashes" {
	python3 - "$UTMP" <<'PY'
import hashlib, io, json, os, sys, tarfile
top = sys.argv[1]
def add(t, name, data):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w") as l:
    add(l, "hello", b"hi\n")
layer = layer.getvalue()
diff = "sha256:" + hashlib.sha256(layer).hexdigest()
def docker(name, entry):
    with tarfile.open(os.path.join(top, name), "w") as t:
        add(t, "manifest.json", json.dumps([entry]).encode())
        add(t, "c.json", json.dumps({"rootfs": {"diff_ids": [diff]}}).encode())
        add(t, "l.tar", layer)
docker("layers-string.tar", {"Config": "c.json", "Layers": "l.tar"})
docker("layers-object.tar", {"Config": "c.json", "Layers": [{"a": 1}]})
docker("tags-string.tar", {"Config": "c.json", "Layers": ["l.tar"], "RepoTags": "x"})
# an OCI layout whose manifest has an object for layers, and whose
# config has a string for rootfs.diff_ids
d = os.path.join(top, "oci"); b = os.path.join(d, "blobs", "sha256")
os.makedirs(b)
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(b, h), "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
cfg = blob(json.dumps({"rootfs": {"diff_ids": "x"}}).encode())
man = blob(json.dumps({"config": cfg, "layers": {"a": 1}}).encode())
json.dump({"manifests": [man]}, open(os.path.join(d, "index.json"), "w"))
open(os.path.join(d, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
	chown -R "$(test_uid):$(test_gid)" "$UTMP"
	run sl image import "$UTMP/layers-string.tar"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: manifest.json: Layers: expected an array" ]
	run sl image import "$UTMP/layers-object.tar"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: manifest.json: Layers[0]: expected a string" ]
	run sl image import "$UTMP/oci"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: image manifest: layers: expected an array" ]
	# RepoTags of another type only loses the name
	run sl image import --name tags "$UTMP/tags-string.tar"
	[ "$status" -eq 0 ]
	[ "$(cat "$UTMP"/data/sublet/layers/*/diff/hello)" = hi ]
}

@test "import an oci-archive (a tar of an OCI layout), named by its annotations" {
	as_user tar -C "$RUN_IMAGE_DIR/busybox" -cf "$UTMP/bb.tar" .
	run sl image import "$UTMP/bb.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	# ref.name is a bare tag ("latest"): named after the file
	[ "$output" = bb ]
	run sl run --rm --net none bb echo from-oci-archive
	[ "$output" = from-oci-archive ]
	# a full name in the annotations names the image
	as_user cp -r "$RUN_IMAGE_DIR/busybox" "$UTMP/named"
	as_user chmod -R u+w "$UTMP/named"
	as_user sh -c "jq -c '.manifests[0].annotations[\"org.opencontainers.image.ref.name\"] = \"example.org/tools/bb:1.36\"' $UTMP/named/index.json >$UTMP/i && mv $UTMP/i $UTMP/named/index.json"
	as_user tar -C "$UTMP/named" -cf "$UTMP/named.tar" .
	run sl image import "$UTMP/named.tar"
	[ "$status" -eq 0 ]
	[ "$output" = example.org/tools/bb:1.36 ]
	run sl image import "$UTMP/named"
	[ "$output" = example.org/tools/bb:1.36 ]
}

@test "import refuses a file that is no image at all" {
	as_user sh -c "echo hello >$UTMP/notes.txt"
	run sl image import "$UTMP/notes.txt"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: \`$UTMP/notes.txt\`: not an image: neither an OCI image layout, an oci-archive, a docker archive nor a root filesystem tar" ]
}

@test "busybox is installed with the programs: run finds it with an empty store" {
	[ -f "$SUBLET_PREFIX/share/sublet/images/busybox/index.json" ]
	AS_USER_ENV="XDG_DATA_HOME=$UTMP/fresh XDG_RUNTIME_DIR=$UTMP/run HOME=$UTMP"
	run sl run --rm --net none busybox echo hi
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sublet: importing \`busybox\` from $(readlink -f "$SUBLET_PREFIX")/share/sublet/images/busybox" ]
	[ "${lines[1]}" = hi ]
	# imported once: the next run says nothing more
	run sl run --rm --net none busybox echo again
	[ "$output" = again ]
	# only names of installed images: anything else is still not found
	run sl run --rm --net none nothing true
	[ "$status" -eq 125 ]
	[[ "$output" == "sublet: image \`nothing\` not found"* ]]
}

@test "import draws a progress line on a terminal, and nothing elsewhere" {
	run sl image import --name quiet "$RUN_IMAGE_DIR/busybox"
	[ "$output" = quiet ]
	run script -qec "$(declare -f as_user is_root test_uid test_gid); AS_USER_ENV='$AS_USER_ENV' UTMP='$UTMP' TEST_USER='$TEST_USER' SUBLET_PREFIX='$SUBLET_PREFIX' as_user $SUBLET image import --name tty $RUN_IMAGE_DIR/busybox" /dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ importing\ layer\ 1/1,\ [0-9.]+\ MiB\ at\ [0-9.]+\ MiB/s ]]
	[[ "$output" == *tty* ]]
}
