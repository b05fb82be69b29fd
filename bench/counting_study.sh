#!/usr/bin/env bash
# Counting metrics against time, for two builds of one program (typically v0 and the last
# PGO build of a `pgo-harness run`): how repeatable each counting metric is, what speedup
# it reports next to the time-based one, the smallest change each can call significant,
# and what each costs in wall time.
#
#   bench/counting_study.sh BASE_BINARY PGO_BINARY [ARGS...]
#   COUNT_RUNS=3 TIME_RUNS=30 DIR=scenarios/ruleeval bench/counting_study.sh \
#       runs/x/builds/v0/ruleeval runs/x/builds/v2/ruleeval -rules rules.txt -q
#
# Counting: COUNT_RUNS runs of each build under cachegrind with exactly the harness's
# settings (trials/cachegrind.cpp: fixed simulated caches; run/workload_runner.cpp:
# GOMAXPROCS=1 GOGC=off GOMEMLIMIT=1GiB GODEBUG=asyncpreemptoff=1), interleaved.
# Timing: `pgo-harness bench` with TIME_RUNS interleaved runs per build (default
# environment), CPU time (user + system) and wall time.
# Smallest significant change: counting, the harness's rule max(3 x spread, 0.5%);
# timing, the half-width of the 95% bootstrap interval of the wall-time ratio.
# Runs in DIR (default: the current directory), so relative inputs work.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=${HARNESS:-$root/build/bin/pgo-harness}
count_runs=${COUNT_RUNS:-3}
time_runs=${TIME_RUNS:-30}
[ $# -ge 2 ] || { sed -n 2,20p "$0" >&2; exit 2; }
base=$(realpath "$1"); pgo=$(realpath "$2"); shift 2
for tool in valgrind jq awk "$harness"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
cd "${DIR:-.}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count_once() {  # BINARY OUT -> prints "Ir cycles_estimate wall_seconds"
  local start end
  start=$(date +%s.%N)
  env GOMAXPROCS=1 GOGC=off GOMEMLIMIT=1GiB GODEBUG=asyncpreemptoff=1 \
    valgrind -q --tool=cachegrind --cache-sim=yes --branch-sim=yes \
    --I1=32768,8,64 --D1=32768,8,64 --LL=8388608,16,64 \
    --cachegrind-out-file="$2" "$1" "${args[@]}" >/dev/null 2>"$work/valgrind.err" ||
    { echo "run under valgrind failed:" >&2; tail -5 "$work/valgrind.err" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v wall="$(echo "$end - $start" | bc)" '
    /^events:/ { for (i = 2; i <= NF; i++) name[i] = $i }
    /^summary:/ { for (i = 2; i <= NF; i++) v[name[i]] = $i }
    END {
      est = v["Ir"] + 10 * (v["I1mr"] + v["D1mr"] + v["D1mw"]) \
          + 100 * (v["ILmr"] + v["DLmr"] + v["DLmw"]) + 15 * (v["Bcm"] + v["Bim"])
      printf "%.0f %.0f %.3f\n", v["Ir"], est, wall
    }' "$2"
}

args=("$@")
: >"$work/base.counts"; : >"$work/pgo.counts"
for i in $(seq "$count_runs"); do
  count_once "$base" "$work/cg.out" >>"$work/base.counts"
  count_once "$pgo" "$work/cg.out" >>"$work/pgo.counts"
done

# median, spread (max/min - 1) and mean wall time of column C
stats() {
  sort -n -k"$2" "$1" | awk -v c="$2" '{ x[NR] = $c; w += $3 }
    END { m = (NR % 2) ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
          printf "%.17g %.17g %.17g\n", m, x[NR] / x[1] - 1, w / NR }'
}

echo "counting: $count_runs runs per build under cachegrind"
printf "%-16s %16s %16s %10s %10s %12s %10s %12s\n" metric base pgo "spread" "pgo/base" \
  "speedup" "min.sig." "s/run"
for col in 1:instructions 2:cycles_estimate; do
  c=${col%%:*}; name=${col#*:}
  read -r bm bs bw < <(stats "$work/base.counts" "$c")
  read -r pm ps pw < <(stats "$work/pgo.counts" "$c")
  awk -v n="$name" -v bm="$bm" -v pm="$pm" -v bs="$bs" -v ps="$ps" -v bw="$bw" -v pw="$pw" \
    'BEGIN { s = (bs > ps) ? bs : ps; r = pm / bm; t = 3 * s; if (t < 0.005) t = 0.005
      printf "%-16s %16.0f %16.0f %9.4f%% %10.4f %11.4fx %9.2f%% %12.1f\n",
             n, bm, pm, 100 * s, r, 1 / r, 100 * t, (bw + pw) / 2 }'
done

echo
echo "timing: $time_runs interleaved runs per build (pgo-harness bench)"
start=$(date +%s.%N)
"$harness" bench --runs "$time_runs" --style none --export-json "$work/time.json" \
  "$base ${args[*]}" "$pgo ${args[*]}" -n base -n pgo >/dev/null
end=$(date +%s.%N)
jq -r --arg wall "$(echo "$end - $start" | bc)" --argjson n "$time_runs" '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def cpu: [.user_times, .system_times] | transpose | map(add) | median;
  (.results[0] | cpu) as $cb | (.results[1] | cpu) as $cp |
  .comparisons[0] as $c |
  "cpu  median base \($cb * 1000 | floor) ms, pgo \($cp * 1000 | floor) ms: pgo/base \($cp / $cb * 10000 | round / 10000), speedup \($cb / $cp * 10000 | round / 10000)x",
  "wall pgo/base \($c.median_ratio * 10000 | round / 10000), 95% CI [\($c.median_ratio_ci.lower * 10000 | round / 10000), \($c.median_ratio_ci.upper * 10000 | round / 10000)], p = \($c.p_value * 1000 | round / 1000), \($c.verdict)",
  "smallest significant wall change ~ \((($c.median_ratio_ci.upper - $c.median_ratio_ci.lower) / 2 * 1000 | round) / 10)% (CI half-width); \($wall | tonumber / (2 * $n) * 100 | round / 100) s of wall time per run"
' "$work/time.json"
