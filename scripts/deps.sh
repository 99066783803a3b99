#!/bin/sh
# Install the Debian packages wipecert needs to build, test and run its
# demo, when they are missing.  Needs root (or sudo) only when something
# is missing.
set -eu

PKGS="build-essential pkg-config libblkid-dev libssl-dev libjson-c-dev
libcmocka-dev libhpdf-dev libqrencode-dev zlib1g-dev libnvme-dev
fonts-ipaexfont-gothic mandoc fdisk e2fsprogs util-linux jq openssl tzdata
cpio kmod mtools dosfstools libdevmapper1.02.1
coreutils poppler-utils qpdf libnss3-tools libfuse3-dev fuse3 libzbar-dev
libncurses-dev tmux"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
