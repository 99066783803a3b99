#!/bin/bash
# t_register.sh - the media register (管理簿): entries added by people
# verify; an edit, a deletion, a swap, an insertion and a truncation are
# each caught with the entry named (exit 6); a torn last line is
# reported and then recovered; 8 parallel appenders x 200 all land; an
# appender killed with SIGKILL never loses a committed entry; a full
# filesystem leaves the register intact; the CSV export opens in Excel
# and round-trips through Python's csv module.
# e2e: no-root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
e2e_init
need_cmd openssl python3 base64 sed jq

K=$WORK/keys
mkdir -p "$K"

# make_leaf NAME CA CN: an ECDSA P-256 key (encrypted PKCS#8 with a low
# iteration count, so that the suites stay fast) and its certificate.
make_leaf() {
	local n=$1 ca=$2 cn=$3
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$K/$n.plain" 2>/dev/null || die "genpkey $n"
	openssl req -new -key "$K/$n.plain" -subj "/CN=$cn" -out "$K/$n.csr" ||
		die "req $n"
	printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n' \
		>"$K/leaf.ext"
	openssl x509 -req -in "$K/$n.csr" -CA "$K/$ca.pem" -CAkey "$K/$ca.key" \
		-CAcreateserial -days 365 -extfile "$K/leaf.ext" \
		-out "$K/$n.pem" 2>/dev/null || die "x509 $n"
	(umask 077 && openssl pkcs8 -topk8 -in "$K/$n.plain" -v2 aes-256-cbc \
		-iter 1000 -passout "file:$K/pass" -out "$K/$n.key") ||
		die "pkcs8 $n"
	rm -f "$K/$n.plain"
}

make_ca() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		-out "$K/$1.key" 2>/dev/null || die "genpkey $1"
	openssl req -new -x509 -key "$K/$1.key" -subj "/CN=$2" -days 3650 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-out "$K/$1.pem" || die "CA $1"
}

(umask 077 && printf 'e2e-passphrase\n' >"$K/pass")
make_ca ca "wipecert e2e root CA"
make_ca evilca "another CA"
make_leaf tech ca "技術者 一郎"
make_leaf tech2 ca "技術者 二郎"

R=$WORK/register.jsonl
CONF=$WORK/wipecert.conf
cat >"$CONF" <<EOF
contract = 練総契第123号
department = 総務課
classification = 機密性2
operator = 技術者 一郎
key = $K/tech.key
certificate = $K/tech.pem
passphrase_file = $K/pass
root_ca = $K/ca.pem
register = $R
timezone = Asia/Tokyo
EOF
C=(--config "$CONF")

# hash_of FILE N: the SHA-256 of line N without its newline.
hash_of() { sed -n "${2}p" "$1" | tr -d '\n' | sha256sum | cut -d' ' -f1; }
printed_hash() { sed -n 's/^entry [0-9]* hash \([0-9a-f]\{64\}\)$/\1/p' "$OUT"; }

# -- building a register -------------------------------------------------
wcert register add received "${C[@]}" --asset-tag NRM-0001 \
	--from '練馬区 情報政策課' --serial WD-WCC4N1234567 \
	--description '庁内PC "総務課-12", 内蔵HDD' --type HDD --vendor WDC \
	--model WD5000AAKX --capacity 500GB --stored-info '住民情報
(2台目)'
assert_rc 0 "add received"
assert_out '^entry 1 hash [0-9a-f]{64}$' "prints the entry number and hash"
assert_eq "$(printed_hash)" "$(hash_of "$R" 1)" \
	"the printed hash is the SHA-256 of line 1 without its newline"
h1=$(printed_hash)
wcert register add received "${C[@]}" --asset-tag NRM-0002 \
	--from '練馬区 情報政策課' --serial SN-0002 --type SSD
assert_rc 0 "add received (second medium)"
wcert register add takeout "${C[@]}" --asset-tag NRM-0001 \
	--taken-by '山田 太郎' --approver '佐藤 花子' --purpose 'データ消去' \
	--destination '消去センター, 3F' --time-out '2026-11-20 10:00'
assert_rc 0 "add takeout"
wcert register add return "${C[@]}" --asset-tag NRM-0001 \
	--confirmed-by '鈴木 一郎' --time-returned '2026-11-20T16:30+09:00'
assert_rc 0 "add return"
wcert register add takeout "${C[@]}" --key "$K/tech2.key" \
	--cert "$K/tech2.pem" --asset-tag NRM-0002 --taken-by '山田 太郎' \
	--approver '佐藤 花子' --purpose 'データ消去' --destination '消去センター'
assert_rc 0 "add takeout signed by a second technician"
wcert register add correction "${C[@]}" --refers 2 --text '型番を訂正: MZ-7KE256'
assert_rc 0 "add correction"
h6=$(printed_hash)
assert_eq "$(wc -l <"$R")" 6 "six lines"
assert_eq "$(grep -c '"cert":' "$R")" 2 "a certificate only in each signer's first entry"
assert_true "entry 4 closes take-out 3" \
	test "$(sed -n 4p "$R" | jq '.body.takeout')" = 3

# The line format of wipecert-register(5): the signature checks with
# openssl(1) over the line without its sig field.
sed -n 1p "$R" | sed 's/,"sig":"[^"]*"}$/}/' | tr -d '\n' >"$WORK/signed"
sed -n 1p "$R" | sed 's/.*,"sig":"\([^"]*\)"}$/\1/' | base64 -d >"$WORK/sig.der"
openssl x509 -in "$K/tech.pem" -pubkey -noout >"$WORK/tech.pub"
run openssl dgst -sha256 -verify "$WORK/tech.pub" -signature "$WORK/sig.der" \
	"$WORK/signed"
assert_rc 0 "openssl verifies entry 1 as wipecert-register(5) describes"
assert_eq "$(sed -n 2p "$R" | jq -r .prev)" "$h1" "entry 2's prev is entry 1's hash"
assert_eq "$(sed -n 1p "$R" | jq -r .signer)" \
	"$(openssl x509 -in "$K/tech.pem" -outform DER | sha256sum | cut -d' ' -f1)" \
	"signer is the SHA-256 of the certificate's DER"

# -- verify, list, show -------------------------------------------------
wcert register verify "${C[@]}"
assert_rc 0 "verify (CA from the configuration)"
assert_out "6 entries, chain and signatures intact" "verify says intact"
assert_out "2 signer\(s\), issued by" "both signers checked against the CA"
wcert register verify "${C[@]}" --expect-head "6:$h6" --json
assert_rc 0 "verify --expect-head of the last entry"
assert_json "$OUT" '.ok and .entries == 6 and .head.seq == 6 and .ca_checked' \
	"verify --json"
wcert register verify "${C[@]}" --ca "$K/evilca.pem"
assert_rc 7 "verify against another CA: valid but not trusted"
wcert register verify "${C[@]}" --expect-head 6:abc
assert_rc 2 "a malformed --expect-head is a usage error"

wcert register list "${C[@]}" --json
assert_rc 0 "list --json"
assert_json "$OUT" '[.[].kind] == ["received","received","takeout","return","takeout","correction"]' \
	"list --json gives every entry in order"
wcert register list "${C[@]}" --json --asset-tag NRM-0002
assert_json "$OUT" '[.[].seq] == [2,5,6]' \
	"--asset-tag follows a correction to the entry it corrects"
wcert register list "${C[@]}" --json --kind takeout --contract 練総契第123号
assert_json "$OUT" '[.[].seq] == [3,5]' "--kind and --contract combine"
wcert register list "${C[@]}" --json --since 2000-01-01 --until 2000-12-31
assert_json "$OUT" 'length == 0' "--since/--until exclude every entry"
wcert register list "${C[@]}"
assert_out "^ +3  .*takeout +NRM-0001 +to 消去センター, 3F by 山田 太郎" \
	"list prints one line per entry"
wcert register show 3 "${C[@]}" --json
assert_json "$OUT" '.body.time_out == "2026-11-20T10:00:00+09:00" and .body.approver == "佐藤 花子"' \
	"show --json: the take-out columns, the time as RFC 3339"
wcert register show 9 "${C[@]}"
assert_rc 2 "show of a missing entry"

# -- tampering: each caught, the entry named, exit 6 ----------------------
tampered() { cp "$R" "$WORK/t.jsonl"; }
T=$WORK/t.jsonl

# Intact, but checked against no root CA: anyone could have re-signed it.
wcert register verify --register "$R"
assert_rc 7 "intact but checked against no root CA: exit 7 (not trusted)"

tampered
sed -i '3s/山田 太郎/山口 太郎/' "$T"
wcert register verify --register "$T" --ca "$K/ca.pem"
assert_rc 6 "edited body"
assert_out "entry 3 \(line 3\) was edited" "names entry 3 as edited"

tampered
sed -i '3d' "$T"
wcert register verify --register "$T"
assert_rc 6 "deleted line"
assert_out "entry 3 is missing .*deleted" "names entry 3 as deleted"

tampered
sed -n 4p "$R" >"$WORK/l4"
sed -i '4d' "$T"
sed -i "2r $WORK/l4" "$T"
wcert register verify --register "$T"
assert_rc 6 "swapped lines"
assert_out "entry 3 is at line 4, after entry 4 .*reordered" "names the reordering"

# A forged line fitted into the chain (seq 5, prev = hash of entry 4),
# its content changed and the signature of another entry.
tampered
python3 - "$R" "$WORK/forged" <<'PY'
import hashlib, json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
e = json.loads(lines[4])
e["seq"] = 5
e["prev"] = hashlib.sha256(lines[3].encode()).hexdigest()
e["body"]["destination"] = "どこか"
e.pop("cert", None)
sig = e.pop("sig")
e["sig"] = sig
open(sys.argv[2], "w", encoding="utf-8").write(
    json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n")
PY
sed -i "4r $WORK/forged" "$T"
wcert register verify --register "$T"
assert_rc 6 "inserted forged line"
assert_out "line 5 \(entry 5\) was inserted" "names line 5 as inserted"

tampered
sed -n 2p "$R" >"$WORK/l2"
sed -i "4r $WORK/l2" "$T"
wcert register verify --register "$T"
assert_rc 6 "inserted copy of an earlier line"
assert_out "line 5 .*inserted" "names the copy as inserted"

tampered
head -n 4 "$R" >"$T"
wcert register verify --register "$T" --ca "$K/ca.pem"
assert_rc 0 "a register cut after entry 4 looks intact on its own"
wcert register verify --register "$T" --expect-head "6:$h6"
assert_rc 6 "truncated, against the head a certificate printed"
assert_out "ends at entry 4, but entry 6 was expected: truncated" "says truncated"
wcert register verify --register "$R" --expect-head "6:$h1"
assert_rc 6 "expected head with another hash"
assert_out "rewritten" "says rewritten"

# -- a torn last line ---------------------------------------------------
cp "$R" "$WORK/torn.jsonl"
TR=$WORK/torn.jsonl
sed -n 3p "$R" | head -c 150 | tr -d '\n' >"$WORK/torn-bytes"
cat "$WORK/torn-bytes" >>"$TR"
wcert register verify --register "$TR" --ca "$K/ca.pem"
assert_rc 0 "a torn last line is not a verification failure"
assert_out "torn last line \(150 bytes\), will be recovered on next append" \
	"verify reports the torn line"
wcert register add correction "${C[@]}" --register "$TR" --refers 1 --text after-torn
assert_rc 0 "append after a torn line"
assert_out "torn last line \(150 bytes\) was kept as entry 7 \(recovered\)" \
	"append says it recovered the torn line"
assert_out "^entry 8 hash" "the new entry comes after the recovered one"
assert_eq "$(sed -n 7p "$TR" | jq -r .kind)" recovered "entry 7 is a recovered entry"
sed -n 7p "$TR" | jq -r .body.base64 | base64 -d >"$WORK/torn-back"
assert_true "the recovered entry holds the torn bytes" cmp -s "$WORK/torn-bytes" "$WORK/torn-back"
assert_json <(sed -n 7p "$TR") '.body.length == 150 and .body.sha256 == $s and .body.after == 6' \
	"recovered: length, sha256, after" --arg s "$(sha256sum <"$WORK/torn-bytes" | cut -d' ' -f1)"
wcert register verify --register "$TR" --ca "$K/ca.pem"
assert_rc 0 "the register verifies after the recovery"
assert_out "1 recovered entry" "verify counts the recovered entry"

# A complete last line that is not an entry: nothing appended.
cp "$R" "$T"
printf 'garbage\n' >>"$T"
cp "$T" "$WORK/t.before"
wcert register add correction "${C[@]}" --register "$T" --refers 1 --text x
assert_rc 6 "append to a register ending in garbage"
assert_true "nothing was appended" cmp -s "$T" "$WORK/t.before"
wcert register list --register "$T"
assert_rc 6 "list of a damaged register"

# -- errors -------------------------------------------------------------
wcert register add takeout "${C[@]}" --asset-tag NRM-0001 --taken-by x
assert_rc 2 "takeout without the 第18条⑵ columns"
assert_out "needs --approver" "names the missing field"
wcert register add return "${C[@]}" --asset-tag NRM-0001 --confirmed-by x
assert_rc 2 "return with no open take-out"
printf 'wrong\n' >"$K/wrongpass"
wcert register add correction "${C[@]}" --passphrase-file "$K/wrongpass" \
	--refers 1 --text x
assert_rc 8 "wrong passphrase"
wcert register verify --register "$WORK/none.jsonl"
assert_rc 4 "verify of a missing register"
: >"$WORK/empty.conf"
wcert register verify --config "$WORK/empty.conf"
assert_rc 8 "no register configured"
assert_eq "$(wc -l <"$R")" 6 "failed commands appended nothing"

# -- 8 parallel appenders x 200 -----------------------------------------
P=$WORK/parallel.jsonl
wcert register add received "${C[@]}" --register "$P" --asset-tag P-0 --from ward
t0=$SECONDS
pids=()
for w in 1 2 3 4 5 6 7 8; do
	(
		for i in $(seq 200); do
			"$WIPECERT" register add correction "${C[@]}" --register "$P" \
				--refers 1 --text "w$w-$i" >/dev/null 2>>"$WORK/par.err" ||
				echo "fail w$w-$i" >>"$WORK/par.fail"
		done
	) &
	pids+=($!)
	reg_pid $!
done
for p in "${pids[@]}"; do wait "$p"; done
say "# 8 x 200 parallel appends: $((SECONDS - t0)) s"
assert_true "no parallel append failed" test ! -s "$WORK/par.fail"
assert_eq "$(wc -l <"$P")" 1601 "all 1,600 entries (and the first) present"
assert_eq "$(jq -r 'select(.kind == "correction") | .body.text' "$P" | sort -u | wc -l)" 1600 \
	"each of the 1,600 appears exactly once"
wcert register verify --register "$P" --ca "$K/ca.pem"
assert_rc 0 "the 1,601-entry register verifies"

# -- an appender killed with SIGKILL at random moments --------------------
KR=$WORK/killed.jsonl
wcert register add received "${C[@]}" --register "$KR" --asset-tag K-0 --from ward
committed=$WORK/committed
: >"$committed"
# Kill at a random moment of a whole run: from 0 to 1.2 times its length.
ns=$(date +%s%N)
"$WIPECERT" register add correction "${C[@]}" --register "$KR" --refers 1 \
	--text timing >>"$committed" 2>/dev/null
span=$(( ($(date +%s%N) - ns) * 12 / 10000000 + 1 ))
t0=$SECONDS
bad=0
for i in $(seq 200); do
	"$WIPECERT" register add correction "${C[@]}" --register "$KR" \
		--refers 1 --text "kill $i" >"$WORK/k.out" 2>/dev/null &
	p=$!
	d=$((RANDOM % span))
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	# What the killed command printed before dying was committed.
	cat "$WORK/k.out" >>"$committed"
	if [ $((i % 40)) -eq 0 ]; then
		"$WIPECERT" register verify --register "$KR" --ca "$K/ca.pem" >/dev/null 2>&1 || bad=$((bad + 1))
	fi
done
assert_eq "$bad" 0 "the register verified at every check during the kills"
wcert register verify --register "$KR" --ca "$K/ca.pem"
assert_rc 0 "the register verifies after 200 killed appenders"
n_ok=$(grep -c '^entry ' "$committed")
lost=0
while read -r _ n _ h; do
	[ "$(hash_of "$KR" "$n")" = "$h" ] || lost=$((lost + 1))
done < <(grep '^entry ' "$committed")
assert_eq "$lost" 0 "every one of the $n_ok reported entries is in the register, unchanged"
say "# 200 kill runs ($((SECONDS - t0)) s, kills 0-$span ms after the start): $((n_ok - 1)) appends completed first, $(grep -c '"kind":"recovered"' "$KR") torn lines recovered"

# -- a full filesystem ----------------------------------------------------
if is_root; then
	FS=$WORK/full
	mkdir -p "$FS"
	mount -t tmpfs -o size=64k tmpfs "$FS" || die "mount tmpfs"
	_MOUNTS+=("$FS")
	cp "$R" "$FS/register.jsonl"
	# Leave a few KiB: the register itself then fills the filesystem.
	dd if=/dev/zero of="$FS/filler" bs=1k count=52 status=none 2>/dev/null
	full_rc=0
	for i in $(seq 60); do
		cp "$FS/register.jsonl" "$WORK/full.before"
		wcert register add correction "${C[@]}" --register "$FS/register.jsonl" \
			--refers 1 --text "fill $i"
		[ "$RC" -ne 0 ] && { full_rc=$RC; break; }
	done
	assert_eq "$full_rc" 4 "an append to a full filesystem exits 4"
	assert_out "no space left for register" "the error says the disk is full"
	assert_true "the register is unchanged by the failed append" \
		cmp -s "$FS/register.jsonl" "$WORK/full.before"
	wcert register verify --register "$FS/register.jsonl" --ca "$K/ca.pem"
	assert_rc 0 "the register on the full filesystem verifies"
	assert_true "no torn line left" test "$(tail -c 1 "$FS/register.jsonl" | od -An -tx1 | tr -d ' ')" = 0a
	rm -f "$FS/filler"
	wcert register add correction "${C[@]}" --register "$FS/register.jsonl" \
		--refers 1 --text "after space was freed"
	assert_rc 0 "appends work again once there is space"
	wcert register verify --register "$FS/register.jsonl" --ca "$K/ca.pem"
	assert_rc 0 "and the register verifies"
	umount "$FS" && _MOUNTS=()
else
	say "skipped: full-filesystem check (needs root for a tmpfs)"
fi

# -- CSV export --------------------------------------------------------------
wcert register export "${C[@]}" --csv "$WORK/kanribo.csv"
assert_rc 0 "export --csv"
assert_out "wrote .*kanribo.csv: 2 media" "one row per medium"
assert_eq "$(head -c 3 "$WORK/kanribo.csv" | od -An -tx1 | tr -d ' ')" efbbbf \
	"the CSV starts with the UTF-8 BOM"
run python3 - "$WORK/kanribo.csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
# Every record ends in CRLF; a bare LF only inside a quoted cell.
assert raw.endswith(b"\r\n"), "no CRLF at the end"
assert raw.count(b"\r\n") == 3, raw.count(b"\r\n")
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
want = ["管理番号", "種別", "メーカー", "型番", "シリアル番号", "容量", "所管課",
        "格納情報", "搬出日時", "搬出者", "承認者", "用途", "搬出先", "返却日時",
        "返却確認者", "消去・破壊日時", "方法", "作業者", "立会者", "証明書番号",
        "結果", "備考"]
assert rows[0] == want, rows[0]
assert len(rows) == 3 and all(len(r) == 22 for r in rows), rows
r = dict(zip(want, rows[1]))
assert r["管理番号"] == "NRM-0001", r
assert r["格納情報"] == "住民情報\n(2台目)", r
assert r["搬出先"] == "消去センター, 3F", r
assert r["搬出日時"] == "2026-11-20 10:00", r
assert r["返却日時"] == "2026-11-20 16:30", r
assert r["返却確認者"] == "鈴木 一郎", r
assert r["所管課"] == "総務課", r
assert r["結果"] == "未処分", r
assert r["備考"] == '庁内PC "総務課-12", 内蔵HDD', r
r = dict(zip(want, rows[2]))
assert r["管理番号"] == "NRM-0002" and "搬出中" in r["備考"], r
assert "訂正 #6: 型番を訂正: MZ-7KE256" in r["備考"], r
print("csv ok")
PY
assert_rc 0 "the CSV round-trips through Python's csv module (BOM, CRLF, quoting, Japanese)"
show_last | grep -v "csv ok" || true
wcert register export "${C[@]}" --csv - --contract 別契約
assert_rc 0 "export to standard output"
assert_eq "$(tr -d '\r' <"$OUT" | wc -l)" 1 "another contract: the header only"

finish
