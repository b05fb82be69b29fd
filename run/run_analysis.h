// RunAnalysis: from a run's builds, trials and profiles to speedups, overheads and the
// convergence verdict (RunReport::analysis). Pure: no I/O, the only randomness is a
// bootstrap seeded by the caller, so the same inputs give the same analysis.
//
//   pgo::harness::Analysis a = pgo::harness::analyze_run(report.builds, report.trials,
//                                                        report.profiles, scenario.convergence,
//                                                        scenario.trials.alpha, report.trial_seed);
//   print(a.verdict.kind, a.verdict.explanation);
//
// What is computed (lower values are better; speedup = reference / candidate):
// - Per workload and build v(i), i >= 1: v(i) against v0 (`vs_off`) and, for i >= 2,
//   against v(i-1) (`vs_previous`). Timed metrics whose series carry round indices
//   (TrialSeries::rounds, interleaved trials) are compared round by round:
//   harness::compare_paired_samples (Wilcoxon signed-rank test on the per-round log ratios
//   at `alpha`, Hodges-Lehmann ratio and its interval) over the rounds both builds ran,
//   when those are enough to reach alpha; otherwise (sequential order, reports without
//   rounds) harness::compare_samples (ratio of medians, its bootstrap interval, the
//   Mann-Whitney p-value and verdict at `alpha`). Comparison::method says which.
// - Counting metrics ("instructions", "cycles_estimate"): the comparisons use the tolerance
//   rule of stats/count_comparison.h (`count_rule`) instead of the U test, so three runs
//   per side suffice; their verdicts carry into the convergence verdict the same way.
// - Per build v(i): the geometric mean over workloads of the speedup over v0, with a joint
//   percentile bootstrap: each of kGeomeanResamples resamples redraws every workload's runs
//   of both builds with replacement and takes the geomean of the ratios of medians.
//   `significant` = the 95% interval excludes 1 (and, when every workload counts, the
//   geomean differs from 1 by more than count_rule.min_effect).
// - Per build v(i): build time and binary size over v0's.
// - Gotest workloads whose series carry per-benchmark values (TrialSeries::benchmarks): per
//   benchmark and build, its ns/op against v0 and v(i-1) the same way as the workload
//   (make_comparison), and the ratio of medians over v0 of every other unit. A benchmark
//   whose ns/op is significantly slower than v0 (verdict slower) is a slowed benchmark
//   (slowed_benchmarks); the convergence verdict's explanation names those of the last
//   build, whatever the workload's or the geomean's verdict (the kinds stay as below).
//
// The convergence verdict follows scenarios/README.md, "Convergence thresholds", on ONE
// series: the workload itself when the run has one workload, the geomean when it has
// several. For that series, with r_i = time ratio of v(i) over v0 and the step
// s_i = time ratio of v(i) over v(i-1) (s_1 = r_1, the PGO gain itself):
// - "significant" for one workload is the comparison's verdict at `alpha` (signed-rank or
//   Mann-Whitney test, see above); for the geomean it is the joint bootstrap interval at confidence
//   1 - alpha excluding 1 (there is no rank test of a geomean);
// - checked in this order, the first that holds wins:
//   1. regressed: r_N significantly > 1 + max_regression (N = last iteration);
//   2. no_significant_gain: no i with r_i significantly < 1 and 1/r_i >= 1 + min_gain;
//   3. oscillating: among the significant steps, in order (insignificant ones skipped),
//      two neighbours of opposite sign with |s - 1| >= oscillation_swing each;
//   4. converged at k: step i is stable when it is not significant or |s_i - 1| <
//      stable_within, and, when min_hot_edge_overlap > 0 and i >= 2, the hot-edge Jaccard
//      overlap of iter-(i-1).pgo and iter-i.pgo is >= min_hot_edge_overlap (missing
//      overlap: not stable). k = the smallest k >= 1 with every step after k stable;
//      converged when k < N;
//   5. still_improving: otherwise (k = N: the last step still changed performance).
// - "incomplete" when a build v0..vN has no trials for some workload, or no builds exist.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "run/run_report.h"
#include "scenario/scenario.h"
#include "stats/count_comparison.h"

namespace pgo::harness {

inline constexpr std::size_t kGeomeanResamples = 1000;

// The whole analysis. `builds` are v0..vN in order (iteration 0..N); `trials` hold one
// series per (workload, build) whose `values` are the metric of each run; `profiles` give
// the hot-edge overlap of successive iterations. REQUIRES: 0 < alpha < 1.
Analysis analyze_run(const std::vector<BuildRecord>& builds, const std::vector<TrialSeries>& trials,
                     const std::vector<IterationProfile>& profiles, const Convergence& thresholds,
                     double alpha, std::uint64_t seed, const CountRule& count_rule = {});

// One comparison in the report's form: candidate `build` against `against`; with
// `count_rule` the counting rule decides, else compare_rounds_or_samples at alpha: paired by
// round when both series carry the rounds of their runs (interleaved trials) and share
// enough of them, the U test otherwise.
Comparison make_comparison(const std::string& build, const std::string& against,
                           std::span<const double> reference, std::span<const double> candidate,
                           double alpha, std::uint64_t seed,
                           const std::optional<CountRule>& count_rule = std::nullopt,
                           std::span<const std::size_t> reference_rounds = {},
                           std::span<const std::size_t> candidate_rounds = {});

// The geomean over workloads of median(reference_w) / median(candidate_w) with a joint
// percentile bootstrap interval at `confidence`. Pairs with an empty side are skipped;
// nullopt speedup when no pair is left or a median is <= 0. When every pair carries round
// indices and shares enough rounds for the signed-rank test to reach 1 - confidence
// (stats/paired_comparison.h, signed_rank_min_p_value), the bootstrap redraws rounds,
// each with both builds' runs (bootstrap_geomean_of_paired_ratios), and `paired` is true;
// otherwise each build's runs are redrawn independently (bootstrap_geomean_of_ratios).
// The point estimate is the same either way.
struct GeomeanEstimate {
  std::optional<double> speedup;
  std::optional<double> ci_lower;
  std::optional<double> ci_upper;
  bool paired = false;
};
struct SamplePair {
  std::span<const double> reference;
  std::span<const double> candidate;
  std::span<const std::size_t> reference_rounds = {};  // the round of each run, if recorded
  std::span<const std::size_t> candidate_rounds = {};
};
GeomeanEstimate geomean_speedup(const std::vector<SamplePair>& pairs, double confidence,
                                std::uint64_t seed, std::size_t resamples = kGeomeanResamples);

// Side by side: for each (counted, timed) pair of workloads that run the same program the
// same way, one line per build whose count-based and time-based intervals of the ratio
// over v0 lie on opposite sides of 1 ("faster" by one, "slower" by the other): the count
// model then misses what changed, and time is the truth. Empty when they agree or either
// interval includes 1.
struct CountTimePair {
  std::string counted;  // workload with a counting metric
  std::string timed;    // workload with a timed metric
};
std::vector<std::string> count_time_disagreements(const Analysis& analysis,
                                                  const std::vector<CountTimePair>& pairs);

// Every benchmark whose ns/op is significantly slower than v0's on some build (verdict
// slower), in workload, benchmark, build order.
struct SlowedBenchmark {
  std::string workload;
  std::string benchmark;
  std::string build;
  Comparison vs_off;
};
std::vector<SlowedBenchmark> slowed_benchmarks(const Analysis& analysis);

// The report warning for one: "benchmark BenchmarkParse of workload parse: v1 is 10.0%
// slower than v0 (ns/op ratio 1.100, 95% interval [1.050, 1.150]) ...".
std::string slowed_benchmark_warning(const SlowedBenchmark& slowed);

// The verdict rules above, on an already reduced series (index 0 is iteration 1).
struct ConvergenceStep {
  double time_ratio_vs_off = 1;  // r_i
  bool significant_vs_off = false;
  double step_ratio = 1;  // s_i
  bool significant_step = false;
  std::optional<double> hot_edge_overlap;  // iter-(i-1) vs iter-i, i >= 2
};
// `quantity` names what the ratios measure in the explanation ("the last step v1->v2 still
// changed <quantity> by -2.4%"): metric_quantity of the series' metric.
ConvergenceVerdict convergence_verdict(const std::vector<ConvergenceStep>& steps,
                                       const Convergence& thresholds,
                                       const std::string& quantity = "time");

// What a metric measures, in words for sentences: "wall time", "CPU time", "ns/op",
// "instructions", "estimated cycles"; for several workloads of one metric the same; for
// several metrics "the geomean of the workloads' metrics". Unknown names stay as given.
std::string metric_quantity(const std::vector<std::string>& metrics);

}  // namespace pgo::harness
