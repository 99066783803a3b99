#!/bin/bash
# build.sh - the technician USB image (make usb-image).
#
#   usb/build.sh [WIPECERT]
#
# Makes build/usb/wipecert-usb.img (write it to a stick with dd, see the
# README) and build/usb/wipecert-usb.manifest, from Debian packages only,
# fetched with `apt-get download` into build/vm/debs (the cache the VM
# tests use; remove it to move to newer packages) and never installed:
#
#   MBR  GRUB i386-pc boot.img (grub-pc-bin), core.img at sector 1 (made
#        with grub-mkimage from grub-common, prefix (,msdos2)/EFI/debian)
#   p1   FAT32 "WIPECERT", the data partition: wipecert.conf, the key, the
#        register and the certificates (usb/data/ seeds it)
#   p2   FAT32 ESP "WCBOOT", bootable: EFI/BOOT/BOOTX64.EFI = Debian's
#        shim signed by Microsoft (shim-signed), grubx64.efi = Debian's
#        signed GRUB (grub-efi-amd64-signed), mmx64.efi (MokManager),
#        EFI/debian/grub.cfg (the one path the signed GRUB reads, and the
#        BIOS GRUB's prefix), wipecert/vmlinuz (Debian's signed kernel),
#        wipecert/initrd.gz, wipecert/manifest.txt
#
# The initramfs holds busybox, wipecert with its shared libraries, the
# modules of usb/modules.list with their dependencies, the IPAex font,
# Asia/Tokyo and UTC time-zone data, terminfo for linux, vt100, vt220,
# xterm and xterm-256color, tests/vm/init as /init and usb/rc as the
# station's startup.
#
# Reproducible: the same inputs (packages, wipecert and its libraries,
# usb/, SOURCE_DATE_EPOCH, which defaults to the last commit's time) give
# a byte-identical image: fixed volume serials and disk identifier, every
# time stamp at SOURCE_DATE_EPOCH, files added in sorted order, no
# grub-mkrescue.  An image whose inputs have not changed is not rebuilt
# (USB_FORCE=1 rebuilds).  Environment: USB_OUT (default build/usb),
# USB_DATA_MIB (the data partition, default 192), USB_ESP_MIB (63).
#
# SAFETY: writes only files under USB_OUT; dd only onto the image file.
set -eu
PATH=$PATH:/usr/sbin:/sbin	# depmod, sfdisk, blkid for a plain user too
USB_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$USB_DIR/.." && pwd)
OUT=${USB_OUT:-$ROOT/build/usb}
DEBS=$ROOT/build/vm/debs
KCACHE=$ROOT/build/vm/kernel
WIPECERT=$(readlink -f "${1:-$ROOT/wipecert}")
DATA_MIB=${USB_DATA_MIB:-192}
ESP_MIB=${USB_ESP_MIB:-63}
IMG=$OUT/wipecert-usb.img
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null) ||
		SOURCE_DATE_EPOCH=1700000000
fi
export SOURCE_DATE_EPOCH MTOOLS_SKIP_CHECK=1 LC_ALL=C TZ=UTC
# shellcheck source=tests/vm/initramfs.sh
. "$ROOT/tests/vm/initramfs.sh"

fail() { echo "usb build: $*" >&2; exit 1; }

for c in apt-get dpkg-deb depmod cpio gzip ldd sha256sum sfdisk mformat \
    mcopy mmd dd flock; do
	command -v "$c" >/dev/null 2>&1 ||
		fail "needs $c (apt-get install fdisk mtools cpio kmod)"
done
[ -x "$WIPECERT" ] || fail "$WIPECERT not built (run make)"
mkdir -p "$OUT" "$DEBS"
# One build at a time in this OUT.
exec 9>"$OUT/.lock"
flock -w 600 9 || fail "another build holds $OUT/.lock"

# A copy of wipecert, so that a rebuild going on meanwhile cannot hand us
# half a linked file; it must at least run here.
cp "$WIPECERT" "$OUT/wipecert.tmp" && chmod 0755 "$OUT/wipecert.tmp" &&
	"$OUT/wipecert.tmp" --version >/dev/null 2>&1 ||
	fail "$WIPECERT does not run (being rebuilt?)"
mv "$OUT/wipecert.tmp" "$OUT/wipecert"
WIPECERT=$OUT/wipecert

# ---- packages ------------------------------------------------------------

PKGS="linux-image-amd64 busybox-static grub-common grub-pc-bin
grub-efi-amd64-signed shim-signed shim-helpers-amd64-signed tzdata
ncurses-base fonts-ipaexfont-gothic"
declare -A DEB
for p in $PKGS; do
	DEB[$p]=$(ir_fetch_deb "$p" "$DEBS") || fail "no $p"
done
kdeb=$(ir_kernel_debs "$DEBS") || fail "no kernel package"
kroot=$KCACHE/$(basename "$kdeb" .deb)
kver=$(ir_unpack_kernel "$kdeb" "$kroot") || fail "cannot unpack $kdeb"

libs() {
	ldd "$WIPECERT" "$(command -v blkid)" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'
}
# Everything the image is made of; equal sums mean nothing to do.
inputs=$( (
	echo "epoch $SOURCE_DATE_EPOCH data $DATA_MIB esp $ESP_MIB"
	sha256sum "$kdeb" "${DEB[@]}" "$WIPECERT" "$ROOT/tests/vm/init" \
		"$ROOT/tests/vm/initramfs.sh" "$0"
	find "$USB_DIR" -type f | sort | xargs sha256sum
	libs | xargs -r sha256sum
) | sed "s|$ROOT/||" | sha256sum | cut -c1-64)
if [ -f "$IMG" ] && [ "${USB_FORCE:-0}" != 1 ] &&
    [ "$(cat "$OUT/inputs.sha256" 2>/dev/null)" = "$inputs" ]; then
	echo "usb build: up to date ($(sha256sum <"$IMG" | cut -c1-16)...)"
	exit 0
fi
rm -f "$OUT/inputs.sha256"

W=$OUT/work
rm -rf "$W"
mkdir -p "$W"
trap 'rm -rf "$W" "$IMG.tmp"' EXIT

# ---- the initramfs --------------------------------------------------------

# modules NAME-OF-SECTION: the names listed in usb/modules.list under it.
modules() {
	sed 's/#.*//' "$USB_DIR/modules.list" | awk -v want="[$1]" '
		/^\[/ { sect = $1; next }
		sect == want { for (i = 1; i <= NF; i++) print $i }'
}

stage=$W/stage
ir_skeleton "$stage" && mkdir -p "$stage/data" "$stage/var/log" ||
	fail "cannot make $stage"
ir_add_busybox "$stage" "${DEB[busybox-static]}" || fail "cannot add busybox"
# shellcheck disable=SC2046 # one name per word
ir_add_modules "$stage" "$kroot" "$kver" $(modules boot) $(modules hardware) ||
	fail "cannot add the modules"
# Only the [boot] ones at every boot; the rest when their hardware is.
# shellcheck disable=SC2046
ir_resolve_modules "$kroot" "$kver" $(modules boot) |
	sed "s|^|/lib/modules/$kver/|" >"$stage/etc/modules.order" ||
	fail "cannot resolve the boot modules"
ir_add_binary "$stage" "$WIPECERT" /bin/wipecert || fail "cannot add wipecert"
# busybox has no blkid: util-linux's (libblkid is wipecert's already).
BLKID=$(command -v blkid) || fail "needs blkid (util-linux)"
ir_add_binary "$stage" "$BLKID" /bin/blkid || fail "cannot add blkid"
ir_add_from_deb "$stage" "${DEB[tzdata]}" usr/share/zoneinfo/Asia/Tokyo \
	usr/share/zoneinfo/Etc/UTC || fail "cannot add the time zones"
ln -s Etc/UTC "$stage/usr/share/zoneinfo/UTC"
ir_add_from_deb "$stage" "${DEB[ncurses-base]}" lib/terminfo/l/linux \
	lib/terminfo/v/vt100 lib/terminfo/v/vt220 lib/terminfo/x/xterm \
	lib/terminfo/x/xterm-256color || fail "cannot add terminfo"
ir_add_from_deb "$stage" "${DEB[fonts-ipaexfont-gothic]}" \
	usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ||
	fail "cannot add the font"
install -m 0755 "$ROOT/tests/vm/init" "$stage/init"
install -m 0755 "$USB_DIR/rc" "$stage/etc/wipecert/rc"
install -m 0755 "$USB_DIR/hotplug" "$stage/etc/wipecert/early"
install -m 0755 "$USB_DIR/session" "$stage/etc/wipecert/session"
install -m 0755 "$USB_DIR/menu" "$stage/bin/wipecert-menu"
install -m 0755 "$USB_DIR/mountdata" "$stage/bin/wipecert-mount-data"
install -m 0644 "$USB_DIR/mdev.conf" "$stage/etc/mdev.conf"
install -m 0644 "$USB_DIR/profile" "$stage/etc/profile"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
ir_pack "$stage" "$W/initrd.gz" || fail "cannot pack the initramfs"

# ---- GRUB ------------------------------------------------------------------

g=$W/grub
ir_add_from_deb "$g" "${DEB[grub-common]}" usr/bin/grub-mkimage &&
	ir_add_from_deb "$g" "${DEB[grub-pc-bin]}" usr/lib/grub/i386-pc &&
	ir_add_from_deb "$g" "${DEB[grub-efi-amd64-signed]}" \
		usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed &&
	ir_add_from_deb "$g" "${DEB[shim-signed]}" usr/lib/shim/shimx64.efi.signed &&
	ir_add_from_deb "$g" "${DEB[shim-helpers-amd64-signed]}" \
		usr/lib/shim/mmx64.efi.signed || fail "cannot unpack GRUB and shim"
# BIOS: everything grub.cfg uses is built in (no module folder on the
# ESP); the prefix names partition 2 of the disk the BIOS booted from.
"$g/usr/bin/grub-mkimage" -d "$g/usr/lib/grub/i386-pc" -O i386-pc \
	-o "$W/core.img" -p '(,msdos2)/EFI/debian' \
	biosdisk part_msdos fat normal linux echo test serial terminal \
	sleep search search_label configfile halt reboot minicmd ||
	fail "grub-mkimage failed (does the grub-common binary run here?)"

# ---- the two partitions ----------------------------------------------------

# fat_put IMAGE@@OFFSET DIR: DIR's folders and files into the FAT file
# system, in sorted order, every time stamp at SOURCE_DATE_EPOCH.
fat_put() {
	local fs=$1 dir=$2 f
	find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	(cd "$dir" && find . -mindepth 1 | sort) | while read -r f; do
		f=${f#./}
		if [ -d "$dir/$f" ]; then
			mmd -i "$fs" "::/$f" || return 1
		else
			mcopy -m -i "$fs" "$dir/$f" "::/$f" || return 1
		fi
	done
}

esp=$W/esp
mkdir -p "$esp/EFI/BOOT" "$esp/EFI/debian" "$esp/wipecert"
cp "$g/usr/lib/shim/shimx64.efi.signed" "$esp/EFI/BOOT/BOOTX64.EFI"
cp "$g/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" \
	"$esp/EFI/BOOT/grubx64.efi"
cp "$g/usr/lib/shim/mmx64.efi.signed" "$esp/EFI/BOOT/mmx64.efi"
cp "$USB_DIR/grub.cfg" "$esp/EFI/debian/grub.cfg"
cp "$kroot/boot/vmlinuz-$kver" "$esp/wipecert/vmlinuz"
cp "$W/initrd.gz" "$esp/wipecert/initrd.gz"

# The manifest: what went in, by package version and SHA-256.
sum() { sha256sum <"$1" | cut -c1-64; }
{
	echo "# wipecert technician USB image"
	echo "source_date_epoch $SOURCE_DATE_EPOCH"
	echo "kernel $kver"
	for d in "$kdeb" "${DEB[@]}"; do
		printf 'package %s %s %s\n' "$(dpkg-deb -f "$d" Package)" \
			"$(dpkg-deb -f "$d" Version)" "$(sum "$d")"
	done | sort -u
	echo "wipecert $("$WIPECERT" --version 2>/dev/null | head -1 |
		tr -s ' ' | cut -d' ' -f2) $(sum "$WIPECERT")"
	echo "blkid $(dpkg -S "$(command -v blkid)" 2>/dev/null | cut -d: -f1) $(sum "$(command -v blkid)")"
	for l in $(libs | sort -u); do
		# (merged /usr: dpkg may know the library under /usr)
		p=$(dpkg -S "$l" "/usr$l" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$p" ] && p="$p $(dpkg-query -W -f='${Version}' "$p")"
		printf 'library %s %s %s\n' "$l" "${p:-?}" "$(sum "$l")"
	done
	for f in EFI/BOOT/BOOTX64.EFI EFI/BOOT/grubx64.efi EFI/BOOT/mmx64.efi \
	    wipecert/vmlinuz wipecert/initrd.gz; do
		echo "file $f $(sum "$esp/$f")"
	done
	echo "file core.img $(sum "$W/core.img")"
	sed "s|^/lib/modules/$kver/|boot-module |" "$stage/etc/modules.order"
	echo "modules $(find "$stage/lib/modules" -name '*.ko*' | wc -l)"
} >"$W/manifest"
cp "$W/manifest" "$esp/wipecert/manifest.txt"

data=$W/data
cp -r "$USB_DIR/data" "$data"
mkdir -p "$data/certificates" "$data/keys"

# ---- the image --------------------------------------------------------------

GAP=2048			# sectors before p1: MBR + core.img
P1=$GAP
P1N=$((DATA_MIB * 2048))
P2=$((P1 + P1N))
P2N=$((ESP_MIB * 2048))
TOTAL=$((P2 + P2N))
core=$(stat -c %s "$W/core.img")
[ "$core" -le $(((GAP - 1) * 512)) ] ||
	fail "core.img ($core bytes) does not fit before sector $GAP"

rm -f "$IMG.tmp"
truncate -s $((TOTAL * 512)) "$IMG.tmp"
printf 'label: dos\nlabel-id: 0x57434552\nunit: sectors\n%s\n%s\n' \
	"start=$P1, size=$P1N, type=c" \
	"start=$P2, size=$P2N, type=ef, bootable" |
	sfdisk -q --no-reread "$IMG.tmp" >/dev/null || fail "sfdisk failed"
mformat -i "$IMG.tmp@@$((P1 * 512))" -T "$P1N" -H "$P1" -F -v WIPECERT \
	-N 57430001 :: || fail "mformat (data) failed"
mformat -i "$IMG.tmp@@$((P2 * 512))" -T "$P2N" -H "$P2" -F -v WCBOOT \
	-N 57430002 :: || fail "mformat (ESP) failed"
fat_put "$IMG.tmp@@$((P1 * 512))" "$data" || fail "cannot fill the data partition"
fat_put "$IMG.tmp@@$((P2 * 512))" "$esp" || fail "cannot fill the ESP"
# GRUB's boot.img: its code only (440 bytes: the disk identifier and the
# partition table stay); core.img at sector 1, where boot.img and
# core.img's first sector look for it.  The jump that trusts only a
# floppy's boot drive number becomes two NOPs, as grub-bios-setup does
# for hard disks.
dd if="$g/usr/lib/grub/i386-pc/boot.img" of="$IMG.tmp" bs=440 count=1 \
	conv=notrunc status=none &&
	printf '\220\220' | dd of="$IMG.tmp" bs=1 seek=$((0x66)) conv=notrunc \
		status=none &&
	dd if="$W/core.img" of="$IMG.tmp" bs=512 seek=1 conv=notrunc \
		status=none || fail "cannot write the boot code"
mv "$IMG.tmp" "$IMG"

{
	cat "$W/manifest"
	echo "partition data $P1 $P1N"
	echo "partition esp $P2 $P2N"
	echo "image wipecert-usb.img $(sum "$IMG")"
} >"$OUT/wipecert-usb.manifest"
echo "$inputs" >"$OUT/inputs.sha256"
echo "usb build: $IMG ($((TOTAL / 2048)) MiB), kernel $kver," \
	"initrd $(($(stat -c %s "$W/initrd.gz") / 1024)) KiB," \
	"sha256 $(sum "$IMG")"
