#!/usr/bin/env bash
# Times pgo-merge against `go tool pprof -symbolize=none -proto` on the same inputs and
# prints wall time, peak RSS and the ratios (pprof / pgo-merge: higher is better for us).
#
#   bench/merge_vs_pprof.sh [PGO_MERGE_BINARY] [RUNS]
#
# Inputs: 100 copies of $(go env GOROOT)/src/cmd/compile/default.pgo and 50 copies of
# ../shared/testdata/pprof/large.cpu.pb.gz (copies under distinct names, as a real
# nightly merge would see them). Each tool runs RUNS times (default 3); the median wall
# time and the median peak RSS (GNU time's %e and %M) are reported.
set -euo pipefail
cd "$(dirname "$0")/.."

pgo_merge=${1:-build/bin/pgo-merge}
runs=${2:-3}
[ -x "$pgo_merge" ] || { echo "merge_vs_pprof: $pgo_merge not built" >&2; exit 1; }
command -v go >/dev/null || { echo "merge_vs_pprof: go not on PATH" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "merge_vs_pprof: GNU time (/usr/bin/time) missing" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
default_pgo="$(go env GOROOT)/src/cmd/compile/default.pgo"
large="$(cd .. && pwd)/shared/testdata/pprof/large.cpu.pb.gz"

make_copies() {  # DIR SOURCE N
  mkdir -p "$1"
  for i in $(seq -w 1 "$3"); do cp "$2" "$1/p$i.pb.gz"; done
}
make_copies "$work/default100" "$default_pgo" 100
make_copies "$work/large50" "$large" 50
go tool pprof -h >/dev/null 2>&1 || true  # build/cache the pprof tool before timing

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure NAME CMD...: runs CMD (stdout to a file) RUNS times; sets wall and rss (MB).
measure() {
  local name=$1; shift
  local times=() rsses=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
      echo "merge_vs_pprof: $name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
    read -r t m <"$work/time"
    times+=("$t"); rsses+=("$m")
  done
  wall=$(printf '%s\n' "${times[@]}" | median)
  rss=$(printf '%s\n' "${rsses[@]}" | median | awk '{printf "%.1f", $1/1024}')
}

printf '%-22s %-10s %10s %12s\n' input tool "wall (s)" "peak RSS (MB)"
for set in default100 large50; do
  inputs=("$work/$set"/*.pb.gz)
  measure pprof go tool pprof -symbolize=none -proto "${inputs[@]}"
  pprof_wall=$wall; pprof_rss=$rss
  # --allow-non-pgo: large.cpu.pb.gz (a C++ profile) has no start lines Go's PGO needs.
  measure ours "$pgo_merge" -q --allow-non-pgo "${inputs[@]}"
  ours_wall=$wall; ours_rss=$rss
  printf '%-22s %-10s %10s %12s\n' "$set" pprof "$pprof_wall" "$pprof_rss"
  printf '%-22s %-10s %10s %12s\n' "$set" pgo-merge "$ours_wall" "$ours_rss"
  awk -v pw="$pprof_wall" -v ow="$ours_wall" -v pr="$pprof_rss" -v orss="$ours_rss" -v s="$set" \
    'BEGIN { printf "%-22s speed-up %.1fx, memory %.1fx less (pprof/pgo-merge)\n", s, pw/(ow>0?ow:0.01), pr/orss }'
done
