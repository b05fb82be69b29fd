#!/usr/bin/env bash
# The nightly PGO regression job, for any CI: run a scenario, compare the run with the last
# stored baseline, write a Markdown summary, fail on regression, and keep the new run as the
# next baseline only when it passed. docs/ci/github-nightly.yml calls exactly this script;
# tests/docs/ci_recipes_test.sh runs it locally.
#
# Environment (defaults in brackets):
#   PGO_HARNESS         the pgo-harness binary [build/bin/pgo-harness]
#   SCENARIO            scenario.json to run (required)
#   RUNS_DIR            where runs are written [runs]
#   BASELINE_DIR        the stored baseline run (kept between jobs by the CI's cache) [baseline]
#   THRESHOLD           --fail-on-regression [2%]
#   RUN_OPTIONS         extra `run` options, e.g. "--runs 20" []
#   SUMMARY_FILE        where the Markdown summary goes [$GITHUB_STEP_SUMMARY, else
#                       RUNS_DIR/summary.md]
#   SUMMARY_LIMIT       bytes the summary may take [1048576: GitHub's step-summary limit]
# Exit: 0 no regression (or first run: no baseline yet), 1 regression, anything else: the
# run or the comparison failed (pgo-harness's own exit codes).
set -euo pipefail

harness=${PGO_HARNESS:-build/bin/pgo-harness}
scenario=${SCENARIO:?SCENARIO must name a scenario.json}
runs_dir=${RUNS_DIR:-runs}
baseline=${BASELINE_DIR:-baseline}
threshold=${THRESHOLD:-2%}
summary=${SUMMARY_FILE:-${GITHUB_STEP_SUMMARY:-$runs_dir/summary.md}}
limit=${SUMMARY_LIMIT:-1048576}

mkdir -p "$runs_dir"
run="$runs_dir/nightly-$(date -u +%Y%m%d-%H%M%S)"
# shellcheck disable=SC2086 # RUN_OPTIONS is a list of options
"$harness" run "$scenario" --out "$run" -q ${RUN_OPTIONS:-}

body="$run/compare.md"
status=0
if [ -f "$baseline/report.json" ]; then
  "$harness" compare --fail-on-regression "$threshold" --format markdown \
    --json "$run/compare.json" "$baseline" "$run" > "$body" || status=$?
  if [ "$status" -gt 1 ]; then
    echo "nightly: compare failed (exit $status)" >&2
    exit "$status"
  fi
else
  printf '## pgo-harness nightly: first run\n\nNo baseline yet: this run becomes the baseline.\n' > "$body"
fi
{
  cat "$body"
  printf '\nRun: `%s`. PGO summary of this run:\n\n' "$run"
  cat "$run/report.md"
} > "$run/summary.md"

# GitHub rejects a step summary over 1 MiB: keep the head (the comparison comes first) and
# say that the rest is in the run's report.
size=$(wc -c < "$run/summary.md")
if [ "$size" -gt "$limit" ]; then
  note=$'\n\n*Summary truncated to fit the step-summary limit; the full report is report.md of the run.*\n'
  head -c $((limit - ${#note})) "$run/summary.md" >> "$summary"
  printf '%s' "$note" >> "$summary"
else
  cat "$run/summary.md" >> "$summary"
fi

if [ "$status" -eq 0 ]; then
  # A passing run is the next baseline (a regression keeps the old one, so it stays visible).
  rm -rf "$baseline.tmp"
  cp -r "$run" "$baseline.tmp"
  rm -rf "$baseline"
  mv "$baseline.tmp" "$baseline"
fi
exit "$status"
