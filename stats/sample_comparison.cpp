#include "stats/sample_comparison.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "stats/random.h"

namespace pgo::harness {
namespace {

struct RankSums {
  double rank_sum_a = 0.0;
  double tie_term = 0.0;  // Σ (t³ - t) over groups of t tied values
  bool has_ties = false;
  std::vector<std::size_t> group_sizes;  // sizes of the groups of equal values, ascending
};

// Mid-ranks (1-based, ties get the average of the ranks they span) of a ∪ b.
RankSums rank_sums(std::span<const double> a, std::span<const double> b) {
  struct Item {
    double value;
    bool from_a;
  };
  std::vector<Item> items;
  items.reserve(a.size() + b.size());
  for (double x : a) items.push_back({x, true});
  for (double x : b) items.push_back({x, false});
  std::sort(items.begin(), items.end(),
            [](const Item& l, const Item& r) { return l.value < r.value; });
  RankSums sums;
  std::size_t i = 0;
  while (i < items.size()) {
    std::size_t j = i + 1;
    while (j < items.size() && items[j].value == items[i].value) ++j;
    const double t = static_cast<double>(j - i);
    // Ranks i+1 .. j share their average.
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (items[k].from_a) sums.rank_sum_a += mid_rank;
    }
    sums.group_sizes.push_back(j - i);
    if (j - i > 1) {
      sums.has_ties = true;
      sums.tie_term += t * t * t - t;
    }
    i = j;
  }
  return sums;
}

// P(U_a <= u) under the null hypothesis for samples of sizes m and n without ties.
// count(m, n, u) = count(m - 1, n, u - n) + count(m, n - 1, u): the largest of the m + n
// values comes either from a (and then beats all n values of b) or from b. Only additions,
// so doubles lose nothing to cancellation; C(100, 50) ~ 1e29 is well within range.
double exact_u_cdf(std::size_t m, std::size_t n, std::size_t u) {
  // Two flat tables, row j holding the counts of (i, j) for u' = 0 .. i*j (stride m*n + 1):
  // `previous` for i - 1, `current` for i. Two allocations instead of one per (i, j).
  const std::size_t stride = m * n + 1;
  std::vector<double> previous((n + 1) * stride, 0.0);
  std::vector<double> current((n + 1) * stride, 0.0);
  for (std::size_t j = 0; j <= n; ++j) previous[j * stride] = 1.0;  // i = 0: U is 0
  for (std::size_t i = 1; i <= m; ++i) {
    std::fill(current.begin(), current.end(), 0.0);
    current[0] = 1.0;  // j = 0: U is 0
    for (std::size_t j = 1; j <= n; ++j) {
      double* counts = &current[j * stride];
      const double* a_largest = &previous[j * stride];       // (i - 1, j), shifted by j
      const double* b_largest = &current[(j - 1) * stride];  // (i, j - 1)
      for (std::size_t k = 0; k <= (i - 1) * j; ++k) counts[k + j] += a_largest[k];
      for (std::size_t k = 0; k <= i * (j - 1); ++k) counts[k] += b_largest[k];
    }
    std::swap(previous, current);
  }
  const double* counts = &previous[n * stride];
  double total = 0.0;
  double below = 0.0;
  for (std::size_t k = 0; k < stride; ++k) {
    total += counts[k];
    if (k <= u) below += counts[k];
  }
  return below / total;
}

// The two tails P(U_a <= u) and P(U_a >= u) under the null hypothesis given the pattern
// of ties: every way of choosing which m of the m + n sorted positions belong to a is
// equally likely, and equal values share their mid-rank. Dynamic programming over the
// groups of equal values: a group of t values from which c go to a adds c times the
// group's mid-rank to a's rank sum, in C(t, c) ways. Rank sums are kept doubled so that
// mid-ranks stay integers. With ties this distribution is not symmetric about its mean.
struct Tails {
  double lower = 1.0;
  double upper = 1.0;
};
Tails exact_tied_u_tails(std::size_t m, std::size_t n, const std::vector<std::size_t>& groups,
                         double u) {
  const std::size_t total = m + n;
  const std::size_t max_sum = total * (total + 1);  // doubled rank sum of every position
  const std::size_t stride = max_sum + 1;
  // ways[k * stride + s]: ways to pick k values of a among the groups so far with doubled
  // rank sum s.
  std::vector<double> ways((m + 1) * stride, 0.0);
  std::vector<double> next((m + 1) * stride, 0.0);
  ways[0] = 1.0;
  std::size_t start = 1;  // rank of the group's first position
  for (std::size_t t : groups) {
    const std::size_t doubled_mid_rank = start + (start + t - 1);
    std::fill(next.begin(), next.end(), 0.0);
    for (std::size_t k = 0; k <= m; ++k) {
      for (std::size_t s = 0; s < stride; ++s) {
        const double w = ways[k * stride + s];
        if (w == 0.0) continue;
        double choose = 1.0;  // C(t, c)
        for (std::size_t c = 0; c <= t && k + c <= m; ++c) {
          if (c > 0) choose = choose * static_cast<double>(t - c + 1) / static_cast<double>(c);
          const std::size_t sum = s + c * doubled_mid_rank;
          if (sum < stride) next[(k + c) * stride + sum] += w * choose;
        }
      }
    }
    std::swap(ways, next);
    start += t;
  }
  // U_a = R_a - m (m + 1) / 2, so 2 U_a = doubled R_a - m (m + 1). Doubled U values are
  // integers: compare them with a half-unit of slack.
  const double offset = static_cast<double>(m * (m + 1));
  double all = 0.0, below = 0.0, above = 0.0;
  for (std::size_t s = 0; s < stride; ++s) {
    const double w = ways[m * stride + s];
    if (w == 0.0) continue;
    all += w;
    const double doubled_u = static_cast<double>(s) - offset;
    if (doubled_u <= 2.0 * u + 0.5) below += w;
    if (doubled_u >= 2.0 * u - 0.5) above += w;
  }
  return {below / all, above / all};
}

double median_in_place(std::vector<double>& xs) {
  const std::size_t n = xs.size();
  const auto middle = xs.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(xs.begin(), middle, xs.end());
  const double upper = *middle;
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(xs.begin(), middle);
  return (lower + upper) / 2.0;
}

}  // namespace

std::optional<MannWhitneyResult> mann_whitney_u_test(std::span<const double> a,
                                                     std::span<const double> b) {
  if (a.empty() || b.empty()) return std::nullopt;
  const double n_a = static_cast<double>(a.size());
  const double n_b = static_cast<double>(b.size());
  const RankSums sums = rank_sums(a, b);

  MannWhitneyResult result;
  result.u_a = sums.rank_sum_a - n_a * (n_a + 1.0) / 2.0;
  result.has_ties = sums.has_ties;
  const double u_b = n_a * n_b - result.u_a;

  if (!sums.has_ties && a.size() <= kExactUTestMaxSize && b.size() <= kExactUTestMaxSize) {
    result.method = UTestMethod::kExact;
    // Without ties U is an integer; the distribution is symmetric about n_a n_b / 2, so the
    // two-sided p-value is twice the lower tail at the smaller U.
    const auto u_min = static_cast<std::size_t>(std::llround(std::min(result.u_a, u_b)));
    result.p_value = std::min(1.0, 2.0 * exact_u_cdf(a.size(), b.size(), u_min));
    return result;
  }

  if (sums.has_ties && a.size() <= kExactTiedUTestMaxSize && b.size() <= kExactTiedUTestMaxSize) {
    result.method = UTestMethod::kExactWithTies;
    if (sums.group_sizes.size() == 1 || result.u_a == u_b) {
      result.p_value = 1.0;  // every value equal, or U exactly at its center
      return result;
    }
    // Twice the smaller tail at the observed U. benchstat takes the lower tail at
    // min(u_a, u_b) instead, which is the same only when the distribution is symmetric:
    // with ties it can then report p = 0 for a complete separation.
    const Tails tails = exact_tied_u_tails(a.size(), b.size(), sums.group_sizes, result.u_a);
    result.p_value = std::min(1.0, 2.0 * std::min(tails.lower, tails.upper));
    return result;
  }

  result.method = UTestMethod::kNormalApproximation;
  const double n = n_a + n_b;
  const double variance = n_a * n_b / 12.0 * ((n + 1.0) - sums.tie_term / (n * (n - 1.0)));
  if (!(variance > 0.0)) {
    result.p_value = 1.0;  // every value tied: no evidence either way
    return result;
  }
  const double z = (std::max(result.u_a, u_b) - n_a * n_b / 2.0 - 0.5) / std::sqrt(variance);
  // 2 * (1 - Φ(z)) = erfc(z / √2), computed without the cancellation of 1 - Φ.
  result.p_value = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
  return result;
}

double mann_whitney_min_p_value(std::size_t n_a, std::size_t n_b) {
  if (n_a == 0 || n_b == 0) return 1.0;
  const double log_choose = std::lgamma(static_cast<double>(n_a + n_b) + 1.0) -
                            std::lgamma(static_cast<double>(n_a) + 1.0) -
                            std::lgamma(static_cast<double>(n_b) + 1.0);
  return std::min(1.0, 2.0 * std::exp(-log_choose));
}

std::optional<ConfidenceInterval> bootstrap_median_ratio_interval(std::span<const double> reference,
                                                                  std::span<const double> candidate,
                                                                  std::size_t resamples,
                                                                  double confidence,
                                                                  std::uint64_t seed) {
  if (resamples == 0) {
    throw std::invalid_argument("bootstrap_median_ratio_interval: REQUIRES resamples >= 1");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("bootstrap_median_ratio_interval: REQUIRES 0 < confidence < 1");
  }
  if (reference.empty() || candidate.empty()) return std::nullopt;
  if (std::any_of(reference.begin(), reference.end(), [](double x) { return !(x > 0.0); })) {
    return std::nullopt;
  }
  SeededRng rng(seed);
  std::vector<double> ratios;
  ratios.reserve(resamples);
  std::vector<double> scratch;
  for (std::size_t r = 0; r < resamples; ++r) {
    // Reference first, then candidate: the order of draws is part of the reproducible
    // result, so it must not change.
    const double ref = resampled_median(reference, rng, scratch);
    const double cand = resampled_median(candidate, rng, scratch);
    ratios.push_back(cand / ref);
  }
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1.0 - confidence) / 2.0;
  return ConfidenceInterval{quantile_of_sorted(ratios, tail),
                            quantile_of_sorted(ratios, 1.0 - tail), confidence};
}

double resampled_median(std::span<const double> xs, SeededRng& rng, std::vector<double>& scratch) {
  if (xs.empty()) throw std::invalid_argument("resampled_median: REQUIRES a non-empty sample");
  scratch.resize(xs.size());
  for (double& x : scratch) x = xs[rng.uniform_index(xs.size())];
  return median_in_place(scratch);
}

std::vector<double> bootstrap_geomeans(std::size_t groups, std::size_t resamples,
                                       std::uint64_t seed, const ResampledLogRatio& log_ratio) {
  std::vector<double> geomeans;
  if (groups == 0) return geomeans;
  const double n = static_cast<double>(groups);
  SeededRng rng(seed);
  geomeans.reserve(resamples);
  for (std::size_t r = 0; r < resamples; ++r) {
    double log_sum = 0;
    bool kept = true;
    for (std::size_t g = 0; g < groups && kept; ++g) {
      const std::optional<double> l = log_ratio(g, rng);
      kept = l.has_value();
      if (kept) log_sum += *l;
    }
    if (kept) geomeans.push_back(std::exp(log_sum / n));
  }
  std::sort(geomeans.begin(), geomeans.end());
  return geomeans;
}

std::vector<double> bootstrap_geomean_of_ratios(
    const std::vector<std::vector<std::span<const double>>>& groups, const MedianRatio& ratio,
    std::size_t resamples, std::uint64_t seed) {
  std::vector<double> scratch, medians;
  return bootstrap_geomeans(
      groups.size(), resamples, seed, [&](std::size_t g, SeededRng& rng) -> std::optional<double> {
        medians.clear();
        for (std::span<const double> xs : groups[g]) {
          medians.push_back(resampled_median(xs, rng, scratch));
        }
        if (std::any_of(medians.begin(), medians.end(), [](double m) { return m <= 0; })) {
          return std::nullopt;
        }
        return std::log(ratio(medians));
      });
}

RelativeSpeed relative_speed(double mean, std::optional<double> stddev, double reference_mean,
                             std::optional<double> reference_stddev) {
  if (!(mean > 0.0 && reference_mean > 0.0)) {
    throw std::invalid_argument("relative_speed: REQUIRES positive means");
  }
  RelativeSpeed speed;
  speed.ratio = mean / reference_mean;
  if (stddev && reference_stddev) {
    const double rel = *stddev / mean;
    const double ref_rel = *reference_stddev / reference_mean;
    speed.stddev = speed.ratio * std::sqrt(rel * rel + ref_rel * ref_rel);
  }
  return speed;
}

std::string_view to_string(UTestMethod method) {
  switch (method) {
    case UTestMethod::kExact:
      return "exact";
    case UTestMethod::kExactWithTies:
      return "exact with ties";
    case UTestMethod::kNormalApproximation:
      return "normal approximation";
  }
  return "unknown";
}

std::string_view to_string(ComparisonMethod method) {
  switch (method) {
    case ComparisonMethod::kUTest:
      return "u-test";
    case ComparisonMethod::kCountSpread:
      return "count-spread";
    case ComparisonMethod::kPairedSignedRank:
      return "paired-signed-rank";
  }
  return "unknown";
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "faster";
    case Verdict::kSlower:
      return "slower";
    case Verdict::kNoSignificantDifference:
      return "no significant difference";
    case Verdict::kNotEnoughData:
      return "not enough data";
  }
  return "unknown";
}

SampleComparison compare_samples(std::span<const double> reference,
                                 std::span<const double> candidate,
                                 const ComparisonOptions& options) {
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw std::invalid_argument("compare_samples: REQUIRES 0 < alpha < 1");
  }
  SampleComparison c;
  c.alpha = options.alpha;
  c.reference_count = reference.size();
  c.candidate_count = candidate.size();
  if (!reference.empty()) c.reference_median = median(reference);
  if (!candidate.empty()) c.candidate_median = median(candidate);
  if (c.reference_median && c.candidate_median && *c.reference_median > 0.0) {
    c.median_ratio = *c.candidate_median / *c.reference_median;
  }
  c.median_ratio_interval = bootstrap_median_ratio_interval(
      reference, candidate, options.bootstrap_resamples, options.confidence, options.seed);
  if (!reference.empty() && !candidate.empty()) {
    const double ref_mean = mean(reference);
    const double cand_mean = mean(candidate);
    if (ref_mean > 0.0 && cand_mean > 0.0) {
      c.mean_ratio =
          relative_speed(cand_mean, sample_stddev(candidate), ref_mean, sample_stddev(reference));
    }
  }
  c.u_test = mann_whitney_u_test(reference, candidate);
  if (c.u_test) c.p_value = c.u_test->p_value;

  if (mann_whitney_min_p_value(reference.size(), candidate.size()) >= options.alpha) {
    c.verdict = Verdict::kNotEnoughData;
  } else if (!(*c.p_value < options.alpha)) {
    c.verdict = Verdict::kNoSignificantDifference;
  } else {
    // u_test->u_a is the reference's U; the candidate's is its complement.
    const double pairs = static_cast<double>(reference.size() * candidate.size());
    const double u_candidate = pairs - c.u_test->u_a;
    c.verdict = u_candidate < pairs / 2.0 ? Verdict::kFaster : Verdict::kSlower;
  }
  return c;
}

SampleComparison compare_samples(std::span<const double> reference,
                                 std::span<const double> candidate, double alpha,
                                 std::uint64_t seed) {
  ComparisonOptions options;
  options.alpha = alpha;
  options.seed = seed;
  return compare_samples(reference, candidate, options);
}

std::optional<Verdict> verdict_from_string(std::string_view word) {
  for (Verdict v : {Verdict::kFaster, Verdict::kSlower, Verdict::kNoSignificantDifference,
                    Verdict::kNotEnoughData}) {
    if (word == to_string(v)) return v;
  }
  return std::nullopt;
}

std::optional<ComparisonMethod> comparison_method_from_string(std::string_view word) {
  for (ComparisonMethod m : {ComparisonMethod::kUTest, ComparisonMethod::kCountSpread,
                             ComparisonMethod::kPairedSignedRank}) {
    if (word == to_string(m)) return m;
  }
  return std::nullopt;
}

}  // namespace pgo::harness
