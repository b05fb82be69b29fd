// The JSON export of `pgo-harness bench` (--export-json): a superset of hyperfine's, so
// scripts written for hyperfine's export keep working, plus the statistics, comparisons,
// environment and options that make a result reproducible. Times in seconds.
//
//   std::string text = pgo::reports::bench_result_to_json(result);
//   // {"results":[{"command":"sleep 0.1","mean":0.1012,...,"median_ci":{...}}],
//   //  "comparisons":[...],"environment":{...},"options":{...},"seed":42,...}
//
// Hyperfine's fields per result: command, mean, stddev (null when n < 2), median, user,
// system, min, max, times, memory_usage_byte, exit_codes (null for a run ended by a
// signal or timeout), parameters. Ours are documented in README.md ("JSON export").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "trials/bench_result.h"

namespace pgo::reports {

inline constexpr const char* kBenchJsonFormat = "pgo-harness-bench/1";

nlohmann::ordered_json bench_result_json(const harness::BenchResult& result);
// Pretty-printed with two-space indents and a final newline.
std::string bench_result_to_json(const harness::BenchResult& result);

// Names used in the export for enums.
const char* to_string(harness::StopReason reason);
const char* to_string(harness::RunOrder order);

}  // namespace pgo::reports
