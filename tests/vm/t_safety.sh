# shellcheck shell=bash
# t_safety.sh - sourced by run.sh: in the guest, whose root is the
# initramfs (no disk backs it), list refuses only the mounted results
# disk, and wipe refuses it.
for step in list_json list_json_after; do
	assert_json "$R/$step.out" '[.[] | select(.refused != null) | .path] == [$r]' \
		"$step: only the mounted results disk is refused" \
		--arg r "$(guest_dev results)"
done
assert_json "$R/list_json.out" '.[] | select(.path == $r) | .refused | test("mount")' \
	"the results disk is refused as mounted" --arg r "$(guest_dev results)"
assert_rc refuse-results 3 "wipe of the mounted results disk is refused"
assert_true "refusal says why (mounted)" grep -Eqi "mounted|in use" "$R/refuse-results.err"
assert_eq "$(find "$R/rec-refuse-results" -name '*.json' 2>/dev/null | wc -l)" 0 \
	"no record for a refused wipe"

# The kernel saw no controller reset, command timeout, oops or hung task
# (a firmware command with too short a timeout makes the kernel reset the
# NVMe controller while the drive goes on; DESIGN §10).
bad=$(grep -Ei 'reset controller|timed? ?out|call trace|oops|BUG:|hung_task|blocked for more than' \
	"$R/dmesg.txt" 2>/dev/null | head -5)
if [ -f "$R/dmesg.txt" ] && [ -z "$bad" ]; then
	ok "kernel log: no controller reset, timeout, oops or hung task"
else
	not_ok "kernel log: ${bad:-no dmesg.txt}"
fi
