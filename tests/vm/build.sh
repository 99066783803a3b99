#!/bin/bash
# build.sh - the kernel and initramfs for the virtual-machine tests.
#
#   tests/vm/build.sh [WIPECERT]
#
# From Debian packages only, cached under build/vm/:
#   build/vm/debs/      linux-image-amd64, the linux-image-6.1.*-amd64 it
#                       depends on, busybox-static (apt-get download)
#   build/vm/kernel/    the kernel package unpacked (dpkg-deb -x, never
#                       installed) with modules.dep made by depmod -b
#   build/vm/vmlinuz    the kernel
#   build/vm/initrd.gz  busybox, the modules of tests/vm/modules.list and
#                       their dependencies, WIPECERT (default ./wipecert)
#                       with its shared libraries, tests/vm/init as /init
#                       and tests/vm/guest.sh as /etc/wipecert/rc
#   build/vm/manifest   package versions and SHA-256s, module list
#
# The initramfs is rebuilt only when one of its inputs changed, and the
# same inputs give a byte-identical file (sorted cpio, fixed times,
# gzip -n).  Remove build/vm/debs to move to newer packages.
set -eu
VM_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$VM_DIR/../.." && pwd)
OUT=$ROOT/build/vm
WIPECERT=$(readlink -f "${1:-$ROOT/wipecert}")
. "$VM_DIR/initramfs.sh"

fail() { echo "vm build: $*" >&2; exit 1; }

for c in apt-get dpkg-deb depmod cpio gzip ldd sha256sum; do
	command -v "$c" >/dev/null 2>&1 || fail "needs $c"
done
[ -x "$WIPECERT" ] || fail "$WIPECERT not built"
mkdir -p "$OUT/debs"
# A copy, so that a rebuild going on meanwhile cannot hand us half a
# linked file; it must at least run here.
cp "$WIPECERT" "$OUT/wipecert.tmp" && chmod 0755 "$OUT/wipecert.tmp" &&
	"$OUT/wipecert.tmp" wipe --help >/dev/null 2>&1 ||
	fail "$WIPECERT does not run (being rebuilt?)"
mv "$OUT/wipecert.tmp" "$OUT/wipecert"
WIPECERT=$OUT/wipecert

kdeb=$(ir_kernel_debs "$OUT/debs") || fail "no kernel package"
bdeb=$(ir_fetch_deb busybox-static "$OUT/debs") || fail "no busybox-static"
kver=$(ir_unpack_kernel "$kdeb" "$OUT/kernel/$(basename "$kdeb" .deb)") ||
	fail "cannot unpack $kdeb"
kroot=$OUT/kernel/$(basename "$kdeb" .deb)
modules=$(sed 's/#.*//' "$VM_DIR/modules.list" | tr -s ' \n' ' ')
zone=/usr/share/zoneinfo/Asia/Tokyo

# Everything the initramfs is made of; equal sums mean nothing to do.
inputs=$( (sha256sum "$kdeb" "$bdeb" "$WIPECERT" "$VM_DIR/init" \
	"$VM_DIR/guest.sh" "$VM_DIR/modules.list" "$VM_DIR/initramfs.sh" \
	"$0"; [ -f "$zone" ] && sha256sum "$zone"
	ldd "$WIPECERT" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' |
		xargs -r sha256sum) | sed "s|$ROOT/||" | sha256sum | cut -c1-64)
if [ -f "$OUT/initrd.gz" ] && [ -f "$OUT/vmlinuz" ] &&
    [ "$(cat "$OUT/inputs.sha256" 2>/dev/null)" = "$inputs" ]; then
	echo "vm build: up to date ($kver)"
	exit 0
fi

stage=$OUT/stage
rm -rf "$stage" "$OUT/busybox"
ir_skeleton "$stage" && mkdir -p "$stage/out" || fail "cannot make $stage"
ir_add_busybox "$stage" "$bdeb" || fail "cannot add busybox"

ir_add_modules "$stage" "$kroot" "$kver" $modules ||
	fail "cannot add the modules"
ir_add_binary "$stage" "$WIPECERT" /bin/wipecert ||
	fail "cannot add $WIPECERT"
if [ -f "$zone" ]; then
	mkdir -p "$stage/usr/share/zoneinfo/Asia"
	cp "$zone" "$stage/usr/share/zoneinfo/Asia/Tokyo"
fi
install -m 0755 "$VM_DIR/init" "$stage/init"
install -m 0755 "$VM_DIR/guest.sh" "$stage/etc/wipecert/rc"

ir_pack "$stage" "$OUT/initrd.gz" || fail "cannot pack the initramfs"
cp "$kroot/boot/vmlinuz-$kver" "$OUT/vmlinuz"

{
	echo "kernel $kver"
	for d in "$kdeb" "$bdeb"; do
		printf '%s %s %s\n' "$(dpkg-deb -f "$d" Package)" \
			"$(dpkg-deb -f "$d" Version)" "$(sha256sum <"$d" | cut -c1-64)"
	done
	echo "wipecert $(sha256sum <"$WIPECERT" | cut -c1-64)"
	echo "initrd $(sha256sum <"$OUT/initrd.gz" | cut -c1-64)"
	sed 's|^/lib/modules/[^/]*/|module |' "$stage/etc/modules.order"
} >"$OUT/manifest"
rm -rf "$stage"
echo "$inputs" >"$OUT/inputs.sha256"
echo "vm build: kernel $kver, initrd $(($(stat -c %s "$OUT/initrd.gz") / 1024)) KiB"
