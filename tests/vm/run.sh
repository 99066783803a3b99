#!/bin/bash
# run.sh - the virtual-machine tests (make check-vm).
#
#   tests/vm/run.sh
#
# Builds the kernel and initramfs (tests/vm/build.sh), creates small image
# files, boots Debian's kernel in QEMU under software emulation with them
# as emulated NVMe, AHCI SATA, USB and virtio-scsi disks plus an ext4
# results disk, lets tests/vm/guest.sh run wipecert inside, reads the
# results disk back with debugfs and runs the checks in tests/vm/t_*.sh.
# Prints "vm: N passed, M failed" and exits non-zero on a failure; prints
# a "skipped" line and exits 0 when qemu-system-x86_64 is not installed.
#
# Environment: WIPECERT (binary, default ./wipecert), VM_TIMEOUT (seconds
# before QEMU is killed, default 300).
#
# SAFETY: QEMU gets only image files this script created in its own
# temporary folder (checked before the boot), never a host block device.
# The trap kills QEMU and removes the folder on every exit path; logs and
# results of the last run stay in build/vm/last/ for a look afterwards.
set -u
VM_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$VM_DIR/../.." && pwd)
WIPECERT=$(readlink -f "${WIPECERT:-$ROOT/wipecert}")
VM_TIMEOUT=${VM_TIMEOUT:-300}
LAST=$ROOT/build/vm/last
# shellcheck disable=SC2034 # read by lib.sh and the checks
R=$LAST/r

V_PASS=0
V_FAIL=0
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"
QEMU_PID=
W=

finish() {
	say "vm: $V_PASS passed, $V_FAIL failed"
	[ "$V_FAIL" -eq 0 ]
	exit
}

cleanup() {
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill -TERM "$QEMU_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QEMU_PID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	QEMU_PID=
	if [ -n "$W" ] && [ -d "$W" ]; then
		rm -rf "$W"
	fi
	W=
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP

if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	say "skipped: vm tests need qemu-system-x86_64 (apt-get install qemu-system-x86)"
	exit 0
fi
for c in jq debugfs mke2fs sfdisk openssl cmp; do
	command -v "$c" >/dev/null 2>&1 || { not_ok "vm tests need $c"; finish; }
done
[ -x "$WIPECERT" ] || { not_ok "$WIPECERT not built"; finish; }

# One run at a time in this tree: they share build/vm/.
mkdir -p "$ROOT/build/vm"
exec 9>"$ROOT/build/vm/.lock"
flock -w 600 9 || { not_ok "another vm test run holds build/vm/.lock"; finish; }

"$VM_DIR/build.sh" "$WIPECERT" || { not_ok "vm build failed"; finish; }

# Leftovers of a run killed with SIGKILL (no other run is going on: we
# hold the lock): its QEMU, only a process whose command line names that
# run's folder, and the folder.
for d in "$ROOT"/build/vm/run.*; do
	[ -d "$d" ] || continue
	p=$(cat "$d/qemu.pid" 2>/dev/null)
	if [ -n "$p" ] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$d/"; then
		kill -KILL "$p" 2>/dev/null
	fi
	rm -rf "$d"
done
W=$(mktemp -d "$ROOT/build/vm/run.XXXXXX") || { not_ok "mktemp"; finish; }

# ---- the disks -----------------------------------------------------------

DISK_MIB=32
# nvme: random bytes, so that a format is seen to zero it.  sata: a GPT
# with an ext4 partition, usb: a bare ext4, so that the guest's libblkid
# has something to find.  scsi: random bytes.
make_disks() {
	local src=$W/src
	head -c "$((DISK_MIB << 20))" /dev/urandom >"$W/nvme.img" || return 1
	head -c "$((DISK_MIB << 20))" /dev/urandom >"$W/scsi.img" || return 1
	mkdir -p "$src" && echo "vm test data" >"$src/secret.txt" || return 1
	truncate -s "${DISK_MIB}M" "$W/sata.img" "$W/usb.img" || return 1
	printf 'label: gpt\nstart=2048, type=linux\n' |
		sfdisk -q "$W/sata.img" >/dev/null 2>&1 || return 1
	mke2fs -q -F -t ext4 -L VM-SATA -d "$src" -E offset=1048576 \
		"$W/sata.img" "$((DISK_MIB - 2))M" >/dev/null 2>&1 || return 1
	mke2fs -q -F -t ext4 -L VM-USB -d "$src" "$W/usb.img" \
		>/dev/null 2>&1 || return 1
	truncate -s 64M "$W/results.img" &&
		mke2fs -q -F -t ext4 -L WCRESULTS "$W/results.img" >/dev/null 2>&1
}

# The drive options; every backing file is checked to be a regular file
# in $W first.
qemu_disks() {
	local f
	for f in nvme sata usb scsi results; do
		f=$W/$f.img
		if [ ! -f "$f" ] || [ -L "$f" ] || [ "$(dirname "$(readlink -f "$f")")" != "$W" ]; then
			echo "SAFETY: $f is not an image file of this run" >&2
			return 1
		fi
	done
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	QEMU_DISKS=(
		-drive "file=$W/nvme.img,if=none,id=n0,format=raw,cache=unsafe"
		-device nvme,serial=WIPECERT-NVME-0001,drive=n0
		-device ahci,id=ahci
		-drive "file=$W/sata.img,if=none,id=s0,format=raw,cache=unsafe"
		-device ide-hd,drive=s0,bus=ahci.0,serial=WIPECERT-SATA-0001
		-device qemu-xhci,id=xhci
		-drive "file=$W/usb.img,if=none,id=u0,format=raw,cache=unsafe"
		-device usb-storage,bus=xhci.0,drive=u0,serial=WIPECERT-USB-0001
		-device virtio-scsi-pci,id=vscsi
		-drive "file=$W/scsi.img,if=none,id=v0,format=raw,cache=unsafe"
		-device scsi-hd,bus=vscsi.0,drive=v0,serial=WIPECERT-SCSI-0001
		-drive "file=$W/results.img,if=none,id=r0,format=raw,cache=unsafe"
		-device virtio-blk-pci,drive=r0,serial=WIPECERT-RESULTS
	)
}

# boot: run QEMU until the guest powers off or VM_TIMEOUT passes.
boot() {
	local t0 now
	qemu_disks || return 1
	t0=$(date +%s.%N)
	qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp 1 -m 1G \
		-nographic -nodefaults -no-user-config -no-reboot -monitor none \
		-serial "file:$W/console.log" -pidfile "$W/qemu.pid" \
		-kernel "$ROOT/build/vm/vmlinuz" -initrd "$ROOT/build/vm/initrd.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4 wipecert.disks=5" \
		"${QEMU_DISKS[@]}" </dev/null >"$W/qemu.log" 2>&1 &
	QEMU_PID=$!
	READY_SECS='?'
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		if [ "$READY_SECS" = "?" ] &&
		    grep -aq 'guest: .* results on' "$W/console.log" 2>/dev/null; then
			READY_SECS=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
		fi
		now=$(date +%s)
		if [ "$((now - ${t0%.*}))" -ge "$VM_TIMEOUT" ]; then
			not_ok "the VM did not power off within $VM_TIMEOUT s: killed"
			cleanup_qemu_only
			return 1
		fi
		sleep 0.2
	done
	wait "$QEMU_PID"
	QEMU_RC=$?
	QEMU_PID=
	BOOT_SECS=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	return 0
}

cleanup_qemu_only() {
	kill -KILL "$QEMU_PID" 2>/dev/null
	wait "$QEMU_PID" 2>/dev/null
	QEMU_PID=
}

# Copy what the guest wrote (r/ on the results disk) to $LAST/r, and the
# console log beside it.
collect() {
	rm -rf "$LAST"
	mkdir -p "$LAST"
	cp "$W/console.log" "$W/qemu.log" "$LAST/" 2>/dev/null
	debugfs -R "rdump /r $LAST" "$W/results.img" >/dev/null 2>"$LAST/debugfs.err"
	[ -f "$LAST/r/list_json.rc" ]
}

# ---- run -------------------------------------------------------------------

make_disks || { not_ok "cannot create the disk images"; finish; }
say "# booting Debian $(sed -n 's/^kernel //p' "$ROOT/build/vm/manifest") under QEMU (TCG)"
if boot; then
	say "# the VM ran for $BOOT_SECS s (QEMU exit $QEMU_RC), booted with its disks in $READY_SECS s; guest uptime: $(
		sed -n 's/.*init: modules loaded at \([0-9.]*s\).*/modules loaded \1, /p
			s/^guest: \[\([0-9.]*\)\] results on.*/disks ready \1 s, /p
			s/^guest: \[\([0-9.]*\)\] done.*/tests done \1 s/p' \
			"$W/console.log" | tr -d '\r\n')"
fi
if ! collect; then
	not_ok "no results from the guest (see $LAST/console.log)"
	tail -20 "$W/console.log" 2>/dev/null | cat -v | awk '{ print "       console: " $0 }'
	finish
fi
ok "the guest ran its script and wrote its results"

for t in "$VM_DIR"/t_*.sh; do
	say "# $(basename "$t" .sh)"
	# shellcheck source=/dev/null
	. "$t"
done
finish
