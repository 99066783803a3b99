#!/bin/bash
# t_signal.sh - SIGINT, SIGTERM and SIGHUP during a long erase: wipecert
# stops within about a second, exits 5 and leaves a record "aborted"
# whose passes claim no more than was written.
# e2e: root
# shellcheck source=lib.sh disable=SC2016,SC2154
. "$(dirname "$0")/lib.sh"
need_root
e2e_init
need_cmd losetup blockdev

now_ms() { echo $(($(date +%s%N) / 1000000)); }

truncate -s 2G "$WORK/big.img"
# Direct I/O to the image file: a real disk has no gigabytes of dirty
# page cache under it for the final flush to wait for.
attach_to dev "$WORK/big.img" --direct-io=on
size=$(size_of "$dev")

for sig in INT TERM HUP; do
	say "## SIG$sig"
	out=$WORK/out-$sig
	mkdir -p "$out"
	_guard_args "$dev"
	OUT=$WORK/sig-$sig.out
	ERR=$WORK/sig-$sig.err
	"$WIPECERT" wipe "$dev" --method gutmann --yes --confirm "$dev" \
		--output-dir "$out" >"$OUT" 2>"$ERR" </dev/null &
	pid=$!
	reg_pid "$pid"
	# Wait until the erase has started (its first progress line), then
	# let it run for a second.
	t=$(now_ms)
	while alive "$pid" && ! grep -Eq '^[^ ]+ +erase' "$ERR" &&
	    [ $(($(now_ms) - t)) -lt 10000 ]; do
		sleep 0.05
	done
	grep -Eq '^[^ ]+ +erase' "$ERR" || not_ok "SIG$sig: no 'erase' progress line within 10 s"
	sleep 1
	alive "$pid" || die "SIG$sig: wipecert ended before the signal"
	t0=$(now_ms)
	kill -"$sig" "$pid"
	while alive "$pid" && [ $(($(now_ms) - t0)) -lt 6000 ]; do
		sleep 0.02
	done
	t1=$(now_ms)
	if alive "$pid"; then
		kill -KILL "$pid"
		not_ok "SIG$sig: still running 6 s after the signal"
	fi
	wait "$pid"
	RC=$?
	say "#   exited $((t1 - t0)) ms after SIG$sig"
	assert_true "SIG$sig: exited within 2 s (took $((t1 - t0)) ms)" \
		test $((t1 - t0)) -le 2000
	assert_rc 5 "SIG$sig: exit status 5"
	assert_out "aborted|interrupted" "SIG$sig: says aborted/interrupted"
	record_in rec "$out"
	check_wipe_output "$rec"
	assert_json "$rec" '.result == "aborted"' "SIG$sig: record result aborted"
	assert_json "$rec" '.technique.passes_planned == 35 and (.technique.passes | length) >= 1 and (.technique.passes | length) < 35' \
		"SIG$sig: fewer passes listed than planned"
	assert_json "$rec" '.technique.passes[:-1] | map(.aborted == false and .bytes_written == ($s|tonumber)) | all' \
		"SIG$sig: every pass before the last finished" --arg s "$size"
	# (bytes_written may equal the size when the signal came during the
	# pass's final flush.)
	assert_json "$rec" '.technique.passes[-1] | .aborted == true and .bytes_written <= ($s|tonumber)' \
		"SIG$sig: the last pass is marked aborted" --arg s "$size"
	assert_json "$rec" '.technique.passes[-1].bytes_written % 512 == 0' \
		"SIG$sig: bytes_written is whole sectors"
	assert_json "$rec" '.verification.mode == "none" and .verification.pattern == null and .verification.seed == null and .verification.plan == null and .verification.bytes_read == null and .verification.coverage_ppm == null and .verification.mismatches == null and .verification.unreadable == null' \
		"SIG$sig: verification mode none, pattern..unreadable null (an erase that did not finish)"
	# What the aborted pass claims to have written really is there.
	bw=$(jqr "$rec" '.technique.passes[-1].bytes_written')
	pat=$(jqr "$rec" '.technique.passes[-1].pattern')
	seed=$(jqr "$rec" '.technique.passes[-1].seed')
	say "#   $(jqr "$rec" '.technique.passes | length') pass(es), last $pat, $bw bytes written"
	# Several writers run at once, so the chunks written are not one
	# prefix of the device; but with 32 MiB written (8 chunks of 4 MiB,
	# at most 7 buffers in flight) the first chunk is surely there.
	if [ "$bw" -ge $((32 * 1048576)) ]; then
		blockdev --flushbufs "$dev"
		case "$pat" in
		random)
			assert_true "SIG$sig: the first 64 KiB hold the pass's keystream" \
				keystream_ok "$dev" 0 65536 "$seed"
			;;
		*)
			say "#   (pattern $pat: contents not checked)"
			;;
		esac
	fi
done

finish
