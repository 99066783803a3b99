#!/bin/bash
# t_tui.sh - the technician's text UI (`wipecert tui`) driven through tmux
# as a person would: keys in (send-keys), the screen read back
# (capture-pane).  On the Linux console's terminal type at 80x24: the list
# shows this test's loop device with its contents, refuses a mounted one
# (with the reason, not selectable), picks up a device attached and one
# detached while it runs; two drives are selected, given a 管理番号 in
# Japanese and a technique; a wrong path typed at the confirmation is
# refused and nothing is written; the right ones start the wipe, whose
# progress rows and final screen (pass, certificate path) show; the
# record, the signed PDF and the register verify.  Then at TERM=vt100:
# Ctrl-C during a wipe asks first, "n" goes on, "y" aborts (an aborted
# record, no certificate), and the terminal is restored on exit.
#
# SAFETY: the UI lists every block device of the machine (the system
# disk shows as refused); this test only ever selects, by its path on
# the screen, loop devices it attached itself (guard_dev), checks that
# nothing else is selected before confirming, and types only its own
# devices' paths as confirmations (a confirmation matches only the
# device it names).
#
# TUI_DOCS=DIR saves the progress and final screens there (the README's
# docs/tui-*.txt).
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd tmux blkid losetup sfdisk mke2fs mount umount stty awk

export LANG=C.UTF-8
SOCK=wipecert-e2e-$$
TM=(tmux -u -L "$SOCK" -f /dev/null)
SHOT=$WORK/screen.txt
D=$WORK
K=(--kdf-iterations 1000)

# ---- a key, a configuration, drives --------------------------------------

printf 'ca secret\n' >"$D/ca.pass"
printf 'tech secret\n' >"$D/tech.pass"
chmod 600 "$D"/*.pass
wcert key ca-init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--org "株式会社テスト消去" --passphrase-file "$D/ca.pass" "${K[@]}"
assert_rc 0 "key ca-init"
wcert key init --ca-key "$D/ca.key" --ca-cert "$D/root.pem" \
	--ca-passphrase-file "$D/ca.pass" --key "$D/tech.key" \
	--cert "$D/tech.pem" --name "山田 太郎" --org "株式会社テスト消去" \
	--passphrase-file "$D/tech.pass" "${K[@]}"
assert_rc 0 "key init"
OUTD=$D/out
mkdir -p "$OUTD"
CONF=$D/wc.conf
cat >"$CONF" <<EOF
contract = 令和7年度 練総契第123号
addressee = 練馬区長
department = 練馬区 総務部 情報政策課
manager = 鈴木 一郎
contractor = 株式会社テスト消去
operator = 山田 太郎
witness = 佐藤 花子
key = $D/tech.key
certificate = $D/tech.pem
chain = $D/root.pem
passphrase_file = $D/tech.pass
register = $D/register.jsonl
output_dir = $OUTD
EOF

make_image "$D/tui.img" 256 E2E-TUI
attach_to dev "$D/tui.img"
make_image "$D/gone.img" 8 E2E-GONE
attach_to gdev "$D/gone.img"
make_plain "$D/mnt.img" $((16 * 1024 * 1024))
attach_to mdev "$D/mnt.img"
mkfs_dev "$mdev" E2E-MNT
mount_dev "$mdev" "$D/mnt"

# ---- driving tmux ---------------------------------------------------------

# The wipecert processes of this test (its own copy of the binary).
our_pids() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(readlink "$d/exe" 2>/dev/null)" = "$WIPECERT" ] &&
			printf '%s\n' "${d#/proc/}"
	done
	return 0
}

# start_tui SESSION TERM: the UI in an 80x24 window; SESSION.rc gets its
# exit status, SESSION.stty0/1 the terminal modes before and after.
start_tui() {
	local s=$1 term=$2 r=$D/run-$1.sh p
	{
		printf '#!/bin/bash\n'
		printf 'stty -g >%q\n' "$D/$s.stty0"
		printf 'TERM=%q %q tui --config %q 2>%q\n' "$term" "$WIPECERT" \
			"$CONF" "$D/$s.err"
		printf 'echo $? >%q\n' "$D/$s.rc"
		printf 'stty -g >%q\n' "$D/$s.stty1"
	} >"$r"
	"${TM[@]}" new-session -d -s "$s" -x 80 -y 24 "bash $r" \; \
		set-option -t "$s" remain-on-exit on || die "tmux new-session"
	p=$("${TM[@]}" display-message -p '#{pid}') || die "tmux server pid"
	reg_pid "$p"
	reg_tmpdir "$("${TM[@]}" display-message -p '#{socket_path}')"
	sleep 0.5
	for p in $(our_pids); do reg_pid "$p"; done
}
shot() { "${TM[@]}" capture-pane -p -t "$1" >"$SHOT" 2>/dev/null; }
keys() { local s=$1; shift; "${TM[@]}" send-keys -t "$s" "$@"; }
typed() { "${TM[@]}" send-keys -t "$1" -l "$2"; }

# wait_for SESSION REGEX SECONDS: the screen matches within SECONDS.
wait_for() {
	local s=$1 re=$2 n=$(($3 * 10))
	while [ "$n" -gt 0 ]; do
		shot "$s"
		grep -Eq -- "$re" "$SHOT" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
show_screen() { sed 's/^/       screen: /' "$SHOT"; }
# expect SESSION REGEX SECONDS MSG
expect() {
	if wait_for "$1" "$2" "$3"; then
		ok "$4"
	else
		not_ok "$4: no /$2/ on the screen"
		show_screen
	fi
}
expect_not() {	# expect_not REGEX MSG: not on the last screen read
	if grep -Eq -- "$1" "$SHOT"; then
		not_ok "$2"
		show_screen
	else
		ok "$2"
	fi
}

# goto_row SESSION DEV: the list's cursor ('>') on DEV's row.
goto_row() {
	local s=$1 dev=$2 i
	keys "$s" g	# the top (Home is not on every terminal)
	for i in $(seq 1 60); do
		sleep 0.15
		shot "$s"
		grep -Eq -- "> \[.\] $dev " "$SHOT" && return 0
		keys "$s" Down
	done
	return 1
}

# select_dev SESSION DEV: select one of this test's devices.
select_dev() {
	guard_dev "$2"
	goto_row "$1" "$2" || die "cannot put the cursor on $2"
	keys "$1" Space
	wait_for "$1" "\[x\] $2 " 3 || die "$2 not selected"
}

# Every selected row on the screen is a device of this test.
only_ours_selected() {
	local d
	for d in $(grep -oE '\[x\] /dev/[^ ]+' "$SHOT" | cut -d' ' -f2); do
		is_our_loop "$d" || die "SAFETY: $d is selected"
	done
	return 0
}

# form_focus SESSION DEV LABEL: focus the LABEL field of DEV in the form.
form_focus() {
	local s=$1 dev=$2 label=$3 i got
	keys "$s" $(printf 'Up %.0s' $(seq 1 25))
	for i in $(seq 1 20); do
		sleep 0.15
		shot "$s"
		got=$(awk -v l="> $label" 'index($0, "/dev/") && index($0, " serial ") { h = $2 }
			index($0, l) { print h; exit }' "$SHOT")
		[ "$got" = "$dev" ] && return 0
		keys "$s" Down
	done
	return 1
}

# continue_form SESSION: to the form's Continue button, and press it.
continue_form() {
	keys "$1" $(printf 'Down %.0s' $(seq 1 25))
	sleep 0.2
	keys "$1" Enter
}

# set_choice SESSION LABEL VALUE: Right until the focused choice is VALUE.
set_choice() {
	local i
	for i in $(seq 1 30); do
		sleep 0.1
		shot "$1"
		grep -Eq -- "> $2 +< $3 >" "$SHOT" && return 0
		keys "$1" Right
	done
	return 1
}

# confirm SESSION DEV TEXT: the confirmation screen names DEV; type TEXT.
confirm() {
	wait_for "$1" "Confirm [0-9] of [0-9]: ALL DATA on $2 will be" 10 ||
		die "no confirmation screen for $2"
	guard_dev "$2"
	typed "$1" "$3"
	keys "$1" Enter
}

label_of() { blkid -p -O 1048576 -s LABEL -o value "$1" 2>/dev/null; }
blank_screen() { tr -d '\n │x' <"$SHOT"; }

# ---- the list, at TERM=linux ---------------------------------------------

S=console
start_tui $S linux
expect $S "Drives: [0-9]+ found" 10 "the list screen shows"
expect $S "\[ \] $dev +loop +256.0 MiB" 5 "our loop device's row: path, transport, size"
grep -A1 -E "\] $dev " "$SHOT" >"$D/row.txt"
assert_true "its contents (libblkid): gpt, ext4 \"E2E-TUI\"" \
	grep -q 'gpt: p1 ext4 "E2E-TUI"' "$D/row.txt"
expect $S "\[-\] $mdev " 3 "the mounted device is marked refused"
grep -A1 -E "\] $mdev " "$SHOT" >"$D/row.txt"
assert_true "with the reason: mounted" grep -q "REFUSED: mounted at $D/mnt" "$D/row.txt"
goto_row $S "$mdev" || die "cannot reach $mdev"
keys $S Space
expect $S "cannot select $mdev: mounted" 3 "Space on it says it cannot be selected"
expect_not "\[x\] $mdev " "and it is not selected"
expect_not "Drives: [0-9]+ found, [1-9]" "nothing selected"
expect $S "REFUSED +mounted at $D/mnt \(cannot be" 2 "its details say why"

# Plugged in, and removed, while the UI runs.
make_image "$D/hot.img" 16 E2E-HOT
t0=$(date +%s)
attach_to hdev "$D/hot.img"
expect $S "\[ \] $hdev +loop" 6 "a device attached after the start appears"
say "# appeared after $(($(date +%s) - t0)) s"
# A loop device can be listed in the instant before its size is set, so
# its contents may show one rescan (2 s) later.
for i in $(seq 1 40); do
	grep -A1 -E "\] $hdev " "$SHOT" >"$D/row.txt"
	grep -q 'ext4 "E2E-HOT"' "$D/row.txt" && break
	sleep 0.1
	shot $S
done
assert_true "with its contents" grep -q 'ext4 "E2E-HOT"' "$D/row.txt"
expect $S "\] $gdev " 2 "a device attached before the start is listed"
detach "$gdev"
for i in $(seq 1 60); do
	shot $S
	grep -Eq -- "\] $gdev " "$SHOT" || break
	sleep 0.1
done
expect_not "\] $gdev " "a detached device disappears without a restart"

# ---- set-up: two drives, 管理番号, techniques -------------------------------

select_dev $S "$dev"
select_dev $S "$hdev"
expect $S "Drives: [0-9]+ found, 2 selected" 2 "two drives selected"
only_ours_selected
keys $S Enter
expect $S "Set up the wipe" 3 "Enter opens the set-up form"
expect $S "Operator +\[山田 太郎" 1 "operator prefilled from the configuration"
expect $S "Contract +\[令和7年度 練総契第123号" 1 "contract prefilled"
form_focus $S "$dev" "管理番号" || die "cannot focus the 管理番号 of $dev"
typed $S "管理-E2E-001"
expect $S "> 管理番号 +\[管理-E2E-001" 2 "a Japanese 管理番号 is typed (wide characters)"
form_focus $S "$dev" "Technique" || die "cannot focus the technique of $dev"
expect $S "> Technique +< auto > +\([0-9]+ of [0-9]+" 1 "technique auto by default"
expect $S "auto chooses random \(Clear\)" 1 "auto's choice and reason are shown"
set_choice $S Technique dod-7pass || die "cannot choose dod-7pass"
expect $S "Clear, 7 passes" 1 "dod-7pass chosen, what it does shown"
form_focus $S "$hdev" "管理番号" || die "cannot focus the 管理番号 of $hdev"
typed $S "管理-E2E-002"
continue_form $S

# ---- a wrong confirmation: refused, nothing written ------------------------

confirm $S "$dev" "/dev/not-$RANDOM"
expect $S "refusing '$dev': confirmation does not match the path; nothing" 5 \
	"a wrong path is refused with a message"
expect $S "Drives: " 2 "back on the list"
assert_eq "$(label_of "$dev")" E2E-TUI "blkid still finds ext4 E2E-TUI on $dev"
assert_eq "$(label_of "$hdev")" E2E-HOT "blkid still finds ext4 E2E-HOT on $hdev"
assert_eq "$(count_records "$OUTD")" 0 "no record written"
assert_true "no register entry" test ! -e "$D/register.jsonl"

# ---- the right ones: the wipe runs ---------------------------------------

expect $S "Drives: [0-9]+ found, 2 selected" 2 "both still selected"
only_ours_selected
keys $S Enter
expect $S "管理番号 +\[管理-E2E-001" 3 "the form kept the 管理番号"
continue_form $S
confirm $S "$dev" "$dev"
confirm $S "$hdev" "$hdev"
progress=
for i in $(seq 1 600); do
	shot $S
	if [ -z "$progress" ] && grep -Eq "$dev +erase [1-7]/7 +\[#*\.+\]" "$SHOT"; then
		progress=$D/progress.txt
		cp "$SHOT" "$progress"
	fi
	grep -q "^ Finished:" "$SHOT" && break
	sleep 0.1
done
if [ -n "$progress" ]; then
	ok "progress rows: stage, bar, percent, rate, ETA"
	assert_true "the progress screen has the column heading" \
		grep -Eq "Device +Stage +Progress +% +Rate +ETA" "$progress"
else
	not_ok "no progress row seen"
fi
expect $S "^ Finished: 2 pass, 0 fail, 0 aborted" 60 "the final screen: both pass"
cp "$SHOT" "$D/final.txt"
expect $S "$dev +pass +dod-7pass \(Clear\) +管理番号 管理-E2E-001" 1 "its row: pass, technique, 管理番号"
expect $S "$hdev +pass +random \(Clear\)" 1 "the other: pass with auto's choice"

rec=
for f in "$OUTD"/*.json; do
	jq -e --arg d "$dev" '.media.path == $d' "$f" >/dev/null && rec=$f
done
[ -n "$rec" ] || die "no record of $dev"
id=$(jqr "$rec" .id)
pdf=$OUTD/$id.pdf
assert_true "the signed PDF exists" test -s "$pdf"
if blank_screen | grep -qF -- "certificate$pdf"; then
	ok "the final screen shows the certificate path"
else
	not_ok "the final screen shows the certificate path $pdf"
	show_screen
fi
assert_json "$rec" '.result == "pass" and .technique.method == "dod-7pass" and (.technique.passes | length) == 7' \
	"record: pass, dod-7pass, 7 passes"
assert_json "$rec" '.media.asset_tag == "管理-E2E-001"' "record: the 管理番号 typed"
assert_json "$rec" '.people.operator == "山田 太郎" and .people.witness == "佐藤 花子" and .contract.number == "令和7年度 練総契第123号"' \
	"record: operator, witness, contract"
wcert cert verify "$pdf" --ca "$D/root.pem" --config "$CONF"
assert_rc 0 "cert verify passes"
wcert register verify --ca "$D/root.pem" --config "$CONF"
assert_rc 0 "register verify passes"
run blkid -p "$dev"
assert_rc 2 "blkid finds nothing on $dev any more"

keys $S q
for i in $(seq 1 50); do [ -s "$D/$S.rc" ] && break; sleep 0.1; done
assert_eq "$(cat "$D/$S.rc" 2>/dev/null)" 0 "q quits, exit 0"
assert_eq "$(cat "$D/$S.stty1" 2>/dev/null)" "$(cat "$D/$S.stty0")" \
	"the terminal modes are restored"
assert_true "nothing on stderr" test ! -s "$D/$S.err"

# ---- TERM=vt100: Ctrl-C asks before it aborts ------------------------------

S=serial
start_tui $S vt100
expect $S "\[ \] $dev +loop" 10 "vt100: the list shows our device"
grep -A1 -E "\] $dev " "$SHOT" >"$D/row.txt"
assert_true "vt100: contents after the wipe: nothing found" grep -q "nothing found" "$D/row.txt"
select_dev $S "$dev"
only_ours_selected
keys $S Enter
expect $S "Set up the wipe" 3 "vt100: the set-up form"
form_focus $S "$dev" "Technique" || die "cannot focus the technique"
set_choice $S Technique gutmann || die "cannot choose gutmann"
continue_form $S
confirm $S "$dev" "$dev"
expect $S "$dev +erase [0-9]+/35" 10 "vt100: the wipe runs"
keys $S C-c
expect $S "Abort the wipe\?" 3 "Ctrl-C asks before it aborts"
keys $S n
expect $S "going on wiping" 3 "n: the wipe goes on"
expect_not "Abort the wipe\?" "the question is gone"
expect $S "$dev +erase" 2 "still erasing"
keys $S C-c
expect $S "Abort the wipe\?" 3 "Ctrl-C asks again"
keys $S y
expect $S "^ Finished: 0 pass, 0 fail, 1 aborted" 30 "y: aborted"
expect $S "interrupted; the device is NOT erased" 1 "the final screen says it is not erased"
n_rec=$(count_records "$OUTD")
assert_eq "$n_rec" 3 "an aborted record was written"
for rec in "$OUTD"/*.json; do
	jq -e '.result == "aborted"' "$rec" >/dev/null && break
done
assert_json "$rec" '.result == "aborted" and .technique.method == "gutmann"' \
	"record: aborted, gutmann"
assert_true "no certificate for the aborted wipe" test ! -e "$OUTD/$(jqr "$rec" .id).pdf"
keys $S q
for i in $(seq 1 50); do [ -s "$D/$S.rc" ] && break; sleep 0.1; done
assert_eq "$(cat "$D/$S.rc" 2>/dev/null)" 5 "exit 5 after an interrupted wipe"
assert_eq "$(cat "$D/$S.stty1" 2>/dev/null)" "$(cat "$D/$S.stty0")" \
	"vt100: the terminal modes are restored"
wcert register verify --ca "$D/root.pem" --config "$CONF"
assert_rc 0 "register verify passes after the abort"

if [ -n "${TUI_DOCS:-}" ]; then
	[ -n "$progress" ] && cp "$progress" "$TUI_DOCS/tui-progress.txt"
	cp "$D/final.txt" "$TUI_DOCS/tui-final.txt"
	say "# screens saved in $TUI_DOCS"
fi
"${TM[@]}" kill-server 2>/dev/null
finish
