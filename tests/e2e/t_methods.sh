#!/bin/bash
# t_methods.sh - every erase method on a fresh GPT+ext4 loop device:
# the record, the device's contents afterwards, and wipecert verify.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd blkid losetup blockdev sfdisk mke2fs

# The pass patterns each method must write (wipecert-wipe(8)); 0x00 and
# 0xff may be named "zero"/"one" or "bytes:00"/"bytes:ff".
G_FIXED='"bytes:55","bytes:aa","bytes:924924","bytes:492492","bytes:249249"'
G_FIXED=$G_FIXED',"zero","bytes:11","bytes:22","bytes:33","bytes:44","bytes:55"'
G_FIXED=$G_FIXED',"bytes:66","bytes:77","bytes:88","bytes:99","bytes:aa","bytes:bb"'
G_FIXED=$G_FIXED',"bytes:cc","bytes:dd","bytes:ee","one","bytes:924924","bytes:492492"'
G_FIXED=$G_FIXED',"bytes:249249","bytes:6db6db","bytes:b6db6d","bytes:db6db6"'
R4='"random","random","random","random"'
declare -A PATTERNS=(
	[zero]='["zero"]'
	[one]='["one"]'
	[random]='["random"]'
	[dod-3pass]='["zero","one","random"]'
	[dod-7pass]='["zero","one","random","bytes:96","zero","one","random"]'
	[gutmann]="[$R4,$G_FIXED,$R4]"
	[usb-2pass]='["random","random-complement"]'
	[auto]='["random"]'
)
NORM='[.technique.passes[].pattern | if . == "bytes:00" then "zero" elif . == "bytes:ff" then "one" else . end]'

for m in zero one random dod-3pass dod-7pass gutmann usb-2pass auto; do
	say "## method $m"
	img=$WORK/$m.img
	out=$WORK/out-$m
	mkdir -p "$out"
	make_image "$img" 16 "E2E-$m"
	attach_to dev "$img"
	size=$(size_of "$dev")
	t0=$(date +%s%N)
	wcert wipe "$dev" --method "$m" --yes --confirm "$dev" \
		--output-dir "$out" --operator "山田 太郎" --witness "練馬 花子" \
		--contract "NRM-2025-0042" --department "総務部情報政策課" \
		--contractor "Example Contractor K.K." --asset-tag "TAG-$m"
	say "#   wipe took $((($(date +%s%N) - t0) / 1000000)) ms"
	assert_rc 0 "$m: wipe"
	record_in rec "$out"
	check_wipe_output "$rec"
	check_pass_record "$rec" "$dev"

	want=$m
	[ "$m" = auto ] && want=random
	assert_json "$rec" '.technique.method == $w and .technique.requested_method == $m' \
		"$m: technique.method $want, requested_method $m" --arg w "$want" --arg m "$m"
	assert_json "$rec" "$NORM == ${PATTERNS[$m]}" "$m: pass patterns as documented"
	assert_json "$rec" '[.technique.passes[] | select((.pattern | startswith("random")) != (.seed != null))] == []' \
		"$m: random passes, and only they, have a seed"
	assert_json "$rec" '[.technique.passes[].seed | select(. != null) | test("^[0-9a-f]{32}$")] | all' \
		"$m: seeds are 32 lowercase hex digits"
	if [ "$m" = usb-2pass ]; then
		assert_json "$rec" '.technique.passes[0].seed == .technique.passes[1].seed' \
			"$m: the complement pass uses the first pass's seed"
	else
		assert_json "$rec" '[.technique.passes[].seed | select(. != null)] | length == (unique | length)' \
			"$m: each random pass has its own seed"
	fi
	assert_json "$rec" '.media.type == "loop-device" and .media.transport == "loop" and .media.identity_source == "sysfs"' \
		"$m: media type loop-device, transport loop"
	assert_json "$rec" '.media.contents_before.pttype == "gpt" and ([.media.contents_before.items[] | select(.type == "ext4" and .label == $l and .offset == 1048576)] | length == 1)' \
		"$m: contents_before names the GPT and the ext4 filesystem" --arg l "E2E-$m"
	assert_json "$rec" '.people.operator == "山田 太郎" and .people.witness == "練馬 花子" and .contract.number == "NRM-2025-0042" and .contract.department == "総務部情報政策課" and .contract.contractor == "Example Contractor K.K." and .media.asset_tag == $a' \
		"$m: people, contract and asset tag recorded" --arg a "TAG-$m"
	assert_true "$m: non-ASCII written as is, not as \\u escapes" \
		grep -q '"operator": "山田 太郎"' "$rec"
	assert_json "$rec" '.issued.time_zone == "Asia/Tokyo" and (.issued.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\+09:00$"))' \
		"$m: times are RFC 3339 in Asia/Tokyo"
	assert_true "$m: record ends with exactly one newline" \
		test "$(tail -c 1 "$rec" | od -An -tx1 | tr -d ' ')" = 0a

	run blkid -p "$dev"
	assert_rc 2 "$m: blkid -p finds nothing on the device"
	run blkid -p -O 1048576 "$dev"
	assert_rc 2 "$m: blkid -p finds nothing at the old partition offset"

	wcert verify "$dev" --expect "$rec"
	assert_rc 0 "$m: verify --expect RECORD"

	last=$(jqr "$rec" '.technique.passes[-1].pattern')
	seed=$(jqr "$rec" '.technique.passes[-1].seed')
	case "$m" in
	zero | one)
		wcert verify "$dev" --expect "$m" --full
		assert_rc 0 "$m: verify --expect $m --full"
		other=one; [ "$m" = one ] && other=zero
		wcert verify "$dev" --expect "$other"
		assert_rc 1 "$m: verify --expect $other fails"
		b=00; [ "$m" = one ] && b=ff
		assert_true "$m: every byte of the device is $b" is_filled "$dev" "$b"
		;;
	esac
	if [ "$last" = random ]; then
		wcert verify "$dev" --expect "random:$seed"
		assert_rc 0 "$m: verify --expect random:SEED of the last pass"
		assert_true "$m: bytes 0..4095 are the AES-128-CTR keystream (openssl)" \
			keystream_ok "$dev" 0 4096 "$seed"
		assert_true "$m: 4096-byte block 1000 is the keystream (openssl)" \
			keystream_ok "$dev" $((1000 * 4096)) 4096 "$seed"
		assert_true "$m: the last 64 KiB are the keystream (openssl)" \
			keystream_ok "$dev" $((size - 65536)) 65536 "$seed"
	fi
	if [ "$m" = usb-2pass ]; then
		wcert verify "$dev" --expect "random:$seed"
		assert_rc 1 "$m: the device does not hold the uncomplemented keystream"
	fi
	if [ "$m" = random ]; then
		pseed=$(jqr "$rec" .verification.plan.seed)
		wcert verify "$dev" --expect "$rec" --json --plan-seed "$pseed"
		assert_rc 0 "$m: verify --plan-seed from the record"
		assert_json "$OUT" '.bytes_read == $b' \
			"$m: the same plan seed reads the same bytes as the record" \
			--argjson b "$(jqr "$rec" .verification.bytes_read)"
		wcert verify "$dev" --expect "random:0123456789abcdef0123456789abcdef"
		assert_rc 1 "$m: verify with a wrong seed fails"
	fi
	detach "$dev"
	rm -f "$img"
done

finish
