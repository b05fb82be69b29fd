#!/usr/bin/env bash
# The README's main command: install what is missing, build pgo-harness, and run the whole
# PGO loop on the quick setting of one bundled scenario (scenarios/ruleeval-quick: build
# -pgo=off, 2 iterations of profile -> merge -> rebuild, 2-4 runs per build counted under
# cachegrind (metric cycles_estimate, needs valgrind), analysis and verdict). Prints the
# summary table and where the report is.
#   scripts/demo.sh [EXTRA RUN OPTIONS...]      e.g. scripts/demo.sh --out runs/demo
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
bash scripts/install-deps.sh

echo "== build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs" --target pgo-harness

echo "== pgo-harness run scenarios/ruleeval-quick/scenario.json"
# The default build cache (fresh: every build starts from an empty Go cache) keeps the build
# times comparable. It costs only v0's cold build (~13 s) over --build-cache go, because
# each PGO build recompiles every package, the runtime included, whatever the cache
# (measured on 2 cores: 51 s for the whole run, 38 s with --build-cache go).
exec build/bin/pgo-harness run scenarios/ruleeval-quick/scenario.json "$@"
