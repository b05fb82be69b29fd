#!/usr/bin/env bash
# Packs pgo-merge's fleet-scale measurements for a machine that has neither Go nor this
# project's build (a lent many-core machine): the pgo-merge binary with the shared
# libraries glibc does not provide, a pprof binary (`go tool -n pprof`), GNU time,
# GOROOT's default.pgo, bench/merge_scaling.sh and bench/merge_profile.sh, and run.sh,
# which runs them there with those tools.
#
#   bench/device_kit.sh [OUTDIR] [PGO_MERGE_BINARY]    (default: build/device-kit, build/bin/pgo-merge)
#   BEFORE=/tmp/pgo-merge.old bench/device_kit.sh      (also packs an earlier binary to compare)
#
# On the other machine, from the directory holding the kit:
#   bash device-kit/run.sh                  compare + scaling over JOBS, twice (PASSES)
#   JOBS="1 2 4 8 16" PASSES=1 SECTIONS="compare" SIZES="100 1000" RUNS=3 bash device-kit/run.sh
#   PROFILE=1 bash device-kit/run.sh        also merge_profile.sh (needs perf there)
# Figures go to standard output; only compare figures of one pass (bench/merge_scaling.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-build/device-kit}
pgo_merge=${2:-build/bin/pgo-merge}
for tool in go ldd "$pgo_merge" ${BEFORE:+"$BEFORE"}; do
  command -v "$tool" >/dev/null || { echo "device_kit: missing $tool" >&2; exit 1; }
done
time_bin=${TIME:-/usr/bin/time}
[ -x "$time_bin" ] || { echo "device_kit: missing GNU time at $time_bin (Debian package time)" >&2; exit 1; }
pprof_bin=$(go tool -n pprof)
default_pgo=$(go env GOROOT)/src/cmd/compile/default.pgo
[ -f "$default_pgo" ] || { echo "device_kit: missing $default_pgo" >&2; exit 1; }

# Built beside the destination, then renamed over it: a failed packing leaves no half kit.
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.device-kit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/lib" "$tmp/bench"
cp "$pgo_merge" "$tmp/bin/pgo-merge"
[ -n "${BEFORE:-}" ] && cp "$BEFORE" "$tmp/bin/pgo-merge.before"
cp "$pprof_bin" "$tmp/bin/pprof"
cp "$time_bin" "$tmp/bin/time"
cp "$default_pgo" "$tmp/default.pgo"
cp bench/merge_scaling.sh bench/merge_profile.sh "$tmp/bench/"

# Every shared library the binaries load, except glibc's own (the other machine's glibc
# must be at least as new as this one's; its loader and libc are used).
for bin in "$tmp"/bin/*; do
  ldd "$bin" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*) ;;
    *) cp -L "$lib" "$tmp/lib/" ;;
  esac
done

cat >"$tmp/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the packed measurements (bench/device_kit.sh made this kit); see its header.
set -euo pipefail
kit=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH=$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PPROF=$kit/bin/pprof TIME=$kit/bin/time DEFAULT_PGO=$kit/default.pgo
export SECTIONS=${SECTIONS:-compare scaling}
[ -x "$kit/bin/pgo-merge.before" ] && export BEFORE=$kit/bin/pgo-merge.before
cores=$(nproc)
echo "kit: $cores cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
"$kit/bin/pgo-merge" --help >/dev/null  # fails here, not mid-run, if a library is missing
for pass in $(seq "${PASSES:-2}"); do
  echo "== pass $pass"
  bash "$kit/bench/merge_scaling.sh" "$kit/bin/pgo-merge"
done
if [ -n "${PROFILE:-}" ]; then
  echo "== where the time goes (perf, ${cores} jobs)"
  N=${N:-100} JOBS=${PROFILE_JOBS:-$cores} bash "$kit/bench/merge_profile.sh" "$kit/bin/pgo-merge"
fi
RUN
chmod +x "$tmp/run.sh"

rm -rf "$out"
chmod 755 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "device_kit: $out ($(du -sh "$out" | cut -f1)); run there: bash $out/run.sh"
