#!/bin/bash
# t_refuse.sh - what wipe must refuse, and usage errors: nothing may be
# written in any of these cases.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd blkid losetup blockdev sfdisk mke2fs mkswap swapon swapoff mount umount

out=$WORK/out
mkdir -p "$out"
img_sum() { sha256sum "$1" | cut -d' ' -f1; }

# A good device with a GPT and ext4, used for the confirmation cases.
make_image "$WORK/good.img" 16 E2E-GOOD
attach_to good "$WORK/good.img"
sum0=$(img_sum "$WORK/good.img")
unchanged() {	# unchanged MSG: the good image is as made, and no record
	assert_eq "$(img_sum "$WORK/good.img")" "$sum0" "$1: image unchanged"
	assert_eq "$(count_records "$out")" 0 "$1: no record written"
}

# Mounted.
make_plain "$WORK/mnt.img" $((16 * 1024 * 1024))
attach_to mdev "$WORK/mnt.img"
mkfs_dev "$mdev" E2E-MNT
mount_dev "$mdev" "$WORK/mnt"
printf 'keep me\n' >"$WORK/mnt/keep.txt"
sync
wcert wipe "$mdev" --method zero --yes --confirm "$mdev" --output-dir "$out"
assert_rc 3 "mounted device refused"
assert_out "mounted" "message says mounted"
assert_true "the mounted filesystem still has its file" \
	grep -q 'keep me' "$WORK/mnt/keep.txt"

# Active swap.
make_plain "$WORK/swap.img" $((16 * 1024 * 1024))
attach_to sdev "$WORK/swap.img"
swapon_dev "$sdev"
wcert wipe "$sdev" --method zero --yes --confirm "$sdev" --output-dir "$out"
assert_rc 3 "active swap refused"
assert_out "swap" "message says swap"
assert_true "still active swap" grep -q "^$sdev " /proc/swaps

# list --json while these are in use.
wcert list --json
assert_rc 0 "list --json"
cp "$OUT" "$WORK/list.json"
assert_json "$WORK/list.json" 'type == "array"' "list --json is an array"
assert_json "$WORK/list.json" '.[] | select(.path == $d) | .refused | test("mounted")' \
	"list: the mounted device is refused, 'mounted'" --arg d "$mdev"
assert_json "$WORK/list.json" '.[] | select(.path == $d) | .refused | test("swap")' \
	"list: the swap device is refused, 'swap'" --arg d "$sdev"
assert_json "$WORK/list.json" '.[] | select(.path == $d) | .refused == null' \
	"list: the free loop device is not refused" --arg d "$good"
assert_json "$WORK/list.json" '.[] | select(.path == $d) | has("path") and has("model") and has("serial") and has("size_bytes") and has("transport")' \
	"list: path/model/serial/size_bytes/transport keys" --arg d "$good"
assert_json "$WORK/list.json" '.[] | select(.path == $d) | .transport == "loop" and .kind == "loop" and .size_bytes == 16777216' \
	"list: transport loop, kind loop, size" --arg d "$good"

# A nonexistent target.
nx=/dev/wipecert-e2e-no-such-device-$$
allow_nonexistent "$nx"
wcert wipe "$nx" --method zero --yes --confirm "$nx" --output-dir "$out"
assert_rc 4 "nonexistent target"
assert_out "no such" "message says no such"
wcert verify "$nx" --expect zero
assert_rc 4 "verify of a nonexistent target"

# Confirmations and usage errors on the good device.
wcert wipe "$good" --method zero --yes --confirm WRONG --output-dir "$out"
assert_rc 3 "--confirm WRONG refused"
run blkid -p "$good"
assert_rc 0 "blkid -p still finds the GPT"
run blkid -p -O 1048576 -s LABEL -o value "$good"
assert_eq "$(cat "$OUT")" E2E-GOOD "blkid -p still finds the ext4 label"
unchanged "--confirm WRONG"

wcert wipe "$good" --method zero --yes --output-dir "$out"
assert_rc 2 "--yes without --confirm"
unchanged "--yes without --confirm"

wcert wipe "$good" --method zero --yes --confirm "$good" --confirm "$good" --output-dir "$out"
assert_rc 2 "two --confirm for one target"
unchanged "two --confirm"

wcert wipe "$good" --method no-such-method --yes --confirm "$good" --output-dir "$out"
assert_rc 2 "unknown method"
assert_out "method" "message names the method"
unchanged "unknown method"

wcert wipe "$good" --method zero --verify sometimes --yes --confirm "$good" --output-dir "$out"
assert_rc 2 "unknown --verify mode"
unchanged "unknown --verify mode"

wcert wipe "$good" --method zero --yes --confirm "$good" --output-dir "$out" --no-such-option
assert_rc 2 "unknown option"
unchanged "unknown option"

wcert wipe
assert_rc 2 "wipe without a target"

# The image file of an attached loop device.
wcert wipe "$WORK/good.img" --method zero --yes --confirm "$WORK/good.img" --output-dir "$out"
assert_rc 3 "image file attached to a loop device refused"
unchanged "attached image file"

# The same device twice.
wcert wipe "$good" "$good" --method zero --yes --confirm "$good" --confirm "$good" --output-dir "$out"
assert_rc 2 "the same device twice is a usage error"
unchanged "same device twice"

# Output folder missing, and on tmpfs.
wcert wipe "$good" --method zero --yes --confirm "$good" --output-dir "$WORK/no-such-dir"
assert_rc 8 "missing output folder"
unchanged "missing output folder"
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
	shm=$(mktemp -d /dev/shm/wipecert-e2e.XXXXXX)
	reg_tmpdir "$shm"
	wcert wipe "$good" --method zero --yes --confirm "$good" --output-dir "$shm"
	assert_rc 8 "output folder on tmpfs refused"
	assert_eq "$(count_records "$shm")" 0 "no record on tmpfs"
	unchanged "output folder on tmpfs"
fi

# The interactive prompt: a wrong answer, then the right one.
wcert_stdin $'wrong\n' wipe "$good" --method zero --output-dir "$out"
assert_rc 3 "wrong path typed at the prompt"
unchanged "wrong answer at the prompt"
wcert_stdin "" wipe "$good" --method zero --output-dir "$out"
assert_rc 3 "no answer (end of input) at the prompt"
unchanged "no answer at the prompt"
wcert_stdin "$good"$'\n' wipe "$good" --method zero --output-dir "$out"
assert_rc 0 "right path typed at the prompt"
assert_out "$good" "the prompt names the path to type"
assert_eq "$(count_records "$out")" 1 "one record after the confirmed wipe"
run blkid -p "$good"
assert_rc 2 "blkid -p finds nothing after the confirmed wipe"

finish
