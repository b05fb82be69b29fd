#!/usr/bin/env bash
# Guards against a bundled scenario that no longer builds, has `go vet` findings, fails
# its own Go tests or is not gofmt-formatted: the PGO loop would only find out minutes
# into a run, and a broken scenario (e.g. a wrong answer from an "optimized" hot path)
# would still produce timings. Usage: go_checks.sh MODULE_DIR... (each holds a go.mod).
# Needs the Go toolchain; modules with third-party requirements need the module cache or
# the module proxy.
set -euo pipefail
go=${GO:-go}
[ $# -gt 0 ] || { echo "usage: go_checks.sh MODULE_DIR..." >&2; exit 2; }
status=0
for dir in "$@"; do
  if [ ! -f "$dir/go.mod" ]; then
    echo "go_checks: $dir: no go.mod" >&2
    status=1
    continue
  fi
  echo "== $dir"
  unformatted=$(cd "$dir" && gofmt -l .)
  if [ -n "$unformatted" ]; then
    echo "go_checks: $dir: not gofmt-formatted: $unformatted" >&2
    status=1
  fi
  if ! (cd "$dir" && "$go" vet ./... && "$go" test -count=1 ./...); then
    echo "go_checks: $dir: go vet or go test failed" >&2
    status=1
  fi
done
exit $status
