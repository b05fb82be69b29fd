// The statistics of a bench result: per command the summary, the 95% interval of the
// median, outliers and warnings; per other command the comparison with the reference.
// Pure: reads the runs already in the result and fills in the derived fields.
//
//   pgo::harness::BenchResult result = scheduler.run(plan);
//   pgo::harness::analyze_bench_result(result);
//   // result.commands[i].summary, .median_interval; result.comparisons[k].stats.verdict
#pragma once

#include <optional>
#include <vector>

#include "stats/statistics.h"
#include "trials/bench_result.h"

namespace pgo::harness {

// Above this coefficient of variation (stddev / mean) a command's runs are called noisy.
inline constexpr double kNoisyCoefficientOfVariation = 0.10;

// What is computed for every series of measurements, by `bench` (per command) and by the
// PGO loop's trials (per build x workload): the median, its 95% confidence interval, that
// interval's half width relative to the median (the precision), and the outliers.
struct SeriesStatistics {
  double median = 0;
  std::optional<ConfidenceInterval> median_interval;  // nullopt: too few values
  std::optional<double> precision;
  OutlierReport outliers;
};
// REQUIRES: values is non-empty.
SeriesStatistics series_statistics(const std::vector<double>& values);

// Fills CommandResult's derived fields and warnings and BenchResult::comparisons (each
// command other than options.reference against it, with options.alpha and options.seed):
// runs of interleaved order are paired by round (compare_rounds_or_samples: Wilcoxon
// signed-rank test on the rounds both commands ran, when they are enough to reach alpha);
// otherwise, and for counting runs (options.spread_tolerance), the unpaired U test.
// Environment warnings (environment_warnings) are added to BenchResult::warnings.
// REQUIRES: options.reference < commands.size().
void analyze_bench_result(BenchResult& result);

}  // namespace pgo::harness
