#!/bin/bash
# t_list.sh - wipecert list and list --json on a GPT+ext4 loop device.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd losetup blockdev sfdisk mke2fs

make_image "$WORK/l.img" 24 E2E-LIST
attach_to dev "$WORK/l.img"
name=${dev#/dev/}

wcert list
assert_rc 0 "list"
assert_true "list (table) names $dev" grep -q "^$dev " "$OUT"
assert_true "list (table) shows the GPT and the ext4 label" \
	grep -A1 "^$dev " "$OUT" | grep -q 'gpt.*ext4.*E2E-LIST'
assert_true "list (table) shows $dev may be erased" \
	bash -c "grep -A1 '^$dev ' '$OUT' | grep -qv REFUSED"

wcert list --json
assert_rc 0 "list --json"
L=$WORK/list.json
cp "$OUT" "$L"
assert_json "$L" 'type == "array" and length >= 1' "list --json is a JSON array"
assert_json "$L" 'map(select(.path == $d)) | length == 1' "$dev listed once" --arg d "$dev"
assert_json "$L" 'map(keys_unsorted | map(select(. != "probe_error"))) | unique == [["path","name","kind","vendor","model","serial","firmware","wwn","size_bytes","logical_sector_size","physical_sector_size","transport","identity_source","rotational","removable","readonly","contents","refused","security","hidden_areas","drive_reported"]]' \
	"every object has the documented keys in the documented order"
D=$WORK/dev.json
jq --arg d "$dev" '.[] | select(.path == $d)' "$L" >"$D"
assert_json "$D" '.name == $n and .kind == "loop" and .transport == "loop"' \
	"name $name, kind loop, transport loop" --arg n "$name"
assert_json "$D" '.size_bytes == 25165824 and .logical_sector_size == 512' "size and sector size"
assert_json "$D" '.refused == null' "not refused"
assert_json "$D" '(.rotational | type) == "boolean" and (.removable | type) == "boolean"' \
	"rotational and removable are booleans"
assert_json "$D" '.contents.pttype == "gpt" and (.contents.ptuuid | type) == "string"' \
	"contents: pttype gpt with a ptuuid"
assert_json "$D" '[.contents.items[] | select(.type == "ext4" and .label == "E2E-LIST" and .offset == 1048576 and .partno == 1)] | length == 1' \
	"contents: ext4 'E2E-LIST' at offset 1048576, partition 1"
assert_json "$D" '.contents.items | map(has("partno") and has("offset") and has("size") and has("type") and has("label") and has("uuid") and has("part_name")) | all' \
	"contents items have the documented keys"
uuid=$(blkid -p -O 1048576 -s UUID -o value "$dev")
assert_json "$D" '.contents.items[] | select(.type == "ext4") | .uuid == $u' \
	"contents: the ext4 UUID is blkid's" --arg u "$uuid"
assert_json "$L" 'map(select(.kind == "zram" or .kind == "ram")) | map(.refused != null) | all' \
	"zram and RAM disks are refused"
assert_json "$L" 'map(select(.size_bytes == 0)) | map(.refused != null) | all' \
	"zero-size devices are refused"
assert_json "$L" 'map(select(.refused != null) | .refused | type == "string") | all' \
	"refused is null or a string"

wcert list --no-such-option
assert_rc 2 "list with an unknown option"
wcert list --help
assert_rc 0 "list --help"

finish
