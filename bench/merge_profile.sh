#!/usr/bin/env bash
# Where pgo-merge's time goes, from a profiler run: `perf record` (the software cpu-clock
# event, so it works on VMs without hardware counters) of one merge of N copies of
# $(go env GOROOT)/src/cmd/compile/default.pgo, its samples summed per stage of the merge,
# side by side for an earlier binary (BEFORE=path) and this one.
#
#   bench/merge_profile.sh [PGO_MERGE_BINARY]          (default: build/bin/pgo-merge)
#   BEFORE=/tmp/pgo-merge.old N=1000 JOBS=1 bench/merge_profile.sh
#   DEFAULT_PGO=/path/default.pgo FREQ=4000 bench/merge_profile.sh
# (a BEFORE binary without --jobs runs with the threads it has.)
#
# Stages are assigned by symbol, so code the compiler inlined counts where it was inlined:
# "fold" holds whatever was inlined into ProfileMerger::State::add (the sample loop, with
# its decoding of sample bytes, and part of the string and function interning); "intern"
# and "parse" only the rest. For a per-stage figure free of that, see
# build/bin/merge_benchmark (README, Benchmarks). Needs `perf` (Debian package linux-perf)
# and permission to profile (root, or kernel.perf_event_paranoid <= 2).
set -euo pipefail
cd "$(dirname "$0")/.."

pgo_merge=${1:-build/bin/pgo-merge}
n=${N:-1000}
jobs=${JOBS:-1}
freq=${FREQ:-4000}
for tool in perf "$pgo_merge" ${BEFORE:+"$BEFORE"}; do
  command -v "$tool" >/dev/null || {
    echo "merge_profile: missing $tool (perf: Debian package linux-perf)" >&2
    exit 1
  }
done

case "$n$jobs$freq" in
  *[!0-9]* | "") echo "merge_profile: N, JOBS and FREQ must be whole numbers" >&2; exit 1 ;;
esac
if [ "$n" -lt 1 ] || [ "$jobs" -lt 1 ] || [ "$freq" -lt 1 ]; then
  echo "merge_profile: N, JOBS and FREQ must be at least 1" >&2
  exit 1
fi
if [ -z "${DEFAULT_PGO:-}" ] && ! command -v go >/dev/null; then
  echo "merge_profile: no Go on PATH: set DEFAULT_PGO=/path/to/default.pgo" >&2
  exit 1
fi
default_pgo=${DEFAULT_PGO:-$(go env GOROOT)/src/cmd/compile/default.pgo}
[ -r "$default_pgo" ] || {
  echo "merge_profile: cannot read $default_pgo (set DEFAULT_PGO to a profile)" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inputs"
for i in $(seq -w 1 "$n"); do cp "$default_pgo" "$work/inputs/p$i.pb.gz"; done

# The awk program that sums `perf report` lines (share, DSO, [.] or [k], symbol) per stage.
cat >"$work/stages.awk" <<'AWK'
function stage(dso, sym) {
  if (dso ~ /libdeflate/) return "gunzip"
  if (dso ~ /libz\./) return "gzip (output)"
  if (dso ~ /libprotobuf/ || sym ~ /perftools::profiles::|to_profile/) return "protobuf messages"
  if (dso ~ /kernel/) return "kernel (read, page faults)"
  if (sym ~ /decode_wire|validate_wire|Reader::|gunzip_into|read_file_(into|bytes)/ ||
      sym ~ /decode_(line|location|function|mapping|label|value_type|sample)/ ||
      sym ~ /SampleCursor|check_sample/) return "parse"
  if (sym ~ /State::intern|string_hash|intern_strings|map_functions|add_function/ ||
      sym ~ /function_hash/) return "intern"
  if (sym ~ /State::result|introsort|insertion_sort|PgoView|GraphBuilder|check_pgo_usable/)
    return "result + PGO check"
  if (sym ~ /State::add|add_location|add_sample|add_mapping|map_locations|sample_hash/ ||
      sym ~ /location_hash|fold_general_sample|IdIndex|IndexTable|InputFolder/ ||
      sym ~ /ProfileMerger::add|scale_value|State::absorb|memcmp/) return "fold"
  if (sym ~ /malloc|free|_int_|unlink_chunk|consolidate|memmove|memset|memcpy/ ||
      sym ~ /operator (new|delete)/) return "malloc, memcpy"
  return "other"
}
/^ +[0-9.]+%/ {
  sym = $0
  sub(/^.*\[[.k]\] /, "", sym)
  share[stage($2, sym)] += $1 + 0
}
END { for (s in share) printf "%s\t%s\t%.1f\n", label, s, share[s] }
AWK

# profile LABEL BINARY: one recorded merge; appends "label, stage, share" and its CPU.
profile() {
  local label=$1 bin=$2 jobs_option=()
  # A binary from before --jobs runs with its own fixed threads.
  if "$bin" --help 2>/dev/null | grep -q -- '--jobs'; then jobs_option=(-j "$jobs"); fi
  perf record -q -e cpu-clock -F "$freq" -o "$work/$label.data" -- \
    "$bin" -q "${jobs_option[@]}" -o "$work/$label.pgo" "$work/inputs" 2>"$work/$label.err" || {
    echo "merge_profile: $label failed: $(tail -n 1 "$work/$label.err")" >&2
    exit 1
  }
  perf report -i "$work/$label.data" --no-children --stdio --sort dso,sym --percent-limit 0 \
    2>/dev/null | awk -v label="$label" -f "$work/stages.awk" >>"$work/shares"
  # CPU seconds: the sample count over the sampling frequency.
  perf report -i "$work/$label.data" --stdio -n --sort comm 2>/dev/null |
    awk -v label="$label" -v f="$freq" '/^ +[0-9.]+%/ { n += $2 }
      END { printf "%s\tCPU (s)\t%.2f\n", label, n / f }' >>"$work/shares"
}

echo "machine: $(nproc) cores, $(uname -m); $n x default.pgo, --jobs $jobs, cpu-clock at $freq Hz"
: >"$work/shares"
labels=()
if [ -n "${BEFORE:-}" ]; then profile before "$BEFORE"; labels+=(before); fi
profile after "$pgo_merge"
labels+=(after)
if [ -n "${BEFORE:-}" ] && ! cmp -s "$work/before.pgo" "$work/after.pgo"; then
  echo "  note: the outputs differ"
fi

echo
printf '%-30s' "stage (share of samples, %)"
for l in "${labels[@]}"; do printf '%10s' "$l"; done
echo
for s in "gunzip" "parse" "intern" "fold" "result + PGO check" "protobuf messages" \
  "gzip (output)" "malloc, memcpy" "kernel (read, page faults)" "other" "CPU (s)"; do
  printf '%-30s' "$s"
  for l in "${labels[@]}"; do
    printf '%10s' "$(awk -F'\t' -v l="$l" -v s="$s" '$1 == l && $2 == s { v = $3 }
      END { print v == "" ? "-" : v }' "$work/shares")"
  done
  echo
done
