#!/bin/sh
# guest.sh - the test session inside the virtual machine (busybox sh),
# installed as /etc/wipecert/rc by tests/vm/build.sh and run by /init.
#
# It only runs commands and keeps what they said; tests/vm/t_*.sh decide
# on the host whether that was right.  Results go to the ext4 results disk
# (the virtio-blk disk with serial WIPECERT-RESULTS), folder r/: for each
# step NAME, NAME.out, NAME.err, NAME.rc (exit status) and NAME.secs; the
# records a wipe wrote in rec-NAME/; disks.txt (role and device, found
# from sysfs independently of wipecert); methods.txt (what this wipecert
# offers); sums-PHASE.txt (MD5 of test disks); dmesg.txt.
#
# The disks (tests/vm/run.sh attaches them): nvme (NVMe), sata (AHCI),
# usb (usb-storage on xHCI), scsi (virtio-scsi), each with the serial
# WIPECERT-<ROLE>-0001.
export PATH=/bin:/sbin
R=/out/r

log() { echo "guest: [$(now)] $*"; }
now() { cut -d' ' -f1 /proc/uptime; }

# The results disk, found by its virtio serial, mounted on /out.
res=
for s in /sys/block/vd*/serial; do
	[ "$(cat "$s" 2>/dev/null)" = WIPECERT-RESULTS ] &&
		res=/dev/$(basename "$(dirname "$s")")
done
[ -n "$res" ] || { log "FAIL no results disk"; exit 1; }
mkdir -p /out
mount -t ext4 "$res" /out || { log "FAIL cannot mount $res"; exit 1; }
rm -rf "$R"
mkdir -p "$R"
log "results on $res"

# step NAME CMD...: run CMD, keep its output, status and duration.  A
# command still running after 100 s is killed (status 143), so that one
# hang does not lose every result to the host's time limit.
step() {
	_n=$1
	shift
	_t0=$(now)
	timeout 100 "$@" >"$R/$_n.out" 2>"$R/$_n.err" </dev/null
	_rc=$?
	echo "$_rc" >"$R/$_n.rc"
	echo "$_t0 $(now)" | awk '{ printf "%.2f\n", $2 - $1 }' >"$R/$_n.secs"
	log "$_n: exit $_rc in $(cat "$R/$_n.secs") s"
	return 0
}

# Role of a disk from its sysfs path.
role_of() {
	_p=$(readlink -f "/sys/block/$1")
	case "$_p" in
	*/nvme/*) echo nvme ;;
	*/usb[0-9]*) echo usb ;;
	*/ata[0-9]*) echo sata ;;
	*/virtio[0-9]*/host[0-9]*) echo scsi ;;
	*/virtio[0-9]*) echo results ;;
	*) echo other ;;
	esac
}

: >"$R/disks.txt"
for b in /sys/block/*; do
	b=${b##*/}
	echo "$(role_of "$b") /dev/$b" >>"$R/disks.txt"
done
dev() { awk -v r="$1" '$1 == r { print $2; exit }' "$R/disks.txt"; }
serial() { echo "WIPECERT-$(echo "$1" | tr a-z A-Z)-0001"; }

wipecert wipe --help 2>&1 | tr ' ,|[]' '\n\n\n\n\n' | grep -E '^[a-z0-9-]+$' |
	sort -u >"$R/methods.txt"
has() { grep -qx -- "$1" "$R/methods.txt"; }

# sums PHASE ROLE...: MD5 of each disk of ROLE (a cheap "unchanged?"
# under emulation, where SHA-256 of 32 MiB takes seconds).  The page
# cache is dropped first: firmware commands bypass it.
sums() {
	_p=$1
	shift
	sync
	echo 3 >/proc/sys/vm/drop_caches
	for r in "$@"; do
		echo "$r $(md5sum <"$(dev "$r")" | cut -c1-32)"
	done >"$R/sums-$_p.txt"
	log "sums $_p at $(now) s"
}

# wipe NAME ROLE METHOD: wipe the disk of ROLE with METHOD, records in
# rec-NAME/.
wipe() {
	mkdir -p "$R/rec-$1"
	step "$1" wipecert wipe "$(dev "$2")" --method "$3" --yes \
		--confirm "$(serial "$2")" --output-dir "$R/rec-$1" \
		--operator "VM Test" --asset-tag "VM-$2"
}

uname -r >"$R/kernel.txt"
step list_json wipecert list --json
step list wipecert list

# Firmware methods the emulated drives do not support: each must be
# refused cleanly, leaving the disk as it was.
unsup="nvme:nvme-sanitize-crypto nvme:nvme-sanitize-block
nvme:nvme-sanitize-overwrite sata:ata-secure-erase sata:ata-enhanced-erase
sata:ata-sanitize-crypto sata:ata-sanitize-block sata:ata-sanitize-overwrite
usb:ata-secure-erase usb:ata-sanitize-crypto scsi:ata-secure-erase
scsi:ata-sanitize-crypto scsi:scsi-sanitize-overwrite"
roles=
for u in $unsup; do
	has "${u#*:}" && roles="$roles ${u%%:*}"
done
roles=$(echo $roles | tr ' ' '\n' | sort -u)
if [ -n "$roles" ]; then
	sums before $roles
	for u in $unsup; do
		has "${u#*:}" && wipe "${u%%:*}-${u#*:}" "${u%%:*}" "${u#*:}"
	done
	sums unsupported $roles
fi

# Overwrites through the real drivers: libata + sd, usb-storage, virtio-scsi,
# nvme.
wipe sata-random sata random
wipe usb-auto usb auto
wipe scsi-auto scsi auto
wipe nvme-one nvme one
sums overwrite nvme
# The firmware erase QEMU does implement; the host checks the image.
if has nvme-format-user; then
	wipe nvme-format-user nvme nvme-format-user
	sums format nvme
fi

# Safety: the mounted results disk is refused.
mkdir -p "$R/rec-results"
step refuse-results wipecert wipe "$res" --method zero --yes \
	--confirm WIPECERT-RESULTS --output-dir "$R/rec-results"
step list_json_after wipecert list --json

dmesg >"$R/dmesg.txt"
cd /
sync
umount /out || log "FAIL cannot unmount /out"
sync
log "done"
