#!/bin/bash
# run.sh - the technician USB image, booted as a technician would boot it
# (make check-usb).
#
#   tests/usb/run.sh
#
# Builds the image (usb/build.sh; a second build from the same inputs
# must be byte-identical), makes a test root CA and technician key
# (low KDF count), and boots copies of the image in QEMU under software
# emulation, the stick attached as a USB disk, with an emulated NVMe disk
# and a second USB disk beside it:
#   bios, uefi, secureboot   SeaBIOS; OVMF; OVMF with Secure Boot on and
#                            Microsoft's keys (Debian's shim, GRUB and
#                            kernel must pass it).  Each runs the scripted
#                            session (wipecert.script=: wipe the NVMe disk
#                            with auto, certificate, register, power off);
#                            the host then reads the data partition with
#                            mtools and runs `wipecert cert verify` and
#                            `wipecert register verify` on what it finds.
#                            In the BIOS one a virtio disk is plugged in
#                            (QEMU monitor) during the session: its driver
#                            must load and the disk be wiped too.
#   kill                     QEMU killed (SIGKILL) in the middle of a wipe:
#                            the register on the stick must still verify;
#                            then the same stick boots again and wipes.
#   ui                       no script: the UI must come up on the serial
#                            console (boot-to-UI time).
# Prints "usb: N passed, M failed"; a "skipped" line and exit 0 without
# qemu-system-x86_64 (and for the UEFI boots without OVMF).
#
# Environment: WIPECERT (default ./wipecert), USB_TIMEOUT (seconds before
# a boot is killed, default 300), USB_REPRO=0 (skip the second build),
# USB_BOOTS (the boots to run, default "bios uefi secureboot kill ui").
#
# SAFETY: QEMU gets only image files this script made in its own folder
# (checked before each boot), never a host block device.  The trap kills
# QEMU and removes the folder on every exit path; consoles and what was
# on the data partitions stay in build/usb/last/.
set -u
T_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$T_DIR/../.." && pwd)
WIPECERT=$(readlink -f "${WIPECERT:-$ROOT/wipecert}")
USB_TIMEOUT=${USB_TIMEOUT:-300}
BOOTS=${USB_BOOTS:-bios uefi secureboot kill ui}
OVMF=/usr/share/OVMF
OUT=$ROOT/build/usb
LAST=$OUT/last
NVME_SERIAL='WIPECERT-NVME-0001'
export MTOOLS_SKIP_CHECK=1

V_PASS=0
V_FAIL=0
# shellcheck source=tests/vm/lib.sh
. "$ROOT/tests/vm/lib.sh"
QEMU_PID=
W=

finish() {
	say "usb: $V_PASS passed, $V_FAIL failed"
	[ "$V_FAIL" -eq 0 ]
	exit
}

stop_qemu() {
	local n=0
	[ -n "$QEMU_PID" ] || return 0
	kill -KILL "$QEMU_PID" 2>/dev/null
	while kill -0 "$QEMU_PID" 2>/dev/null && [ "$n" -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	QEMU_PID=
}

cleanup() {
	stop_qemu
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
	say "skipped: usb tests need qemu-system-x86_64 (apt-get install qemu-system-x86)"
	exit 0
fi
for c in mcopy mdir sfdisk fsck.vfat openssl cmp md5sum; do
	command -v "$c" >/dev/null 2>&1 ||
		{ not_ok "usb tests need $c (mtools, fdisk, dosfstools)"; finish; }
done
[ -x "$WIPECERT" ] || { not_ok "$WIPECERT not built"; finish; }

mkdir -p "$OUT"
exec 8>"$OUT/.check.lock"
flock -w 600 8 || { not_ok "another usb test run holds $OUT/.check.lock"; finish; }

# Leftovers of a run killed with SIGKILL (we hold the lock, so no run is
# going on): its QEMU, only a process whose command line names that
# run's folder, and the folder.
for d in "$OUT"/run.*; do
	[ -d "$d" ] || continue
	for pf in "$d"/*.pid; do
		p=$(cat "$pf" 2>/dev/null)
		if [ -n "$p" ] && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -qF "$d/"; then
			kill -KILL "$p" 2>/dev/null
		fi
	done
	rm -rf "$d"
done
W=$(mktemp -d "$OUT/run.XXXXXX") || { not_ok "mktemp"; finish; }
rm -rf "$LAST"
mkdir -p "$LAST"

# ---- the image -------------------------------------------------------------

t0=$(date +%s)
if ! "$ROOT/usb/build.sh" "$WIPECERT"; then
	not_ok "usb/build.sh failed"
	finish
fi
IMG=$OUT/wipecert-usb.img
MAN=$OUT/wipecert-usb.manifest
ok "make usb-image: $IMG, $(($(stat -c %s "$IMG") >> 20)) MiB (build $(($(date +%s) - t0)) s)"
part() { awk -v p="$1" '$1 == "partition" && $2 == p { print $3 * 512 }' "$MAN"; }
DATA_OFF=$(part data)
ESP_OFF=$(part esp)
[ -n "$DATA_OFF" ] && [ -n "$ESP_OFF" ] ||
	{ not_ok "no partition offsets in $MAN"; finish; }

# The layout the firmware sees.
layout=$(sfdisk -d "$IMG" 2>/dev/null | sed -n 's/.*: start=.*type=\([0-9a-f]*\)\(, bootable\)\{0,1\}$/\1\2/p' | tr '\n' ' ')
assert_eq "$layout" "c ef, bootable " "MBR: p1 FAT32 (data), p2 ESP (bootable)"
assert_eq "$(mdir -i "$IMG@@$DATA_OFF" ::/ 2>/dev/null | sed -n 's/^ Volume in drive : is \([A-Z]*\).*/\1/p')" \
	WIPECERT "p1 is the FAT data partition labelled WIPECERT"
missing=
for f in EFI/BOOT/BOOTX64.EFI EFI/BOOT/grubx64.efi EFI/BOOT/mmx64.efi \
    EFI/debian/grub.cfg wipecert/vmlinuz wipecert/initrd.gz \
    wipecert/manifest.txt; do
	mcopy -n -i "$IMG@@$ESP_OFF" "::/$f" "$W/esp.file" 2>/dev/null ||
		missing="$missing $f"
done
assert_eq "$missing" "" "the ESP holds shim, GRUB, its grub.cfg, the kernel, initrd and manifest"
mcopy -n -i "$IMG@@$ESP_OFF" ::/EFI/BOOT/BOOTX64.EFI "$W/shim" 2>/dev/null
mcopy -n -i "$IMG@@$ESP_OFF" ::/EFI/BOOT/grubx64.efi "$W/grub" 2>/dev/null
assert_true "BOOTX64.EFI is shim signed by Microsoft's UEFI CA" \
	grep -aq 'Microsoft Corporation UEFI CA 2011' "$W/shim"
assert_true "grubx64.efi is GRUB signed by Debian" \
	grep -aq 'Debian Secure Boot Signer' "$W/grub"
mcopy -n -i "$IMG@@$ESP_OFF" ::/wipecert/manifest.txt "$W/manifest.in" 2>/dev/null
assert_true "the manifest in the image is the one beside it" \
	cmp -s "$W/manifest.in" <(grep -v -e '^partition ' -e '^image ' "$MAN")
assert_eq "$(sed -n 's/^image wipecert-usb.img //p' "$MAN")" \
	"$(sha256sum <"$IMG" | cut -c1-64)" "the manifest beside the image gives its SHA-256"
assert_true "the manifest names the kernel package, its version and hash" \
	grep -Eq '^package linux-image-[0-9.]+-[0-9]+-amd64 [^ ]+ [0-9a-f]{64}$' "$MAN"
assert_true "the boot code is GRUB's (boot.img in the MBR)" \
	grep -aq 'GRUB ' <(head -c 512 "$IMG")
assert_true "boot.img's jump to core.img at sector 1 (GRUB's kernel_sector)" \
	cmp -s <(dd if="$IMG" bs=1 skip=$((0x5c)) count=8 status=none) \
		<(printf '\001\000\000\000\000\000\000\000')

if [ "${USB_REPRO:-1}" != 0 ]; then
	t1=$(date +%s)
	if USB_OUT=$W/rebuild USB_FORCE=1 "$ROOT/usb/build.sh" "$OUT/wipecert" \
	    >"$W/rebuild.log" 2>&1; then
		a=$(sha256sum <"$IMG" | cut -c1-64)
		b=$(sha256sum <"$W/rebuild/wipecert-usb.img" | cut -c1-64)
		assert_eq "$b" "$a" "a second build from the same inputs is byte-identical ($(($(date +%s) - t1)) s)"
	else
		not_ok "the second build failed"
		sed 's/^/       /' "$W/rebuild.log" | tail -5
	fi
	rm -rf "$W/rebuild"
fi

# ---- keys and configuration -----------------------------------------------

K=$W/keys
mkdir -p "$K"
printf 'ca secret\n' >"$K/ca.pass"
printf 'tech secret\n' >"$K/tech.pass"
chmod 600 "$K"/*.pass
if ! "$WIPECERT" key ca-init --ca-key "$K/ca.key" --ca-cert "$K/root.pem" \
	--org "株式会社テスト消去" --passphrase-file "$K/ca.pass" \
	--kdf-iterations 1000 >"$W/key.log" 2>&1 ||
    ! "$WIPECERT" key init --ca-key "$K/ca.key" --ca-cert "$K/root.pem" \
	--ca-passphrase-file "$K/ca.pass" --key "$K/tech.key" \
	--cert "$K/tech.pem" --name "USB 試験" --org "株式会社テスト消去" \
	--passphrase-file "$K/tech.pass" --kdf-iterations 1000 \
	>>"$W/key.log" 2>&1; then
	not_ok "cannot make the test keys"
	sed 's/^/       /' "$W/key.log"
	finish
fi
cat >"$W/wipecert.conf" <<'EOF'
# check-usb: the scripted session's configuration
contract = USB-TEST-1
addressee = 練馬区長
department = 練馬区 総務部 情報政策課
manager = 鈴木 一郎
contractor = 株式会社テスト消去
contractor_address = 東京都練馬区豊玉北6-12-1
operator = USB 試験
witness = 佐藤 花子
location = QEMU
key = /data/keys/tech.key
certificate = /data/keys/tech.pem
chain = /data/keys/root.pem
root_ca = /data/keys/root.pem
passphrase_file = /data/keys/tech.pass
register = /data/register.jsonl
output_dir = /data/certificates
EOF

# stick NAME [SCRIPT]: a copy of the image with the test configuration,
# keys and passphrase on its data partition, and GRUB set to boot the
# serial-console entry at once with SCRIPT (none: the UI).
stick() {
	local s=$W/$1.img fs=$W/$1.img@@$DATA_OFF f
	cp --sparse=always "$IMG" "$s" || return 1
	for f in tech.key tech.pem tech.pass root.pem; do
		mcopy -i "$fs" "$K/$f" "::/keys/$f" || return 1
	done
	mcopy -i "$fs" "$W/wipecert.conf" ::/wipecert.conf || return 1
	set_script "$1" "${2:-}"
}

# set_script NAME SCRIPT: GRUB of NAME's stick boots the serial-console
# entry at once, with wipecert.script=SCRIPT (none: the UI).
set_script() {
	local es=$W/$1.img@@$ESP_OFF
	mcopy -n -i "$es" ::/EFI/debian/grub.cfg "$W/grub.cfg" || return 1
	sed -i -e 's/^set timeout=.*/set timeout=0/' \
		-e 's/^set default=.*/set default=1/' \
		-e "s/^set wipecert_args=.*/set wipecert_args=\"${2:+wipecert.script=$2 }wipecert.disks=3\"/" \
		"$W/grub.cfg"
	grep -q '^set default=1$' "$W/grub.cfg" &&
		mcopy -o -i "$es" "$W/grub.cfg" ::/EFI/debian/grub.cfg
}

# disks NAME NVME_MIB: the NVMe disk (random bytes) and the other USB
# disk (random bytes) of a boot.
disks() {
	if [ "$2" -le 64 ]; then
		head -c "$(($2 << 20))" /dev/urandom >"$W/$1.nvme"
	else
		truncate -s "$(($2 << 20))" "$W/$1.nvme" &&
			head -c 4M /dev/urandom | dd of="$W/$1.nvme" conv=notrunc status=none
	fi && head -c 16M /dev/urandom >"$W/$1.usb"
}

# boot NAME FIRMWARE [KILL_REGEX KILL_AFTER]: QEMU with the stick, NVMe
# and USB disks of NAME, until the guest powers off (or USB_TIMEOUT);
# with KILL_REGEX, killed with SIGKILL KILL_AFTER seconds after the
# console shows it.  When $W/NAME.hot exists, it is plugged in (a
# virtio-blk disk, serial WIPECERT-HOTPLUG, on a PCIe root port, through
# the QEMU monitor) once the console matches HOT_RE.  Sets BOOT_SECS,
# UI_SECS (QEMU start to the UI, or to the scripted session that stands
# in for it), KILLED, PLUGGED.
boot() {
	local name=$1 fw=$2 re=${3:-} after=${4:-0} f t0 now seen='' hot=''
	local -a fwargs
	local mach=q35,accel=tcg
	[ -f "$W/$name.hot" ] && hot=$W/$name.hot
	for f in "$W/$name.img" "$W/$name.nvme" "$W/$name.usb" $hot; do
		if [ ! -f "$f" ] || [ -L "$f" ] ||
		    [ "$(dirname "$(readlink -f "$f")")" != "$W" ]; then
			echo "SAFETY: $f is not an image file of this run" >&2
			return 1
		fi
	done
	case $fw in
	bios) fwargs=() ;;
	uefi)
		cp "$OVMF/OVMF_VARS_4M.fd" "$W/$name.vars"
		fwargs=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.fd"
			-drive "if=pflash,format=raw,unit=1,file=$W/$name.vars")
		;;
	secureboot)
		mach=q35,accel=tcg,smm=on
		cp "$OVMF/OVMF_VARS_4M.ms.fd" "$W/$name.vars"
		# shellcheck disable=SC2054 # commas belong to QEMU's syntax
		fwargs=(-global driver=cfi.pflash01,property=secure,value=on
			-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.secboot.fd"
			-drive "if=pflash,format=raw,unit=1,file=$W/$name.vars")
		;;
	esac
	rm -f "$W/$name.mon.in" "$W/$name.mon.out"
	mkfifo "$W/$name.mon.in" "$W/$name.mon.out" || return 1
	t0=$(date +%s.%N)
	# shellcheck disable=SC2054 # commas belong to QEMU's option syntax
	qemu-system-x86_64 -machine "$mach" -cpu max -smp 2 -m 1G \
		-nographic -nodefaults -no-user-config -no-reboot \
		-monitor "pipe:$W/$name.mon" \
		-serial "file:$W/$name.console" -pidfile "$W/$name.pid" \
		"${fwargs[@]}" \
		-device pcie-root-port,id=hp0,chassis=1 \
		-device qemu-xhci,id=xhci \
		-drive "file=$W/$name.img,if=none,id=stick,format=raw,cache=unsafe" \
		-device usb-storage,bus=xhci.0,drive=stick,bootindex=0,serial=WIPECERT-STICK \
		-drive "file=$W/$name.usb,if=none,id=u0,format=raw,cache=unsafe" \
		-device usb-storage,bus=xhci.0,drive=u0,serial=WIPECERT-USB-0001 \
		-drive "file=$W/$name.nvme,if=none,id=n0,format=raw,cache=unsafe" \
		-device nvme,serial=$NVME_SERIAL,drive=n0 \
		</dev/null >"$W/$name.qemu" 2>&1 &
	QEMU_PID=$!
	# Out of the job table: no "Killed" message for the SIGKILL below
	# (bash still reaps it; its exit status is not needed).
	disown "$QEMU_PID"
	UI_SECS='?'
	KILLED=
	PLUGGED=
	while kill -0 "$QEMU_PID" 2>/dev/null; do
		now=$(date +%s.%N)
		if [ -n "$hot" ] && [ -z "$PLUGGED" ] &&
		    grep -aEq "$HOT_RE" "$W/$name.console" 2>/dev/null; then
			# (QEMU holds the FIFO open: the write does not block)
			printf '%s\n' \
				"drive_add 0 if=none,id=hot,file=$hot,format=raw,cache=unsafe" \
				"device_add virtio-blk-pci,bus=hp0,drive=hot,serial=WIPECERT-HOTPLUG" |
				timeout 5 tee "$W/$name.mon.in" >/dev/null && PLUGGED=1
		fi
		if [ "$UI_SECS" = '?' ] && grep -aEq 'station: .*(scripted session|starting the UI)' \
		    "$W/$name.console" 2>/dev/null; then
			UI_SECS=$(echo "$t0 $now" | awk '{ printf "%.1f", $2 - $1 }')
		fi
		if [ -n "$re" ] && [ -z "$seen" ] &&
		    grep -aEq "$re" "$W/$name.console" 2>/dev/null; then
			seen=$now
		fi
		if [ -n "$seen" ] &&
		    awk -v a="$seen" -v b="$now" -v d="$after" 'BEGIN { exit !(b - a >= d) }'; then
			kill -KILL "$QEMU_PID" 2>/dev/null
			KILLED=1
		fi
		if awk -v a="$t0" -v b="$now" -v d="$USB_TIMEOUT" 'BEGIN { exit !(b - a >= d) }'; then
			not_ok "$name: no power-off within $USB_TIMEOUT s: killed"
			kill -KILL "$QEMU_PID" 2>/dev/null
			KILLED=timeout
		fi
		sleep 0.2
	done
	QEMU_PID=
	BOOT_SECS=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	mkdir -p "$LAST/$name"
	cp "$W/$name.console" "$W/$name.qemu" "$LAST/$name/" 2>/dev/null
	return 0
}

# console NAME REGEX: the console of NAME has a line matching REGEX.
console() { grep -aEq "$2" "$W/$1.console"; }
show_console() {
	tr -d '\r' <"$W/$1.console" | grep -a -e '^session:' -e '^station:' \
		-e '^data:' -e '^init:' -e 'error' -e 'refus' | tail -25 |
		cat -v | sed 's/^/       console: /'
}

# data NAME: copy the data partition of NAME's stick to $LAST/NAME/data.
data() {
	local d=$LAST/$1/data
	rm -rf "$d"
	mkdir -p "$d"
	mcopy -s -n -i "$W/$1.img@@$DATA_OFF" '::/*' "$d/" 2>"$LAST/$1/mcopy.err"
}

# check_session NAME [DIRTY_OK]: host-side checks of what a scripted
# session left on its stick; with DIRTY_OK the FAT may still carry the
# dirty bit of an earlier power loss.
check_session() {
	local name=$1 d=$LAST/$1/data pdf n conf=$W/host.conf
	if ! console "$name" "session: .* wipe $NVME_SERIAL exit 0"; then
		not_ok "$name: the scripted wipe of the NVMe disk succeeded"
		show_console "$name"
		return
	fi
	ok "$name: the scripted wipe of the NVMe disk succeeded (exit 0)"
	assert_true "$name: wipecert list (in the guest) refuses the stick by its data partition" \
		console "$name" "wipecert data partition \(label WIPECERT\)"
	assert_true "$name: the guest powered off by itself" test -z "$KILLED"
	assert_true "$name: the NVMe disk is erased (zeros)" is_filled "$W/$name.nvme" 00
	assert_eq "$(md5sum <"$W/$name.usb")" "$USB_SUM" "$name: the other USB disk is untouched"
	data "$name"
	n=$(find "$d/certificates" -name '*.pdf' ! -name '*.failure.pdf' 2>/dev/null | wc -l)
	assert_eq "$n" "${CERTS:-1}" "$name: ${CERTS:-1} certificate(s) on the data partition"
	printf 'register = %s\nroot_ca = %s\n' "$d/register.jsonl" "$K/root.pem" >"$conf"
	for pdf in $(find "$d/certificates" -name '*.pdf' 2>/dev/null | sort); do
		if "$WIPECERT" cert verify "$pdf" --ca "$K/root.pem" \
		    --config "$conf" >"$LAST/$name/cert-verify.out" 2>&1; then
			ok "$name: wipecert cert verify --ca root.pem $(basename "$pdf") (exit 0)"
		else
			not_ok "$name: wipecert cert verify --ca root.pem $(basename "$pdf")"
			sed 's/^/       /' "$LAST/$name/cert-verify.out" | head -10
		fi
	done
	if "$WIPECERT" register verify --register "$d/register.jsonl" \
	    --ca "$K/root.pem" --config "$conf" >"$LAST/$name/register-verify.out" 2>&1; then
		ok "$name: wipecert register verify --ca root.pem (exit 0): $(head -1 "$LAST/$name/register-verify.out")"
	else
		not_ok "$name: wipecert register verify --ca root.pem"
		sed 's/^/       /' "$LAST/$name/register-verify.out" | head -10
	fi
	dd if="$W/$name.img" of="$W/$name.fat" bs=1M iflag=skip_bytes \
		skip="$DATA_OFF" count=$((($(stat -c %s "$W/$name.img") - DATA_OFF) >> 20)) status=none
	if fsck.vfat -n "$W/$name.fat" >"$LAST/$name/fsck.out" 2>&1; then
		ok "$name: the data partition is a clean FAT file system (fsck.vfat -n)"
	elif [ -n "${2:-}" ] && ! grep -v -e '^fsck.fat ' -e 'differences between boot sector and its backup' \
	    -e 'mostly harmless' -e '^  65:01/00$' -e 'Not automatically fixing' \
	    -e 'Dirty bit is set' -e 'removing dirty bit' -e '^$' \
	    -e 'Leaving filesystem unchanged' -e ': [0-9]* files, [0-9/]* clusters$' \
	    "$LAST/$name/fsck.out" | grep -q .; then
		# Linux leaves a FAT dirty when it was dirty at mount time.
		ok "$name: fsck.vfat -n finds nothing wrong on the data partition but the dirty bit the power loss left"
	else
		not_ok "$name: fsck.vfat -n on the data partition"
		sed 's/^/       /' "$LAST/$name/fsck.out" | head -10
	fi
	rm -f "$W/$name.fat"
}

# ---- the boots -----------------------------------------------------------

have_ovmf() {
	case $1 in
	uefi) [ -f "$OVMF/OVMF_CODE_4M.fd" ] && [ -f "$OVMF/OVMF_VARS_4M.fd" ] ;;
	secureboot) [ -f "$OVMF/OVMF_CODE_4M.secboot.fd" ] && [ -f "$OVMF/OVMF_VARS_4M.ms.fd" ] ;;
	*) return 0 ;;
	esac
}

scripted() {
	local name=$1
	if ! have_ovmf "$name"; then
		skip "$name boot: needs OVMF (apt-get install ovmf)"
		return
	fi
	local script=$NVME_SERIAL hot=
	# BIOS: a disk plugged in during the session (its driver is not
	# loaded at boot) is found and wiped too.
	[ "$name" = bios ] && script=$script,WIPECERT-HOTPLUG && hot=1
	stick "$name" "$script" && disks "$name" 32 ||
		{ not_ok "$name: cannot make its disks"; return; }
	if [ -n "$hot" ]; then
		head -c 16M /dev/urandom >"$W/$name.hot" || return
		HOT_SUM=$(md5sum <"$W/$name.hot")
	fi
	USB_SUM=$(md5sum <"$W/$name.usb")
	say "# $name: scripted session${hot:+, a virtio disk plugged in during it}"
	HOT_RE="session: .* wipe $NVME_SERIAL exit"
	boot "$name" "$name" || { not_ok "$name: boot"; return; }
	say "# $name: ran $BOOT_SECS s, UI (session start) at $UI_SECS s"
	TIMES="$TIMES $name=${BOOT_SECS}s/ui=${UI_SECS}s"
	CERTS=$((1 + ${hot:-0})) check_session "$name"
	if [ -n "$hot" ]; then
		assert_eq "$(grep -a 'session: .*kernel .*drivers:' "$W/$name.console" |
			grep -c virtio_blk)" 0 \
			"$name: virtio_blk was not loaded at boot (no virtio device then)"
		assert_true "$name: the plugged-in disk got its driver (virtio_blk, by modalias)" \
			console "$name" "session: .* wipe WIPECERT-HOTPLUG \(/dev/vd[a-z]\) .*drivers: .*virtio_blk"
		assert_true "$name: the plugged-in disk was wiped (exit 0)" \
			console "$name" "session: .* wipe WIPECERT-HOTPLUG exit 0"
		assert_true "$name: the plugged-in disk's image was written" \
			test "$(md5sum <"$W/$name.hot")" != "$HOT_SUM"
	fi
	case $name in
	secureboot)
		assert_true "secureboot: the kernel says Secure Boot is enabled" \
			console "$name" "session: .*Secure boot enabled"
		;;
	uefi)
		assert_true "uefi: booted through UEFI (no Secure Boot)" \
			console "$name" "session: .*(Secure boot disabled|no Secure Boot message)"
		;;
	esac
}

# SIGKILL in the middle of an overwrite: whatever the register holds
# must verify (a torn last line is reported, not an error), and the
# interrupted wipe shows as a started entry without its erasure.
killed() {
	local name=kill d=$LAST/kill/data conf=$W/host.conf
	stick "$name" "$NVME_SERIAL:random" && disks "$name" 2048 ||
		{ not_ok "kill: cannot make its disks"; return; }
	say "# kill: SIGKILL to QEMU 8 s into a random overwrite of a 2 GiB NVMe disk"
	boot "$name" bios "session: .* wipe $NVME_SERIAL .* with random" 8 ||
		{ not_ok "kill: boot"; return; }
	if [ "$KILLED" != 1 ]; then
		not_ok "kill: QEMU was killed mid-wipe (got: ${KILLED:-powered off})"
		show_console "$name"
		return
	fi
	ok "kill: QEMU killed with SIGKILL mid-wipe after $BOOT_SECS s"
	data "$name"
	printf 'register = %s\nroot_ca = %s\n' "$d/register.jsonl" "$K/root.pem" >"$conf"
	if "$WIPECERT" register verify --register "$d/register.jsonl" \
	    --ca "$K/root.pem" --config "$conf" >"$LAST/kill/register-verify.out" 2>&1; then
		ok "kill: the register on the stick still verifies: $(head -1 "$LAST/kill/register-verify.out")"
	else
		not_ok "kill: register verify after the kill"
		sed 's/^/       /' "$LAST/kill/register-verify.out" | head -10
	fi
	"$WIPECERT" register list --register "$d/register.jsonl" --config "$conf" \
		>"$LAST/kill/register-list.out" 2>&1
	assert_true "kill: the wipe cut off shows as a started entry, interrupted" \
		grep -q 'interrupted' "$LAST/kill/register-list.out"

	# The same stick, after the power loss, boots and goes on.
	name=recover
	mv "$W/kill.img" "$W/$name.img" && set_script "$name" "$NVME_SERIAL" &&
		disks "$name" 32 || { not_ok "recover: cannot make its disks"; return; }
	USB_SUM=$(md5sum <"$W/$name.usb")
	say "# recover: the killed stick boots again and wipes the NVMe disk"
	boot "$name" bios || { not_ok "recover: boot"; return; }
	TIMES="$TIMES recover=${BOOT_SECS}s"
	check_session "$name" dirty-ok
	"$WIPECERT" register list --register "$LAST/$name/data/register.jsonl" \
		--config "$conf" >"$LAST/$name/register-list.out" 2>&1
	assert_true "recover: the interrupted wipe is still in the register" \
		grep -q "^ *1 .*started.*interrupted" "$LAST/$name/register-list.out"
}

ui() {
	local name=ui
	stick "$name" "" && disks "$name" 32 || { not_ok "ui: cannot make its disks"; return; }
	say "# ui: no script, the UI on the serial console"
	boot "$name" bios 'station: .*starting the UI' 6 || { not_ok "ui: boot"; return; }
	if [ "$UI_SECS" = '?' ]; then
		not_ok "ui: the UI started"
		show_console "$name"
		return
	fi
	ok "ui: the UI started on the serial console $UI_SECS s after power-on"
	TIMES="$TIMES ui=${UI_SECS}s"
	assert_true "ui: the serial console got TERM=vt220 at 80x24 from the command line" \
		console "$name" 'starting the UI on /dev/ttyS0 \(TERM=vt220 80x24\)'
	assert_true "ui: the data partition was found by its label and mounted" \
		console "$name" 'data: /dev/sd[a-z]1 mounted on /data'
	assert_true "ui: the station's screen came up (menu or wipecert tui)" \
		test "$(sed -n '/starting the UI/,$p' "$W/$name.console" | wc -c)" -gt 300
}

TIMES=
for b in $BOOTS; do
	case $b in
	bios | uefi | secureboot) scripted "$b" ;;
	kill) killed; rm -f "$W"/recover.* ;;
	ui) ui ;;
	*) not_ok "unknown boot '$b'" ;;
	esac
	rm -f "$W/$b".*
done
say "# times:$TIMES (total $(($(date +%s) - t0)) s)"
finish
