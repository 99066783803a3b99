# shellcheck shell=bash
# t_overwrite.sh - sourced by run.sh: overwrite wipes through the real
# kernel drivers (libata + sd on AHCI, usb-storage, virtio-scsi, nvme)
# pass, their records say so, and the image files on the host hold what
# the records claim.

# check_record STEP ROLE: the common part of a passing overwrite record.
check_record() {
	local rec
	rec=$(record_of "$1")
	assert_true "$1: exactly one record" test -n "$rec"
	assert_json "$rec" '.result == "pass" and .errors == []' "$1: result pass"
	assert_json "$rec" '.media.path == $d and .media.serial == $s and .media.transport == $t' \
		"$1: media path, serial and transport" --arg d "$(guest_dev "$2")" \
		--arg s "WIPECERT-$(echo "$2" | tr a-z A-Z)-0001" --arg t "$2"
	assert_json "$rec" '.media.size_bytes == 33554432' "$1: media size"
	assert_json "$rec" '.technique.nist_category == "Clear"' "$1: NIST Clear"
	assert_json "$rec" '[.technique.passes[] | select(.bytes_written != 33554432)] == []' \
		"$1: every pass wrote the whole disk"
	assert_json "$rec" '.technique.io_mode == "direct"' "$1: O_DIRECT on the block device"
	assert_json "$rec" '.verification.mismatches.sectors == 0 and .verification.unreadable.sectors == 0 and .verification.coverage_ppm >= 100000' \
		"$1: verified, no mismatch"
	assert_json "$rec" '.verification.signature_probe.clean == true' \
		"$1: nothing left for libblkid"
}

# The last pass of a random overwrite is on the host's image file: the
# AES-128-CTR keystream of the recorded seed, at both ends.
check_keystream() {	# check_keystream STEP IMG
	local rec seed n
	rec=$(record_of "$1")
	seed=$(jq -r '.technique.passes[-1].seed // empty' "$rec" 2>/dev/null)
	n=$(stat -c %s "$2")
	if [ -z "$seed" ]; then
		not_ok "$1: no seed in the last pass"
		return
	fi
	assert_true "$1: the image's first 64 KiB are the recorded keystream (openssl)" \
		keystream_ok "$2" 0 65536 "$seed"
	assert_true "$1: the image's last 64 KiB are the recorded keystream (openssl)" \
		keystream_ok "$2" $((n - 65536)) 65536 "$seed"
}

# Once the firmware layer is built, the record says what the drive said.
if has_method ata-secure-erase; then
	assert_json "$(record_of sata-random)" '.media.identity_source == "ata-identify"' \
		"sata-random: identity from ATA IDENTIFY in the record"
fi
if has_method nvme-format-user; then
	assert_json "$(record_of nvme-one)" '.media.identity_source == "nvme-identify"' \
		"nvme-one: identity from NVMe Identify in the record"
fi

assert_rc sata-random 0 "sata: wipe --method random through libata and sd"
check_record sata-random sata
assert_json "$(record_of sata-random)" '.technique.method == "random"' "sata-random: method random"
check_keystream sata-random "$W/sata.img"

for role in usb scsi; do
	assert_rc "$role-auto" 0 "$role: wipe --method auto"
	check_record "$role-auto" "$role"
	assert_json "$(record_of "$role-auto")" '.technique.method == "random" or .technique.method == "usb-2pass"' \
		"$role-auto: auto chose an overwrite"
	[ "$(jq -r '.technique.method' "$(record_of "$role-auto")" 2>/dev/null)" = random ] &&
		check_keystream "$role-auto" "$W/$role.img"
done

assert_rc nvme-one 0 "nvme: wipe --method one through the nvme driver"
check_record nvme-one nvme
ff=$(head -c $((32 << 20)) /dev/zero | tr "\000" "\377" | md5sum | cut -c1-32)
assert_eq "$(sum overwrite nvme)" "$ff" "nvme: the guest reads back 0xff everywhere"
if ! ran nvme-format-user; then
	assert_true "nvme: the host's image is 0xff everywhere" is_filled "$W/nvme.img" ff
fi
