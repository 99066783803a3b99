#!/bin/bash
# t_destroy_report.sh - physical destruction and the 第22条 report end to
# end.  One medium is received, taken out, returned and erased (pass);
# a second's erase fails (a loop device over build/faultfs as root, the
# simulated drive otherwise) and it is then destroyed, with photos:
# 物理破壊へ切替 in `register list`, the CSV and the report; a third is
# destroyed by device (its identity read, not a byte written); one is
# still taken out and one never disposed of, and the report lists them
# first.  The destruction certificate, the report and the PDF 管理簿 pass
# pdfsig and `wipecert cert verify` with the register, and pdftotext
# finds every 管理番号.  Refusals, and a register cut short or edited,
# exit as DESIGN §3 says.
# e2e: no-root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
e2e_init
need_cmd openssl pdfsig pdftotext pdftoppm

D=$WORK
K=(--kdf-iterations 1000)
ORG="株式会社テスト消去"
CONTRACT="令和7年度 練総契第123号"
R=$D/register.jsonl
OUTD=$D/out
MIB=1048576
mkdir -p "$OUTD"
printf 'ca secret\n' >"$D/ca.pass"
printf 'tech secret\n' >"$D/tech.pass"
chmod 600 "$D"/*.pass

wcert key ca-init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" --org "$ORG" \
	--passphrase-file "$D/ca.pass" "${K[@]}"
assert_rc 0 "key ca-init"
wcert key init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--ca-passphrase-file "$D/ca.pass" --key "$D/tech.key" \
	--cert "$D/tech.pem" --name "山田 太郎" --org "$ORG" \
	--passphrase-file "$D/tech.pass" "${K[@]}"
assert_rc 0 "key init"
cat >"$D/wc.conf" <<EOF
contract = $CONTRACT
addressee = 練馬区長
department = 練馬区 総務部 情報政策課
manager = 鈴木 一郎
contractor = $ORG
contractor_address = 東京都練馬区豊玉北6-12-1
operator = 山田 太郎
witness = 練馬 花子
location = 株式会社テスト消去 消去センター
key = $D/tech.key
certificate = $D/tech.pem
chain = $D/root.pem
passphrase_file = $D/tech.pass
root_ca = $D/root.pem
register = $R
output_dir = $OUTD
timezone = Asia/Tokyo
EOF
C=(--config "$D/wc.conf")

# sig_ok PDF WHAT: pdfsig says the signature is valid and covers it all.
sig_ok() {
	run pdfsig "$1"
	assert_out "Signature is Valid\." "$2: pdfsig: Signature is Valid."
	assert_out "Total document signed" "$2: pdfsig: Total document signed"
}

# text_has PDF WHAT WORD...: pdftotext finds every word.
text_has() {
	local pdf=$1 what=$2 w
	shift 2
	pdftotext -layout "$pdf" "$D/text.txt" || die "pdftotext $pdf"
	for w in "$@"; do
		assert_true "$what: pdftotext finds $w" grep -qF -- "$w" "$D/text.txt"
	done
}

lines() { wc -l <"$R"; }

# -- custody: received, taken out, returned ---------------------------------
for t in NRM-HDD-0001 NRM-HDD-0002 NRM-USB-0003 NRM-SSD-0004 NRM-HDD-0005; do
	wcert register add received "${C[@]}" --asset-tag "$t" \
		--from '練馬区 情報政策課' --description "庁内PC $t" --type hdd
	assert_rc 0 "received $t"
done
wcert register add takeout "${C[@]}" --asset-tag NRM-HDD-0001 \
	--taken-by '山田 太郎' --approver '鈴木 一郎' --purpose 'データ消去' \
	--destination '消去センター'
assert_rc 0 "takeout NRM-HDD-0001"
wcert register add return "${C[@]}" --asset-tag NRM-HDD-0001 \
	--confirmed-by '練馬 花子'
assert_rc 0 "return NRM-HDD-0001"
wcert register add takeout "${C[@]}" --asset-tag NRM-USB-0003 \
	--taken-by '山田 太郎' --approver '鈴木 一郎' --purpose '持出し' \
	--destination '本庁舎'
assert_rc 0 "takeout NRM-USB-0003 (not returned)"

# -- NRM-HDD-0001: erased ------------------------------------------------------
make_plain "$D/a.img" $((8 * MIB))
targetA=$D/a.img
is_root && attach_to targetA "$D/a.img"
wcert wipe "$targetA" "${C[@]}" --method zero --yes --confirm "$targetA" \
	--asset-tag NRM-HDD-0001
assert_rc 0 "wipe NRM-HDD-0001: pass"
recA=$(printed_records | head -1)
pdfA=$OUTD/$(jqr "$recA" .id).pdf
assert_true "certificate of NRM-HDD-0001 issued" test -s "$pdfA"

# -- NRM-HDD-0002: the erase fails, then the medium is destroyed ----------------
FAULTFS=$ROOT/build/faultfs
faulty=0
if is_root && [ -x "$FAULTFS" ] && [ -e /dev/fuse ] &&
    command -v fusermount3 >/dev/null 2>&1; then
	say "# the failing medium: a loop device over faultfs"
	faulty=1
	truncate -s $((16 * MIB)) "$D/b.img"
	mkdir -p "$D/mnt"
	"$FAULTFS" "$D/b.img" "$D/mnt" -f -w $((4 * MIB)):4096 &
	reg_pid $!
	_MOUNTS+=("$D/mnt")
	for n in $(seq 50); do [ -f "$D/mnt/disk" ] && break; sleep 0.1; done
	attach_to devB "$D/mnt/disk"
	wcert wipe "$devB" "${C[@]}" --method zero --yes --confirm "$devB" \
		--asset-tag NRM-HDD-0002
	DB=("$devB")
else
	say "# the failing medium: the simulated drive"
	WIPECERT_TEST_SIM=1 wcert wipe "sim:ata,hdd,enhanced,frozen,size=16M" \
		"${C[@]}" --method ata-enhanced-erase --yes --confirm SIM-0001 \
		--asset-tag NRM-HDD-0002
	DB=(--serial SIM-0001 --vendor SIM --model 'Sim HDD' --capacity 16MB)
fi
assert_rc 1 "wipe NRM-HDD-0002: the erase fails"
recB=$(printed_records | head -1)
assert_json "$recB" '.result == "fail"' "its record says fail"
failed_id=$(jqr "$recB" .id)
assert_true "a failure report, no certificate" \
	test -s "$OUTD/$failed_id.failure.pdf" -a ! -e "$OUTD/$failed_id.pdf"
# The failed record edited to say pass: the register knows better.
mkdir -p "$D/forged"
sed 's/"result": "fail"/"result": "pass"/' "$recB" >"$D/forged/$failed_id.json"
wcert cert issue "${C[@]}" --output "$D/forged/$failed_id.pdf" \
	"$D/forged/$failed_id.json"
assert_rc 6 "cert issue refuses a record edited to say pass"
assert_true "and writes no certificate" test ! -e "$D/forged/$failed_id.pdf"

pdftoppm -jpeg -r 20 -singlefile "$pdfA" "$D/photo1" || die "photo1"
pdftoppm -png -r 20 -singlefile "$OUTD/$failed_id.failure.pdf" "$D/photo2" ||
	die "photo2"
n0=$(lines)
wcert destroy "${DB[@]}" "${C[@]}" --method crush --asset-tag NRM-HDD-0002 \
	--place '消去センター 破砕室' --photo "$D/photo1.jpg" \
	--photo "$D/photo2.png" --note '破砕機 CR-2000 で破砕'
assert_rc 0 "destroy NRM-HDD-0002"
assert_out "物理破壊へ切替" "destroy says 物理破壊へ切替"
if [ "$faulty" -eq 1 ]; then
	detach "$devB"
	fusermount3 -u "$D/mnt" || umount -l "$D/mnt"
fi
recD=$(sed -n 's/^  record *//p' "$OUT")
desB=$(jqr "$recD" .id)
pdfB=$OUTD/$desB.destruction.pdf
destr_seq=$(tail -2 "$R" | head -1 | jq -r .seq)
assert_eq "$(lines)" $((n0 + 2)) "destruction and certificate entries appended"
assert_json "$recD" '.schema == "wipecert.destruction/1" and .result == "destroyed" and .media.asset_tag == "NRM-HDD-0002"' \
	"destruction record: schema, result, 管理番号"
assert_json "$recD" '.prior_erasure.record_id == $f' \
	"destruction record: the failed erasure it follows" --arg f "$failed_id"
assert_json "$recD" '(.photos | length) == 2 and .photos[0].type == "image/jpeg" and .photos[1].type == "image/png" and .photos[0].sha256 == $s' \
	"destruction record: both photos with their SHA-256" \
	--arg s "$(sha256sum "$D/photo1.jpg" | cut -d' ' -f1)"
assert_eq "$(tail -2 "$R" | head -1 | jq -r .body.record_sha256)" \
	"$(sha256sum "$recD" | cut -d' ' -f1)" \
	"the destruction entry carries the record's SHA-256"
assert_eq "$(tail -1 "$R" | jq -r '.kind + " " + .body.doc + " " + .body.sha256')" \
	"certificate destruction $(sha256sum "$pdfB" | cut -d' ' -f1)" \
	"the certificate entry carries the PDF's SHA-256"

# -- NRM-HDD-0005: destroyed by device; nothing is written to it -------------
make_plain "$D/e.img" $((4 * MIB))
targetE=$D/e.img
is_root && attach_to targetE "$D/e.img"
before=$(sha256sum "$D/e.img" | cut -d' ' -f1)
wcert destroy "$targetE" "${C[@]}" --method other \
	--method-text '溶解 (melting)' --asset-tag NRM-HDD-0005 --json
assert_rc 0 "destroy NRM-HDD-0005 by device"
assert_eq "$(sha256sum "$D/e.img" | cut -d' ' -f1)" "$before" \
	"not a byte of the medium changed"
recE=$(jqr "$OUT" .record)
assert_json "$recE" '.media.identity_source != "typed" and .media.size_bytes == 4194304 and .media.path == $p and .destruction.method_text == "溶解 (melting)" and .prior_erasure == null' \
	"record: identity read from the device, method text" --arg p "$targetE"
assert_json "$OUT" '.switched_from == null' "not a switch: no failed erasure"

# -- refusals: nothing written ---------------------------------------------------
n0=$(lines)
j0=$(find "$OUTD" -name '*.json' | wc -l)
wcert destroy "${C[@]}" --method burn --serial X
assert_rc 2 "destroy --method burn: usage"
wcert destroy "${C[@]}" --method other --serial X
assert_rc 2 "destroy --method other without --method-text: usage"
wcert destroy "${C[@]}" --method shred
assert_rc 2 "destroy without a medium: usage"
wcert destroy "$D/e.img" "${C[@]}" --method shred --serial X
assert_rc 2 "destroy with a device and a typed serial: usage"
wcert destroy "${C[@]}" --method shred --serial X --photo "$D/photo1.jpg" \
	--photo "$D/photo1.jpg" --photo "$D/photo1.jpg" --photo "$D/photo1.jpg" \
	--photo "$D/photo1.jpg"
assert_rc 2 "destroy with five photos: usage"
wcert destroy "${C[@]}" --method shred --serial X --photo "$D/wc.conf"
assert_rc 2 "destroy with a photo that is not an image: usage"
wcert register add received "${C[@]}" --asset-tag NRM-X-0009 \
	--from '練馬区 情報政策課' --serial AAA-1 --contract R7-999
n0=$(lines)
wcert destroy "${C[@]}" --method shred --asset-tag NRM-X-0009 --serial BBB-2
assert_rc 3 "destroy of a medium whose label serial differs: refused"
assert_out "AAA-1" "names the serial it was received with"
assert_eq "$(lines)" "$n0" "the refusals appended nothing"
assert_eq "$(find "$OUTD" -name '*.json' | wc -l)" "$j0" "and wrote no record"

# -- the register: list, CSV, verify -------------------------------------------
wcert register list "${C[@]}" --asset-tag NRM-HDD-0002
assert_rc 0 "register list"
assert_out "destruction +NRM-HDD-0002 .*物理破壊へ切替: erasure $failed_id failed" \
	"register list: the destruction shows 物理破壊へ切替"
wcert register list "${C[@]}" --kind destruction --json
assert_json "$OUT" '[.[] | select(.asset_tag == "NRM-HDD-0002") | .switched_from] == [$f]' \
	"register list --json: switched_from" --arg f "$failed_id"
assert_json "$OUT" '[.[] | select(.asset_tag == "NRM-HDD-0005") | .switched_from] == [null]' \
	"register list --json: a plain destruction switched from nothing"
wcert register export "${C[@]}" --csv "$D/kanribo.csv" --contract "$CONTRACT"
assert_rc 0 "export --csv"
assert_true "CSV: NRM-HDD-0002 is 物理破壊へ切替" \
	grep -q '^NRM-HDD-0002,.*,物理破壊へ切替,' "$D/kanribo.csv"
wcert register verify "${C[@]}"
assert_rc 0 "register verify"

# -- the certificates ----------------------------------------------------------
sig_ok "$pdfB" "destruction certificate"
text_has "$pdfB" "destruction certificate" NRM-HDD-0002 物理破壊証明書 \
	物理破壊へ切替 "$failed_id"
wcert cert verify "${C[@]}" "$pdfB"
assert_rc 0 "cert verify: destruction certificate and its register entry"
assert_out "register +entry $destr_seq," "names its destruction entry"
wcert cert verify "${C[@]}" "$pdfA" --json
assert_rc 0 "cert verify: erasure certificate and its register entry"
assert_json "$OUT" '.register.checked == true and .verdict == "valid"' \
	"cert verify --json: the register entry was checked"

# -- the report ---------------------------------------------------------------
head_seq=$(lines)
head_hash=$(tail -1 "$R" | tr -d '\n' | sha256sum | cut -d' ' -f1)
wcert report "${C[@]}" --contract "$CONTRACT"
assert_rc 0 "report"
assert_out "2 media .* not yet returned or disposed of" \
	"warns of the media needing attention"
report=$(sed -n 's/^report //p' "$OUT")
assert_true "report file $(basename "$report")" test -s "$report"
case "$(basename "$report")" in
*-report-20[0-9][0-9]-[01][0-9]-[0-3][0-9].pdf) ok "report named <contract>-report-<date>.pdf" ;;
*) not_ok "report named <contract>-report-<date>.pdf: $report" ;;
esac
assert_eq "$(tail -1 "$R" | jq -r '.kind + " " + .body.sha256 + " " + (.body.head | tostring) + " " + .body.head_hash')" \
	"report $(sha256sum "$report" | cut -d' ' -f1) $head_seq $head_hash" \
	"report entry: the PDF's SHA-256 and the head it was made from"
sig_ok "$report" "report"
text_has "$report" "report" 返還・処分完了報告書 NRM-HDD-0001 NRM-HDD-0002 \
	NRM-USB-0003 NRM-SSD-0004 NRM-HDD-0005 物理破壊へ切替 "$head_hash"
# Still out or never disposed of: listed before the list of every medium.
first() { grep -n -m1 -F -- "$1" "$D/text.txt" | cut -d: -f1; }
assert_true "NRM-USB-0003 (still out) is listed first" \
	test "$(first NRM-USB-0003)" -lt "$(first 媒体一覧)"
assert_true "NRM-SSD-0004 (not disposed of) is listed first" \
	test "$(first NRM-SSD-0004)" -lt "$(first 媒体一覧)"
assert_true "NRM-HDD-0001 (erased) is not" \
	test "$(first NRM-HDD-0001)" -gt "$(first 媒体一覧)"
wcert cert verify "${C[@]}" "$report"
assert_rc 0 "cert verify: the report, its head and its report entry"
wcert cert show "${C[@]}" "$report" --json
assert_json "$OUT" '.schema == "wipecert.report/1" and .counts.media == 5 and .counts.erased == 1 and .counts.destroyed == 2 and .counts.switched == 1 and .counts.undisposed == 2 and .counts.out == 1 and .counts.attention == 2 and .complete == false' \
	"the report's JSON: counts"
wcert report "${C[@]}" --contract "no such contract"
assert_rc 2 "report of a contract with no media: usage"

# -- the PDF 管理簿 ---------------------------------------------------------------
wcert register export "${C[@]}" --pdf "$D/kanribo.pdf"
assert_rc 0 "export --pdf"
sig_ok "$D/kanribo.pdf" "管理簿"
text_has "$D/kanribo.pdf" "管理簿" 記録媒体管理簿 NRM-HDD-0001 NRM-HDD-0002 \
	NRM-X-0009 物理破壊へ切替
wcert cert verify "${C[@]}" "$D/kanribo.pdf"
assert_rc 0 "cert verify: the 管理簿"

# -- a register cut short or edited ---------------------------------------------
head -n $((destr_seq - 1)) "$R" >"$D/cut.jsonl"
wcert cert verify "${C[@]}" --register "$D/cut.jsonl" "$pdfB"
assert_rc 6 "cert verify: a register cut before its entry"
assert_out "not in the register" "says the entry is missing"
head -n $(($(lines) - 1)) "$R" >"$D/noreport.jsonl"
wcert cert verify "${C[@]}" --register "$D/noreport.jsonl" "$report"
assert_rc 6 "cert verify: a register without the report's entry"
assert_out "no report entry" "says the report entry is missing"
sed '1s/庁内PC NRM-HDD-0001/庁内PC NRM-HDD-0009/' "$R" >"$D/edited.jsonl"
wcert cert verify "${C[@]}" --register "$D/edited.jsonl" "$pdfB"
assert_rc 6 "cert verify: a register edited before its entry"
assert_out "does not verify up to entry" "says where"
wcert cert verify "${C[@]}" --register "$D/missing.jsonl" "$pdfB"
assert_rc 4 "cert verify --register of a missing file: I/O error"
wcert report "${C[@]}" --register "$D/edited.jsonl" --output "$D/x.pdf"
assert_rc 6 "report from an edited register: refused"
assert_true "and no report written" test ! -e "$D/x.pdf"

finish
