# shellcheck shell=bash
# t_identify.sh - sourced by run.sh: `wipecert list --json` in the guest
# names every emulated disk with the right transport, serial and size,
# and sees what is on it.
L=$R/list_json.out
MIB32=$((32 << 20))

assert_true "guest kernel is Debian's 6.1 ($(cat "$R/kernel.txt" 2>/dev/null))" \
	grep -q '^6\.1\.' "$R/kernel.txt"
assert_rc list_json 0 "list --json"
assert_json "$L" 'type == "array"' "list --json is a JSON array"
for role in nvme sata usb scsi results; do
	assert_true "the guest has a $role disk ($(guest_dev "$role"))" \
		test -n "$(guest_dev "$role")"
done

# role transport serial
while read -r role tr serial; do
	d=$(guest_dev "$role")
	assert_json "$L" '[.[] | select(.path == $d)] | length == 1' \
		"$role: $d listed once" --arg d "$d"
	assert_json "$L" '.[] | select(.path == $d) | .transport == $t' \
		"$role: transport $tr" --arg d "$d" --arg t "$tr"
	assert_json "$L" '.[] | select(.path == $d) | .serial == $s' \
		"$role: serial $serial as set on the QEMU command line" \
		--arg d "$d" --arg s "$serial"
	assert_json "$L" '.[] | select(.path == $d) | .size_bytes == $n and .logical_sector_size == 512' \
		"$role: size and sector size" --arg d "$d" \
		--argjson n "$([ "$role" = results ] && echo $((64 << 20)) || echo $MIB32)"
done <<'LIST'
nvme nvme WIPECERT-NVME-0001
sata sata WIPECERT-SATA-0001
usb usb WIPECERT-USB-0001
scsi scsi WIPECERT-SCSI-0001
results virtio WIPECERT-RESULTS
LIST

# QEMU 7.2 cannot set the NVMe model; the ATA and SCSI ones are fixed too.
assert_json "$L" '.[] | select(.path == $d) | .model == "QEMU NVMe Ctrl"' \
	"nvme: model QEMU NVMe Ctrl" --arg d "$(guest_dev nvme)"
assert_json "$L" '.[] | select(.path == $d) | .model == "QEMU HARDDISK"' \
	"sata: model QEMU HARDDISK" --arg d "$(guest_dev sata)"
assert_json "$L" '.[] | select(.path == $d) | .rotational == false' \
	"nvme: non-rotational" --arg d "$(guest_dev nvme)"

# What libblkid finds, through the real drivers.
assert_json "$L" '.[] | select(.path == $d) | .contents.pttype == "gpt" and ([.contents.items[] | select(.type == "ext4" and .label == "VM-SATA")] | length == 1)' \
	"sata: GPT with the ext4 partition VM-SATA seen" --arg d "$(guest_dev sata)"
assert_json "$L" '.[] | select(.path == $d) | [.contents.items[] | select(.type == "ext4" and .label == "VM-USB")] | length == 1' \
	"usb: the ext4 file system VM-USB seen" --arg d "$(guest_dev usb)"

# Once the firmware layer is built, identity comes from the drive itself.
if has_method nvme-format-user; then
	assert_json "$L" '.[] | select(.path == $d) | .identity_source == "nvme-identify"' \
		"nvme: identity from NVMe Identify" --arg d "$(guest_dev nvme)"
else
	skip "nvme identity_source nvme-identify: method nvme-format-user not built yet"
fi
if has_method ata-secure-erase; then
	assert_json "$L" '.[] | select(.path == $d) | .identity_source == "ata-identify"' \
		"sata: identity from ATA IDENTIFY" --arg d "$(guest_dev sata)"
else
	skip "sata identity_source ata-identify: method ata-secure-erase not built yet"
fi
