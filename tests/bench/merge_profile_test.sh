#!/usr/bin/env bash
# Risk guarded against: bench/merge_profile.sh rotting unnoticed (only people run it): a
# perf output change or a renamed function leaving its stage table empty, its stages
# unassigned or its before/after comparison wrong.
#   merge_profile_test.sh PGO_MERGE_BINARY REPO_ROOT
set -euo pipefail
bin=$1
root=$2
fail() { echo "merge_profile_test: $*" >&2; exit 1; }

# A machine where perf cannot profile at all (no perf, or perf_event_open refused to
# this sandbox) skips the test (CTest's SKIP_RETURN_CODE), saying why, rather than pass it.
if ! perf record -q -e cpu-clock -o /dev/null -- true >/dev/null 2>&1; then
  echo "merge_profile_test: skipped: perf cannot record cpu-clock here" \
    "(install linux-perf; kernel.perf_event_paranoid <= 2 or root)"
  exit 77
fi

out=$(BEFORE="$bin" N=20 FREQ=20000 bash "$root/bench/merge_profile.sh" "$bin")
echo "$out"
grep -q '20 x default.pgo, --jobs 1' <<<"$out" || fail "no header line"
! grep -q 'outputs differ' <<<"$out" || fail "one binary's two runs gave different outputs"
# value STAGE COLUMN: the share (or CPU) a stage row gives in column 1 (before) or 2.
value() {
  awk -v stage="$1" -v col="$2" '
    index($0, stage) == 1 { n = split(substr($0, 31), v, " "); print v[col]; exit }' <<<"$out"
}
for col in 1 2; do
  cpu=$(value "CPU (s)" "$col")
  awk -v c="$cpu" 'BEGIN { exit !(c > 0) }' || fail "no CPU time in column $col: '$cpu'"
  # The merge's own stages hold most of the time; "other" (what no stage claims) little.
  for stage in gunzip parse fold; do
    share=$(value "$stage" "$col")
    awk -v s="$share" 'BEGIN { exit !(s + 0 >= 3) }' ||
      fail "stage $stage has $share% in column $col"
  done
  other=$(value "other" "$col")
  awk -v s="$other" 'BEGIN { exit !(s == "-" || s + 0 < 20) }' ||
    fail "$other% of the samples in no stage (column $col)"
done
echo "merge_profile_test: ok"
