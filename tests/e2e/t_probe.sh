#!/bin/bash
# t_probe.sh - `wipecert probe` on saved identify dumps: the real ones of
# ../shared/fixtures (raw and hdparm's hex words) against hdparm's own
# decoding, and bad input with the documented exit statuses.  No device.
# e2e: no-root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
e2e_init

FIX=${WIPECERT_FIXTURES:-$ROOT/../shared/fixtures}

say "## bad input"
make_plain "$WORK/short.bin" 100
run "$WIPECERT" probe --ata-identify "$WORK/short.bin"
assert_rc 2 "a 100-byte file is no IDENTIFY dump"
truncate -s 512 "$WORK/zero.bin"
run "$WIPECERT" probe --ata-identify "$WORK/zero.bin"
assert_rc 2 "512 zero bytes hold no IDENTIFY data"
run "$WIPECERT" probe --ata-identify "$WORK/missing.bin"
assert_rc 4 "a missing file"
run "$WIPECERT" probe
assert_rc 2 "no dump given"
run "$WIPECERT" probe --ata-identify "$WORK/zero.bin" --nvme-id-ctrl "$WORK/zero.bin"
assert_rc 2 "two dumps at once"

if [ ! -d "$FIX/ata" ] || [ ! -d "$FIX/nvme" ]; then
	say "skipped: fixtures $FIX not found"
	finish
fi

say "## ATA dumps, raw and as hdparm words"
n=0
for bin in "$FIX"/ata/*.bin; do
	name=${bin%.bin}
	exp=$name.expected.json
	run "$WIPECERT" probe --ata-identify "$bin" --json
	[ "$RC" -eq 0 ] || { not_ok "$(basename "$bin"): exit $RC"; continue; }
	cp "$OUT" "$WORK/p.json"
	got=$(jq -c '[.model, .serial, .firmware, .security.frozen // false, .drive_reported.identify_checksum_ok]' "$WORK/p.json")
	want=$(jq -c '[.hdparm.model, .hdparm.serial, .hdparm.firmware, .hdparm.security.frozen // false, (.hdparm.checksum == "correct")]' "$exp")
	assert_eq "$got" "$want" "$(basename "$name"): model, serial, firmware, frozen, checksum as hdparm"
	run "$WIPECERT" probe --ata-identify "$name.words.txt" --json
	assert_eq "$(jq -c . "$OUT")" "$(jq -c . "$WORK/p.json")" \
		"$(basename "$name"): the hex words decode the same"
	n=$((n + 1))
done
assert_true "every ATA dump probed ($n)" test "$n" -ge 20

say "## NVMe"
c=$FIX/nvme/fwupd_TOSHIBA_THNSN5512GPU7--410557LA_REDACTED-SERIAL.id-ctrl.bin
ns=$FIX/nvme/ecclesia_Intel_nsid8_4KiB_1GiB.id-ns.bin
run "$WIPECERT" probe --nvme-id-ctrl "$c" --nvme-id-ns "$ns" --json
assert_rc 0 "nvme: id-ctrl and id-ns"
cp "$OUT" "$WORK/n.json"
assert_json "$WORK/n.json" '.kind == "nvme-identify" and .model == "THNSN5512GPU7 TOSHIBA" and .size_bytes == 1073741824 and .logical_sector_size == 4096' \
	"nvme: model, and size from the namespace"
assert_json "$WORK/n.json" '.auto.method == "nvme-format-user" and .auto.nist_category == "Purge" and (.drive_reported.capabilities | index("nvme-format-user"))' \
	"nvme: Format supported, auto would use it"
run "$WIPECERT" probe --nvme-id-ctrl "$c"
assert_rc 0 "nvme: text output"
assert_out 'oacs +0x0007 \(Format NVM supported\)' "nvme: OACS decoded"

finish
