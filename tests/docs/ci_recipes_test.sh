#!/usr/bin/env bash
# Runs the CI recipe of docs/ci/ locally, as its GitHub Actions workflow would (no network):
# risk guarded against: a recipe that reads well but fails when a CI job runs it — a first
# night without a baseline that fails, a slowed build that passes the gate, a regressed run
# that replaces the baseline, a step summary over GitHub's 1 MiB limit.
# Usage: ci_recipes_test.sh PGO_HARNESS SOURCE_DIR     (needs Go; label integration)
set -euo pipefail
harness=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/pgo_ci_recipes.XXXXXX")
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# The workflows run exactly the scripts under test.
grep -q 'run: bash docs/ci/nightly.sh' "$src/docs/ci/github-nightly.yml" ||
  fail "github-nightly.yml does not call docs/ci/nightly.sh"
grep -q 'run: bash docs/ci/refresh.sh' "$src/docs/ci/github-weekly-refresh.yml" ||
  fail "github-weekly-refresh.yml does not call docs/ci/refresh.sh"

cp -r "$src/tests/cli/testdata/pgoloop" "$work/pgoloop"
cat > "$work/pgoloop/scenario.json" <<'JSON'
{
  "name": "ci-recipe",
  "workloads": [{"name": "spin", "command": ["{binary}", "-rounds", "400"],
                 "profile_command": ["{binary}", "-rounds", "400", "-cpuprofile={profile}"],
                 "metric": "cpu", "timeout_seconds": 120}],
  "trials": {"warmup": 0, "seed": 1}
}
JSON

nightly() {
  (cd "$work" && PGO_HARNESS="$harness" SCENARIO=pgoloop/scenario.json RUNS_DIR=runs \
     BASELINE_DIR=baseline THRESHOLD=5% RUN_OPTIONS="--iterations 1 --runs 8 --build-cache go" \
     SUMMARY_FILE="$1" SUMMARY_LIMIT="${2:-1048576}" bash "$src/docs/ci/nightly.sh")
}

# Night 1: no baseline yet -> exit 0, the run becomes the baseline.
nightly "$work/summary-1.md" || fail "first night exited $?"
grep -q "first run" "$work/summary-1.md" || fail "first night's summary does not say so"
grep -q "PGO summary of this run" "$work/summary-1.md" || fail "no report in the summary"
[ -f "$work/baseline/report.json" ] || fail "no baseline after the first night"
first_started=$(grep -o '"started_at": *"[^"]*"' "$work/baseline/report.json" | head -1)

# Night 2: the hot loop does 40% more work -> the gate fails (exit 1), the baseline stays,
# and a small summary limit truncates the summary with a note.
sed -i 's/^const roundSize = 100000$/const roundSize = 140000/' "$work/pgoloop/main.go"
grep -q '^const roundSize = 140000$' "$work/pgoloop/main.go" || fail "could not slow the program"
status=0
nightly "$work/summary-2.md" 3000 || status=$?
[ "$status" -eq 1 ] || fail "slowed night exited $status, expected 1 (regression)"
grep -q "regression" "$work/summary-2.md" || fail "summary does not report the regression"
size=$(wc -c < "$work/summary-2.md")
[ "$size" -le 3000 ] || fail "summary is $size bytes, over the 3000-byte limit"
grep -q "Summary truncated" "$work/summary-2.md" || fail "truncated summary without a note"
[ "$(grep -o '"started_at": *"[^"]*"' "$work/baseline/report.json" | head -1)" = "$first_started" ] ||
  fail "a regressed run replaced the baseline"
ls "$work"/runs/nightly-*/compare.json > /dev/null || fail "no compare.json kept with the run"
echo "ok: nightly recipe: first night passes, slowed night fails the gate and keeps the baseline"

# Weekly refresh. The committed profile is tests/cli/testdata/pgoloop.pgo; the candidates are
# that same file (identical: kept, nothing written) and the profile the first night merged
# (a real fresh profile of this program: updated, the committed file replaced by it).
refresh() {
  (cd "$work" && PGO_HARNESS="$harness" SCENARIO=pgoloop/scenario.json RUNS_DIR=refresh-runs \
     COMMITTED=pgoloop/default.pgo CANDIDATE="$1" MAX_SLOWDOWN=50 \
     REFRESH_OPTIONS="--runs 6 --build-cache go" SUMMARY_FILE="$2" GITHUB_OUTPUT="$3" \
     bash "$src/docs/ci/refresh.sh")
}
cp "$src/tests/cli/testdata/pgoloop.pgo" "$work/pgoloop/default.pgo"
before=$(sha256sum < "$work/pgoloop/default.pgo")
out=$(refresh "$src/tests/cli/testdata/pgoloop.pgo" "$work/refresh-1.md" "$work/gh-1.txt") ||
  fail "refresh with an identical candidate failed"
[ "$(echo "$out" | tail -n 1)" = kept ] || fail "identical candidate: expected kept, got: $out"
grep -q '^result=kept$' "$work/gh-1.txt" || fail "GITHUB_OUTPUT lacks result=kept"
[ "$(sha256sum < "$work/pgoloop/default.pgo")" = "$before" ] || fail "kept, yet the file changed"
[ -s "$work/refresh-1.md" ] || fail "no refresh summary"

fresh=$(ls "$work"/runs/nightly-*/profiles/iter-1.pgo | head -n 1)
out=$(refresh "$fresh" "$work/refresh-2.md" "$work/gh-2.txt") || fail "refresh failed"
[ "$(echo "$out" | tail -n 1)" = updated ] || fail "fresh candidate: expected updated, got: $out"
grep -q '^result=updated$' "$work/gh-2.txt" || fail "GITHUB_OUTPUT lacks result=updated"
cmp -s "$fresh" "$work/pgoloop/default.pgo" || fail "updated, yet the committed file is not the candidate"
grep -q "^summary=" "$work/gh-2.txt" || fail "GITHUB_OUTPUT lacks the summary path for the PR body"
echo "ok: refresh recipe: identical candidate kept, fresh candidate committed"
