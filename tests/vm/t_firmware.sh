# shellcheck shell=bash
# t_firmware.sh - sourced by run.sh: firmware erase against what QEMU 7.2
# emulates (DESIGN §10): NVMe Format NVM works and zeroes the image; NVMe
# Sanitize, ATA security and sanitize (AHCI), and ATA pass-through behind
# USB and virtio-scsi are unsupported and must be refused cleanly, with
# the disk left as it was.  Methods this wipecert does not offer yet are
# skipped with a visible line.

# unsupported STEP METHOD ROLE
unsupported() {
	local s=$1 m=$2 role=$3 rec
	if ! has_method "$m"; then
		skip "$role $m: method $m not built yet"
		return
	fi
	# Which status is wipecert's to choose (2: no plan for this drive, 3,
	# 4, or 1 after a failed attempt); a crash, a signal or 0 is wrong.
	case "$(rc "$s")" in
	1 | 2 | 3 | 4) ok "$role $m: refused (exit $(rc "$s"))" ;;
	*) not_ok "$role $m: exit $(rc "$s"), want 1 to 4"; show "$s" ;;
	esac
	assert_true "$role $m: says it is unsupported" \
		grep -Eqi 'not support|unsupported|invalid (command )?op|pass-?through|not available' \
		"$R/$s.err" "$R/$s.out"
	assert_true "$role $m: no crash report" \
		sh -c "! grep -Eqi 'sanitizer|segmentation|assert' '$R/$s.err'"
	rec=$(record_of "$s")
	if [ -n "$rec" ]; then
		assert_json "$rec" '.result != "pass"' "$role $m: its record is not a pass"
	fi
	UNSUP_ROLES="$UNSUP_ROLES $role"
}

UNSUP_ROLES=
for m in nvme-sanitize-crypto nvme-sanitize-block nvme-sanitize-overwrite; do
	unsupported "nvme-$m" "$m" nvme
done
for m in ata-secure-erase ata-enhanced-erase ata-sanitize-crypto \
    ata-sanitize-block ata-sanitize-overwrite; do
	unsupported "sata-$m" "$m" sata
done
for role in usb scsi; do
	unsupported "$role-ata-secure-erase" ata-secure-erase "$role"
	unsupported "$role-ata-sanitize-crypto" ata-sanitize-crypto "$role"
done
unsupported scsi-scsi-sanitize-overwrite scsi-sanitize-overwrite scsi

for role in $(printf '%s\n' $UNSUP_ROLES | sort -u); do
	assert_eq "$(sum unsupported "$role")" "$(sum before "$role")" \
		"$role: unchanged by the refused firmware methods"
done

# auto on a USB bridge or virtio-scsi: pass-through blocked, so an
# overwrite labelled Clear (checked in t_overwrite.sh); once the firmware
# layer exists the record or the output says why.
if has_method ata-secure-erase; then
	for role in usb scsi; do
		assert_true "$role auto: says pass-through is blocked" \
			grep -Eqi 'pass-?through' "$R/$role-auto.out" "$R/$role-auto.err" \
			"$(record_of "$role-auto")"
	done
else
	skip "usb/scsi auto: pass-through detection: method ata-secure-erase not built yet"
fi

if has_method nvme-format-user; then
	rec=$(record_of nvme-format-user)
	assert_rc nvme-format-user 0 "nvme: wipe --method nvme-format-user"
	assert_json "$rec" '.result == "pass" and .technique.method == "nvme-format-user"' \
		"nvme-format-user: record pass, method nvme-format-user"
	assert_json "$rec" '.technique.nist_category == "Purge"' \
		"nvme-format-user: NIST Purge"
	assert_json "$rec" '.media.serial == "WIPECERT-NVME-0001" and .media.transport == "nvme"' \
		"nvme-format-user: media serial and transport"
	assert_json "$rec" '.technique.firmware.accepted == true and .technique.firmware.completed == true' \
		"nvme-format-user: the drive accepted and completed the command"
	assert_json "$rec" '.verification.markers.pieces > 0 and .verification.markers.bytes_written > 0' \
		"nvme-format-user: markers written before the format (DESIGN §5)"
	assert_json "$rec" '.verification.mismatches.sectors == 0 and .verification.unreadable.sectors == 0 and .verification.coverage_ppm >= 100000' \
		"nvme-format-user: every sampled extent differs from its marker"
	zero=$(head -c $((32 << 20)) /dev/zero | md5sum | cut -c1-32)
	assert_eq "$(sum format nvme)" "$zero" "nvme-format-user: the guest reads back zeros"
	if is_filled "$W/nvme.img" 00; then
		ok "nvme-format-user: the host's image is zeroed"
	elif is_filled "$W/nvme.img" ff; then
		not_ok "nvme-format-user: the host's image is not zeroed: still the 0xff of the earlier 'one' pass"
	else
		not_ok "nvme-format-user: the host's image is not zeroed: starts $(od -An -tx1 -N16 "$W/nvme.img" | tr -s ' ')"
	fi
else
	skip "nvme nvme-format-user: method nvme-format-user not built yet"
fi
