#!/usr/bin/env bash
# Installs the Debian packages pgo-harness needs to build, test and benchmark.
# Idempotent: packages already present are not reinstalled, and apt-get update runs
# only when something is missing. Nothing is fetched from outside Debian's archive.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  protobuf-compiler libprotobuf-dev zlib1g-dev libdeflate-dev
  nlohmann-json3-dev catch2 libcli11-dev libfmt-dev
  libboost-dev libboost-filesystem-dev libboost-system-dev
  libbenchmark-dev libcurl4-openssl-dev libssl-dev
  clang libclang-rt-14-dev clang-format
  hyperfine time valgrind linux-perf
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: warning: 'go' (>= 1.21) is not on PATH; integration tests and the PGO loop need it" >&2
else
  # benchstat, the oracle of the Go benchmark-format tests, from the Go module proxy
  # (pinned version; installed once into $(go env GOPATH)/bin).
  benchstat_version=v0.0.0-20260908200009-22c9c6c9d4da
  if [ ! -x "$(go env GOPATH)/bin/benchstat" ]; then
    echo "install-deps: go install golang.org/x/perf/cmd/benchstat@$benchstat_version"
    go install "golang.org/x/perf/cmd/benchstat@$benchstat_version"
  fi
fi
