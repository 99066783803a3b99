#!/bin/bash
# t_files.sh - plain image files as targets: an odd size, tmpfs, two in
# parallel, progress lines when stderr is not a terminal.
# e2e: no-root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
e2e_init

# An image file whose size is not a multiple of 512: every byte,
# the 100-byte tail included, is overwritten; the size is unchanged.
n=$((10 * 1024 * 1024 + 100))
f=$WORK/odd.img
make_plain "$f" "$n"
for m in zero one random; do
	say "## $m on a file of $n bytes"
	out=$WORK/out-odd-$m
	mkdir -p "$out"
	before=$(sha256sum "$f" | cut -d' ' -f1)
	wcert wipe "$f" --method "$m" --verify full --yes --confirm "$f" \
		--output-dir "$out" --asset-tag "FILE-$m"
	assert_rc 0 "$m: wipe of an odd-sized image file"
	record_in rec "$out"
	check_wipe_output "$rec"
	check_pass_record "$rec" "$f"
	assert_eq "$(stat -c %s "$f")" "$n" "$m: file size unchanged"
	assert_true "$m: file contents changed" \
		test "$(sha256sum "$f" | cut -d' ' -f1)" != "$before"
	assert_json "$rec" '.media.type == "image-file" and .media.transport == "file" and .media.identity_source == "file" and .media.logical_sector_size == 512 and .media.serial == null' \
		"$m: media describes an image file"
	assert_json "$rec" '.verification.mode == "full" and .verification.coverage_ppm == 1000000' \
		"$m: --verify full read everything"
	assert_json "$rec" '.technique.method == $m' "$m: method recorded" --arg m "$m"
	case "$m" in
	zero) assert_true "$m: every byte, tail included, is 00" is_filled "$f" 00 ;;
	one) assert_true "$m: every byte, tail included, is ff" is_filled "$f" ff ;;
	random)
		seed=$(jqr "$rec" '.technique.passes[0].seed')
		assert_true "$m: the first 64 KiB are the keystream (openssl)" \
			keystream_ok "$f" 0 65536 "$seed"
		assert_true "$m: the last 4096+100 bytes are the keystream (openssl)" \
			keystream_ok "$f" $((n - 4196)) 4196 "$seed"
		assert_true "$m: the 100-byte tail is the keystream (openssl)" \
			keystream_ok "$f" $((n - 100)) 100 "$seed"
		wcert verify "$f" --expect "random:$seed" --full
		assert_rc 0 "$m: verify --expect random:SEED --full"
		;;
	esac
	wcert verify "$f" --expect "$rec"
	assert_rc 0 "$m: verify --expect RECORD"
	# The tail is part of the file: changing it must not go unnoticed
	# by a full read.  (wipecert-verify(8) reads whole sectors; the
	# tail's 100 bytes are not a whole sector, so this is only reported.)
	if [ "$m" = zero ]; then
		write_byte "$f" $((n - 1)) 77
		wcert verify "$f" --expect zero --full
		if [ "$RC" -eq 1 ]; then
			say "#   (a changed byte in the partial last sector is detected)"
		else
			say "#   (note: a changed byte in the partial last sector is not detected: exit $RC)"
		fi
		write_byte "$f" $((n - 1)) 00
		write_byte "$f" 5000 77
		wcert verify "$f" --expect zero --full
		assert_rc 1 "$m: a changed byte in a whole sector is detected"
		write_byte "$f" 5000 00
	fi
done

# An image file on tmpfs: O_DIRECT may or may not be supported there.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	say "## image file on /dev/shm"
	shm=$(mktemp -d /dev/shm/wipecert-e2e.XXXXXX)
	reg_tmpdir "$shm"
	make_plain "$shm/t.img" $((8 * 1024 * 1024))
	out=$WORK/out-shm
	mkdir -p "$out"
	wcert wipe "$shm/t.img" --method zero --yes --confirm "$shm/t.img" --output-dir "$out"
	assert_rc 0 "wipe of an image file on tmpfs"
	record_in rec "$out"
	check_pass_record "$rec" "$shm/t.img"
	say "#   io_mode on tmpfs: $(jqr "$rec" .technique.io_mode)"
	assert_true "every byte on tmpfs is 00" is_filled "$shm/t.img" 00
	wcert verify "$shm/t.img" --expect zero --full
	assert_rc 0 "verify --full on tmpfs"
else
	say "skipped: /dev/shm not writable"
fi

# A file on the build's own disk is written with O_DIRECT where the
# filesystem allows it.
if [ "$(stat -f -c %T "$WORK")" = ext2/ext3 ]; then
	assert_json "$WORK/out-odd-zero/"*.json '.technique.io_mode == "direct"' \
		"io_mode direct on an ext4 build folder"
fi

# Two files in parallel, with an asset tag each; progress on stderr.
say "## two files in parallel"
a=$WORK/a.img
b=$WORK/b.img
make_plain "$a" $((48 * 1024 * 1024))
make_plain "$b" $((40 * 1024 * 1024 + 1000))
out=$WORK/out-par
mkdir -p "$out"
wcert wipe "$a" "$b" --method dod-3pass --yes --confirm "$a" --confirm "$b" \
	--asset-tag TAG-A --asset-tag TAG-B --operator "E2E Operator" \
	--output-dir "$out"
assert_rc 0 "parallel wipe of two files"
par_err=$ERR
assert_eq "$(count_records "$out")" 2 "two records"
assert_eq "$(printed_records | wc -l)" 2 "two record paths printed"
for rec in "$out"/*.json; do
	t=$(jqr "$rec" .media.path)
	check_pass_record "$rec" "$t"
	want=TAG-A
	[ "$t" = "$b" ] && want=TAG-B
	assert_json "$rec" '.media.asset_tag == $w and .people.operator == "E2E Operator"' \
		"asset tag $want for $(basename "$t")" --arg w "$want"
	wcert verify "$t" --expect "$rec" --full
	assert_rc 0 "verify $(basename "$t") against its record"
done
assert_true "the records name both files" test \
	"$(jq -r .media.path "$out"/*.json | sort | tr '\n' ' ')" = "$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ')"
ERR=$par_err
assert_true "progress lines on stderr (not a terminal)" \
	grep -Eq '^[^ ]+ +(erase|verify|record|done)( +pass [0-9]+/[0-9]+)? +[0-9]+% ' "$ERR"
assert_true "progress lines for both files" \
	test "$(grep -Ec '^(a\.img|b\.img|a|b) ' "$ERR")" -ge 2
assert_true "no terminal escape sequences when stderr is not a terminal" \
	bash -c "! grep -q \$'\\033' '$ERR'"

# --verify none: nothing read back, and the record says so; the
# signature probe still runs.
say "## --verify none and --verify-all-passes"
f=$WORK/v.img
make_plain "$f" $((3 * 1024 * 1024 + 512))
out=$WORK/out-none
mkdir -p "$out"
wcert wipe "$f" --method zero --verify none --yes --confirm "$f" --output-dir "$out"
assert_rc 0 "wipe --verify none"
record_in rec "$out"
assert_json "$rec" '.verification | .mode == "none" and .pattern == null and .seed == null and .plan == null and .bytes_read == null and .coverage_ppm == null and .mismatches == null and .unreadable == null' \
	"--verify none: mode none, pattern..unreadable null"
assert_json "$rec" '.verification.signature_probe.clean == true' \
	"--verify none: the signature probe still ran"
assert_json "$rec" '[.technique.passes[].verified] == [false]' "--verify none: no pass verified"
assert_true "--verify none: every byte is 00" is_filled "$f" 00
out=$WORK/out-all
mkdir -p "$out"
wcert wipe "$f" --method dod-3pass --verify-all-passes --yes --confirm "$f" --output-dir "$out"
assert_rc 0 "wipe --verify-all-passes"
record_in rec "$out"
check_pass_record "$rec" "$f"
assert_json "$rec" '[.technique.passes[].verified] == [true, true, true]' \
	"--verify-all-passes: every pass verified"
assert_json "$rec" '.verification.mode == "full"' \
	"a target under 20000 sectors is read in full"

# The same file twice is a usage error, and nothing is written.
f=$WORK/twice.img
make_plain "$f" $((1024 * 1024))
sum=$(sha256sum "$f" | cut -d' ' -f1)
wcert wipe "$f" "$f" --method zero --yes --confirm "$f" --confirm "$f" --output-dir "$WORK/out-par"
assert_rc 2 "the same file twice is a usage error"
assert_eq "$(sha256sum "$f" | cut -d' ' -f1)" "$sum" "the file given twice is unchanged"

# An empty file is refused.
: >"$WORK/empty.img"
wcert wipe "$WORK/empty.img" --method zero --yes --confirm "$WORK/empty.img" --output-dir "$WORK/out-par"
assert_rc 3 "an empty image file is refused"

# A file that does not exist.
wcert wipe "$WORK/missing.img" --method zero --yes --confirm "$WORK/missing.img" --output-dir "$WORK/out-par"
assert_rc 4 "a missing image file"
assert_out "no such" "message says no such"
assert_eq "$(count_records "$WORK/out-par")" 2 "no further records"

finish
