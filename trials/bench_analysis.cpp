#include "trials/bench_analysis.h"

#include <cstdio>
#include <string>
#include <utility>

#include "base/error.h"
#include "base/percent.h"
#include "stats/paired_comparison.h"

namespace pgo::harness {
namespace {

void analyze_command(CommandResult& cr, const BenchOptions& options) {
  cr.warnings.clear();
  cr.failed_runs = 0;
  for (const auto& r : cr.runs) cr.failed_runs += r.succeeded() ? 0 : 1;
  if (cr.runs.empty()) {
    cr.summary.reset();
    cr.warnings.push_back("no runs were made (--max-time too small?)");
    return;
  }
  const std::vector<double> times = cr.wall_times();
  cr.summary = summarize(times);
  double user = 0, system = 0;
  for (const auto& r : cr.runs) {
    user += r.user_seconds;
    system += r.system_seconds;
  }
  cr.mean_user_seconds = user / static_cast<double>(cr.runs.size());
  cr.mean_system_seconds = system / static_cast<double>(cr.runs.size());
  SeriesStatistics series = series_statistics(times);
  cr.median_interval = series.median_interval;
  cr.precision = series.precision;
  cr.precision_target_reached =
      options.target_precision && cr.precision && *cr.precision <= *options.target_precision;
  cr.outliers = std::move(series.outliers);

  if (cr.failed_runs > 0) {
    cr.warnings.push_back(std::to_string(cr.failed_runs) + " of " + std::to_string(cr.runs.size()) +
                          " runs failed (kept because of --ignore-failure)");
  }
  if (cr.outliers.slow_first_run) {
    cr.warnings.push_back(
        "the first run was much slower than the rest: caches were probably cold; use "
        "--warmup to fill them, or --prepare to empty them before every run");
  } else if (cr.outliers.outlier_count > 0) {
    cr.warnings.push_back(std::to_string(cr.outliers.outlier_count) +
                          " statistical outlier(s) found: other programs may have "
                          "interfered; rerun on a quiet machine or use --warmup/--prepare");
  }
  if (cr.summary->stddev && cr.summary->mean > 0 &&
      *cr.summary->stddev / cr.summary->mean > kNoisyCoefficientOfVariation) {
    cr.warnings.push_back("the runs vary by " +
                          format_percent(*cr.summary->stddev / cr.summary->mean) +
                          " (stddev / mean): the machine looks noisy");
  }
  if (options.target_precision && !cr.precision_target_reached) {
    std::string got = cr.precision ? "±" + format_percent(*cr.precision)
                                   : std::string("no interval (too few runs)");
    cr.warnings.push_back("target precision ±" + format_percent(*options.target_precision) +
                          " not reached: " + got + " after " + std::to_string(cr.runs.size()) +
                          " runs (raise --max-runs or --max-time)");
  }
}

}  // namespace

SeriesStatistics series_statistics(const std::vector<double>& values) {
  SeriesStatistics s;
  s.median = median(values);
  s.median_interval = median_confidence_interval(values, 0.95);
  s.precision = median_relative_half_width(values, 0.95);
  s.outliers = detect_outliers(values);
  return s;
}

void analyze_bench_result(BenchResult& result) {
  const BenchOptions& options = result.options;
  if (options.reference >= result.commands.size()) {
    throw Error("bench", "", "the reference command index is out of range",
                "--reference takes a command's position (1-based) or its name");
  }
  for (CommandResult& cr : result.commands) analyze_command(cr, options);

  result.comparisons.clear();
  const CommandResult& reference = result.commands[options.reference];
  const std::vector<double> ref = reference.wall_times();
  ComparisonOptions copts;
  copts.alpha = options.alpha;
  copts.seed = options.seed;
  // Timed runs of interleaved rounds are compared round by round; counts (spread_tolerance)
  // keep the count-spread rule of their own view.
  const bool pair_rounds = !options.spread_tolerance;
  const std::vector<std::size_t> none;
  for (std::size_t i = 0; i < result.commands.size(); ++i) {
    if (i == options.reference) continue;
    CommandComparison cmp;
    cmp.reference = options.reference;
    cmp.candidate = i;
    const CommandResult& candidate = result.commands[i];
    cmp.stats = compare_rounds_or_samples(ref, pair_rounds ? reference.rounds : none,
                                          candidate.wall_times(),
                                          pair_rounds ? candidate.rounds : none, copts);
    result.comparisons.push_back(std::move(cmp));
  }
  for (const std::string& w : environment_warnings(result.environment)) {
    result.warnings.push_back(w);
  }
}

}  // namespace pgo::harness
