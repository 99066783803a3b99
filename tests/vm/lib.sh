# shellcheck shell=bash
# lib.sh - helpers for the virtual-machine checks, sourced by run.sh
# before tests/vm/t_*.sh.  The checks read what the guest wrote in $R
# (build/vm/last/r) and the image files in $W; they count into V_PASS
# and V_FAIL.

say() { printf '%s\n' "$*"; }
ok() { V_PASS=$((V_PASS + 1)); printf 'ok   - %s\n' "$*"; }
not_ok() { V_FAIL=$((V_FAIL + 1)); printf 'FAIL - %s\n' "$*"; }
skip() { printf 'skipped: %s\n' "$*"; }

# rc NAME: exit status of a guest step ("" when it did not run).
rc() { cat "$R/$1.rc" 2>/dev/null; }
ran() { [ -f "$R/$1.rc" ]; }
has_method() { grep -qx -- "$1" "$R/methods.txt" 2>/dev/null; }
guest_dev() { awk -v r="$1" '$1 == r { print $2; exit }' "$R/disks.txt"; }
# The only record a wipe step wrote ("" when none or several).
record_of() {
	local f
	f=$(find "$R/rec-$1" -maxdepth 1 -name '*.json' 2>/dev/null)
	[ "$(printf '%s' "$f" | grep -c .)" -eq 1 ] && printf '%s\n' "$f"
}
# Show a step's output after a failure.
show() {
	sed 's/^/       stdout: /' "$R/$1.out" 2>/dev/null | head -15
	sed 's/^/       stderr: /' "$R/$1.err" 2>/dev/null | head -15
}
assert_rc() {	# assert_rc STEP WANT MSG
	if [ "$(rc "$1")" = "$2" ]; then
		ok "$3 (exit $2)"
	else
		not_ok "$3: exit $(rc "$1"), want $2"
		show "$1"
	fi
}
assert_eq() {	# assert_eq GOT WANT MSG
	if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3: got '$1', want '$2'"; fi
}
assert_true() {	# assert_true MSG CMD...
	local m=$1
	shift
	if "$@"; then ok "$m"; else not_ok "$m"; fi
}
assert_json() {	# assert_json FILE EXPR MSG [jq args]
	local f=$1 e=$2 m=$3 got
	shift 3
	if [ -n "$f" ] && got=$(jq -e "$@" "$e" "$f" 2>&1); then
		ok "$m"
	else
		not_ok "$m: jq '$e' on ${f:-(no file)} gave ${got:-false}"
	fi
}
# sum PHASE ROLE: MD5 of the disk of ROLE at PHASE of the guest script.
sum() { awk -v r="$2" '$1 == r { print $2 }' "$R/sums-$1.txt" 2>/dev/null; }
# keystream_ok IMG OFFSET LEN SEED: the bytes are the AES-128-CTR keystream.
keystream_ok() {
	local iv
	iv=$(printf '%032x' $(($2 / 16)))
	cmp -s <(dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$2" \
		count="$3" status=none) \
		<(head -c "$3" /dev/zero | openssl enc -aes-128-ctr -nosalt \
			-K "$4" -iv "$iv")
}
is_filled() {	# is_filled IMG HEXBYTE
	if [ "$2" = 00 ]; then
		cmp -s "$1" <(head -c "$(stat -c %s "$1")" /dev/zero)
	else
		cmp -s "$1" <(head -c "$(stat -c %s "$1")" /dev/zero | tr '\000' '\377')
	fi
}
