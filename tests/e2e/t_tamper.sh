#!/bin/bash
# t_tamper.sh - wipecert verify must notice a changed byte, a record of
# another device and a malformed record, and pass again once the byte is
# restored.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd blkid losetup blockdev sfdisk mke2fs

make_image "$WORK/a.img" 16 E2E-A
make_image "$WORK/b.img" 20 E2E-B
attach_to dev "$WORK/a.img"
attach_to devb "$WORK/b.img"
mkdir -p "$WORK/out-a" "$WORK/out-b"

wcert wipe "$dev" --method zero --yes --confirm "$dev" --output-dir "$WORK/out-a"
assert_rc 0 "zero wipe of $dev"
record_in rec "$WORK/out-a"
wcert wipe "$devb" --method random --yes --confirm "$devb" --output-dir "$WORK/out-b"
assert_rc 0 "random wipe of $devb"
record_in recb "$WORK/out-b"

wcert verify "$dev" --expect zero --full
assert_rc 0 "untouched device verifies (--full)"
wcert verify "$dev" --expect "$rec" --json
assert_rc 0 "verify --expect RECORD --json"
# wipecert-verify(8): --json prints "the keys of the verification object
# described in wipecert-record(5)".
assert_json "$OUT" 'keys_unsorted == ["mode","pattern","seed","plan","bytes_read","coverage_ppm","elapsed_ms","mismatches","unreadable","signature_probe"]' \
	"verify --json has the keys of the record's verification object"
assert_json "$OUT" '.mode == "sample" and .pattern == "zero" and .mismatches.sectors == 0' \
	"verify --json: mode sample, pattern zero, no mismatch"

# One byte in the first MiB, which every sample plan reads: sector 8.
off1=$((8 * 512 + 17))
write_byte "$dev" "$off1" 5a
assert_eq "$(read_byte "$dev" "$off1")" 5a "byte at $off1 changed"
wcert verify "$dev" --expect zero
assert_rc 1 "verify --expect zero after a change in the first MiB"
assert_out "mismatch" "verify names a mismatch"
wcert verify "$dev" --expect zero --json
assert_rc 1 "verify --json after the change"
assert_json "$OUT" '.mismatches.sectors == 1 and .mismatches.ranges == [[8, 1]]' \
	"--json gives the mismatched sector as [[8, 1]]"
wcert verify "$dev" --expect "$rec"
assert_rc 1 "verify --expect RECORD after the change"
write_byte "$dev" "$off1" 00

# One byte in the middle: a sample may miss it, a full read may not.
size=$(size_of "$dev")
off2=$((size / 2 + 12345))
sec2=$((off2 / 512))
write_byte "$dev" "$off2" 01
wcert verify "$dev" --expect zero --full --json
assert_rc 1 "verify --full after a change in the middle"
assert_json "$OUT" '.mismatches.ranges == [[$s, 1]]' \
	"--full names sector $sec2" --argjson s "$sec2"
wcert verify "$dev" --expect "$rec" --full
assert_rc 1 "verify --expect RECORD --full after a change in the middle"
assert_out "mismatch" "verify names a mismatch"

# Restored: verifies again.
write_byte "$dev" "$off2" 00
wcert verify "$dev" --expect zero --full
assert_rc 0 "verify --full after restoring the byte"
wcert verify "$dev" --expect "$rec" --full
assert_rc 0 "verify --expect RECORD --full after restoring the byte"

# A record of another device.
wcert verify "$dev" --expect "$recb"
assert_rc 1 "verify against another device's record"
assert_out "another|mismatch|differ|does not match" "says the record does not fit"

# Malformed and invalid records: status 6.
head -c 200 "$rec" >"$WORK/truncated.json"
wcert verify "$dev" --expect "$WORK/truncated.json"
assert_rc 6 "truncated record"
printf '{"schema": "wipecert.record/1", "id": ' >"$WORK/garbage.json"
printf '\x00\xff\xfe not json' >>"$WORK/garbage.json"
wcert verify "$dev" --expect "$WORK/garbage.json"
assert_rc 6 "garbage record"
printf '{"hello": "world"}\n' >"$WORK/other.json"
wcert verify "$dev" --expect "$WORK/other.json"
assert_rc 6 "JSON that is not a record"
jq '.schema = "wipecert.record/99"' "$rec" >"$WORK/schema.json"
wcert verify "$dev" --expect "$WORK/schema.json"
assert_rc 6 "record with an unknown schema"
jq '.technique.passes[-1].pattern = "no-such-pattern"' "$rec" >"$WORK/pattern.json"
wcert verify "$dev" --expect "$WORK/pattern.json"
assert_rc 6 "record with an unknown pattern"
{ cat "$rec"; printf '{}\n'; } >"$WORK/trailing.json"
wcert verify "$dev" --expect "$WORK/trailing.json"
assert_rc 6 "record followed by a second document"

# Usage errors of verify.
wcert verify "$dev"
assert_rc 2 "verify without --expect"
wcert verify "$dev" --expect random:1234
assert_rc 2 "verify --expect random: with a short seed"

# Everything back as it was: a final check.
wcert verify "$dev" --expect "$rec"
assert_rc 0 "verify --expect RECORD at the end"

finish
