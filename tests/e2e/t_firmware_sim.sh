#!/bin/bash
# t_firmware_sim.sh - `wipecert wipe` with firmware techniques against the
# simulated drive (sim:SPEC targets, honoured only with WIPECERT_TEST_SIM=1;
# see wipe/simdrive.h): success on ATA, NVMe and SCSI, frozen security,
# unsupported methods, sanitize failure mode, a lying drive caught by the
# markers, hidden areas with and without --restore-hidden, power loss,
# and a signal during an erase that cannot be stopped.  No device is
# touched.
# e2e: no-root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
e2e_init

export WIPECERT_TEST_SIM=1
N=0

# simwipe SPEC [ARGS...]: wipe sim:SPEC into a fresh folder $out.
simwipe() {
	local spec=$1
	shift
	N=$((N + 1))
	out=$WORK/out$N
	mkdir -p "$out"
	run "$WIPECERT" wipe "sim:$spec" --yes --confirm SIM-0001 \
		--output-dir "$out" --operator "E2E" "$@"
	rec=$(find "$out" -maxdepth 1 -name '*.json' | head -1)
}

say "## ATA sanitize, auto"
simwipe "ata,ssd,sanitize=crypto+block,size=16M"
assert_rc 0 "ata sanitize: pass"
check_wipe_output "$rec"
assert_json "$rec" '.result == "pass" and .technique.method == "ata-sanitize-crypto" and .technique.nist_category == "Purge" and .technique.requested_method == "auto"' \
	"ata sanitize: record pass, crypto scramble, Purge"
assert_json "$rec" '.technique.firmware.completed and .technique.firmware.drive_status.ok and .technique.firmware.parameters == "command=0xb4 feature=0x0011 count=0x0000 lba=0x000043727970 device=0x40"' \
	"ata sanitize: exact parameters and the drive's status"
assert_json "$rec" '.media.identity_source == "ata-identify" and .media.drive_reported.identify_checksum_ok' \
	"ata sanitize: identity from IDENTIFY"
assert_json "$rec" '.verification.markers.pieces > 0 and .verification.mismatches.sectors == 0 and .verification.signature_probe.clean' \
	"ata sanitize: markers all gone, probe clean"

say "## ATA enhanced security erase on an HDD"
simwipe "ata,hdd,enhanced,size=16M"
assert_rc 0 "ata enhanced erase: pass"
assert_json "$rec" '.technique.method == "ata-enhanced-erase" and .technique.nist_category == "Purge" and .technique.firmware.password.set and .technique.firmware.password.cleared' \
	"ata enhanced erase: password set and cleared"
assert_eq "$(find "$out" -name '*.ata-password' | wc -l)" 0 \
	"ata enhanced erase: the password journal is gone"

say "## frozen security"
simwipe "ata,hdd,enhanced,frozen,size=16M" --method ata-enhanced-erase
assert_rc 1 "frozen: fails"
assert_out 'frozen' "frozen: says frozen"
assert_out 'suspend and resume|hot-plug' "frozen: gives the remedy"
assert_json "$rec" '.result == "fail" and .technique.firmware.frozen and (.technique.firmware.password.set | not)' \
	"frozen: record fail, no password set"

say "## unsupported methods are refused before anything"
simwipe "nvme,format,size=16M" --method nvme-sanitize-crypto
assert_rc 3 "nvme sanitize on a drive without it: refused"
assert_out 'not support' "nvme sanitize: says not supported"
assert_eq "$(count_records "$out")" 0 "nvme sanitize: no record"
simwipe "usb,size=16M" --method ata-secure-erase
assert_rc 3 "usb bridge: ata-secure-erase refused"
assert_out 'pass-through' "usb bridge: names the pass-through refusal"
simwipe "usb,size=16M"
assert_rc 0 "usb bridge auto: overwrite"
assert_json "$rec" '.technique.method == "random" and .technique.nist_category == "Clear" and (.technique.reason | test("pass-through"))' \
	"usb bridge auto: Clear overwrite, reason names pass-through"

say "## NVMe and SCSI"
simwipe "nvme,format,format-crypto,nn=2,fna=1,size=16M" --method nvme-format-user
assert_rc 0 "nvme format: pass"
assert_json "$rec" '.technique.nist_category == "Purge" and (.technique.scope | test("ALL 2 namespace")) and .technique.firmware.parameters == "opcode=0x80 nsid=0x00000001 cdw10=0x00000200 cdw11=0x00000000"' \
	"nvme format: SES=1, FNA scope in the record"
simwipe "scsi,sanitize=block,size=16M"
assert_rc 0 "scsi sanitize: pass"
assert_json "$rec" '.technique.method == "scsi-sanitize-block" and .verification.pattern == "zero" and .verification.markers.pattern_expected == "zero"' \
	"scsi sanitize: block erase, zeros checked"

say "## sanitize failure mode"
simwipe "nvme,sanitize=crypto,fault=sanitize-fail,size=16M"
assert_rc 1 "sanitize failure: fails"
assert_out 'failure mode' "sanitize failure: says failure mode"
assert_json "$rec" '.result == "fail" and .technique.firmware.failure_mode' \
	"sanitize failure: recorded"

say "## a drive that says it erased, and did not"
simwipe "ata,ssd,sanitize=crypto,fault=noop,size=16M"
assert_rc 1 "lying drive: fails"
assert_json "$rec" '.technique.firmware.completed and .verification.mismatches.sectors > 0 and .result == "fail"' \
	"lying drive: the markers are still there"

say "## hidden areas"
simwipe "ata,hdd,security,hpa=4096,size=16M" --method ata-secure-erase
assert_rc 1 "hpa left in place: not certified"
assert_out 'hidden' "hpa: says hidden"
assert_json "$rec" '.result == "fail" and .media.hidden_areas.restore.present and (.media.hidden_areas.restore.restored | not)' \
	"hpa: record fail, hidden area present"
simwipe "ata,hdd,security,hpa=4096,dco=2048,size=16M" --method ata-secure-erase \
	--restore-hidden
assert_rc 0 "hpa+dco restored: pass"
assert_out 'RESTORED' "restore: the confirmation says so"
assert_json "$rec" '.media.hidden_areas.restore.restored and .media.hidden_areas.restore.before.visible_max_lba == 32767 and .media.hidden_areas.restore.after.visible_max_lba == 38911 and .media.size_bytes == 38912 * 512' \
	"restore: visible and native max LBA before and after"

say "## power loss during SECURITY ERASE UNIT"
simwipe "ata,hdd,security,fault=power-loss,size=16M" --method ata-secure-erase
assert_rc 5 "power loss: aborted"
assert_json "$rec" '.result == "aborted" and .technique.firmware.password.set and (.technique.firmware.password.cleared | not)' \
	"power loss: record aborted, password still set"
assert_eq "$(find "$out" -name '*.ata-password' | wc -l)" 1 \
	"power loss: the password journal stays for the recovery"

say "## a signal while the drive erases"
N=$((N + 1))
out=$WORK/out$N
mkdir -p "$out"
_NRUN=$((_NRUN + 1))
OUT=$WORK/run$_NRUN.out
ERR=$WORK/run$_NRUN.err
"$WIPECERT" wipe "sim:ata,hdd,security,erase-ms=3000,size=16M" \
	--method ata-secure-erase --yes --confirm SIM-0001 --output-dir "$out" \
	>"$OUT" 2>"$ERR" </dev/null &
pid=$!
reg_pid "$pid"
sleep 1.5
kill -INT "$pid"
wait "$pid"
RC=$?
rec=$(find "$out" -maxdepth 1 -name '*.json' | head -1)
assert_rc 5 "signal: interrupted"
assert_out 'aborted, drive still erasing' "signal: says the drive goes on"
assert_json "$rec" '.result == "aborted" and .technique.firmware.still_erasing and (.technique.firmware.completion | test("aborted, drive still erasing"))' \
	"signal: record aborted, drive still erasing"

say "## sim: targets need WIPECERT_TEST_SIM=1"
run env -u WIPECERT_TEST_SIM "$WIPECERT" wipe "sim:ata,size=16M" --yes \
	--confirm SIM-0001 --output-dir "$WORK"
assert_rc 4 "without the variable, sim: is just a missing path"

say "## never certified: unknown hidden areas, other namespaces, unverified firmware erase"
simwipe "ata,hdd,security,hpa=4096,fault=cmd:0x27,size=16M" --method zero
assert_rc 1 "HPA present but READ NATIVE MAX fails: exit 1"
assert_json "$rec" '.result == "fail"' "hidden areas unknown: record fail"
simwipe "nvme,format,hpa=4096,size=16M" --method zero
assert_rc 1 "NVMe capacity beyond the namespace, namespace overwritten: exit 1"
assert_json "$rec" '.result == "fail" and ([.errors[] | select(.stage == "hidden")] | length) == 1' \
	"capacity outside the namespace: record fail with a hidden-area error"
simwipe "nvme,format,hpa=4096,size=16M" --method nvme-format-user
assert_json "$rec" '.result == "fail"' "a Format of one namespace does not reach it either"
simwipe "ata,ssd,sanitize=crypto,fault=noop,size=16M" --verify none
assert_rc 2 "a firmware erase with --verify none is refused"
assert_eq "$(find "$out" -name '*.json' | wc -l)" 0 "and nothing is written"

finish
