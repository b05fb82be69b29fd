#!/usr/bin/env bash
# Real A/A comparisons: the same ruleeval binary benchmarked against itself, so every
# "significant" verdict is a false alarm and the p-values should be uniform on [0, 1]
# (mean about 0.5). Each of REPEATS `pgo-harness bench` runs times RUNS interleaved runs of
# each copy (wall time) and reports both the unpaired Mann-Whitney U test's p-value and the
# paired Wilcoxon signed-rank test's on the per-round log ratios (the one bench uses for
# interleaved rounds). With a load that drifts between rounds, the U test's p-values pile up
# above 0.5 (conservative); the paired test's should not (bench/paired_rounds_study.py).
#
#   bench/paired_aa.sh                       # 10 x 20 runs, ruleeval -passes 8
#   REPEATS=5 RUNS=30 PASSES=4 bench/paired_aa.sh
#
# Prints one row per repeat and the means, plus the load average before and after.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
harness=${HARNESS:-$root/build/bin/pgo-harness}
repeats=${REPEATS:-10}
runs=${RUNS:-20}
passes=${PASSES:-8}
for tool in go jq awk "$harness"; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root/scenarios/ruleeval" && go build -o "$work/ruleeval" .)
cd "$root/scenarios/ruleeval"
cmd="$work/ruleeval -rules rules.txt -q -passes $passes"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: $cmd ($runs interleaved runs per copy, $repeats repeats)"
printf '%-6s %-10s %-10s %-10s %-8s %-22s %s\n' repeat median_A median_B u_test_p paired_p \
  paired_ratio_95ci verdict
for i in $(seq 1 "$repeats"); do
  "$harness" bench --runs "$runs" --seed "$i" --style none --export-json "$work/aa-$i.json" \
    "$cmd" "$cmd" -n A -n B >/dev/null
  jq -r --arg i "$i" '.results as $r | .comparisons[0] |
    [$i, ($r[0].median | tostring), ($r[1].median | tostring), (.u_test_p_value | tostring),
     (.signed_rank.p_value | tostring),
     "\(.median_ratio * 1000 | round / 1000) [\(.median_ratio_ci.lower * 1000 | round / 1000), \(.median_ratio_ci.upper * 1000 | round / 1000)]",
     .verdict + " (" + .method + ")"] | @tsv' "$work/aa-$i.json" |
    awk -F'\t' '{printf "%-6s %-10.4f %-10.4f %-10.3f %-8.3f %-22s %s\n", $1, $2, $3, $4, $5, $6, $7}'
done | tee "$work/table.txt"
awk '{u += $4; p += $5; if ($4 < 0.05) fu++; if ($5 < 0.05) fp++; n++}
  END {printf "mean   %-10s %-10s %-10.3f %-8.3f false alarms: U test %d/%d, paired %d/%d\n",
       "", "", u / n, p / n, fu, n, fp, n}' "$work/table.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
