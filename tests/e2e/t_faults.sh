#!/bin/bash
# t_faults.sh - real I/O errors through the block layer: a loop device
# over a FUSE file (build/faultfs) that fails chosen byte ranges.  Write
# errors must be retried sector by sector, the failing LBAs recorded
# exactly, the erase carried on, and the result "fail" (exit 1); read
# errors during verification likewise.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd losetup jq
FAULTFS=$ROOT/build/faultfs
if [ ! -x "$FAULTFS" ] || [ ! -e /dev/fuse ] ||
    ! command -v fusermount3 >/dev/null 2>&1; then
	say "skipped: $T_NAME needs build/faultfs, /dev/fuse and fusermount3"
	_CLEANED=1
	exit 77
fi

# start_faultfs MNT BACKING ARGS...: mount a faulty view of BACKING.
start_faultfs() {
	local mnt=$1 back=$2 n
	shift 2
	mkdir -p "$mnt"
	"$FAULTFS" "$back" "$mnt" -f "$@" &
	reg_pid $!
	_MOUNTS+=("$mnt")
	for n in $(seq 50); do
		[ -f "$mnt/disk" ] && return 0
		sleep 0.1
	done
	die "faultfs did not come up on $mnt"
}

# stop_faultfs DEV MNT: detach the loop device, then unmount.
stop_faultfs() {
	detach "$1"
	fusermount3 -u "$2" || umount -l "$2"
}

# zeros_at FILE OFF LEN: LEN bytes at OFF of FILE are all zero.
zeros_at() {
	dd if="$1" bs=512 skip=$(($2 / 512)) count=$(($3 / 512)) status=none |
		cmp -s -n "$3" - /dev/zero
}

MIB=1048576
truncate -s $((32 * MIB)) "$WORK/back.img"
out=$WORK/out
mkdir -p "$out"

# -- write errors: 4 KiB at 8 MiB and 1 KiB at 20 MiB --------------------
start_faultfs "$WORK/mnt" "$WORK/back.img" \
	-w $((8 * MIB)):4096 -w $((20 * MIB)):1024
attach_to dev "$WORK/mnt/disk"
wcert wipe "$dev" --method zero --yes --confirm "$dev" --output-dir "$out"
assert_rc 1 "a wipe with unwritable sectors exits 1"
assert_out "erase FAILED" "the failure is said on stderr"
record_in rec "$out"
assert_json "$rec" '.result == "fail"' "record result fail"
assert_json "$rec" '.technique.passes[0].unwritable.ranges == [[16384, 8], [40960, 2]]' \
	"exactly the failing LBAs are recorded (8 at 16384, 2 at 40960)"
assert_json "$rec" '.technique.passes[0].unwritable.sectors == 10' \
	"10 unwritable sectors counted"
assert_json "$rec" '.technique.passes[0].bytes_written == 33554432 - 5120' \
	"every other byte was written (the erase went on)"
assert_json "$rec" '[.errors[] | select(.stage == "erase")] | length >= 1' \
	"the record lists the erase error"
# The good sectors just around the bad ones really were erased.
assert_true "sectors beside the bad range hold zeros" \
	zeros_at "$WORK/back.img" $((8 * MIB - 512)) 512
assert_true "sectors after the bad range hold zeros" \
	zeros_at "$WORK/back.img" $((8 * MIB + 4096)) 512
assert_eq "$(find "$out" -name '*.pdf' | wc -l)" 0 "no certificate for a failed erase"
stop_faultfs "$dev" "$WORK/mnt"

# -- read errors during a full verification -------------------------------
rm -f "$out"/*.json
start_faultfs "$WORK/mnt2" "$WORK/back.img" -r $((24 * MIB)):512
attach_to dev2 "$WORK/mnt2/disk"
wcert wipe "$dev2" --method one --verify full --yes --confirm "$dev2" \
	--output-dir "$out"
assert_rc 1 "a wipe whose read-back hits an unreadable sector exits 1"
record_in rec2 "$out"
assert_json "$rec2" '.result == "fail"' "record result fail"
assert_json "$rec2" '.verification.unreadable.ranges == [[49152, 1]]' \
	"the unreadable LBA is recorded"
assert_json "$rec2" '.verification.mismatches.sectors == 0' \
	"an unreadable sector is not also counted as a mismatch"
wcert verify "$dev2" --expect one --full
assert_rc 1 "wipecert verify --full fails on the unreadable sector"
stop_faultfs "$dev2" "$WORK/mnt2"

finish
