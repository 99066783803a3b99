#!/bin/bash
# t_certs.sh - keys and signed certificates end to end: a root CA and a
# technician's key (low KDF count), a certificate issued from a real
# record, checked by pdfsig (with the root in an NSS database), qpdf,
# openssl cms and `wipecert cert verify`; then tampering (a byte outside
# /Contents, inside the DER, in the zero padding, bytes appended), an
# unknown CA, and every key refusal (wrong passphrase, expired leaf,
# mismatched key, a key readable by others, an existing file).
# e2e: no-root
. "$(dirname "$0")/lib.sh"
e2e_init
need_cmd openssl pdfsig qpdf certutil perl stat

K=(--kdf-iterations 1000)
D=$WORK
printf 'ca secret\n' >"$D/ca.pass"
printf 'tech secret\n' >"$D/tech.pass"
printf 'not it\n' >"$D/wrong.pass"
chmod 600 "$D"/*.pass
ORG="株式会社テスト消去"

# ---- keys ---------------------------------------------------------------

wcert key ca-init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" --org "$ORG" \
	--passphrase-file "$D/ca.pass" "${K[@]}"
assert_rc 0 "key ca-init"
assert_eq "$(stat -c %a "$D/ca.key")" 600 "CA key is mode 0600"
wcert key ca-init --ca-key "$D/ca.key" --ca-cert "$D/root2.pem" --org "$ORG" \
	--passphrase-file "$D/ca.pass" "${K[@]}"
assert_rc 8 "key ca-init refuses an existing key file"
assert_out "exists: refusing to overwrite" "says the file exists"

wcert key init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--ca-passphrase-file "$D/ca.pass" --key "$D/tech.key" \
	--cert "$D/tech.pem" --name "山田 太郎" --org "$ORG" \
	--passphrase-file "$D/tech.pass" "${K[@]}"
assert_rc 0 "key init (Japanese name)"
assert_eq "$(stat -c %a "$D/tech.key")" 600 "technician key is mode 0600"
assert_true "key is encrypted PKCS#8" \
	grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$D/tech.key"
run openssl pkey -in "$D/tech.key" -passin "file:$D/tech.pass" -noout
assert_rc 0 "openssl reads the key with the passphrase"
run openssl verify -CAfile "$D/root.pem" "$D/tech.pem"
assert_rc 0 "leaf verifies under the root (openssl verify)"
run openssl x509 -in "$D/tech.pem" -noout -text
assert_out "CA:FALSE" "leaf is CA:FALSE"
assert_out "Digital Signature, Non Repudiation" "leaf key usage"
if grep -q "Extended Key Usage" "$OUT"; then
	not_ok "leaf has no extended key usage"
else
	ok "leaf has no extended key usage"
fi
wcert key show "$D/tech.pem" --json
assert_rc 0 "key show --json"
assert_json "$OUT" '.[0].subject == "CN=山田 太郎,O=株式会社テスト消去" and .[0].ca == false and (.[0].sha256 | test("^[0-9a-f]{64}$"))' \
	"key show: subject, not a CA, fingerprint"
assert_json "$OUT" '(.[0].not_after - .[0].not_before) <= 731 * 86400' \
	"leaf valid for at most 2 years"

# Leaves for the refusals: one expired, one of another key.
wcert key init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--ca-passphrase-file "$D/ca.pass" --key "$D/old.key" \
	--cert "$D/old.pem" --name "期限 切れ" --org "$ORG" \
	--passphrase-file "$D/tech.pass" --not-before 2020-01-01 --days 30 "${K[@]}"
assert_rc 0 "key init of an (already) expired leaf"
wcert key init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--ca-passphrase-file "$D/wrong.pass" --key "$D/x.key" \
	--cert "$D/x.pem" --name x --passphrase-file "$D/tech.pass" "${K[@]}"
assert_rc 8 "key init with a wrong CA passphrase"
assert_out "wrong passphrase" "says: wrong passphrase"
wcert key ca-init --ca-key "$D/other.key" --ca-cert "$D/other.pem" \
	--org "Other" --passphrase-file "$D/ca.pass" "${K[@]}"
assert_rc 0 "a second, unknown CA"

# A CA kept elsewhere (openssl here) issues from a request.
wcert key csr --csr "$D/sato.csr" --key "$D/sato.key" --name "佐藤 花子" \
	--org "$ORG" --passphrase-file "$D/tech.pass" "${K[@]}"
assert_rc 0 "key csr"
run openssl req -in "$D/sato.csr" -noout -verify
assert_rc 0 "openssl verifies the request"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' \
	>"$D/leaf.ext"
{ cat "$D/leaf.ext"; printf 'extendedKeyUsage=1.3.6.1.5.5.7.3.36\n'; } >"$D/docsign.ext"
for x in leaf docsign; do
	run openssl x509 -req -in "$D/sato.csr" -CA "$D/root.pem" \
		-CAkey "$D/ca.key" -passin "file:$D/ca.pass" -set_serial 7 \
		-days 365 -extfile "$D/$x.ext" -out "$D/sato-$x.pem"
	assert_rc 0 "openssl, as the CA, issues a certificate ($x)"
done
wcert key import "$D/sato-docsign.pem" --key "$D/sato.key" \
	--cert "$D/sato.pem" --ca "$D/root.pem" --passphrase-file "$D/tech.pass"
assert_rc 8 "key import refuses the documentSigning extended key usage"
assert_out "documentSigning" "says why"
wcert key import "$D/sato-leaf.pem" --key "$D/tech.key" \
	--cert "$D/sato.pem" --ca "$D/root.pem" --passphrase-file "$D/tech.pass"
assert_rc 8 "key import refuses a certificate of another key"
wcert key import "$D/sato-leaf.pem" --key "$D/sato.key" \
	--cert "$D/sato.pem" --ca "$D/root.pem" --passphrase-file "$D/tech.pass"
assert_rc 0 "key import"
assert_true "imported certificate installed" cmp -s "$D/sato.pem" "$D/sato-leaf.pem"

# ---- a record and its certificate ----------------------------------------

conf() {	# conf FILE KEY CERT PASSFILE [ROOT]
	{
		printf 'contract = 令和7年度 練総契第123号\n'
		printf 'addressee = 練馬区長\ndepartment = 練馬区 総務部 情報政策課\n'
		printf 'manager = 鈴木 一郎\ncontractor = %s\n' "$ORG"
		printf 'operator = 山田 太郎\nwitness = 佐藤 花子\n'
		printf 'key = %s\ncertificate = %s\nchain = %s\n' "$2" "$3" "$D/root.pem"
		printf 'passphrase_file = %s\n' "$4"
		[ -n "${5:-}" ] && printf 'root_ca = %s\n' "$5"
	} >"$1"
}
conf "$D/wc.conf" "$D/tech.key" "$D/tech.pem" "$D/tech.pass"
conf "$D/ca.conf" "$D/tech.key" "$D/tech.pem" "$D/tech.pass" "$D/root.pem"

make_plain "$D/disk.img" $((4 * 1024 * 1024))
mkdir -p "$D/out"
wcert wipe "$D/disk.img" --method zero --yes --confirm "$D/disk.img" \
	--output-dir "$D/out"
assert_rc 0 "wipe an image file"
record_in rec "$D/out"
id=$(jqr "$rec" .id)
rsha=$(sha256sum "$rec" | cut -d' ' -f1)

wcert cert issue --config "$D/wc.conf" "$rec"
assert_rc 0 "cert issue"
pdf=$D/out/$id.pdf
assert_true "certificate is $id.pdf beside the record" test -s "$pdf"
assert_out "$id.pdf" "cert issue names the file"
wcert cert issue --config "$D/wc.conf" "$rec"
assert_rc 3 "cert issue refuses to replace an existing certificate"

# ---- what the text says (pdftotext) --------------------------------------

if command -v pdftotext >/dev/null 2>&1; then
	run pdftotext -enc UTF-8 "$pdf" -
	assert_out "データ消去証明書" "pdftotext: データ消去証明書"
	assert_out "Certificate of Data Erasure" "pdftotext: Certificate of Data Erasure"
	assert_out "$id" "pdftotext: the record id"
	assert_out "$rsha" "pdftotext: the record's SHA-256"
	assert_out "練総契第123号" "pdftotext: the contract number"
	# A drive with a serial: the simulated one (tests only).
	mkdir -p "$D/sim"
	WIPECERT_TEST_SIM=1 run "$WIPECERT" wipe "sim:ata,ssd,size=16M" \
		--method zero --yes --confirm SIM-0001 --output-dir "$D/sim" \
		--config "$D/wc.conf"
	assert_rc 0 "wipe of a simulated drive with a certificate"
	simpdf=$(find "$D/sim" -name '*.pdf' | head -n 1)
	if [ -n "$simpdf" ]; then
		run pdftotext -enc UTF-8 "$simpdf" -
		assert_out "SIM-0001" "pdftotext: the drive's serial"
	else
		not_ok "no certificate for the simulated drive"
	fi
else
	say "skipped: pdftotext checks (poppler-utils missing)"
fi

# ---- checked by others ---------------------------------------------------

run pdfsig "$pdf"
assert_out "Signature is Valid\." "pdfsig: Signature is Valid."
assert_out "Total document signed" "pdfsig: Total document signed"
assert_out "ETSI\.CAdES\.detached" "pdfsig: ETSI.CAdES.detached"
mkdir -p "$D/nss"
run certutil -N --empty-password -d "sql:$D/nss"
run certutil -A -d "sql:$D/nss" -n root -t "CT,C,C" -i "$D/root.pem"
assert_rc 0 "root CA imported into an NSS database"
run pdfsig -nssdir "sql:$D/nss" "$pdf"
assert_out "Certificate is Trusted\." "pdfsig with the root: Certificate is Trusted."
run qpdf --check "$pdf"
assert_rc 0 "qpdf --check"
assert_out "No syntax or stream encoding errors" "qpdf finds no errors"

# The ranges and the DER, cut out with dd and perl, for openssl cms.
read -r a b c < <(grep -ao '/ByteRange \[0 [0-9]* [0-9]* [0-9]*' "$pdf" |
	tail -1 | sed 's/.*\[0 //')
size=$(stat -c %s "$pdf")
assert_eq "$((b + c))" "$size" "/ByteRange ends at the end of the file"
{ head -c "$a" "$pdf"; tail -c "$c" "$pdf"; } >"$D/ranges.bin"
tail -c +"$((a + 2))" "$pdf" | head -c "$((b - a - 2))" |
	perl -ne 'print pack "H*", $_' >"$D/sig.der"
run openssl cms -verify -binary -inform DER -in "$D/sig.der" \
	-content "$D/ranges.bin" -CAfile "$D/root.pem" -out /dev/null
assert_rc 0 "openssl cms -verify over the ranges"
run openssl cms -cmsout -print -inform DER -in "$D/sig.der"
assert_out "signingCertificateV2" "CMS has signing-certificate-v2"
if grep -q "signingTime" "$OUT"; then
	not_ok "CMS has no signingTime"
else
	ok "CMS has no signingTime"
fi

# ---- wipecert's own verdicts ----------------------------------------------

wcert cert verify --config "$D/wc.conf" --ca "$D/root.pem" "$pdf" --json
assert_rc 0 "cert verify --ca: valid"
assert_json "$OUT" '.verdict == "valid" and .record.id == $i and .record.sha256 == $s' \
	"cert verify --json: record id and SHA-256 of the record file" \
	--arg i "$id" --arg s "$rsha"
wcert cert verify --config "$D/ca.conf" "$pdf"
assert_rc 0 "cert verify with root_ca from the configuration"
wcert cert verify --config "$D/wc.conf" "$pdf"
assert_rc 7 "no root CA anywhere: untrusted"
assert_out "no root CA" "says no root CA was given"
wcert cert verify --config "$D/wc.conf" --ca "$D/other.pem" "$pdf"
assert_rc 7 "unknown CA: untrusted"
wcert cert show --config "$D/ca.conf" --json "$pdf"
assert_rc 0 "cert show --json"
assert_true "cert show --json gives the record's exact bytes" cmp -s "$OUT" "$rec"
WIPECERT_CONFIG=$D/ca.conf wcert cert show "$pdf"
assert_rc 0 "cert show (configuration from \$WIPECERT_CONFIG)"
assert_out "$id" "cert show prints the record id"

# ---- tampering ------------------------------------------------------------

tamper() {	# tamper NAME OFFSET BYTE-CHAR
	cp "$pdf" "$D/$1.pdf"
	printf '%s' "$3" | dd of="$D/$1.pdf" bs=1 seek="$2" conv=notrunc \
		status=none
}
flip_char() {	# a different printable character than the one at OFFSET
	local ch
	ch=$(tail -c +"$(($1 + 1))" "$pdf" | head -c 1)
	if [ "$ch" = "1" ]; then printf 2; else printf 1; fi
}

off=$((a / 2))
tamper outside "$off" "$(flip_char "$off")"
run pdfsig "$D/outside.pdf"
if grep -q "Signature is Valid\." "$OUT"; then
	not_ok "pdfsig notices a byte changed outside /Contents"
	show_last
else
	ok "pdfsig notices a byte changed outside /Contents"
fi
wcert cert verify --ca "$D/root.pem" "$D/outside.pdf"
assert_rc 6 "cert verify: a byte changed outside /Contents"
off=$((size - 30))
tamper trailer "$off" "$(flip_char "$off")"
wcert cert verify --ca "$D/root.pem" "$D/trailer.pdf"
assert_rc 6 "cert verify: a byte changed in the last xref/trailer"
off=$((a + 1 + 200))
tamper der "$off" "$(flip_char "$off")"
wcert cert verify --ca "$D/root.pem" "$D/der.pdf"
assert_rc 6 "cert verify: a byte changed inside the DER in /Contents"
tamper padding "$((b - 20))" 1
wcert cert verify --ca "$D/root.pem" "$D/padding.pdf"
assert_rc 6 "cert verify: a non-zero byte after the DER"
assert_out "after the signature" "says: bytes after the signature"
cp "$pdf" "$D/appended.pdf"
printf '%% appended\n' >>"$D/appended.pdf"
wcert cert verify --ca "$D/root.pem" "$D/appended.pdf"
assert_rc 6 "cert verify: bytes appended after signing"
assert_out "does not cover the whole file" "says: not the whole file"
run pdfsig "$D/appended.pdf"
if grep -q "Total document signed" "$OUT"; then
	not_ok "pdfsig notices appended bytes"
else
	ok "pdfsig notices appended bytes"
fi

# ---- key refusals -----------------------------------------------------------

conf "$D/wrong.conf" "$D/tech.key" "$D/tech.pem" "$D/wrong.pass"
mkdir -p "$D/o2"
wcert cert issue --config "$D/wrong.conf" --output "$D/o2/a.pdf" "$rec"
assert_rc 8 "cert issue with a wrong passphrase"
assert_out "wrong passphrase" "says: wrong passphrase"
conf "$D/old.conf" "$D/old.key" "$D/old.pem" "$D/tech.pass"
wcert cert issue --config "$D/old.conf" --output "$D/o2/a.pdf" "$rec"
assert_rc 8 "cert issue with an expired leaf"
assert_out "expired" "says: expired"
conf "$D/mix.conf" "$D/old.key" "$D/tech.pem" "$D/tech.pass"
wcert cert issue --config "$D/mix.conf" --output "$D/o2/a.pdf" "$rec"
assert_rc 8 "cert issue with a key that is not the certificate's"
assert_out "does not match" "says: does not match"
chmod 644 "$D/tech.key"
wcert cert issue --config "$D/wc.conf" --output "$D/o2/a.pdf" "$rec"
assert_rc 8 "cert issue with a key readable by others"
assert_out "chmod 600" "says: chmod 600"
# The passphrase file is a secret too: readable by others, it is refused.
cp "$D/tech.pass" "$D/open.pass" && chmod 644 "$D/open.pass"
sed "s|^passphrase_file = .*|passphrase_file = $D/open.pass|" "$D/wc.conf" >"$D/open.conf"
wcert cert issue --config "$D/open.conf" --output "$D/o2/open.pdf" "$rec"
assert_rc 8 "cert issue with a passphrase file readable by others"
chmod 600 "$D/tech.key"
# wipecert's own files are never erase targets.
wcert wipe "$D/tech.key" --config "$D/wc.conf" --yes --confirm "$D/tech.key" \
	--output-dir "$D/o2"
assert_rc 3 "wiping the configured key file is refused"
assert_out "wipecert's own file" "says it is wipecert's own file"
wcert cert issue --config "$D/nonexistent.conf" "$rec"
assert_rc 8 "a missing configuration file"
assert_true "nothing written by the refused runs" test ! -e "$D/o2/a.pdf"

# ---- other results ----------------------------------------------------------

jq '.result = "aborted"' "$rec" >"$D/aborted.json"
wcert cert issue --config "$D/wc.conf" --output "$D/o2/ab.pdf" "$D/aborted.json"
assert_rc 1 "cert issue refuses an aborted record"
jq '.result = "fail"' "$rec" >"$D/o2/failed.json"
fid=$(jqr "$D/o2/failed.json" .id)
wcert cert issue --config "$D/wc.conf" "$D/o2/failed.json"
if [ "$RC" -eq 0 ]; then
	ok "cert issue of a failed record (exit 0)"
	assert_true "failure report is $fid.failure.pdf" \
		test -s "$D/o2/$fid.failure.pdf"
	wcert cert verify --ca "$D/root.pem" "$D/o2/$fid.failure.pdf"
	assert_rc 0 "the failure report verifies"
else
	# The renderer may refuse a hand-edited record with no failure
	# details: then it must say so, not crash.
	assert_rc 6 "cert issue of a failed record without failure details"
fi

finish
