# shellcheck shell=bash
# initramfs.sh - build a Debian-kernel + busybox initramfs from Debian
# packages, without installing any of them.  Sourced by tests/vm/build.sh;
# written to be sourced as well by the technician USB image build
# (issue 6), which needs the same kernel, modules and binary copying.
#
# Every function returns non-zero on failure and prints a message on
# stderr; none of them exits.  Nothing here touches the host system
# outside the folders it is given: packages are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` (installing the
# kernel package would run the host's initramfs hooks).
#
# Functions:
#   ir_fetch_deb PKG DIR        download PKG's .deb into DIR (cached)
#   ir_kernel_debs DIR          the linux-image-amd64 meta package and the
#                               versioned linux-image-6.1.*-amd64 it names
#   ir_unpack_kernel DEB DEST   unpack once, run depmod on the copy
#   ir_resolve_modules KROOT KVER NAME...
#                               module files (relative), dependencies first
#   ir_add_modules STAGE KROOT KVER NAME...
#   ir_add_binary STAGE FILE [DEST]
#                               copy FILE with its shared libraries and the
#                               dynamic loader
#   ir_skeleton STAGE           the folders of a busybox root (/sbin and
#                               /usr/bin linked to /bin)
#   ir_add_busybox STAGE DEB    busybox from busybox-static's DEB, with a
#                               link for each of its applets
#   ir_add_from_deb STAGE DEB PATH...
#                               copy PATHs (files or folders, as the
#                               package holds them) out of DEB
#   ir_pack STAGE OUT           a reproducible newc cpio.gz of STAGE

IR_EPOCH=${SOURCE_DATE_EPOCH:-0}

ir_err() { printf 'initramfs: %s\n' "$*" >&2; }

# apt-get download refuses to guess; an empty package list on a fresh
# machine is fixed by one `apt-get update`.
_ir_apt_download() {
	local pkg=$1 dir=$2
	# (As root, apt warns that it downloads unsandboxed: harmless.)
	(cd "$dir" && apt-get download -q=2 "$pkg" 2>"$dir/.apt.err") && return 0
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq >/dev/null 2>&1 &&
			(cd "$dir" && apt-get download -q=2 "$pkg" 2>"$dir/.apt.err") &&
			return 0
	fi
	grep -v '^W: Download is performed unsandboxed' "$dir/.apt.err" >&2
	return 1
}

# ir_fetch_deb PKG DIR: print the path of PKG_*.deb in DIR, downloading
# it first when no version of it is there.  A cached .deb is reused as
# is, so a second build needs no network and gives the same result;
# remove DIR to move to a newer package.
ir_fetch_deb() {
	local pkg=$1 dir=$2 f
	mkdir -p "$dir" || return 1
	f=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -1)
	if [ -z "$f" ]; then
		_ir_apt_download "$pkg" "$dir" || {
			ir_err "cannot download $pkg (apt-get download)"
			return 1
		}
		f=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | sort | tail -1)
	fi
	[ -n "$f" ] && [ -s "$f" ] || { ir_err "no .deb for $pkg in $dir"; return 1; }
	printf '%s\n' "$f"
}

# ir_kernel_debs DIR: print the path of the versioned kernel package
# (linux-image-6.1.0-N-amd64) that linux-image-amd64 depends on.
ir_kernel_debs() {
	local dir=$1 meta dep
	meta=$(ir_fetch_deb linux-image-amd64 "$dir") || return 1
	dep=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' |
		sed -n 's/^ *\(linux-image-[0-9][^ ]*-amd64\).*/\1/p' | head -1)
	[ -n "$dep" ] || { ir_err "$meta names no linux-image-*-amd64"; return 1; }
	ir_fetch_deb "$dep" "$dir"
}

# ir_unpack_kernel DEB DEST: unpack DEB into DEST (once: DEST/.done marks
# a complete unpack) and generate modules.dep in the copy with depmod -b
# (the package ships none: its postinst makes it).  Prints the kernel
# release ("6.1.0-56-amd64").
ir_unpack_kernel() {
	local deb=$1 dest=$2 kver
	if [ ! -f "$dest/.done" ]; then
		rm -rf "$dest"
		mkdir -p "$dest" || return 1
		dpkg-deb -x "$deb" "$dest" || { ir_err "dpkg-deb -x $deb"; return 1; }
		kver=$(ls "$dest/lib/modules" | head -1)
		[ -n "$kver" ] || { ir_err "$deb holds no modules"; return 1; }
		depmod -b "$dest" "$kver" || { ir_err "depmod -b $dest $kver"; return 1; }
		touch "$dest/.done"
	fi
	kver=$(ls "$dest/lib/modules" | head -1)
	[ -f "$dest/boot/vmlinuz-$kver" ] || { ir_err "no vmlinuz-$kver in $dest"; return 1; }
	printf '%s\n' "$kver"
}

# ir_resolve_modules KROOT KVER NAME...: print the module files (paths
# relative to lib/modules/KVER) needed for NAMEs, each after everything it
# depends on (modules.dep), each once.  A name built into the kernel
# (modules.builtin) is skipped; an unknown name is an error.
ir_resolve_modules() {
	local kroot=$1 kver=$2
	shift 2
	awk -v names="$*" '
	function norm(s) { sub(/^.*\//, "", s); sub(/\.ko(\.[a-z]+)?$/, "", s); gsub(/-/, "_", s); return s }
	function visit(p,   i, n, d) {
		if (p in seen) return
		seen[p] = 1
		n = split(deps[p], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print p
	}
	FILENAME ~ /modules\.builtin$/ { builtin[norm($0)] = 1; next }
	{
		p = $1; sub(/:$/, "", p)
		file[norm(p)] = p
		$1 = ""; deps[p] = $0
	}
	END {
		n = split(names, want, " ")
		for (i = 1; i <= n; i++) {
			m = norm(want[i])
			if (m in file) visit(file[m])
			else if (!(m in builtin)) { print "unknown module " want[i] > "/dev/stderr"; bad = 1 }
		}
		exit bad
	}' "$kroot/lib/modules/$kver/modules.builtin" \
		"$kroot/lib/modules/$kver/modules.dep"
}

# ir_add_modules STAGE KROOT KVER NAME...: copy the modules for NAMEs and
# their dependencies into STAGE, write STAGE/etc/modules.order (the load
# order, one file per line) and a modules.dep for them (so that busybox
# modprobe and the kernel's request_module work in the guest).
ir_add_modules() {
	local stage=$1 kroot=$2 kver=$3 list m
	shift 3
	list=$(ir_resolve_modules "$kroot" "$kver" "$@") || return 1
	mkdir -p "$stage/lib/modules/$kver" "$stage/etc" || return 1
	: >"$stage/etc/modules.order"
	for m in $list; do
		mkdir -p "$stage/lib/modules/$kver/$(dirname "$m")"
		cp "$kroot/lib/modules/$kver/$m" "$stage/lib/modules/$kver/$m" ||
			return 1
		printf '/lib/modules/%s/%s\n' "$kver" "$m" >>"$stage/etc/modules.order"
	done
	cp "$kroot/lib/modules/$kver/modules.builtin" \
		"$kroot/lib/modules/$kver/modules.builtin.modinfo" \
		"$kroot/lib/modules/$kver/modules.order" "$stage/lib/modules/$kver/" &&
		depmod -b "$stage" "$kver"
}

# ir_add_binary STAGE FILE [DEST]: copy FILE to STAGE/DEST (default: the
# same path) with every shared library ldd names and the dynamic loader,
# at the paths ldd gives.
ir_add_binary() {
	local stage=$1 file=$2 dest=${3:-$2} lib
	if ldd "$file" 2>/dev/null | grep -q 'not found'; then
		ir_err "$file: $(ldd "$file" | grep 'not found' | head -1)"
		return 1
	fi
	mkdir -p "$stage/$(dirname "$dest")" || return 1
	cp "$file" "$stage/$dest" || return 1
	for lib in $(ldd "$file" 2>/dev/null |
	    sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		[ -e "$stage/$lib" ] && continue
		mkdir -p "$stage/$(dirname "$lib")" || return 1
		cp -L "$lib" "$stage/$lib" || return 1
	done
	return 0
}

# ir_skeleton STAGE: an empty root with the usual folders.
ir_skeleton() {
	local stage=$1
	mkdir -p "$stage"/{bin,dev,proc,sys,tmp,run,root,etc/wipecert,lib} &&
		ln -s bin "$stage/sbin" && mkdir -p "$stage/usr" &&
		ln -s ../bin "$stage/usr/bin" && ln -s ../bin "$stage/usr/sbin"
}

# ir_add_busybox STAGE DEB: /bin/busybox out of busybox-static's DEB,
# and a link to it in /bin for each applet it has.
ir_add_busybox() {
	local stage=$1 deb=$2 a
	ir_add_from_deb "$stage" "$deb" bin/busybox || return 1
	for a in $("$stage/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$stage/bin/$a" || return 1
	done
}

# ir_add_from_deb STAGE DEB PATH...: PATHs (relative, as in the package:
# "usr/share/zoneinfo/Asia/Tokyo", a folder takes what is under it) out
# of DEB into STAGE, without unpacking the rest.  Symbolic links stay
# links.  A PATH the package does not hold is an error.
ir_add_from_deb() {
	local stage=$1 deb=$2 p
	shift 2
	mkdir -p "$stage" || return 1
	for p in "$@"; do
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$stage" --no-same-owner "./${p#/}" || {
			ir_err "$deb holds no $p"
			return 1
		}
	done
}

# ir_pack STAGE OUT: a newc cpio, gzip'd, that depends only on the
# contents of STAGE: sorted names, owner root, every time stamp set to
# SOURCE_DATE_EPOCH (0 when unset), no name or time in the gzip header.
ir_pack() {
	local stage=$1 out=$2
	find "$stage" -exec touch -h -d "@$IR_EPOCH" {} + || return 1
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) |
		gzip -n -6 >"$out.tmp" || { rm -f "$out.tmp"; return 1; }
	mv "$out.tmp" "$out"
}
