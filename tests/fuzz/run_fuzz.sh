#!/usr/bin/env bash
# Runs a fuzz target: first every seed of its corpus once, then libFuzzer for
# FUZZ_SECONDS (default 60) seconds starting from that corpus. Fails on a crash, a
# sanitizer report, an uncaught exception, a timeout or an out-of-memory; the reproducer
# is kept in FUZZ_ARTIFACTS (default: fuzz-artifacts/ beside the binary's directory).
# CORPUS defaults to tests/fuzz/corpus (the profile reader's seeds).
#   tests/fuzz/run_fuzz.sh build-fuzz/bin/fuzz_profile_reader
#   tests/fuzz/run_fuzz.sh build-fuzz/bin/fuzz_scenario_loader tests/fuzz/corpora/scenario_loader
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ] || [ ! -x "$1" ]; then
  echo "usage: $0 FUZZ_BINARY [CORPUS_DIR]" >&2
  exit 2
fi
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
seeds=${2:-$here/corpus}
seeds=$(cd "$seeds" && pwd)
seconds=${FUZZ_SECONDS:-60}
artifacts=${FUZZ_ARTIFACTS:-$(cd "$(dirname "$bin")/.." && pwd)/fuzz-artifacts}
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "run_fuzz: $(basename "$bin"): replaying $(find "$seeds" -type f | wc -l) seeds"
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
