#include "stats/statistics.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace pgo::harness {
namespace {

void require_non_empty(std::span<const double> xs, const char* function) {
  if (xs.empty()) {
    throw std::invalid_argument(std::string(function) + ": REQUIRES a non-empty sample");
  }
}

void require_confidence(double confidence, const char* function) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument(std::string(function) + ": REQUIRES 0 < confidence < 1");
  }
}

std::vector<double> sorted_copy(std::span<const double> xs) {
  std::vector<double> sorted(xs.begin(), xs.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

double median_of_sorted(std::span<const double> sorted) {
  const std::size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
}

// P(Binomial(n, 1/2) = k), in log space so that n in the thousands neither overflows nor
// underflows before the terms matter.
double binomial_half_pmf(std::size_t n, std::size_t k) {
  const double log_choose = std::lgamma(static_cast<double>(n) + 1.0) -
                            std::lgamma(static_cast<double>(k) + 1.0) -
                            std::lgamma(static_cast<double>(n - k) + 1.0);
  return std::exp(log_choose - static_cast<double>(n) * std::log(2.0));
}

// Rounding in the binomial sums must not turn an exactly sufficient coverage into a miss.
constexpr double kCoverageSlack = 1e-12;

}  // namespace

double mean(std::span<const double> xs) {
  require_non_empty(xs, "mean");
  double sum = 0.0;
  for (double x : xs) sum += x;
  return sum / static_cast<double>(xs.size());
}

double median(std::span<const double> xs) {
  require_non_empty(xs, "median");
  const std::vector<double> sorted = sorted_copy(xs);
  return median_of_sorted(sorted);
}

double min(std::span<const double> xs) {
  require_non_empty(xs, "min");
  return *std::min_element(xs.begin(), xs.end());
}

double max(std::span<const double> xs) {
  require_non_empty(xs, "max");
  return *std::max_element(xs.begin(), xs.end());
}

std::optional<double> sample_stddev(std::span<const double> xs) {
  if (xs.size() < 2) return std::nullopt;
  // Two passes: summing squared deviations from the mean avoids the cancellation of the
  // sum-of-squares formula when the spread is tiny relative to the values (typical of
  // timings).
  const double m = mean(xs);
  double sum_squares = 0.0;
  for (double x : xs) sum_squares += (x - m) * (x - m);
  return std::sqrt(sum_squares / static_cast<double>(xs.size() - 1));
}

double quantile_of_sorted(std::span<const double> sorted, double q) {
  require_non_empty(sorted, "quantile");
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("quantile: REQUIRES 0 <= q <= 1");
  }
  const double h = q * static_cast<double>(sorted.size() - 1);
  const std::size_t lower = static_cast<std::size_t>(std::floor(h));
  if (lower + 1 >= sorted.size()) return sorted.back();
  return sorted[lower] + (h - static_cast<double>(lower)) * (sorted[lower + 1] - sorted[lower]);
}

double quantile(std::span<const double> xs, double q) {
  require_non_empty(xs, "quantile");
  const std::vector<double> sorted = sorted_copy(xs);
  return quantile_of_sorted(sorted, q);
}

SampleSummary summarize(std::span<const double> xs) {
  require_non_empty(xs, "summarize");
  const std::vector<double> sorted = sorted_copy(xs);
  SampleSummary s;
  s.count = xs.size();
  s.mean = mean(xs);
  s.stddev = sample_stddev(xs);
  s.median = median_of_sorted(sorted);
  s.min = sorted.front();
  s.max = sorted.back();
  return s;
}

std::vector<double> modified_z_scores(std::span<const double> xs) {
  require_non_empty(xs, "modified_z_scores");
  const double center = median(xs);
  std::vector<double> deviations;
  deviations.reserve(xs.size());
  for (double x : xs) deviations.push_back(std::abs(x - center));
  double mad = median(deviations);
  // Hyperfine's choice: with more than half the values equal, every other value becomes
  // a huge-score outlier instead of a division by zero.
  if (!(mad > 0.0)) mad = DBL_EPSILON;
  std::vector<double> scores;
  scores.reserve(xs.size());
  for (double x : xs) scores.push_back((x - center) / mad);
  return scores;
}

OutlierReport detect_outliers(std::span<const double> xs) {
  OutlierReport report;
  if (xs.empty()) return report;
  const std::vector<double> scores = modified_z_scores(xs);
  for (double score : scores) {
    if (std::abs(score) > kOutlierThreshold) ++report.outlier_count;
  }
  // Only a slow first run counts (a fast one is not a cold-cache symptom), as in hyperfine.
  report.slow_first_run = scores.front() > kOutlierThreshold;
  return report;
}

std::optional<ConfidenceInterval> median_confidence_interval(std::span<const double> xs,
                                                             double confidence) {
  require_confidence(confidence, "median_confidence_interval");
  const std::size_t n = xs.size();
  if (n == 0) return std::nullopt;
  // Coverage of [x_(k), x_(n+1-k)] is 1 - 2 * P(B <= k - 1); it shrinks as k grows, so walk
  // k up while the coverage still suffices and keep the last k that did.
  std::size_t best_k = 0;
  double best_coverage = 0.0;
  double cdf_below_k = binomial_half_pmf(n, 0);  // P(B <= k - 1) for k = 1
  for (std::size_t k = 1; 2 * k <= n + 1; ++k) {
    const double coverage = 1.0 - 2.0 * cdf_below_k;
    if (coverage < confidence - kCoverageSlack) break;
    best_k = k;
    best_coverage = coverage;
    cdf_below_k += binomial_half_pmf(n, k);
  }
  if (best_k == 0) return std::nullopt;
  const std::vector<double> sorted = sorted_copy(xs);
  return ConfidenceInterval{sorted[best_k - 1], sorted[n - best_k], best_coverage};
}

std::size_t min_runs_for_median_interval(double confidence) {
  require_confidence(confidence, "min_runs_for_median_interval");
  // [min, max] covers the median with probability 1 - 2^(1-n); find the first n for which
  // that reaches the confidence.
  std::size_t n = 1;
  while (1.0 - std::ldexp(1.0, 1 - static_cast<int>(n)) < confidence - kCoverageSlack) ++n;
  return n;
}

std::optional<double> median_relative_half_width(std::span<const double> xs, double confidence) {
  const std::optional<ConfidenceInterval> interval = median_confidence_interval(xs, confidence);
  if (!interval) return std::nullopt;
  const double half_width = (interval->upper - interval->lower) / 2.0;
  const double center = std::abs(median(xs));
  if (center == 0.0) {
    return half_width == 0.0 ? 0.0 : std::numeric_limits<double>::infinity();
  }
  return half_width / center;
}

bool precision_reached(std::span<const double> xs, double target, double confidence) {
  if (!(target >= 0.0)) throw std::invalid_argument("precision_reached: REQUIRES target >= 0");
  const std::optional<double> width = median_relative_half_width(xs, confidence);
  return width && *width <= target;
}

}  // namespace pgo::harness
