#!/usr/bin/env bash
# The weekly profile-refresh job, for any CI: collect a candidate profile (or take one from
# a file), let `pgo-harness refresh` build and time -pgo=off, the committed default.pgo and
# the candidate, and replace the committed file only when the candidate is not
# significantly worse. docs/ci/github-weekly-refresh.yml calls exactly this script and
# opens a pull request when the file changed; tests/docs/ci_recipes_test.sh runs it locally.
#
# Environment (defaults in brackets):
#   PGO_HARNESS     the pgo-harness binary [build/bin/pgo-harness]
#   SCENARIO        scenario.json of the service (required)
#   COMMITTED       the committed profile, e.g. cmd/app/default.pgo (required)
#   CANDIDATE       a candidate profile file; or
#   TARGETS         live instances to collect it from (space-separated base URLs)
#   MAX_SLOWDOWN    --max-slowdown, in percent [1]
#   REFRESH_OPTIONS extra `refresh` options, e.g. "--runs 20 --seconds 30" []
#   RUNS_DIR        where the refresh run is written [runs]
#   SUMMARY_FILE    where the Markdown summary goes [$GITHUB_STEP_SUMMARY, else
#                   RUNS_DIR/refresh-summary.md]; also RUN/summary.md for a PR body
# Exit: 0 updated or kept (the job succeeded; `updated`/`kept` is printed on the last line
# and written to $GITHUB_OUTPUT as result=...), anything else: refresh failed (its exit code).
set -euo pipefail

harness=${PGO_HARNESS:-build/bin/pgo-harness}
scenario=${SCENARIO:?SCENARIO must name a scenario.json}
committed=${COMMITTED:?COMMITTED must name the committed profile}
runs_dir=${RUNS_DIR:-runs}
summary=${SUMMARY_FILE:-${GITHUB_STEP_SUMMARY:-$runs_dir/refresh-summary.md}}

source_args=()
if [ -n "${CANDIDATE:-}" ]; then
  source_args=(--candidate "$CANDIDATE")
elif [ -n "${TARGETS:-}" ]; then
  # shellcheck disable=SC2206 # TARGETS is a list of URLs
  source_args=($TARGETS)
else
  echo "refresh: set CANDIDATE (a profile file) or TARGETS (instances to collect from)" >&2
  exit 2
fi

mkdir -p "$runs_dir"
run="$runs_dir/refresh-$(date -u +%Y%m%d-%H%M%S)"
status=0
# shellcheck disable=SC2086 # REFRESH_OPTIONS is a list of options
"$harness" refresh "$scenario" --committed "$committed" "${source_args[@]}" \
  --max-slowdown "${MAX_SLOWDOWN:-1}" --out "$run" --summary "$run/summary.md" -q \
  ${REFRESH_OPTIONS:-} || status=$?

case "$status" in
  0) result=updated ;;
  3) result=kept ;;
  *)
    echo "refresh: failed (exit $status); the committed profile is untouched" >&2
    exit "$status"
    ;;
esac
cat "$run/summary.md" >> "$summary"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "result=$result" >> "$GITHUB_OUTPUT"
  echo "summary=$run/summary.md" >> "$GITHUB_OUTPUT"
fi
echo "$result"
