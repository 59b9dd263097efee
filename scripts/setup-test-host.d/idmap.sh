# setup-test-host.d/idmap.sh - extra users for sublet-idmap's tests.
# Sourced by scripts/setup-test-host as root; idempotent.
#
# sublet-idmap-multi: several ranges in /etc/subuid and /etc/subgid, by
#   name and by numeric uid, two of them end to end (200000-201499), a gap,
#   then 300000-300999; plus malformed lines that must grant nothing.
#   Every line keeps three fields, so other parsers of these files
#   (containers/storage) still read them.
# sublet-idmap-none: no subid entries at all.

for idmap_u in sublet-idmap-multi sublet-idmap-none; do
	if ! id -u "$idmap_u" >/dev/null 2>&1; then
		# -K ...=0: no automatic subid allotment from login.defs
		useradd --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin -K SUB_UID_COUNT=0 \
			-K SUB_GID_COUNT=0 "$idmap_u"
	fi
done
idmap_uid=$(id -u sublet-idmap-multi)
for idmap_f in /etc/subuid /etc/subgid; do
	touch "$idmap_f"
	if ! grep -qx '# sublet-idmap tests: sublet-idmap-multi' "$idmap_f"; then
		cat >>"$idmap_f" <<EOT
# sublet-idmap tests: sublet-idmap-multi
sublet-idmap-multi:200000:1000
$idmap_uid:300000:1000
sublet-idmap-multi:201000:500
sublet-idmap-multi:abc:10
sublet-idmap-multi:-5:10
sublet-idmap-multi:400000:0
sublet-idmap-multi:4294967000:1000
EOT
	fi
done
unset idmap_u idmap_uid idmap_f
