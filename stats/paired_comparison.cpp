#include "stats/paired_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "stats/random.h"

namespace pgo::harness {
namespace {

// Mid-ranks (1-based) of |d|, in the order of `differences`.
std::vector<double> absolute_ranks(std::span<const double> differences, bool& has_nonzero_ties) {
  const std::size_t n = differences.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::abs(differences[a]) < std::abs(differences[b]);
  });
  std::vector<double> ranks(n, 0.0);
  has_nonzero_ties = false;
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i + 1;
    const double value = std::abs(differences[order[i]]);
    while (j < n && std::abs(differences[order[j]]) == value) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = mid_rank;
    if (j - i > 1 && value != 0.0) has_nonzero_ties = true;
    i = j;
  }
  return ranks;
}

// The null distribution of 2 W+ for the given doubled ranks (each in or out with
// probability 1/2): counts of sign patterns per doubled sum, total 2^n.
std::vector<double> doubled_sum_counts(const std::vector<std::size_t>& doubled_ranks) {
  std::size_t max_sum = 0;
  for (std::size_t r : doubled_ranks) max_sum += r;
  std::vector<double> counts(max_sum + 1, 0.0);
  counts[0] = 1.0;
  std::size_t reach = 0;
  for (std::size_t r : doubled_ranks) {
    // Descending so that every rank is used at most once.
    for (std::size_t s = reach + 1; s-- > 0;) {
      if (counts[s] != 0.0) counts[s + r] += counts[s];
    }
    reach += r;
  }
  return counts;
}

// Standard normal quantile by bisection on erfc (the interval needs it once per call).
double normal_quantile_upper(double tail) {  // z with P(Z > z) = tail
  double lo = 0.0, hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2.0;
    if (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2.0;
}

double median_of(std::vector<double> xs) { return median(xs); }

}  // namespace

std::string_view to_string(SignedRankMethod method) {
  return method == SignedRankMethod::kExact ? "exact" : "normal approximation";
}

std::optional<SignedRankResult> wilcoxon_signed_rank_test(std::span<const double> differences) {
  if (differences.empty()) return std::nullopt;
  SignedRankResult result;
  result.pairs = differences.size();
  const std::vector<double> ranks = absolute_ranks(differences, result.has_ties);
  std::vector<double> nonzero_ranks;
  for (std::size_t i = 0; i < differences.size(); ++i) {
    if (differences[i] == 0.0) {
      ++result.zeros;
      continue;
    }
    nonzero_ranks.push_back(ranks[i]);
    if (differences[i] > 0.0) result.w_plus += ranks[i];
  }
  double rank_sum = 0, rank_squares = 0;
  for (double r : nonzero_ranks) {
    rank_sum += r;
    rank_squares += r * r;
  }
  result.expected_w_plus = rank_sum / 2.0;
  if (nonzero_ranks.empty()) {
    result.p_value = 1.0;  // no difference in any round
    result.method = differences.size() <= kExactSignedRankMaxPairs
                        ? SignedRankMethod::kExact
                        : SignedRankMethod::kNormalApproximation;
    return result;
  }

  if (differences.size() <= kExactSignedRankMaxPairs) {
    result.method = SignedRankMethod::kExact;
    // Mid-ranks are multiples of 1/2: doubled they are integers.
    std::vector<std::size_t> doubled;
    for (double r : nonzero_ranks) doubled.push_back(static_cast<std::size_t>(std::llround(2 * r)));
    const std::vector<double> counts = doubled_sum_counts(doubled);
    const double observed = 2.0 * result.w_plus;
    double total = 0, below = 0, above = 0;
    for (std::size_t s = 0; s < counts.size(); ++s) {
      total += counts[s];
      const double x = static_cast<double>(s);
      if (x <= observed + 0.5) below += counts[s];
      if (x >= observed - 0.5) above += counts[s];
    }
    result.p_value = std::min(1.0, 2.0 * std::min(below, above) / total);
    return result;
  }

  result.method = SignedRankMethod::kNormalApproximation;
  const double sigma = std::sqrt(rank_squares / 4.0);
  const double distance = std::abs(result.w_plus - result.expected_w_plus);
  if (!(sigma > 0.0)) {
    result.p_value = 1.0;
    return result;
  }
  const double z = std::max(0.0, distance - 0.5) / sigma;
  result.p_value = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
  return result;
}

double signed_rank_min_p_value(std::size_t pairs) {
  if (pairs == 0) return 1.0;
  return std::min(1.0, 2.0 * std::pow(0.5, static_cast<double>(pairs)));
}

std::optional<ShiftEstimate> hodges_lehmann_estimate(std::span<const double> differences,
                                                     double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("hodges_lehmann_estimate: REQUIRES 0 < confidence < 1");
  }
  if (differences.empty()) return std::nullopt;
  const std::size_t n = differences.size();
  std::vector<double> walsh;
  walsh.reserve(n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) walsh.push_back((differences[i] + differences[j]) / 2.0);
  }
  std::sort(walsh.begin(), walsh.end());
  const std::size_t m = walsh.size();
  ShiftEstimate out;
  out.estimate = quantile_of_sorted(walsh, 0.5);
  out.interval.confidence = confidence;

  const double tail = (1.0 - confidence) / 2.0;
  std::size_t k = 1;  // 1-based order statistic of the lower bound
  if (n <= kExactSignedRankMaxPairs) {
    // Ranks 1..n, no ties: counts of W+ (not doubled).
    std::vector<double> counts(m + 1, 0.0);
    counts[0] = 1.0;
    std::size_t reach = 0;
    for (std::size_t r = 1; r <= n; ++r) {
      for (std::size_t s = reach + 1; s-- > 0;) {
        if (counts[s] != 0.0) counts[s + r] += counts[s];
      }
      reach += r;
    }
    const double total = std::ldexp(1.0, static_cast<int>(n));
    double cumulative = 0;
    std::size_t w = 0;
    for (; w <= m; ++w) {
      cumulative += counts[w];
      if (cumulative / total >= tail) break;
    }
    k = std::max<std::size_t>(w, 1);
  } else {
    const double nn = static_cast<double>(n);
    const double sigma = std::sqrt(nn * (nn + 1) * (2 * nn + 1) / 24.0);
    const double raw = std::floor(nn * (nn + 1) / 4.0 - normal_quantile_upper(tail) * sigma);
    k = raw < 1 ? 1 : static_cast<std::size_t>(raw);
  }
  k = std::min(k, (m + 1) / 2);
  out.interval.lower = walsh[k - 1];
  out.interval.upper = walsh[m - k];
  return out;
}

SampleComparison compare_paired_samples(std::span<const double> reference,
                                        std::span<const double> candidate,
                                        const ComparisonOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw std::invalid_argument("compare_paired_samples: REQUIRES 0 < alpha < 1");
  }
  if (reference.size() != candidate.size()) {
    throw std::invalid_argument("compare_paired_samples: REQUIRES series of equal length");
  }
  std::vector<double> log_ratios;
  log_ratios.reserve(reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) {
    if (!(reference[i] > 0.0 && candidate[i] > 0.0)) {
      throw std::invalid_argument("compare_paired_samples: REQUIRES positive values");
    }
    log_ratios.push_back(std::log(candidate[i] / reference[i]));
  }
  SampleComparison c;
  c.method = ComparisonMethod::kPairedSignedRank;
  c.alpha = options.alpha;
  c.reference_count = reference.size();
  c.candidate_count = candidate.size();
  c.pairs = reference.size();
  if (!reference.empty()) {
    c.reference_median = median_of({reference.begin(), reference.end()});
    c.candidate_median = median_of({candidate.begin(), candidate.end()});
    const double ref_mean = mean(reference), cand_mean = mean(candidate);
    c.mean_ratio =
        relative_speed(cand_mean, sample_stddev(candidate), ref_mean, sample_stddev(reference));
  }
  if (auto shift = hodges_lehmann_estimate(log_ratios, options.confidence)) {
    c.median_ratio = std::exp(shift->estimate);
    c.median_ratio_interval = ConfidenceInterval{
        std::exp(shift->interval.lower), std::exp(shift->interval.upper), options.confidence};
  }
  c.u_test = mann_whitney_u_test(reference, candidate);
  c.signed_rank = wilcoxon_signed_rank_test(log_ratios);
  if (c.signed_rank) c.p_value = c.signed_rank->p_value;

  if (signed_rank_min_p_value(reference.size()) >= options.alpha) {
    c.verdict = Verdict::kNotEnoughData;
  } else if (!(*c.p_value < options.alpha)) {
    c.verdict = Verdict::kNoSignificantDifference;
  } else {
    c.verdict = c.signed_rank->w_plus < c.signed_rank->expected_w_plus ? Verdict::kFaster
                                                                       : Verdict::kSlower;
  }
  return c;
}

PairedSeries pair_by_round(std::span<const double> reference,
                           std::span<const std::size_t> reference_rounds,
                           std::span<const double> candidate,
                           std::span<const std::size_t> candidate_rounds) {
  PairedSeries out;
  if (reference_rounds.empty() || candidate_rounds.empty() ||
      reference_rounds.size() != reference.size() || candidate_rounds.size() != candidate.size()) {
    return out;
  }
  std::size_t i = 0, j = 0;
  while (i < reference.size() && j < candidate.size()) {
    if (reference_rounds[i] < candidate_rounds[j]) {
      ++i;
    } else if (candidate_rounds[j] < reference_rounds[i]) {
      ++j;
    } else {
      out.reference.push_back(reference[i++]);
      out.candidate.push_back(candidate[j++]);
    }
  }
  return out;
}

SampleComparison compare_rounds_or_samples(std::span<const double> reference,
                                           std::span<const std::size_t> reference_rounds,
                                           std::span<const double> candidate,
                                           std::span<const std::size_t> candidate_rounds,
                                           const ComparisonOptions& options) {
  const PairedSeries paired =
      pair_by_round(reference, reference_rounds, candidate, candidate_rounds);
  const auto positive = [](const std::vector<double>& xs) {
    return std::all_of(xs.begin(), xs.end(), [](double x) { return x > 0.0; });
  };
  if (signed_rank_min_p_value(paired.reference.size()) < options.alpha &&
      positive(paired.reference) && positive(paired.candidate)) {
    return compare_paired_samples(paired.reference, paired.candidate, options);
  }
  return compare_samples(reference, candidate, options);
}

std::vector<double> bootstrap_geomean_of_paired_ratios(const std::vector<PairedSeries>& groups,
                                                       std::size_t resamples, std::uint64_t seed) {
  for (const PairedSeries& g : groups) {
    if (g.reference.empty() || g.reference.size() != g.candidate.size()) {
      throw std::invalid_argument(
          "bootstrap_geomean_of_paired_ratios: REQUIRES non-empty sides of equal size");
    }
  }
  std::vector<double> reference, candidate;
  return bootstrap_geomeans(groups.size(), resamples, seed,
                            [&](std::size_t index, SeededRng& rng) -> std::optional<double> {
                              const PairedSeries& g = groups[index];
                              const std::size_t n = g.reference.size();
                              reference.clear();
                              candidate.clear();
                              for (std::size_t i = 0; i < n; ++i) {
                                const std::size_t round = rng.uniform_index(n);
                                reference.push_back(g.reference[round]);
                                candidate.push_back(g.candidate[round]);
                              }
                              const double ref = median(reference), cand = median(candidate);
                              if (ref <= 0 || cand <= 0) return std::nullopt;
                              return std::log(ref / cand);
                            });
}

}  // namespace pgo::harness
