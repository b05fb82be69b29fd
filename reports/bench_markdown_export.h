// The Markdown export of `pgo-harness bench` (--export-markdown): hyperfine's table
// (Command, Mean, Min, Max, Relative) with the median and its 95% interval, and the
// comparison with the reference (ratio of medians, bootstrap interval, p-value, verdict).
//
//   std::string md = pgo::reports::bench_result_to_markdown(result, TimeUnit::kMillisecond);
//   // | Command | Mean [ms] | Median [ms] (95% CI) | Min [ms] | Max [ms] | Relative | ...
#pragma once

#include <optional>
#include <string>

#include "trials/bench_result.h"
#include "reports/bench_format.h"

namespace pgo::reports {

// unit: nullopt picks one from the reference command's mean (auto_time_unit).
// "Relative" is the ratio of means to the reference's ± σ, as hyperfine prints it.
std::string bench_result_to_markdown(const harness::BenchResult& result,
                                     std::optional<TimeUnit> unit = std::nullopt);

// The unit the views use: `unit` if given, else from the reference command's mean.
TimeUnit bench_time_unit(const harness::BenchResult& result, std::optional<TimeUnit> unit);

}  // namespace pgo::reports
