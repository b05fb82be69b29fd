// Comparing two series whose i-th values were measured in the same round (interleaved
// trials: every build or command runs once per round, so load that drifts over time hits
// both values of a round alike). Pure functions, no randomness.
//
//   std::vector<double> base = {...}, pgo = {...};   // base[i] and pgo[i]: round i
//   pgo::harness::SampleComparison c =
//       pgo::harness::compare_paired_samples(base, pgo, {});   // method kPairedSignedRank
//   print(*c.median_ratio, c.median_ratio_interval->lower, *c.p_value);
//
// Why pair: with a drift shared by the runs of one round, the unpaired U test of
// stats/sample_comparison.h counts that drift as noise. It then becomes conservative and
// loses power (bench/paired_rounds_study.py: at a drift sd of 0.10 on log time and a
// per-run sd of 0.10, the U test's A/A false-alarm rate is 0.7% instead of 5% and it finds
// a 5% change in 11% of experiments of 20 rounds; the signed-rank test on per-round log
// ratios keeps 4.6% and finds it in 31%). With per-run noise only the two are equivalent.
//
// The analysis works on d_i = log(candidate_i / reference_i):
// - the test: Wilcoxon's signed-rank test of "d is symmetric about 0", two-sided;
// - the estimate: exp of the Hodges-Lehmann estimate, the median of the Walsh averages
//   (d_i + d_j) / 2, i <= j. It is the shift at which the signed-rank statistic balances,
//   so estimate, interval and test answer the same question; it is also steadier than the
//   median of the d_i (asymptotic efficiency 0.95 against the mean under normal noise,
//   0.64 for the median) while still ignoring a few wild rounds;
// - the interval: the Walsh averages' order statistics that invert the test (Hollander &
//   Wolfe, "Nonparametric Statistical Methods", section 3.3; R's wilcox.test(conf.int=TRUE)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stats/sample_comparison.h"
#include "stats/statistics.h"

namespace pgo::harness {

// Wilcoxon's signed-rank test on `differences`, two-sided, zeros handled by Pratt's method
// (ranked, then left out of W+ and W-; dropping them first would rank the small
// differences too high when quantized values tie often).
// - At most kExactSignedRankMaxPairs differences: exact. Each nonzero difference's sign is
//   + or - with probability 1/2 independently, its rank fixed (mid-ranks for ties), so the
//   null distribution of W+ follows by counting sign patterns (dynamic programming over
//   doubled ranks); p = min(1, 2 * min(P(W+ <= w), P(W+ >= w))). Without ties and zeros this
//   is the classic exact test (scipy.stats.wilcoxon(method="exact")).
// - More: normal approximation, z = (|W+ - E| - 1/2) / σ with E = Σr / 2 and σ² = Σr² / 4
//   over the nonzero differences' ranks r: exactly the tie and zero corrected variance
//   (Cureton's zero correction; scipy.stats.wilcoxon(zero_method="pratt",
//   correction=True, method="approx") gives the same p-value).
// Every difference zero: p = 1. nullopt when `differences` is empty.
inline constexpr std::size_t kExactSignedRankMaxPairs = 50;
std::optional<SignedRankResult> wilcoxon_signed_rank_test(std::span<const double> differences);

// The smallest two-sided p-value the test can give with n pairs: 2 / 2^n, capped at 1
// (at alpha 0.05 that needs 6 rounds).
double signed_rank_min_p_value(std::size_t pairs);

// The Hodges-Lehmann estimate of the center of `differences` (median of the Walsh
// averages) and its distribution-free interval at `confidence`: with the M = n (n + 1) / 2
// Walsh averages sorted, [A_(k), A_(M + 1 - k)], k the smallest w >= 1 with
// P(W+ <= w) >= (1 - confidence) / 2 under no ties and no zeros (exact for n <=
// kExactSignedRankMaxPairs, else k = floor(n (n + 1) / 4 - z σ) with σ² = n (n + 1)(2n + 1)
// / 24, at least 1). Its coverage is at least `confidence` (exact part; the discrete
// distribution rarely hits it exactly). With ties it is approximate. nullopt when empty.
// REQUIRES: 0 < confidence < 1.
struct ShiftEstimate {
  double estimate = 0;
  ConfidenceInterval interval;
};
std::optional<ShiftEstimate> hodges_lehmann_estimate(std::span<const double> differences,
                                                     double confidence = 0.95);

// The paired comparison in the form of compare_samples: median_ratio and its interval are
// exp of the Hodges-Lehmann estimate and interval of log(candidate_i / reference_i);
// p_value and signed_rank come from the signed-rank test, which decides the verdict:
// kNotEnoughData when signed_rank_min_p_value(n) >= alpha, kNoSignificantDifference when
// p >= alpha, else kFaster when W+ < its mean (the candidate's values tend to be lower),
// kSlower otherwise. The unpaired U test is still computed (u_test) for readers who want
// both; reference_median / candidate_median / mean_ratio are the plain ones.
// method = kPairedSignedRank, pairs = n.
// REQUIRES: equal sizes, every value > 0, 0 < alpha < 1.
SampleComparison compare_paired_samples(std::span<const double> reference,
                                        std::span<const double> candidate,
                                        const ComparisonOptions& options);

// The values of the rounds that both series have, in round order: reference_rounds[i] is
// the round of reference[i] (same for candidate). Runs whose round the other series lacks
// are left out. Empty when either series has no rounds recorded (a rounds span that does
// not match its values in size counts as none). REQUIRES: rounds strictly increasing.
struct PairedSeries {
  std::vector<double> reference;
  std::vector<double> candidate;
};
PairedSeries pair_by_round(std::span<const double> reference,
                           std::span<const std::size_t> reference_rounds,
                           std::span<const double> candidate,
                           std::span<const std::size_t> candidate_rounds);

// The paired counterpart of bootstrap_geomean_of_ratios (stats/sample_comparison.h): the
// geometric mean over groups of median(reference) / median(candidate), where each of
// `resamples` resamples redraws, per group in order, that group's rounds with replacement
// (rng.uniform_index(n), n draws), keeping each round's reference and candidate values
// together. A drift shared by the two runs of a round then moves both medians alike
// instead of widening the interval. A resample with a median <= 0 is dropped. Returns
// the kept geomeans sorted ascending; empty when `groups` is. REQUIRES: every group's
// sides non-empty and of equal size; seeded by SeededRng(seed).
std::vector<double> bootstrap_geomean_of_paired_ratios(const std::vector<PairedSeries>& groups,
                                                       std::size_t resamples, std::uint64_t seed);

// The comparison to use for two series that may carry round indices: the paired one when
// the rounds they share are enough for the signed-rank test to reach alpha
// (signed_rank_min_p_value(pairs) < alpha) and every value is > 0; otherwise
// compare_samples on all values (sequential order, reports without rounds, too few
// shared rounds).
SampleComparison compare_rounds_or_samples(std::span<const double> reference,
                                           std::span<const std::size_t> reference_rounds,
                                           std::span<const double> candidate,
                                           std::span<const std::size_t> candidate_rounds,
                                           const ComparisonOptions& options);

}  // namespace pgo::harness
