#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the README's test command and
# what CI runs (.ci/run). Steps:
#   1. Debian packages (scripts/install-deps.sh, idempotent)
#   2. Release build in build/, all CTest tests (unit and integration), with a private
#      TMPDIR that must be empty afterwards
#   3. ASan+UBSan build in build-asan/, unit tests and the reader fuzz corpus under it
#   4. libFuzzer build of the five fuzz targets (profile reader, scenario loader, report.json,
#      bench exports, Go bench format), each a short fuzzing run from its seed corpus
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
bash scripts/install-deps.sh

echo "== release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"

# The tests run with a private TMPDIR that must be empty afterwards: a test, or the tools
# under test, that leaves a file behind (a killed go build's work directory, say) fails
# the run, named by what it left.
test_tmp=$(mktemp -d)
trap 'rm -rf "$test_tmp"' EXIT
check_nothing_left() {
  if [ -n "$(ls -A "$test_tmp")" ]; then
    echo "test.sh: the tests left files in TMPDIR ($1):" >&2
    ls -A "$test_tmp" >&2
    exit 1
  fi
}

echo "== tests (release)"
TMPDIR=$test_tmp ctest --test-dir build --output-on-failure -j "$jobs"
check_nothing_left "release tests"

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPGO_SANITIZE=ON \
  -DPGO_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests (sanitizers, unit tests only)"
TMPDIR=$test_tmp ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan --output-on-failure \
  -j "$jobs" -LE integration
check_nothing_left "sanitizer tests"

if [ -f tests/fuzz/CMakeLists.txt ]; then
  echo "== fuzz (libFuzzer: profile reader, scenario loader, report.json, bench exports, Go bench format)"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPGO_BUILD_FUZZERS=ON -DPGO_BUILD_TESTS=OFF -DPGO_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build-fuzz -j "$jobs" --target fuzz_profile_reader fuzz_scenario_loader \
    fuzz_report_reader fuzz_bench_export_reader fuzz_go_bench_format
  bash tests/fuzz/run_fuzz.sh build-fuzz/bin/fuzz_profile_reader
  # The readers of text formats: a short run each (longer runs are done by hand).
  for target in scenario_loader report_reader bench_export_reader go_bench_format; do
    FUZZ_SECONDS=${FUZZ_SECONDS:-15} bash tests/fuzz/run_fuzz.sh "build-fuzz/bin/fuzz_$target" \
      "tests/fuzz/corpora/$target"
  done
fi
echo "== all tests passed"
