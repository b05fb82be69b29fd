// Statistics of one sample of timings: pure functions, no I/O, no global state.
//
// Summaries follow hyperfine (mean, sample standard deviation, median, min, max, the
// modified z-score outlier check); the confidence interval of the median follows benchstat
// (distribution-free, from order statistics and the binomial distribution).
//
//   std::vector<double> t = {1.02, 0.98, 1.00, 1.01, 0.99, 1.03};
//   pgo::harness::SampleSummary s = pgo::harness::summarize(t);   // s.median == 1.005
//   auto ci = pgo::harness::median_confidence_interval(t, 0.95);    // [0.98, 1.03], 96.9%
//   bool done = pgo::harness::precision_reached(t, 0.02);           // ±2% of the median?
//
// Edge cases, for every function below unless it says otherwise:
// - n = 0: functions returning a plain double REQUIRE a non-empty sample and throw
//   std::invalid_argument otherwise (a programming error: the harness never summarizes a
//   command that produced no runs). Functions returning std::optional return nullopt.
// - n = 1: mean = median = min = max = the value; the standard deviation is undefined
//   (nullopt), as in hyperfine's JSON (null); no confidence interval of the median.
// - n = 2: stddev = |a - b| / sqrt(2); median = (a + b) / 2.
// - All values equal: stddev 0, MAD 0 (hyperfine then divides by DBL_EPSILON, so no value
//   is an outlier), the median interval collapses to [x, x] once n is large enough.
// - Ties are harmless everywhere here (order statistics and medians accept them).
// NaN or infinite inputs are not checked for; they propagate as IEEE arithmetic does.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace pgo::harness {

// A two-sided confidence interval. `confidence` is the coverage actually achieved, which
// for order-statistic intervals is at least the coverage asked for (e.g. 0.969 for 95%
// with n = 6), and the requested level for bootstrap intervals.
struct ConfidenceInterval {
  double lower = 0.0;
  double upper = 0.0;
  double confidence = 0.0;

  bool contains(double x) const { return lower <= x && x <= upper; }
};

// REQUIRES (all four): !xs.empty().
double mean(std::span<const double> xs);
double median(std::span<const double> xs);  // mean of the two middle values when n is even
double min(std::span<const double> xs);
double max(std::span<const double> xs);

// Sample standard deviation (divisor n - 1). nullopt when n < 2.
std::optional<double> sample_stddev(std::span<const double> xs);

// The q-quantile with linear interpolation between order statistics (Hyndman-Fan type 7,
// the default of R and NumPy): quantile(xs, 0.5) == median(xs), quantile(xs, 0) == min,
// quantile(xs, 1) == max. REQUIRES: !xs.empty(), 0 <= q <= 1.
double quantile(std::span<const double> xs, double q);
// The same on input already sorted ascending (no copy). REQUIRES: as quantile, sorted.
double quantile_of_sorted(std::span<const double> sorted, double q);

// Everything hyperfine prints for one command. REQUIRES: !xs.empty().
struct SampleSummary {
  std::size_t count = 0;
  double mean = 0.0;
  std::optional<double> stddev;  // nullopt when count < 2
  double median = 0.0;
  double min = 0.0;
  double max = 0.0;
};
SampleSummary summarize(std::span<const double> xs);

// --- Outliers, exactly as hyperfine (src/outlier_detection.rs) ---------------------------

// Hyperfine's threshold on |modified z-score|: 1.4826 turns the MAD into an estimate of
// the standard deviation, 10 is the number of standard deviations.
inline constexpr double kOutlierThreshold = 1.4826 * 10.0;

// (x_i - median) / MAD for each x_i, in input order, with MAD = median(|x_i - median|).
// A MAD of 0 is replaced by DBL_EPSILON, as hyperfine does. REQUIRES: !xs.empty().
std::vector<double> modified_z_scores(std::span<const double> xs);

// Hyperfine's two warnings, from the scores above. Outliers are reported, never removed.
struct OutlierReport {
  std::size_t outlier_count = 0;  // values with |score| > kOutlierThreshold
  // The first run's score is above the threshold: hyperfine then suggests --warmup or
  // --prepare instead of the general outlier warning.
  bool slow_first_run = false;
};
// Empty input gives an empty report.
OutlierReport detect_outliers(std::span<const double> xs);

// --- Confidence interval of the median (benchstat's method) ------------------------------

// The interval [x_(k), x_(n+1-k)] between order statistics, with the largest k >= 1 whose
// coverage 1 - 2 * P(Binomial(n, 1/2) <= k - 1) is >= confidence. Distribution-free: it
// assumes only independent runs. nullopt when even [min, max] does not reach the
// confidence ("not enough runs": n < 6 for 95%, n < 8 for 99%).
// REQUIRES: 0 < confidence < 1.
std::optional<ConfidenceInterval> median_confidence_interval(std::span<const double> xs,
                                                             double confidence = 0.95);

// The smallest n for which median_confidence_interval gives an interval (6 for 0.95).
// REQUIRES: 0 < confidence < 1.
std::size_t min_runs_for_median_interval(double confidence = 0.95);

// --- Adaptive stopping -------------------------------------------------------------------

// Half the width of the median's confidence interval divided by |median|: 0.02 means the
// interval spans about ±2% of the median. nullopt when there is no interval yet (too few
// runs). +infinity when the median is 0 but the interval is not a single point.
std::optional<double> median_relative_half_width(std::span<const double> xs,
                                                 double confidence = 0.95);

// True when median_relative_half_width(xs, confidence) <= target (e.g. 0.02 for
// --target-precision 2). False while there are too few runs for an interval.
// REQUIRES: target >= 0.
bool precision_reached(std::span<const double> xs, double target, double confidence = 0.95);

}  // namespace pgo::harness
