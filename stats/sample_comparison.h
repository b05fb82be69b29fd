// Comparing two samples of timings: is the candidate faster than the reference, by how
// much, and how sure are we? Pure functions; the only randomness is a seeded bootstrap.
//
// The verdict follows benchstat: a two-sided Mann-Whitney U test at level alpha. The size
// of the change is the ratio of medians (candidate / reference) with a percentile
// bootstrap interval, as the Go performance dashboard reports it, and hyperfine's ratio of
// means ± σ is kept for readers used to hyperfine.
//
//   std::vector<double> base = {...}, pgo = {...};   // seconds per run
//   pgo::harness::SampleComparison c = pgo::harness::compare_samples(base, pgo, 0.05, 42);
//   if (c.verdict == pgo::harness::Verdict::kFaster)
//     print(*c.median_ratio, c.median_ratio_ci->lower, c.median_ratio_ci->upper, *c.p_value);
//
// Lower is better: the samples are times (or any cost), so "faster" means the candidate's
// values tend to be smaller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "stats/random.h"
#include "stats/statistics.h"

namespace pgo::harness {

// --- Mann-Whitney U test -----------------------------------------------------------------

enum class UTestMethod {
  kExact,                // the exact permutation distribution of U (no ties, both n <= 50)
  kExactWithTies,        // the exact distribution given the ties (ties, both n <= 25)
  kNormalApproximation,  // z with tie correction and continuity correction
};

// "exact", "exact with ties", "normal approximation".
std::string_view to_string(UTestMethod method);

struct MannWhitneyResult {
  // U of the first sample: #pairs (a_i, b_j) with a_i > b_j, plus 1/2 per tied pair.
  // This is scipy.stats.mannwhitneyu's `statistic`. U of the second is n_a*n_b - u_a.
  double u_a = 0.0;
  double p_value = 1.0;  // two-sided, in (0, 1]
  UTestMethod method = UTestMethod::kExact;
  bool has_ties = false;  // any value shared between or within the samples
};

// Two-sided Mann-Whitney U test. Exact when there are no ties and both samples have at
// most kExactUTestMaxSize values: p = min(1, 2 * P(U <= min(u_a, u_b))). With ties and
// both samples of at most kExactTiedUTestMaxSize values, the exact distribution of U_a
// given the tie pattern, as benchstat uses it, so verdicts on quantized data (ns/op,
// allocs) agree with benchstat's: p = min(1, 2 * min(P(U_a <= u_a), P(U_a >= u_a)))
// (all values equal, or u_a = u_b: p = 1). benchstat doubles P(U_a <= min(u_a, u_b)),
// the same value except when u_a > u_b and the tie pattern makes the distribution
// asymmetric (it then can print p = 0). Otherwise the
// normal approximation with the tie-corrected variance
//   σ² = n_a n_b / 12 * ((n + 1) - Σ(t³ - t) / (n (n - 1)))
// and a continuity correction of 1/2, as scipy.stats.mannwhitneyu(method="asymptotic").
// When every value is equal (σ = 0) the p-value is 1.
// nullopt when either sample is empty.
inline constexpr std::size_t kExactUTestMaxSize = 50;
inline constexpr std::size_t kExactTiedUTestMaxSize = 25;
std::optional<MannWhitneyResult> mann_whitney_u_test(std::span<const double> a,
                                                     std::span<const double> b);

// The smallest two-sided p-value the exact test can produce with these sizes,
// 2 / C(n_a + n_b, n_a) capped at 1. When it is >= alpha no outcome can be significant
// (benchstat: at alpha 0.05 that needs 4 runs per side). 1 when either size is 0.
double mann_whitney_min_p_value(std::size_t n_a, std::size_t n_b);

// --- Wilcoxon signed-rank test (paired rounds; stats/paired_comparison.h) ------------

enum class SignedRankMethod {
  kExact,                // the exact distribution of W+ given the ranks (ties, zeros)
  kNormalApproximation,  // z with the tie and zero corrected variance, continuity 1/2
};
// "exact", "normal approximation".
std::string_view to_string(SignedRankMethod method);

struct SignedRankResult {
  std::size_t pairs = 0;  // n, zeros included
  std::size_t zeros = 0;  // differences exactly 0
  // Sum of the ranks of |d| of the positive differences (Pratt: zeros are ranked with the
  // rest and then belong to neither side). scipy.stats.wilcoxon(d, zero_method="pratt")'s
  // statistic is min(W+, W-); this is W+.
  double w_plus = 0;
  double expected_w_plus = 0;  // its mean under "no difference"
  double p_value = 1;          // two-sided, in (0, 1]
  SignedRankMethod method = SignedRankMethod::kExact;
  bool has_ties = false;  // some nonzero |d| values are equal
};

// --- Size of the change ------------------------------------------------------------------

// Percentile bootstrap interval of median(candidate) / median(reference): each resample
// draws both samples with replacement (SeededRng(seed), so the same inputs and seed give
// the same interval on every platform), and the interval is the type-7 quantiles
// (1 - confidence) / 2 and (1 + confidence) / 2 of the resampled ratios.
// nullopt when either sample is empty or any reference value is <= 0 (the ratio would be
// undefined for some resample). With n = 1 on both sides the interval is a single point.
// REQUIRES: resamples >= 1, 0 < confidence < 1.
std::optional<ConfidenceInterval> bootstrap_median_ratio_interval(std::span<const double> reference,
                                                                  std::span<const double> candidate,
                                                                  std::size_t resamples = 1000,
                                                                  double confidence = 0.95,
                                                                  std::uint64_t seed = 0);

// One bootstrap draw of a sample: xs.size() values drawn from xs with replacement
// (rng.uniform_index, one call per value, in order) and their median. `scratch` is reused
// between calls so that a bootstrap loop does not allocate. REQUIRES: !xs.empty().
double resampled_median(std::span<const double> xs, SeededRng& rng, std::vector<double>& scratch);

// The loop every joint geomean bootstrap shares: `resamples` times, for each of `groups`
// groups in order, `log_ratio(group, rng)` draws that group's resample and returns the log
// of its ratio, or nullopt to drop the whole resample (later groups are not drawn); each
// kept resample contributes exp(mean of the logs). Returns the kept geomeans sorted
// ascending (empty when groups is 0), from SeededRng(seed).
using ResampledLogRatio = std::function<std::optional<double>(std::size_t group, SeededRng& rng)>;
std::vector<double> bootstrap_geomeans(std::size_t groups, std::size_t resamples,
                                       std::uint64_t seed, const ResampledLogRatio& log_ratio);

// Joint percentile bootstrap of a geometric mean of ratios of medians over groups of
// samples (a group: one workload's samples of the builds being compared). Each of
// `resamples` resamples redraws every sample of every group with resampled_median, groups
// in order and samples in order within a group (the order of draws is part of the
// reproducible result), turns each group's resampled medians into the group's ratio with
// `ratio`, and keeps exp(sum of log(ratio) / number of groups). A resample in which some
// resampled median is <= 0 is dropped (its draws stop there). One resample redraws all
// groups at once, so the spread reflects the noise of every group together.
// Returns the kept geomeans sorted ascending: take an interval with quantile_of_sorted.
// Empty when `groups` is. REQUIRES: every sample non-empty, seeded by SeededRng(seed).
using MedianRatio = std::function<double(std::span<const double> medians)>;
std::vector<double> bootstrap_geomean_of_ratios(
    const std::vector<std::vector<std::span<const double>>>& groups, const MedianRatio& ratio,
    std::size_t resamples, std::uint64_t seed);

// Hyperfine's relative speed: ratio = mean / reference_mean with the propagated error
// σ = ratio * sqrt((stddev / mean)² + (reference_stddev / reference_mean)²); σ is nullopt
// when either standard deviation is (n < 2). REQUIRES: mean > 0, reference_mean > 0.
struct RelativeSpeed {
  double ratio = 1.0;
  std::optional<double> stddev;
};
RelativeSpeed relative_speed(double mean, std::optional<double> stddev, double reference_mean,
                             std::optional<double> reference_stddev);

// --- The comparison ----------------------------------------------------------------------

enum class Verdict {
  kFaster,                   // significant, candidate values tend to be lower
  kSlower,                   // significant, candidate values tend to be higher
  kNoSignificantDifference,  // p >= alpha
  kNotEnoughData,            // too few runs for any outcome to reach p < alpha
};

// "faster", "slower", "no significant difference", "not enough data".
std::string_view to_string(Verdict verdict);
// And back; nullopt for an unknown word.
std::optional<Verdict> verdict_from_string(std::string_view word);

// How a SampleComparison's verdict was decided.
enum class ComparisonMethod {
  kUTest,        // "u-test": Mann-Whitney U at alpha (timed metrics; compare_samples)
  kCountSpread,  // "count-spread": the tolerance rule of stats/count_comparison.h
  // "paired-signed-rank": Wilcoxon signed-rank test on per-round log ratios of interleaved
  // runs (compare_paired_samples, stats/paired_comparison.h)
  kPairedSignedRank,
};
std::string_view to_string(ComparisonMethod method);
std::optional<ComparisonMethod> comparison_method_from_string(std::string_view word);

struct ComparisonOptions {
  double alpha = 0.05;       // significance level of the U test
  double confidence = 0.95;  // level of the bootstrap interval
  std::size_t bootstrap_resamples = 1000;
  std::uint64_t seed = 0;  // bootstrap seed; record it with the results
};

struct SampleComparison {
  std::size_t reference_count = 0;
  std::size_t candidate_count = 0;
  std::optional<double> reference_median;  // nullopt for an empty sample
  std::optional<double> candidate_median;
  // The method's estimate of candidate / reference: 0.95 means the candidate takes 5% less
  // time. kUTest, kCountSpread: the ratio of medians (nullopt when a sample is empty or the
  // reference median is <= 0) and its bootstrap interval (see above); kPairedSignedRank:
  // exp of the Hodges-Lehmann estimate of the per-round log ratios and its interval.
  std::optional<double> median_ratio;
  std::optional<ConfidenceInterval> median_ratio_interval;
  std::optional<MannWhitneyResult> u_test;  // nullopt when a sample is empty
  // The deciding test's p-value: u_test->p_value, or signed_rank->p_value when paired.
  std::optional<double> p_value;
  // kPairedSignedRank only: the signed-rank test and the number of rounds paired.
  std::optional<SignedRankResult> signed_rank;
  std::optional<std::size_t> pairs;
  // Hyperfine's ratio of means (candidate / reference) ± σ; nullopt when a sample is empty
  // or a mean is <= 0.
  std::optional<RelativeSpeed> mean_ratio;
  double alpha = 0.05;
  Verdict verdict = Verdict::kNotEnoughData;
  ComparisonMethod method = ComparisonMethod::kUTest;
  // kCountSpread: the larger relative run-to-run spread (max / min - 1) of the samples.
  std::optional<double> spread;
};

// How the verdict is decided:
// 1. kNotEnoughData when mann_whitney_min_p_value(n_ref, n_cand) >= alpha: no outcome could
//    be significant (includes empty samples; at alpha 0.05 needs >= 4 runs per side).
// 2. kNoSignificantDifference when the U test's p >= alpha.
// 3. Otherwise kFaster when the candidate's U is below n_ref * n_cand / 2 (its values tend
//    to be lower), kSlower when above. The direction comes from the test itself, so it
//    agrees with it even when the medians happen to be equal.
// The bootstrap interval is reported but not part of the decision: requiring it to exclude
// 1 as well makes the verdict conservative (fewer than alpha false alarms under no change,
// and less power), while the U test alone holds its level (statistical_power_test.cpp).
// REQUIRES: 0 < alpha < 1, and the constraints of bootstrap_median_ratio_interval.
SampleComparison compare_samples(std::span<const double> reference,
                                 std::span<const double> candidate,
                                 const ComparisonOptions& options);
SampleComparison compare_samples(std::span<const double> reference,
                                 std::span<const double> candidate, double alpha = 0.05,
                                 std::uint64_t seed = 0);

}  // namespace pgo::harness
