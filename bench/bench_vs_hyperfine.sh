#!/usr/bin/env bash
# hyperfine -N and `pgo-harness bench` side by side on the same commands: `true`, a ~10 ms
# and a ~200 ms CPU-bound program (built here from C). For each tool it prints the mean and
# median it measured, and its overhead: wall time of the whole tool invocation divided by
# the number of runs it made (warmups included), minus the mean it measured; and wall/run,
# that total divided by the runs alone. For `true` the measured time itself is essentially
# spawn overhead, and each tool's timing window starts and ends at slightly different
# points around the spawn, so wall/run is the fairer comparison of what a run costs.
# Targets: the measured times agree within noise; our overhead <= hyperfine's.
#
#   bench/bench_vs_hyperfine.sh [PATH/TO/pgo-harness]    (default: build/bin/pgo-harness)
#   ROUNDS=5 bench/bench_vs_hyperfine.sh                  alternate the tools 5 times
# On a busy machine single rounds vary a lot; the closing summary gives, per command and
# tool, the median over the rounds of each figure.
set -euo pipefail
cd "$(dirname "$0")/.."

harness=${1:-build/bin/pgo-harness}
rounds=${ROUNDS:-3}
for tool in hyperfine jq cc "$harness"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fixed work (a loop count), so both tools time exactly the same program.
cat >"$work/spin.c" <<'C'
#include <stdlib.h>
int main(int argc, char** argv) {
  volatile unsigned long x = 0;
  unsigned long n = strtoul(argv[1], 0, 10);
  for (unsigned long i = 0; i < n; ++i) x += i;
  return (int)(x & 0);
}
C
cc -O2 -o "$work/spin" "$work/spin.c"

now_ns() { date +%s%N; }

# Loop count for a target duration, from one calibration run of 50M iterations.
calib=50000000
start=$(now_ns); "$work/spin" $calib; end=$(now_ns)
per_iter=$(echo "($end - $start) / $calib" | bc -l)
iters() { printf '%.0f' "$(echo "$1 / $per_iter" | bc -l)"; }
n10=$(iters 10000000)
n200=$(iters 200000000)

commands=("true" "$work/spin $n10" "$work/spin $n200")
labels=("true" "spin ~10ms" "spin ~200ms")
runs=(300 100 15)
warmup=3

printf '%-12s %-12s %5s %12s %12s %14s %14s\n' command tool runs mean median overhead/run wall/run
for round in $(seq "$rounds"); do
  for i in "${!commands[@]}"; do
    cmd=${commands[$i]}
    n=${runs[$i]}
    for tool in hyperfine pgo-harness; do
      json="$work/$tool.json"
      start=$(now_ns)
      if [ "$tool" = hyperfine ]; then
        hyperfine -N --style none --warmup $warmup --runs "$n" --export-json "$json" "$cmd" \
          >/dev/null
      else
        "$harness" bench --style none --warmup $warmup --runs "$n" --export-json "$json" \
          "$cmd"
      fi
      end=$(now_ns)
      mean=$(jq '.results[0].mean' "$json")
      median=$(jq '.results[0].median' "$json")
      total=$(echo "($end - $start) / 1000000000" | bc -l)
      overhead=$(echo "$total / ($n + $warmup) - $mean" | bc -l)
      printf '%-12s %-12s %5d %9.3f ms %9.3f ms %11.3f ms %11.3f ms\n' "${labels[$i]}" "$tool" \
        "$n" "$(echo "$mean * 1000" | bc -l)" "$(echo "$median * 1000" | bc -l)" \
        "$(echo "$overhead * 1000" | bc -l)" "$(echo "$total / ($n + $warmup) * 1000" | bc -l)" |
        tee -a "$work/rows"
    done
  done
done

echo
echo "median over $rounds rounds:"
printf '%-12s %-12s %12s %12s %14s %14s\n' command tool mean median overhead/run wall/run
for i in "${!labels[@]}"; do
  for tool in hyperfine pgo-harness; do
    # rows: label may hold a space ("spin ~10ms"): match on the fixed-width prefix.
    grep -F "$(printf '%-12s %-12s' "${labels[$i]}" "$tool")" "$work/rows" |
      awk -v label="${labels[$i]}" -v tool="$tool" '
        { n++; mean[n] = $(NF-7); median[n] = $(NF-5); over[n] = $(NF-3); wall[n] = $(NF-1) }
        function med(a, n,   i, j, t) {
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END { printf "%-12s %-12s %9.3f ms %9.3f ms %11.3f ms %11.3f ms\n", label, tool, med(mean, n), med(median, n), med(over, n), med(wall, n) }'
  done
done
