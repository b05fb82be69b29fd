#!/usr/bin/env bash
# pgo-merge at fleet scale, side by side in one run: `go tool pprof -symbolize=none -proto`,
# an optional earlier pgo-merge binary (BEFORE=path) and this one, on 100 and 1000 copies of
# $(go env GOROOT)/src/cmd/compile/default.pgo; then this binary's scaling over --jobs; then
# peak memory on hostile inputs (a 2 GiB gzip bomb of ~2 MB, a profile of 10 million
# samples of ~1 MB). Wall and CPU (user + sys) in seconds and peak RSS in MB come from GNU
# time; each figure is the best (lowest wall) of RUNS runs (default 3; 1 for 1000 inputs).
#
#   bench/merge_scaling.sh [PGO_MERGE_BINARY]          (default: build/bin/pgo-merge)
#   BEFORE=/tmp/pgo-merge.old RUNS=5 bench/merge_scaling.sh
#   JOBS="1 2 4 8 16" bench/merge_scaling.sh            (default: 1 up to the core count)
#   SECTIONS="hostile" bench/merge_scaling.sh           (default: "compare scaling hostile")
#   PPROF=/path/to/pprof DEFAULT_PGO=/path/default.pgo TIME=/path/to/gnu-time bench/merge_scaling.sh
#                                 (a machine without Go: a pprof binary from `go tool -n pprof`)
#   taskset -c 0,1 bench/merge_scaling.sh               (both tools on 2 cores of a larger machine)
#
# Only compare figures from the same run: on a shared machine absolute times drift, the
# ratios of tools measured side by side much less. Thread counts above the machine's core
# count are not measured (no extrapolation).
set -euo pipefail
cd "$(dirname "$0")/.."

pgo_merge=${1:-build/bin/pgo-merge}
runs=${RUNS:-3}
cores=$(nproc)
jobs_list=${JOBS:-$(for j in 1 2 4 8 16; do if [ "$j" -le "$cores" ]; then echo "$j"; fi; done)}
time_bin=${TIME:-/usr/bin/time}
read -r -a pprof <<<"${PPROF:-go tool pprof}"
for tool in "${pprof[0]}" "$time_bin" "$pgo_merge"; do
  command -v "$tool" >/dev/null || { echo "merge_scaling: missing $tool" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
default_pgo=${DEFAULT_PGO:-$(go env GOROOT)/src/cmd/compile/default.pgo}
for n in 100 1000; do
  mkdir -p "$work/d$n"
  for i in $(seq -w 1 "$n"); do cp "$default_pgo" "$work/d$n/p$i.pb.gz"; done
done
"${pprof[@]}" -h >/dev/null 2>&1 || true  # build/cache the pprof tool before timing

# measure RUNS CMD...: best-of wall; sets wall, cpu, rss (MB), rc of that run.
measure() {
  local n=$1; shift
  wall=; cpu=; rss=; rc=0
  for _ in $(seq "$n"); do
    local r=0
    "$time_bin" -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || r=$?
    read -r t u s m < <(tail -n 1 "$work/time")  # after "Command exited with ..." if any
    if [ -z "$wall" ] || awk -v a="$t" -v b="$wall" 'BEGIN { exit !(a < b) }'; then
      wall=$t; cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
      rss=$(awk -v m="$m" 'BEGIN { printf "%.1f", m / 1024 }'); rc=$r
    fi
  done
}

row() { printf '%-26s %-16s %8s %8s %10s %s\n' "$@"; }

echo "machine: $cores cores ($(nproc --all) online), $(uname -m); load: $(cut -d' ' -f1-3 /proc/loadavg)"
sections=${SECTIONS:-compare scaling hostile}
has() { case " $sections " in *" $1 "*) return 0 ;; esac; return 1; }

if has compare; then
echo
echo "== pprof vs pgo-merge (wall s, CPU s = user + sys, peak RSS MB; best of runs) =="
row input tool "wall" "CPU" "RSS" ""
for n in 100 1000; do
  r=$runs; [ "$n" = 1000 ] && r=1
  measure "$r" "${pprof[@]}" -symbolize=none -proto "$work/d$n"/*.pb.gz
  p_wall=$wall; p_cpu=$cpu
  row "${n} x default.pgo" pprof "$wall" "$cpu" "$rss"
  if [ -n "${BEFORE:-}" ]; then
    measure "$r" "$BEFORE" -q -o "$work/before.pgo" "$work/d$n"
    row "${n} x default.pgo" pgo-merge-before "$wall" "$cpu" "$rss" \
      "$(awk -v p="$p_wall" -v w="$wall" 'BEGIN { printf "(wall %.1fx less than pprof)", p / w }')"
  fi
  measure "$r" "$pgo_merge" -q -o "$work/after.pgo" "$work/d$n"
  row "${n} x default.pgo" pgo-merge "$wall" "$cpu" "$rss" \
    "$(awk -v p="$p_wall" -v w="$wall" -v pc="$p_cpu" -v c="$cpu" -v n="$n" \
      'BEGIN { printf "(wall %.1fx, CPU per input %.1fx less than pprof: %.2f vs %.2f ms)", p / w, pc / c, 1000 * c / n, 1000 * pc / n }')"
  if [ -n "${BEFORE:-}" ]; then
    cmp -s "$work/before.pgo" "$work/after.pgo" && echo "  output byte-identical to BEFORE's" ||
      echo "  OUTPUT DIFFERS from BEFORE's"
  fi
done

fi

if has scaling; then
echo
echo "== scaling over --jobs (this binary; $cores cores here, larger counts not measured) =="
row input jobs "wall" "CPU" "RSS" ""
for n in 100 1000; do
  r=$runs; [ "$n" = 1000 ] && r=1
  base=
  for j in $jobs_list; do
    measure "$r" "$pgo_merge" -q -j "$j" -o "$work/j$j.pgo" "$work/d$n"
    base=${base:-$wall}
    row "${n} x default.pgo" "$j" "$wall" "$cpu" "$rss" \
      "$(awk -v b="$base" -v w="$wall" 'BEGIN { printf "(speed-up %.2fx)", b / w }')"
    cmp -s "$work/j$j.pgo" "$work/j$(echo "$jobs_list" | head -1).pgo" ||
      echo "  OUTPUT DIFFERS for --jobs $j"
  done
done

fi

has hostile || exit 0
echo
echo "== peak memory on hostile inputs (exit 1 = refused) =="
python3 - "$work" <<'PY'
import gzip, os, sys
work = sys.argv[1]
def varint(v):
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)
def field(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload
def vfield(num, v):
    return varint(num << 3) + varint(v)
# string table "", samples, count, cpu, nanoseconds, f
header = (field(1, vfield(1, 1) + vfield(2, 2)) + field(1, vfield(1, 3) + vfield(2, 4)) +
          field(3, vfield(1, 1) + vfield(2, 0x400000) + vfield(3, 0x800000)) +
          field(4, vfield(1, 1) + vfield(2, 1) + vfield(3, 0x401000) + field(4, vfield(1, 1))) +
          field(5, vfield(1, 1) + vfield(2, 5)) +
          b"".join(field(6, s.encode()) for s in ["", "samples", "count", "cpu", "nanoseconds", "f"]) +
          field(11, vfield(1, 3) + vfield(2, 4)) + vfield(12, 10000000))
# 10 million identical samples (one location, values 1 and 10000000).
sample = field(2, field(1, varint(1)) + field(2, varint(1) + varint(10000000)))
with gzip.open(os.path.join(work, "samples10m.pb.gz"), "wb", compresslevel=9) as f:
    f.write(header)
    for _ in range(100):
        f.write(sample * 100000)
# 2 GiB of zeros in an unknown field after a valid profile: ~2 MB of gzip.
size = 2 << 30
with gzip.open(os.path.join(work, "bomb.pb.gz"), "wb", compresslevel=9) as f:
    f.write(header + varint(127 << 3 | 2) + varint(size))
    chunk = bytes(64 << 20)
    for _ in range(size // len(chunk)):
        f.write(chunk)
PY
ls -l "$work/samples10m.pb.gz" "$work/bomb.pb.gz" | awk '{printf "  %s: %.2f MB\n", $NF, $5 / 1e6}'
row input tool "wall" "CPU" "RSS" "exit"
for input in samples10m bomb; do
  for tool in ${BEFORE:+before} after; do
    bin=$pgo_merge; [ "$tool" = before ] && bin=$BEFORE
    measure 1 "$bin" -q -o "$work/m.pgo" "$work/$input.pb.gz"
    row "$input" "pgo-merge-$tool" "$wall" "$cpu" "$rss" "$rc $(head -c 150 "$work/err")"
  done
done
measure 1 "$pgo_merge" -q -j 2 -o "$work/m.pgo" "$work/bomb.pb.gz" "$work/bomb.pb.gz"
row "bomb x 2" "pgo-merge-after" "$wall" "$cpu" "$rss" "$rc"
