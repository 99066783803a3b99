#!/bin/bash
# run.sh - run every end-to-end test, tests/e2e/t_*.sh (`make check-e2e`).
#
# As root, every test runs, on loop devices the tests attach to image
# files they make under build/e2e/.  Otherwise only the tests marked
# "# e2e: no-root" run (they use plain image files), and the others are
# reported as skipped.  Each test's output goes to build/e2e/T.log and is
# shown when the test fails.  The last line is "e2e: N passed, M failed";
# the status is non-zero when a test failed.
#
#   tests/e2e/run.sh             every test
#   tests/e2e/run.sh t_files     only the tests named
#   E2E_VERBOSE=1 tests/e2e/run.sh   show every test's output
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
logs=$root/build/e2e
mkdir -p "$logs"

if [ ! -x "$root/wipecert" ]; then
	echo "e2e: $root/wipecert is not built (run make)" >&2
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi

root_user=0
[ "$(id -u)" -eq 0 ] && root_user=1
if [ "$root_user" -eq 0 ]; then
	echo "skipped: end-to-end tests need root (loop devices); running only the tests on plain image files"
fi

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=${t%.sh}
		tests+=("$here/${t##*/}.sh")
	done
else
	for t in "$here"/t_*.sh; do
		[ -e "$t" ] && tests+=("$t")
	done
fi

pass=0
fail=0
skip=0
start=$(date +%s)
tpid=
# On ^C or a kill, stop the running test (its own trap cleans up).
on_signal() {
	if [ -n "$tpid" ]; then
		kill -TERM "$tpid" 2>/dev/null
		wait "$tpid" 2>/dev/null
	fi
	echo "e2e: interrupted"
	echo "e2e: $pass passed, $((fail + 1)) failed"
	exit 130
}
trap on_signal INT TERM HUP
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	if [ ! -f "$t" ]; then
		echo "FAILED: $name (no such test)"
		fail=$((fail + 1))
		continue
	fi
	if [ "$root_user" -eq 0 ] && ! grep -q '^# e2e: no-root' "$t"; then
		echo "skipped: $name (needs root)"
		skip=$((skip + 1))
		continue
	fi
	t0=$(date +%s)
	# Each test in its own process group with a time limit; a test
	# cleans up after itself on TERM (its trap).
	timeout -k 10 120 bash "$t" >"$logs/$name.log" 2>&1 </dev/null &
	tpid=$!
	wait "$tpid"
	rc=$?
	tpid=
	secs=$(($(date +%s) - t0))
	summary=$(grep -E "^# $name: " "$logs/$name.log" | tail -1 | sed "s/^# $name: //")
	case $rc in
	0)
		pass=$((pass + 1))
		echo "passed: $name (${secs}s; ${summary:-no checks})"
		[ "${E2E_VERBOSE:-0}" = 1 ] && sed 's/^/    /' "$logs/$name.log"
		;;
	77)
		skip=$((skip + 1))
		echo "skipped: $name ($(grep -m1 '^skipped' "$logs/$name.log" | sed 's/^skipped: //'))"
		;;
	*)
		fail=$((fail + 1))
		[ "$rc" -eq 124 ] && summary="timed out after 120 s"
		echo "FAILED: $name (exit $rc, ${secs}s; ${summary:-no summary})"
		grep -vE '^ok   - ' "$logs/$name.log" | sed 's/^/    /'
		echo "    (full log: $logs/$name.log)"
		;;
	esac
done

echo "e2e: $skip skipped, $(($(date +%s) - start))s"
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
