#!/usr/bin/env bash
# Risk guarded against: bench/device_kit.sh packing a kit that does not run where it is
# meant to (a machine without Go or this build): a shared library left out or loaded from
# the system instead of the kit, a tool the scripts still look for on PATH, run.sh out
# of step with merge_scaling.sh. The kit is built, then run on tiny input with a PATH that
# holds no Go.
#   device_kit_test.sh PGO_MERGE_BINARY REPO_ROOT
set -euo pipefail
bin=$1
root=$2
fail() { echo "device_kit_test: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bash "$root/bench/device_kit.sh" "$work/kit" "$bin"
for f in bin/pgo-merge bin/pprof bin/time default.pgo run.sh bench/merge_scaling.sh; do
  [ -e "$work/kit/$f" ] || fail "the kit lacks $f"
done
ls -A "$work" | grep -q '^\.device-kit' && fail "a temporary directory was left beside the kit"
# Every library pgo-merge needs beyond glibc resolves to the kit's copy.
resolved=$(LD_LIBRARY_PATH="$work/kit/lib" ldd "$work/kit/bin/pgo-merge")
grep -q 'not found' <<<"$resolved" && fail "unresolved libraries: $resolved"
for lib in libprotobuf libdeflate libstdc++; do
  grep "$lib" <<<"$resolved" | grep -q "$work/kit/lib/" || fail "$lib not taken from the kit"
done

out=$(env -i PATH=/usr/bin:/bin HOME="$work" SIZES=3 JOBS="1 2" RUNS=1 PASSES=1 \
  bash "$work/kit/run.sh")
echo "$out"
grep -q '^3 x default.pgo  *pprof ' <<<"$out" || fail "no pprof row"
grep -q '^3 x default.pgo  *pgo-merge .*CPU per input' <<<"$out" || fail "no pgo-merge row"
grep -q '^3 x default.pgo  *2 ' <<<"$out" || fail "no --jobs 2 row"
! grep -q 'DIFFERS' <<<"$out" || fail "outputs differ"
echo "device_kit_test: ok"
