// The statistics of a bench result: per command the summary, the 95% interval of the
// median, outliers and warnings; per other command the comparison with the reference.
// Pure: reads the runs already in the result and fills in the derived fields.
//
//   pgo::harness::BenchResult result = scheduler.run(plan);
//   pgo::harness::analyze_bench_result(result);
//   // result.commands[i].summary, .median_interval; result.comparisons[k].stats.verdict
#pragma once

#include "trials/bench_result.h"

namespace pgo::harness {

// Above this coefficient of variation (stddev / mean) a command's runs are called noisy.
inline constexpr double kNoisyCoefficientOfVariation = 0.10;

// Fills CommandResult's derived fields and warnings and BenchResult::comparisons (each
// command other than options.reference against it, with options.alpha and options.seed).
// Environment warnings (environment_warnings) are added to BenchResult::warnings.
// REQUIRES: options.reference < commands.size().
void analyze_bench_result(BenchResult& result);

}  // namespace pgo::harness
