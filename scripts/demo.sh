#!/usr/bin/env bash
# The README's main command: install what is missing, build pgo-harness, and run the whole
# PGO loop on the quick setting of one bundled scenario (scenarios/imgfx-quick: build the
# go test -c binary with -pgo=off, 2 iterations of profile -> merge -> rebuild, 2-4 runs
# per build counted under cachegrind (metric cycles_estimate per op, needs valgrind),
# analysis and verdict). Prints the summary table and where the report is.
#   scripts/demo.sh [EXTRA RUN OPTIONS...]      e.g. scripts/demo.sh --out runs/demo
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)
bash scripts/install-deps.sh

echo "== build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs" --target pgo-harness

echo "== pgo-harness run scenarios/imgfx-quick/scenario.json"
# The default build cache (fresh: every build starts from an empty Go cache) keeps the build
# times comparable. It costs only v0's cold build (about 12 s on 2 cores) over
# --build-cache go, because each PGO build recompiles every package, the runtime included,
# whatever the cache.
exec build/bin/pgo-harness run scenarios/imgfx-quick/scenario.json "$@"
