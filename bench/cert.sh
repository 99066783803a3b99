#!/bin/sh
# make bench (certificates): time issuing one signed certificate from a
# record with `wipecert cert issue`, with a key at the default (strong)
# KDF cost, and report the file size.  Targets (issue 3): <= 0.5 s and
# <= 600 KB.  The median of RUNS runs; unlock, render and sign included.
set -eu

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
WC=./wipecert
RS=./build/runstat
work=$(mktemp -d "$PWD/build/bench-cert.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

pass=$work/pass
(umask 077 && echo "bench passphrase" >"$pass")
"$WC" key ca-init --ca-key "$work/ca.key" --ca-cert "$work/root.pem" \
	--org "Bench K.K." --name "Bench Root" --passphrase-file "$pass" \
	>/dev/null
"$WC" key init --ca-key "$work/ca.key" --ca-cert "$work/root.pem" \
	--key "$work/tech.key" --cert "$work/tech.pem" --name "山田 太郎" \
	--org "Bench K.K." --passphrase-file "$pass" \
	--ca-passphrase-file "$pass" >/dev/null
truncate -s 16M "$work/disk.img"
"$WC" wipe "$work/disk.img" --yes --confirm "$work/disk.img" \
	--output-dir "$work" --operator "山田 太郎" --contract BENCH-1 \
	>/dev/null 2>&1
rec=$(ls "$work"/*.json)

i=0
while [ "$i" -lt "$RUNS" ]; do
	rm -f "$work/out.pdf"
	set -- $("$RS" "$WC" cert issue "$rec" --output "$work/out.pdf" \
		--key "$work/tech.key" --cert "$work/tech.pem" \
		--chain "$work/root.pem" --passphrase-file "$pass" --no-register)
	[ "$3" -eq 0 ] || { echo "bench: cert issue failed ($3)" >&2; exit 1; }
	echo "$1" >>"$work/times"
	i=$((i + 1))
done
size=$(stat -c %s "$work/out.pdf")
med=$(sort -n "$work/times" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
"$WC" cert verify "$work/out.pdf" --ca "$work/root.pem" >/dev/null ||
	{ echo "bench: the issued certificate does not verify" >&2; exit 1; }
awk -v ns="$med" -v sz="$size" -v runs="$RUNS" 'BEGIN {
	s = ns / 1e9; kb = sz / 1024;
	printf "certificate: issue one signed certificate (key unlock at the default KDF, render, sign), median of %d runs\n", runs;
	printf "  time %.3f s  [<= 0.5]  %s\n", s, s <= 0.5 ? "met" : "MISSED";
	printf "  size %.0f KB [<= 600]  %s\n", kb, kb <= 600 ? "met" : "MISSED" }'
