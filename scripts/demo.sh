#!/bin/bash
# demo.sh - `make demo`: the main job on a built-in demo disk.
#
# Makes (once) a demo root CA, a technician key with a demo passphrase
# file, and demo/wipecert.conf pointing at them; records the medium's
# custody in the register (received, taken out, returned); makes a
# 256 MiB image with a GPT, one partition at 1 MiB and an ext4
# filesystem "WARD-DATA" holding a few files; as root attaches it to a
# loop device (detached again on every exit path), otherwise uses the
# image file itself; erases it with --method auto, verifies it against
# its record, shows that libblkid finds nothing, verifies the signed
# certificate and the register, records the physical destruction of a
# second medium that cannot be read, makes the signed contract-end
# report (第22条) and the CSV 管理簿, and removes the image.
# What stays in demo/: the record (<id>.json), the signed certificate
# (<id>.pdf), the destruction record and certificate, the report
# (NRM-2025-0042-report-<date>.pdf), kanribo.csv, root-ca.pem,
# register.jsonl, wipecert.conf, keys/ and demo.log, a transcript of the
# last run.  Exits non-zero if any step
# failed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
demo=demo
work=$demo/work
img=$work/ward-disk.img
log=$demo/demo.log
wipecert=./wipecert
status=0
dev=

[ -x "$wipecert" ] || { echo "demo: ./wipecert is not built (run make)" >&2; exit 1; }
for c in sfdisk mke2fs blkid sha256sum; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "demo: $c is missing (make deps)" >&2; exit 1; }
done

cleanup() {
	local d
	# Detach only loop devices backed by our own image.
	if [ -f "$img" ] && [ "$(id -u)" -eq 0 ]; then
		for d in $(losetup -n -O NAME -j "$img" 2>/dev/null); do
			losetup -d "$d" && echo "demo: detached $d"
		done
	fi
	rm -rf "$work"
}
trap 'cleanup' EXIT
trap 'cleanup; echo "demo: interrupted"; exit 130' INT
trap 'cleanup; echo "demo: terminated"; exit 143' TERM HUP
# A closed transcript pipe must not stop the clean-up.
trap '' PIPE

# Start clean: leftovers of an earlier run (an image still attached after
# a kill -9), and the outputs of the last run, so that demo/ shows one
# run.  The keys stay (key files are never overwritten).
mkdir -p "$demo" || exit 1
cleanup
rm -f "$log" "$demo"/*.json "$demo"/*.pdf "$demo"/register.jsonl \
	"$demo"/*.ata-password "$demo"/kanribo.csv
mkdir -p "$work" || exit 1

# The transcript: tee ignores ^C, so that it outlives the rest.
exec > >(trap '' INT TERM HUP; exec tee "$log") 2>&1
teepid=$!

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; }
# showq ARGS...: like show, quoting the arguments that need it.
showq() {
	local a line=
	for a in "$@"; do
		case "$a" in
		*[[:space:]\'\"\$\`\\\;\&\|\<\>\(\)\*\?]* | '') a="\"$a\"" ;;
		esac
		line="$line${line:+ }$a"
	done
	printf '$ %s\n' "$line"
}
fail() { echo "demo: FAILED: $*"; status=1; }
finish() {
	echo
	if [ "$status" -eq 0 ]; then
		echo "demo: done; transcript in $log"
	else
		echo "demo: FAILED; transcript in $log"
	fi
	cleanup
	trap - EXIT
	exec >&- 2>&-
	wait "$teepid" 2>/dev/null
	exit "$status"
}

step "0. Keys and configuration (demo only: a real root CA stays offline)"
keys=$demo/keys
pass=$keys/passphrase
mkdir -p "$keys" && chmod 700 "$keys"
if [ ! -f "$keys/tech.key" ] || [ ! -f "$keys/tech.pem" ] ||
    [ ! -f "$demo/root-ca.pem" ]; then
	rm -f "$keys"/* "$demo/root-ca.pem"
	(umask 077 && printf 'demo passphrase: not for real use\n' >"$pass")
	args=(key ca-init --ca-key "$keys/root-ca.key"
		--ca-cert "$demo/root-ca.pem" --org "Example Contractor K.K."
		--name "Example Contractor Root CA" --passphrase-file "$pass")
	showq ./wipecert "${args[@]}"
	"$wipecert" "${args[@]}" || { fail "key ca-init"; finish; }
	args=(key init --ca-key "$keys/root-ca.key"
		--ca-cert "$demo/root-ca.pem" --key "$keys/tech.key"
		--cert "$keys/tech.pem" --name "山田 太郎"
		--org "Example Contractor K.K." --passphrase-file "$pass"
		--ca-passphrase-file "$pass")
	showq ./wipecert "${args[@]}"
	"$wipecert" "${args[@]}" || { fail "key init"; finish; }
else
	echo "(reusing the demo keys in $keys)"
fi
conf=$demo/wipecert.conf
{
	echo "# wipecert.conf(5) for the demo; paths are relative to the"
	echo "# repository, where make demo runs."
	echo "contract = NRM-2025-0042"
	echo "addressee = 練馬区長"
	echo "department = 練馬区 総務部情報政策課"
	echo "manager = 練馬 次郎"
	echo "contractor = Example Contractor K.K."
	echo "contractor_address = 東京都練馬区豊玉北6-12-1 (架空)"
	echo "contractor_representative = 代表取締役 例 太郎"
	echo "operator = 山田 太郎"
	echo "operator_title = データ消去技術者"
	echo "operator_contact = 03-0000-0000"
	echo "location = 練馬区役所 本庁舎 (demo)"
	echo "witness = 練馬 花子"
	echo "media_source = 練馬区 (契約終了に伴う返却媒体)"
	echo "classification = 機密性2"
	echo "destination = 練馬区へ返却"
	echo "key = $keys/tech.key"
	echo "certificate = $keys/tech.pem"
	echo "chain = $demo/root-ca.pem"
	echo "root_ca = $demo/root-ca.pem"
	echo "passphrase_file = $pass"
	echo "register = $demo/register.jsonl"
	echo "output_dir = $demo"
} >"$conf"
show "cat $conf"
cat "$conf"
export WIPECERT_CONFIG=$conf

step "0b. Custody: the ward hands the disk over; it is taken out and back"
args=(register add received --asset-tag NRM-HDD-0001
	--from "練馬区 総務部情報政策課" --description "業務用ディスク (demo image)"
	--type HDD --classification 機密性2 --stored-info "住民台帳 (架空データ)"
	--received-by "山田 太郎")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" || fail "register add received"
args=(register add takeout --asset-tag NRM-HDD-0001 --taken-by "山田 太郎"
	--approver "練馬 次郎" --purpose "データ消去" --destination "消去作業室")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" || fail "register add takeout"
args=(register add return --asset-tag NRM-HDD-0001 --confirmed-by "練馬 花子")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" || fail "register add return"

step "1. A 256 MiB disk image: GPT, one partition at 1 MiB, ext4 'WARD-DATA'"
src=$work/files
mkdir -p "$src/台帳"
cat >"$src/台帳/住民台帳.csv" <<'EOF'
番号,氏名,住所,生年月日
0001,練馬 一郎,東京都練馬区豊玉北6-12-1,1970-04-01
0002,練馬 二郎,東京都練馬区豊玉北6-12-1,1972-09-15
0003,光が丘 三子,東京都練馬区光が丘2-9-6,1985-12-24
EOF
printf 'WARD-DATA demo volume: fictitious data for the wipecert demo.\n' >"$src/README.txt"
printf 'NRM-HDD-0001\n' >"$src/asset-tag.txt"
show "truncate -s 256M $img"
truncate -s 256M "$img" || { fail "truncate"; finish; }
show "sfdisk $img  (label: gpt; start=2048, type=linux)"
printf 'label: gpt\nstart=2048, type=linux, name="ward-data"\n' |
	sfdisk -q "$img" || { fail "sfdisk"; finish; }
show "mke2fs -t ext4 -L WARD-DATA -d $src -E offset=1048576 $img 254M"
mke2fs -q -F -t ext4 -L WARD-DATA -d "$src" -E offset=1048576 "$img" 254M ||
	{ fail "mke2fs"; finish; }
rm -rf "$src"
show "blkid -p $img; blkid -p -O 1048576 $img"
blkid -p "$img"
blkid -p -O 1048576 "$img"

if [ "$(id -u)" -eq 0 ]; then
	step "2. Attach it to a loop device"
	show "losetup --find --show $img"
	dev=$(losetup --find --show "$img") || { fail "losetup"; finish; }
	echo "$dev"
	target=$dev
	show "./wipecert list | grep -A1 '^$dev '"
	"$wipecert" list >"$work/list.txt" || fail "wipecert list"
	head -1 "$work/list.txt"
	grep -A1 "^$dev " "$work/list.txt" || fail "$dev is not in wipecert list"
else
	step "2. Not root: the image file itself is the target"
	echo "(wipecert list shows block devices only; an image file is"
	echo " erased as a file, and its record says transport \"file\".)"
	target=$img
fi

step "3. Erase $target with --method auto, verify, write the record"
args=(wipe "$target" --method auto --yes --confirm "$target"
	--asset-tag "NRM-HDD-0001")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" >"$work/wipe.out"
rc=$?
cat "$work/wipe.out"
[ "$rc" -eq 0 ] || fail "wipecert wipe exited $rc"
rec=$(sed -n 's/^ *record \(.*\)$/\1/p' "$work/wipe.out" | head -1)
sum=$(sed -n 's/^ *sha256 \([0-9a-f]*\)$/\1/p' "$work/wipe.out" | head -1)
if [ -z "$rec" ] || [ ! -f "$rec" ]; then
	fail "no record was written"
	finish
fi

step "4. Verify $target against the record"
show "./wipecert verify $target --expect $rec"
"$wipecert" verify "$target" --expect "$rec" || fail "wipecert verify exited $?"

step "5. libblkid finds nothing on $target"
show "blkid -p $target"
blkid -p "$target"
rc=$?
if [ "$rc" -eq 2 ]; then
	echo "(exit 2: nothing found)"
else
	fail "blkid -p found something (exit $rc)"
fi
show "blkid -p -O 1048576 $target"
blkid -p -O 1048576 "$target"
rc=$?
if [ "$rc" -eq 2 ]; then
	echo "(exit 2: nothing found where the ext4 filesystem was)"
else
	fail "blkid -p -O 1048576 found something (exit $rc)"
fi

step "6. The record"
if command -v jq >/dev/null 2>&1; then
	show "jq '{result, method: .technique.method, media: .media.path, ...}' $rec"
	jq '{id, result, method: .technique.method, reason: .technique.reason,
	    io_mode: .technique.io_mode, media: .media.path,
	    contents_before: [.media.contents_before.pttype,
	      (.media.contents_before.items[] | "\(.type) \(.label) at \(.offset)")],
	    coverage_ppm: .verification.coverage_ppm,
	    signatures_clean: .verification.signature_probe.clean,
	    operator: .people.operator, witness: .people.witness,
	    contract: .contract.number}' "$rec"
	[ "$(jq -r .result "$rec")" = pass ] || fail "the record does not say pass"
fi
show "sha256sum $rec"
sha256sum "$rec"
if [ "$(sha256sum "$rec" | cut -d' ' -f1)" != "$sum" ]; then
	fail "the SHA-256 wipecert printed ($sum) is not the record's"
fi
echo
echo "record: $root/$rec"
echo "sha256: $sum"

step "7. The signed certificate and the register"
pdf=${rec%.json}.pdf
if [ -f "$pdf" ]; then
	show "./wipecert cert verify $pdf --ca $demo/root-ca.pem"
	"$wipecert" cert verify "$pdf" --ca "$demo/root-ca.pem" ||
		fail "cert verify exited $?"
	if command -v pdfsig >/dev/null 2>&1; then
		show "pdfsig $pdf"
		pdfsig "$pdf" 2>&1 | grep -E 'Common Name|Signature Validation|Total document'
	fi
else
	fail "no certificate $pdf"
fi
show "./wipecert register verify --ca $demo/root-ca.pem"
"$wipecert" register verify --ca "$demo/root-ca.pem" ||
	fail "register verify exited $?"
show "./wipecert register list"
"$wipecert" register list || fail "register list"

step "8. A second medium that cannot be read: destroyed, with a certificate"
args=(register add received --asset-tag NRM-USB-0002
	--from "練馬区 総務部情報政策課" --description "故障したUSBメモリ (demo)"
	--type "USB flash" --serial 4C530001234567 --classification 機密性2
	--received-by "山田 太郎")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" || fail "register add received (USB)"
args=(destroy --method crush --asset-tag NRM-USB-0002 --type "USB flash"
	--vendor SanDisk --model "Cruzer Blade 16GB" --serial 4C530001234567
	--capacity 16GB --place "練馬区役所 本庁舎 (demo)"
	--note "読み取り不能のため物理破壊 (demo)")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" >"$work/destroy.out" || fail "wipecert destroy exited $?"
cat "$work/destroy.out"
dpdf=$(find "$demo" -maxdepth 1 -name '*.destruction.pdf' | head -n 1)
if [ -n "$dpdf" ]; then
	show "./wipecert cert verify $dpdf --ca $demo/root-ca.pem"
	"$wipecert" cert verify "$dpdf" --ca "$demo/root-ca.pem" ||
		fail "cert verify (destruction) exited $?"
else
	fail "no destruction certificate"
fi

step "9. The contract-end report (第22条) and the register"
args=(report --contract NRM-2025-0042 --output-dir "$demo"
	--ca "$demo/root-ca.pem")
showq ./wipecert "${args[@]}"
"$wipecert" "${args[@]}" || fail "wipecert report exited $?"
rpdf=$(find "$demo" -maxdepth 1 -name 'NRM-2025-0042-report-*.pdf' | head -n 1)
if [ -n "$rpdf" ]; then
	show "./wipecert cert verify $rpdf --ca $demo/root-ca.pem"
	"$wipecert" cert verify "$rpdf" --ca "$demo/root-ca.pem" ||
		fail "cert verify (report) exited $?"
else
	fail "no report PDF"
fi
show "./wipecert register export --csv $demo/kanribo.csv"
"$wipecert" register export --csv "$demo/kanribo.csv" ||
	fail "register export exited $?"
show "./wipecert register verify --ca $demo/root-ca.pem"
"$wipecert" register verify --ca "$demo/root-ca.pem" ||
	fail "register verify exited $?"
show "./wipecert register list"
"$wipecert" register list || fail "register list"

step "10. Clean up: detach and remove the image"
if [ -n "$dev" ]; then
	show "losetup -d $dev"
	losetup -d "$dev" || fail "losetup -d $dev"
fi
show "rm -rf $work"
rm -rf "$work"
[ -e "$img" ] && fail "the image is still there"
echo "left in $demo/: $(find "$demo" -maxdepth 1 -type f -printf '%f ')"

finish
