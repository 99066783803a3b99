# shellcheck shell=bash
# shellcheck disable=SC2016
# lib.sh - helpers for the end-to-end tests, sourced by every t_*.sh.
#
# A test sources this file, calls e2e_init (and need_root when it uses
# loop devices), makes its images with make_image, attaches them with
# attach_to, runs wipecert through wcert (which refuses any device path the
# test did not create), checks results with the assert_* helpers and
# ends with finish.  Everything a test creates is registered and undone
# by the EXIT/INT/TERM/HUP trap, whether the test passes or fails:
# background processes are killed, mounts unmounted, swap turned off,
# loop devices detached and image files removed.
#
# SAFETY: the only devices a test may touch are loop devices it attached
# itself, with attach_to, to image files it made under its work folder.
# guard_dev enforces that before wipecert, dd, mkfs or mkswap see a
# device path.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
WIPECERT=$ROOT/wipecert
T_NAME=$(basename "$0" .sh)
# One folder per run (T.PID), so that two runs never share one.
WORK_BASE=$ROOT/build/e2e
WORK=$WORK_BASE/$T_NAME.$$

T_PASS=0
T_FAIL=0
_LOOPS=()	# loop devices attached by this test
_BACKS=()	# their backing files, same index
_MOUNTS=()
_SWAPS=()
_PIDS=()
_TMPDIRS=()	# folders outside WORK (e.g. on /dev/shm) to remove
_ALLOWED=()	# extra paths wcert may pass (nonexistent devices)
_CLEANED=0
_WC_SHA=

# Output of the last wcert / run: $OUT and $ERR are files, $RC the status.
OUT=
ERR=
RC=0

# ---- messages ---------------------------------------------------------

say() { printf '%s\n' "$*"; }
ok() {
	T_PASS=$((T_PASS + 1))
	printf 'ok   - %s\n' "$*"
}
not_ok() {
	T_FAIL=$((T_FAIL + 1))
	printf 'FAIL - %s\n' "$*"
}
# Print the last command's output, indented, for a failure report.
show_last() {
	[ -n "$OUT" ] && [ -s "$OUT" ] && sed 's/^/       stdout: /' "$OUT" | head -20
	[ -n "$ERR" ] && [ -s "$ERR" ] && sed 's/^/       stderr: /' "$ERR" | head -20
	return 0
}
# A failure after which the test cannot go on.
die() {
	not_ok "$*"
	show_last
	finish
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Is process $1 running (neither gone nor a zombie)?
alive() {
	local st
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# Exit 77 (skipped) unless root.
need_root() {
	if ! is_root; then
		say "skipped: $T_NAME needs root (loop devices)"
		_CLEANED=1
		exit 77
	fi
}

need_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			say "skipped: $T_NAME needs $c"
			_CLEANED=1
			exit 77
		fi
	done
}

# ---- set-up and clean-up ----------------------------------------------

e2e_init() {
	local w p
	[ -x "$WIPECERT" ] || { say "FAIL - $WIPECERT not built"; exit 1; }
	need_cmd jq sha256sum cmp od truncate
	# Leftovers of earlier runs of this test whose process is gone (a
	# kill -9, a kept failure): mounts under them are unmounted, swap on
	# and loop devices over their own image files (only those) undone,
	# and the folders removed.
	for w in "$WORK_BASE/$T_NAME".*; do
		[ -d "$w" ] || continue
		p=${w##*.}
		case "$p" in '' | *[!0-9]*) continue ;; esac
		[ "$p" != $$ ] && alive "$p" && continue
		_clean_leftovers "$w"
	done
	mkdir -p "$WORK/bin" || exit 1
	# Run a copy, so that a rebuild of ./wipecert during the run does
	# not change the program under test half-way.
	cp "$WIPECERT" "$WORK/bin/wipecert" || exit 1
	WIPECERT=$WORK/bin/wipecert
	trap '_cleanup' EXIT
	trap '_interrupted INT; exit 130' INT
	trap '_interrupted TERM; exit 143' TERM
	trap '_interrupted HUP; exit 129' HUP
	say "# $T_NAME ($(is_root && echo root || echo "not root"))"
}

_clean_leftovers() {
	local w=$1 f d e
	# Programs still running from that run's copy of wipecert.
	for d in /proc/[0-9]*; do
		e=$(readlink "$d/exe" 2>/dev/null) || continue
		case "$e" in "$w/bin/wipecert" | "$w/bin/wipecert (deleted)")
			kill -KILL "${d#/proc/}" 2>/dev/null ;;
		esac
	done
	if is_root; then
		while IFS= read -r d; do
			umount "$d" 2>/dev/null || umount -l "$d" 2>/dev/null
		done < <(awk -v w="$w/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
		while IFS= read -r f; do
			for d in $(losetup -n -O NAME -j "$f" 2>/dev/null); do
				grep -q "^$d " /proc/swaps && swapoff "$d"
				losetup -d "$d" 2>/dev/null
			done
		done < <(find "$w" -type f -name '*.img' 2>/dev/null)
	fi
	rm -rf "$w"
}

_interrupted() {
	not_ok "interrupted by SIG$1"
	_cleanup
	say "# $T_NAME: $T_PASS passed, $T_FAIL failed"
}

_cleanup() {
	local i p n
	[ "$_CLEANED" -eq 1 ] && return 0
	_CLEANED=1
	for p in "${_PIDS[@]}"; do
		if alive "$p"; then
			kill -TERM "$p" 2>/dev/null
			for n in 1 2 3 4 5 6 7 8 9 10; do
				alive "$p" || break
				sleep 0.2
			done
			kill -KILL "$p" 2>/dev/null
		fi
		wait "$p" 2>/dev/null
	done
	for ((i = ${#_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${_MOUNTS[i]}" 2>/dev/null ||
			umount -l "${_MOUNTS[i]}" 2>/dev/null
	done
	for p in "${_SWAPS[@]}"; do
		grep -q "^$p " /proc/swaps 2>/dev/null && swapoff "$p"
	done
	for ((i = ${#_LOOPS[@]} - 1; i >= 0; i--)); do
		# Detach only if it is still backed by our own file.
		if [ "$(losetup -n -O BACK-FILE "${_LOOPS[i]}" 2>/dev/null |
		    sed 's/ *$//')" = "${_BACKS[i]}" ]; then
			losetup -d "${_LOOPS[i]}" 2>/dev/null
		fi
	done
	for p in "${_TMPDIRS[@]}"; do
		rm -rf "$p"
	done
	# Image files are removed; records and logs stay for a look after
	# a failure, and are removed after a pass.
	if [ "$T_FAIL" -eq 0 ]; then
		rm -rf "$WORK"
	else
		find "$WORK" -type f -name '*.img' -delete 2>/dev/null
		say "# kept records and logs in $WORK"
	fi
	return 0
}

# Register a background pid to kill on exit.
reg_pid() { _PIDS+=("$1"); }
# Register a folder outside WORK (such as /dev/shm/...) to remove.
reg_tmpdir() { _TMPDIRS+=("$1"); }
# Allow a path that must not exist to be given to wipecert.
allow_nonexistent() {
	[ -e "$1" ] && die "allow_nonexistent: $1 exists"
	_ALLOWED+=("$1")
}

# Is $1 one of the loop devices this test attached?
is_our_loop() {
	local d
	for d in "${_LOOPS[@]}"; do
		[ "$d" = "$1" ] && return 0
	done
	return 1
}

# Die unless $1 is a loop device we attached (still backed by our file).
guard_dev() {
	local i
	for ((i = 0; i < ${#_LOOPS[@]}; i++)); do
		if [ "${_LOOPS[i]}" = "$1" ] &&
		    [ "$(losetup -n -O BACK-FILE "$1" 2>/dev/null |
			sed 's/ *$//')" = "${_BACKS[i]}" ]; then
			return 0
		fi
	done
	say "FAIL - SAFETY: refusing to touch '$1': not a loop device of this test"
	T_FAIL=$((T_FAIL + 1))
	exit 1
}

# Die if any argument is a device (or a /dev path) that is not ours.
_guard_args() {
	local a p ok_
	for a in "$@"; do
		case "$a" in
		/dev/*) ;;
		*) [ -b "$a" ] || [ -c "$a" ] || continue ;;
		esac
		ok_=0
		for p in "${_ALLOWED[@]}"; do
			[ "$a" = "$p" ] && ok_=1
		done
		for p in "${_TMPDIRS[@]}"; do
			case "$a" in "$p" | "$p"/*) [ -b "$a" ] || ok_=1 ;; esac
		done
		[ "$ok_" -eq 1 ] && continue
		guard_dev "$a"
	done
}

# ---- images and devices -----------------------------------------------

# make_image FILE SIZE_MIB [LABEL]: a sparse image with a GPT, one
# partition from 1 MiB to the end, and an ext4 filesystem labelled LABEL
# in it holding a few small files.
make_image() {
	local img=$1 mib=$2 label=${3:-E2E-DATA} src
	case "$img" in "$WORK"/*.img) ;; *) die "make_image: $img not a .img under $WORK" ;; esac
	need_cmd sfdisk mke2fs
	src=$WORK/src.$$
	rm -rf "$src" "$img"
	mkdir -p "$src/docs"
	printf 'id,name\n1,test\n' >"$src/data.csv"
	printf 'wipecert end-to-end test data\n' >"$src/README"
	printf 'secret %s\n' "$label" >"$src/docs/secret.txt"
	truncate -s "${mib}M" "$img" || die "truncate $img"
	printf 'label: gpt\nstart=2048, type=linux\n' |
		sfdisk -q "$img" >/dev/null 2>&1 || die "sfdisk $img"
	mke2fs -q -F -t ext4 -L "$label" -d "$src" -E offset=1048576 \
		"$img" "$((mib - 2))M" >/dev/null 2>&1 || die "mke2fs $img"
	rm -rf "$src"
}

# make_plain FILE BYTES: a file filled with non-zero, non-0xff data.
make_plain() {
	local f=$1 n=$2
	head -c "$n" /dev/urandom | tr '\000\377' '\001\376' >"$f" ||
		die "make_plain $f"
	[ "$(stat -c %s "$f")" -eq "$n" ] || die "make_plain $f: wrong size"
}

# attach_to VAR FILE [LOSETUP-OPTION...]: attach FILE to a free loop
# device, register it for detaching, and set VAR to the device.
attach_to() {
	local _a_var=$1 _a_img=$2 _a_dev _a_back
	shift 2
	case "$_a_img" in "$WORK"/*) ;; *) die "attach: $_a_img is not under $WORK" ;; esac
	[ -f "$_a_img" ] || die "attach: $_a_img is not a regular file"
	_a_dev=$(losetup "$@" --find --show "$_a_img") ||
		die "losetup --find --show $_a_img"
	_a_back=$(readlink -f "$_a_img")
	_LOOPS+=("$_a_dev")
	_BACKS+=("$_a_back")
	[ "$(losetup -n -O BACK-FILE "$_a_dev" | sed 's/ *$//')" = "$_a_back" ] ||
		die "attach: $_a_dev is not backed by $_a_back"
	printf -v "$_a_var" '%s' "$_a_dev"
}

detach() {
	local i
	guard_dev "$1"
	losetup -d "$1"
	for ((i = 0; i < ${#_LOOPS[@]}; i++)); do
		[ "${_LOOPS[i]}" = "$1" ] && _LOOPS[i]=detached && _BACKS[i]=
	done
	return 0
}

mount_dev() {	# mount_dev DEV DIR
	guard_dev "$1"
	mkdir -p "$2"
	mount "$1" "$2" || die "mount $1 $2"
	_MOUNTS+=("$2")
}

swapon_dev() {
	guard_dev "$1"
	mkswap -f "$1" >/dev/null 2>&1 || die "mkswap $1"
	swapon "$1" || die "swapon $1"
	_SWAPS+=("$1")
}

mkfs_dev() {	# mkfs_dev DEV LABEL
	guard_dev "$1"
	mke2fs -q -F -t ext4 -L "$2" "$1" >/dev/null 2>&1 || die "mkfs $1"
}

# write_byte TARGET OFFSET HEXBYTE: overwrite one byte in place and push
# it past the page cache.
write_byte() {
	local t=$1 off=$2 b=$3
	[ -b "$t" ] && guard_dev "$t"
	# shellcheck disable=SC2059
	printf "\\x$b" | dd of="$t" bs=1 seek="$off" conv=notrunc \
		status=none || die "write_byte $t $off"
	sync
	[ -b "$t" ] && blockdev --flushbufs "$t"
	return 0
}

# read_byte TARGET OFFSET: two lowercase hex digits.
read_byte() {
	[ -b "$1" ] && guard_dev "$1"
	dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tx1 | tr -d ' \n'
}

size_of() {
	if [ -b "$1" ]; then
		guard_dev "$1"
		blockdev --getsize64 "$1"
	else
		stat -c %s "$1"
	fi
}

# is_filled TARGET HEXBYTE: every byte of TARGET is HEXBYTE (00 or ff).
is_filled() {
	local t=$1 b=$2 n
	[ -b "$t" ] && { guard_dev "$t"; blockdev --flushbufs "$t"; }
	n=$(size_of "$t")
	if [ "$b" = 00 ]; then
		cmp -s -n "$n" "$t" /dev/zero
	else
		tr '\000' '\377' </dev/zero | cmp -s -n "$n" "$t" -
	fi
}

# keystream_ok TARGET OFFSET LEN SEED [complement]: the LEN bytes at OFFSET
# (a multiple of 16) are the AES-128-CTR keystream of SEED, computed
# independently with openssl(1) as wipecert-verify(8) describes.
keystream_ok() {
	local t=$1 off=$2 len=$3 seed=$4 iv
	command -v openssl >/dev/null || return 0
	[ -b "$t" ] && guard_dev "$t"
	iv=$(printf '%032x' $((off / 16)))
	cmp -s <(dd if="$t" bs=1M iflag=skip_bytes,count_bytes skip="$off" \
		count="$len" status=none) \
		<(head -c "$len" /dev/zero | openssl enc -aes-128-ctr -nosalt \
			-K "$seed" -iv "$iv")
}

# ---- running ----------------------------------------------------------

_NRUN=0
# run CMD...: run any command, output in $OUT/$ERR, status in $RC.
run() {
	_NRUN=$((_NRUN + 1))
	OUT=$WORK/run$_NRUN.out
	ERR=$WORK/run$_NRUN.err
	"$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# wcert ARGS...: run wipecert, after checking every device path is ours.
wcert() {
	_guard_args "$@"
	_WC_SHA=$(sha256sum "$WIPECERT" | cut -d' ' -f1)
	run "$WIPECERT" "$@"
}

# wcert_stdin INPUT ARGS...: same, with INPUT on standard input.
wcert_stdin() {
	local in=$1
	shift
	_guard_args "$@"
	_NRUN=$((_NRUN + 1))
	OUT=$WORK/run$_NRUN.out
	ERR=$WORK/run$_NRUN.err
	printf '%s' "$in" | "$WIPECERT" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# The record paths printed on stdout by the last wipe, one a line.
printed_records() { sed -n 's/^ *record \(.*\)$/\1/p' "$OUT"; }
printed_sha256() { sed -n 's/^ *sha256 \([0-9a-f]*\)$/\1/p' "$OUT"; }

# record_in VAR DIR: set VAR to the only *.json in DIR (dies unless
# there is exactly one).
record_in() {
	local _r_n
	_r_n=$(count_records "$2")
	[ "$_r_n" -eq 1 ] || die "expected one record in $2, found $_r_n"
	printf -v "$1" '%s' "$(find "$2" -maxdepth 1 -name '*.json')"
}

count_records() { find "$1" -maxdepth 1 -name '*.json' 2>/dev/null | wc -l; }

# ---- assertions ---------------------------------------------------------

# assert_rc WANT MSG: the last command exited WANT.
assert_rc() {
	if [ "$RC" -eq "$1" ]; then
		ok "$2 (exit $RC)"
	else
		not_ok "$2: exit $RC, want $1"
		show_last
	fi
}

assert_eq() {	# assert_eq GOT WANT MSG
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3: got '$1', want '$2'"
	fi
}

# assert_true MSG CMD...: CMD succeeds.
assert_true() {
	local m=$1
	shift
	if "$@"; then ok "$m"; else not_ok "$m"; fi
}

# assert_out REGEX MSG: stdout or stderr of the last command matches
# (extended, case-insensitive).
assert_out() {
	if grep -Eqi -- "$1" "$OUT" "$ERR"; then
		ok "$2"
	else
		not_ok "$2: no /$1/ in the output"
		show_last
	fi
}

# assert_json FILE JQ-EXPR MSG [jq args...]: the expression is true.
assert_json() {
	local f=$1 e=$2 m=$3 got
	shift 3
	if got=$(jq -e "$@" "$e" "$f" 2>&1); then
		ok "$m"
	else
		not_ok "$m: jq '$e' on $(basename "$f") gave ${got:-false}"
	fi
}

# jqr FILE EXPR: raw value.
jqr() { jq -r "$2" "$1"; }

# check_wipe_output REC: the record the last wipe printed is REC and the
# printed SHA-256 is that of REC's exact bytes.
check_wipe_output() {
	local rec=$1 printed sum
	printed=$(printed_records | head -1)
	assert_eq "$(readlink -f "$printed" 2>/dev/null)" "$(readlink -f "$rec")" \
		"printed record path is the record file"
	sum=$(sha256sum "$rec" | cut -d' ' -f1)
	assert_eq "$(printed_sha256 | head -1)" "$sum" \
		"printed sha256 equals sha256sum of the record"
}

# check_pass_record REC TARGET: what every passing record must say
# (wipecert-record(5)).
check_pass_record() {
	local rec=$1 t=$2 size
	size=$(size_of "$t")
	assert_json "$rec" 'has("id") and has("result") and has("media") and has("technique") and has("verification")' \
		"record: keys id, result, media, technique, verification present"
	assert_json "$rec" 'keys_unsorted == ["schema","id","result","issued","contract","people","media","technique","verification","errors","tool"]' \
		"record: top-level keys in the documented order"
	assert_json "$rec" '.schema == "wipecert.record/1"' "record: schema wipecert.record/1"
	assert_json "$rec" '.id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")' \
		"record: id is a lowercase v4 UUID"
	assert_eq "$(basename "$rec")" "$(jqr "$rec" .id).json" "record: file is named id.json"
	assert_json "$rec" '.result == "pass"' "record: result pass"
	assert_json "$rec" '.media.path == $t and .media.size_bytes == ($s|tonumber)' \
		"record: media path and size_bytes" --arg t "$t" --arg s "$size"
	assert_json "$rec" '.technique.nist_category == "Clear"' "record: NIST Clear"
	assert_json "$rec" '(.technique.passes | length) == .technique.passes_planned' \
		"record: every planned pass is listed"
	assert_json "$rec" '[.technique.passes[] | select(.bytes_written != ($s|tonumber) or .aborted != false or .unwritable.sectors != 0 or .sync_error != null)] == []' \
		"record: every pass wrote every byte, no abort, no unwritable sector, no sync error" --arg s "$size"
	assert_json "$rec" '[.technique.passes[] | has("number") and has("pattern") and has("seed") and has("verified") and has("bytes_written") and has("started") and has("ended") and has("elapsed_ms") and has("rate_bytes_per_sec") and has("aborted") and has("unwritable") and has("sync_error")] | all' \
		"record: every pass has the documented keys"
	assert_json "$rec" '[.technique.passes[] | .number] == [range(1; (.technique.passes | length) + 1)]' \
		"record: passes numbered 1..n"
	assert_json "$rec" '.technique.passes[-1].verified == true' "record: last pass verified"
	assert_json "$rec" '.technique.io_mode == "direct" or .technique.io_mode == "buffered"' \
		"record: io_mode direct or buffered"
	assert_json "$rec" '.verification.pattern == .technique.passes[-1].pattern and .verification.seed == .technique.passes[-1].seed' \
		"record: verification pattern/seed are the last pass's"
	assert_json "$rec" '.verification.coverage_ppm >= 100000' "record: coverage_ppm >= 100000"
	assert_json "$rec" '.verification.mismatches.sectors == 0 and .verification.unreadable.sectors == 0' \
		"record: no mismatched or unreadable sector"
	assert_json "$rec" '.verification.signature_probe.clean == true and .verification.signature_probe.tool == "libblkid"' \
		"record: verification.signature_probe.clean true"
	assert_json "$rec" '.errors == []' "record: no errors"
	assert_json "$rec" '.tool.name == "wipecert" and (.tool.binary_sha256 | test("^[0-9a-f]{64}$"))' \
		"record: tool name and binary_sha256"
	# (Compared with the program file before and after the run, in case
	# it was rebuilt meanwhile.)
	assert_json "$rec" '.tool.binary_sha256 == $b or .tool.binary_sha256 == $a' \
		"record: binary_sha256 is that of ./wipecert" --arg b "$_WC_SHA" \
		--arg a "$(sha256sum "$WIPECERT" | cut -d' ' -f1)"
}

finish() {
	say "# $T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ] && exit 0
	exit 1
}
