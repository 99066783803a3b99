#!/bin/sh
# Run each cmocka unit test program; print a summary line and fail if
# any program failed.
set -u
pass=0
fail=0
for t in "$@"; do
	if "$t" >"$t.log" 2>&1; then
		pass=$((pass + 1))
		# Missing fixtures and the like: say so, visibly.
		grep -h '^skipped:' "$t.log" | sort -u |
			sed "s|^|${t##*/}: |"
	else
		fail=$((fail + 1))
		echo "FAILED: $t" >&2
		cat "$t.log" >&2
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
