#!/usr/bin/env bash
# Runs the profile reader fuzz target: first every seed in tests/fuzz/corpus once, then
# libFuzzer for FUZZ_SECONDS (default 60) seconds starting from that corpus. Fails on a
# crash, a sanitizer report, a timeout or an out-of-memory; the reproducer is kept in
# FUZZ_ARTIFACTS (default: fuzz-artifacts/ beside the binary's directory).
#   tests/fuzz/run_fuzz.sh build-fuzz/bin/fuzz_profile_reader
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 FUZZ_BINARY" >&2
  exit 2
fi
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/corpus
seconds=${FUZZ_SECONDS:-60}
artifacts=${FUZZ_ARTIFACTS:-$(cd "$(dirname "$bin")/.." && pwd)/fuzz-artifacts}
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "run_fuzz: replaying $(find "$seeds" -type f | wc -l) seeds"
# Files (not directories) as arguments: libFuzzer runs each once and stops.
find "$seeds" -type f -print0 | xargs -0 "$bin" -artifact_prefix="$artifacts/" \
  >"$work/replay.log" 2>&1 || { tail -40 "$work/replay.log"; echo "run_fuzz: seed crashed" >&2; exit 1; }

echo "run_fuzz: fuzzing for ${seconds}s"
# New inputs go to a scratch copy so the checked-in corpus stays as it is.
mkdir "$work/corpus"
if ! "$bin" "$work/corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$work/fuzz.log" 2>&1; then
  tail -60 "$work/fuzz.log"
  echo "run_fuzz: crash; reproducer in $artifacts" >&2
  exit 1
fi
grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/fuzz.log" || true
echo "run_fuzz: no crash"
