#!/usr/bin/env bash
# The shell steps of piflow's GitHub Action (action.yml), kept in a script so they can be run and
# tested outside GitHub (tests/action.rs drives them on a temporary git repository).
#
# Inputs (environment):
#   PIFLOW      the piflow binary (default: piflow on PATH)
#   INVENTORY   the inventory path (default: inventory)
#   SCAN        "true" to scan the source tree and judge declared against observed (default: true)
#   BASE_REV    on a pull request, the base revision to diff against (empty: no diff)
#   OUT         where to write piflow.sarif, piflow-diff.md, observed.json (default: .)
#   FAIL_ON     error|warning|note (default: error)
# Outputs: $OUT/piflow.sarif (always, also for an invalid inventory), $OUT/piflow-diff.md (with
# BASE_REV). Exit status: that of `piflow check` (0 clean, 1 findings, 2 invalid), or 1 when the
# diff introduces findings at or above FAIL_ON.
set -uo pipefail
PIFLOW=${PIFLOW:-piflow}
INVENTORY=${INVENTORY:-inventory}
SCAN=${SCAN:-true}
BASE_REV=${BASE_REV:-}
OUT=${OUT:-.}
FAIL_ON=${FAIL_ON:-error}
mkdir -p "$OUT"

observed=()
if [ "$SCAN" = true ]; then
  if "$PIFLOW" scan . -o "$OUT/observed.json"; then
    observed=(--observed "$OUT/observed.json")
  else
    echo "piflow-action: the scan failed; checking the inventory alone" >&2
  fi
fi

# SARIF for code scanning: written whatever the outcome (load problems become results).
"$PIFLOW" check "$INVENTORY" "${observed[@]}" --format sarif --fail-on "$FAIL_ON" -o "$OUT/piflow.sarif"
status=$?
# The same findings for the log.
"$PIFLOW" check "$INVENTORY" "${observed[@]}" --fail-on "$FAIL_ON" --color never >&2 || true

if [ -n "$BASE_REV" ]; then
  if "$PIFLOW" diff --git "$BASE_REV" "$INVENTORY" --format md --fail-on-new "$FAIL_ON" -o "$OUT/piflow-diff.md"; then
    :
  else
    diff_status=$?
    if [ ! -s "$OUT/piflow-diff.md" ] || [ "$diff_status" -ge 2 ]; then
      # The working tree's inventory cannot be loaded: say so in the comment.
      {
        echo "### piflow: personal-data flow changes"
        echo
        echo "The inventory \`$INVENTORY\` cannot be loaded, so no diff against \`$BASE_REV\` was made: see the code scanning results or the job log (exit $diff_status)."
      } >"$OUT/piflow-diff.md"
    fi
    [ "$status" -eq 0 ] && status=1
  fi
fi
exit "$status"
