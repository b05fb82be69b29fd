#!/usr/bin/env bash
# Guards against tests that CTest registers but never runs: catch_discover_tests splits a
# Catch2 test name at ';' (a CMake list separator), so such a test runs zero cases and
# "passes". Fails listing every TEST_CASE name with a ';'.
set -euo pipefail
cd "$(dirname "$0")"
bad=$(grep -rn --include='*.cpp' -E 'TEST_CASE\("[^"]*;' . || true)
if [ -n "$bad" ]; then
  echo "test names must not contain ';' (CTest would never run them):"
  echo "$bad"
  exit 1
fi
echo "all TEST_CASE names are discoverable"
