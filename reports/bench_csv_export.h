// The CSV export of `pgo-harness bench` (--export-csv): hyperfine's columns first
// (command, mean, stddev, median, user, system, min, max, parameter_NAME...), then ours
// (runs, median_ci_lower, median_ci_upper, failed_runs). Seconds; one row per command.
//
//   std::string csv = pgo::reports::bench_result_to_csv(result);
#pragma once

#include <string>

#include "trials/bench_result.h"

namespace pgo::reports {

std::string bench_result_to_csv(const harness::BenchResult& result);

// RFC 4180 quoting: the field in double quotes (inner quotes doubled) when it holds a
// comma, a quote or a line break; as is otherwise.
std::string csv_field(const std::string& text);

}  // namespace pgo::reports
