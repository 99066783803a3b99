#!/bin/sh
# make bench: wipecert against dd and an openssl|dd pipeline, on one loop
# device over a pre-faulted file on tmpfs, in the same run.  Prints the
# median of RUNS runs of each and the ratios the spine issue asks for.
#
#   RUNS=5 SIZE_MIB=1024 bench/bench.sh
set -eu

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-1024}
WC=./wipecert
RS=./build/runstat

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: skipped: needs root for a loop device"
	exit 0
fi

work=$(mktemp -d /dev/shm/wipecert-bench.XXXXXX)
out=$(mktemp -d "$PWD/build/bench-out.XXXXXX")
loop=""
cleanup() {
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null
	rm -rf "$work" "$out"
}
trap cleanup EXIT INT TERM

img=$work/bench.img
count=$((SIZE_MIB / 4))
# Pre-fault every page of the backing file so no run pays for it.
dd if=/dev/zero of="$img" bs=4M count="$count" status=none
loop=$(losetup --find --show "$img")
key=000102030405060708090a0b0c0d0e0f

# run NAME CMD...: append "elapsed_ns maxrss_kib" to $work/NAME.
run() {
	name=$1
	shift
	set -- $("$RS" "$@")
	if [ "$3" -ne 0 ]; then
		echo "bench: $name failed (status $3)" >&2
		exit 1
	fi
	echo "$1 $2" >>"$work/$name"
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	run dd_zero dd if=/dev/zero of="$loop" bs=4M count="$count" \
		oflag=direct status=none
	run dd_read dd if="$loop" of=/dev/null bs=4M iflag=direct status=none
	run wc_zero "$WC" wipe "$loop" --yes --confirm "$loop" \
		--output-dir "$out" --verify none --method zero
	run wc_full_zero "$WC" verify "$loop" --expect zero --full
	run wc_sample_zero "$WC" verify "$loop" --expect zero
	run ossl sh -c "openssl enc -aes-128-ctr -K $key -iv 0 -nosalt \
		-in /dev/zero 2>/dev/null | dd of=$loop bs=4M count=$count \
		iflag=fullblock oflag=direct status=none"
	run wc_random "$WC" wipe "$loop" --yes --confirm "$loop" \
		--output-dir "$out" --verify none --method random
	rec=$(ls -t "$out"/*.json | head -n 1)
	run wc_full_random "$WC" verify "$loop" --expect "$rec" --full
	i=$((i + 1))
done

median() {
	sort -n "$work/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
maxrss() {
	cat "$work"/wc_* | awk '$2 > m { m = $2 } END { print m }'
}
rate() {
	# MB/s (decimal) of SIZE_MIB MiB in median ns
	awk -v ns="$(median "$1")" -v mib="$SIZE_MIB" \
		'BEGIN { printf "%.0f", mib * 1048576 / ns * 1000 }'
}
ratio() {
	awk -v a="$(median "$1")" -v b="$(median "$2")" \
		'BEGIN { printf "%.2f", b / a }'
}
verdict() {
	awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
		ok = (op == ">=") ? (v >= t) : (v <= t);
		print ok ? "met" : "MISSED" }'
}

zr=$(ratio wc_zero dd_zero)
rr=$(ratio wc_random dd_zero)
ro=$(ratio wc_random ossl)
fr=$(ratio wc_full_zero dd_read)
# sampled time as a fraction of full verify time
sr=$(awk -v a="$(median wc_sample_zero)" -v b="$(median wc_full_zero)" \
	'BEGIN { printf "%.3f", a / b }')
rss=$(maxrss)
rss_mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')

echo "wipecert bench: $SIZE_MIB MiB loop device on tmpfs, median of $RUNS runs"
printf '  %-34s %8s MB/s\n' \
	"dd zeros (bs=4M oflag=direct)" "$(rate dd_zero)" \
	"openssl aes-128-ctr | dd" "$(rate ossl)" \
	"dd read (bs=4M iflag=direct)" "$(rate dd_read)" \
	"wipecert zero" "$(rate wc_zero)" \
	"wipecert random" "$(rate wc_random)" \
	"wipecert verify --full (zeros)" "$(rate wc_full_zero)" \
	"wipecert verify --full (random)" "$(rate wc_full_random)" \
	"wipecert verify (sampled, zeros)" "$(rate wc_sample_zero)"
echo "ratios (target in brackets):"
echo "  zero / dd zeros            $zr  [>= 0.9]  $(verdict "$zr" 0.9 ">=")"
echo "  random / dd zeros          $rr  [>= 0.8]  $(verdict "$rr" 0.8 ">=")"
echo "  random / openssl|dd        $ro  [>= 1.5]  $(verdict "$ro" 1.5 ">=")"
echo "  full verify / dd read      $fr  [>= 0.9]  $(verdict "$fr" 0.9 ">=")"
echo "  sampled time / full time   $sr  [<= 0.15] $(verdict "$sr" 0.15 "<=")"
echo "  peak RSS of wipecert       $rss_mib MiB [<= 64]  $(verdict "$rss_mib" 64 "<=")"

# The sampled read is 2,000+ extents whatever the size, and on a loop
# device each read costs some 25 us in the loop driver: at 1 GiB that
# fixed cost dominates.  Extents grow with the device, so show the same
# ratio on a larger device (SCALE_MIB=0 skips it).
SCALE_MIB=${SCALE_MIB:-8192}
[ "$SCALE_MIB" -gt 0 ] || exit 0
losetup -d "$loop"
loop=""
rm -f "$img"
dd if=/dev/zero of="$img" bs=4M count=$((SCALE_MIB / 4)) status=none
loop=$(losetup --find --show "$img")
i=0
while [ "$i" -lt 3 ]; do
	run big_full "$WC" verify "$loop" --expect zero --full
	run big_sample "$WC" verify "$loop" --expect zero
	i=$((i + 1))
done
bs=$(awk -v a="$(median big_sample)" -v b="$(median big_full)" \
	'BEGIN { printf "%.3f", a / b }')
echo "  sampled / full at $SCALE_MIB MiB  $bs  [<= 0.15] $(verdict "$bs" 0.15 "<=")  (median of 3)"
