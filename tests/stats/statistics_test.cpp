// Guards against wrong summaries of one sample: a mean, median, quantile, outlier flag or
// median interval that is off (or crashes) for n = 0, 1, 2, ties or all-equal values would
// silently mislead every comparison and adaptive stop built on it.
// Expected values are hand-computed (shown inline) or from NumPy/SciPy 1.17
// (numpy.quantile, numpy.std(ddof=1), scipy.stats.binom.cdf) where stated.
#include "stats/statistics.h"

#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace h = pgo::harness;

TEST_CASE("empty samples: plain statistics throw, optional ones are nullopt", "[statistics]") {
  const std::vector<double> none;
  CHECK_THROWS_AS(h::mean(none), std::invalid_argument);
  CHECK_THROWS_AS(h::median(none), std::invalid_argument);
  CHECK_THROWS_AS(h::min(none), std::invalid_argument);
  CHECK_THROWS_AS(h::max(none), std::invalid_argument);
  CHECK_THROWS_AS(h::quantile(none, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(h::summarize(none), std::invalid_argument);
  CHECK_THROWS_AS(h::modified_z_scores(none), std::invalid_argument);
  CHECK_FALSE(h::sample_stddev(none).has_value());
  CHECK_FALSE(h::median_confidence_interval(none).has_value());
  CHECK_FALSE(h::median_relative_half_width(none).has_value());
  CHECK_FALSE(h::precision_reached(none, 1.0));
  const h::OutlierReport report = h::detect_outliers(none);
  CHECK(report.outlier_count == 0);
  CHECK_FALSE(report.slow_first_run);
}

TEST_CASE("one value: every location statistic is that value, no spread", "[statistics]") {
  const std::vector<double> one = {0.25};
  const h::SampleSummary s = h::summarize(one);
  CHECK(s.count == 1);
  CHECK(s.mean == 0.25);
  CHECK(s.median == 0.25);
  CHECK(s.min == 0.25);
  CHECK(s.max == 0.25);
  CHECK_FALSE(s.stddev.has_value());  // hyperfine exports null here
  CHECK(h::quantile(one, 0.0) == 0.25);
  CHECK(h::quantile(one, 0.7) == 0.25);
  CHECK(h::quantile(one, 1.0) == 0.25);
  CHECK(h::modified_z_scores(one) == std::vector<double>{0.0});
  CHECK_FALSE(h::median_confidence_interval(one).has_value());
}

TEST_CASE("two values: median is their mean, stddev |a-b|/sqrt(2)", "[statistics]") {
  const std::vector<double> two = {3.0, 1.0};
  const h::SampleSummary s = h::summarize(two);
  CHECK(s.mean == 2.0);
  CHECK(s.median == 2.0);
  CHECK(s.min == 1.0);
  CHECK(s.max == 3.0);
  REQUIRE(s.stddev.has_value());
  CHECK(*s.stddev == Approx(2.0 / std::sqrt(2.0)));
}

TEST_CASE("known mean, stddev, median and quantiles", "[statistics]") {
  // numpy.std([2,4,4,4,5,5,7,9], ddof=1) = 2.138089935299395; by hand sqrt(32/7).
  const std::vector<double> xs = {2, 4, 4, 4, 5, 5, 7, 9};
  CHECK(h::mean(xs) == 5.0);
  CHECK(*h::sample_stddev(xs) == Approx(2.138089935299395).epsilon(1e-14));
  CHECK(h::median(xs) == 4.5);
  // numpy.quantile([1,2,3,4], 0.25) = 1.75; numpy.quantile([10,20,30,40,50], 0.9) = 46.0.
  CHECK(h::quantile(std::vector<double>{4, 3, 2, 1}, 0.25) == Approx(1.75));
  CHECK(h::quantile(std::vector<double>{50, 10, 40, 20, 30}, 0.9) == Approx(46.0));
  CHECK(h::quantile(std::vector<double>{3, 1, 2}, 0.5) == 2.0);
  CHECK(h::quantile(xs, 0.0) == 2.0);
  CHECK(h::quantile(xs, 1.0) == 9.0);
  CHECK(h::quantile(xs, 0.5) == Approx(h::median(xs)));
  CHECK_THROWS_AS(h::quantile(xs, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(h::quantile(xs, -0.1), std::invalid_argument);
}

TEST_CASE("large offsets do not destroy the standard deviation", "[statistics]") {
  // Timings in nanoseconds since an epoch: a one-pass sum of squares would lose all digits.
  const std::vector<double> xs = {1e9 + 1, 1e9 + 2, 1e9 + 3};
  CHECK(*h::sample_stddev(xs) == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("ties and all-equal samples", "[statistics]") {
  const std::vector<double> same = {7, 7, 7, 7, 7, 7, 7};
  const h::SampleSummary s = h::summarize(same);
  CHECK(*s.stddev == 0.0);
  CHECK(s.median == 7.0);
  // MAD 0 becomes DBL_EPSILON (hyperfine), every score 0: no outliers.
  for (double z : h::modified_z_scores(same)) CHECK(z == 0.0);
  CHECK(h::detect_outliers(same).outlier_count == 0);
  const auto ci = h::median_confidence_interval(same);
  REQUIRE(ci.has_value());
  CHECK(ci->lower == 7.0);
  CHECK(ci->upper == 7.0);
  CHECK(*h::median_relative_half_width(same) == 0.0);
  CHECK(h::precision_reached(same, 0.0));
  // Mostly tied: MAD 0, so the odd value gets score 1/DBL_EPSILON, as in hyperfine.
  const std::vector<double> mostly = {1, 1, 1, 2};
  const std::vector<double> z = h::modified_z_scores(mostly);
  CHECK(z[3] == Approx(1.0 / DBL_EPSILON));
  CHECK(h::detect_outliers(mostly).outlier_count == 1);
}

TEST_CASE("modified z-scores and hyperfine's outlier warnings", "[statistics]") {
  // Sorted 1.0 1.0 1.1 1.1 1.2 5.0: median 1.1, |deviations| 0 0 .1 .1 .1 3.9, MAD 0.1.
  const std::vector<double> xs = {1.0, 1.1, 1.2, 1.0, 1.1, 5.0};
  const std::vector<double> z = h::modified_z_scores(xs);
  REQUIRE(z.size() == 6);
  CHECK(z[0] == Approx(-1.0));
  CHECK(z[2] == Approx(1.0));
  CHECK(z[5] == Approx(39.0));
  CHECK(h::kOutlierThreshold == Approx(14.826));
  h::OutlierReport report = h::detect_outliers(xs);
  CHECK(report.outlier_count == 1);
  CHECK_FALSE(report.slow_first_run);

  // The same outlier as the first run: hyperfine's slow-first-run warning.
  const std::vector<double> slow_first = {5.0, 1.1, 1.2, 1.0, 1.1, 1.0};
  report = h::detect_outliers(slow_first);
  CHECK(report.outlier_count == 1);
  CHECK(report.slow_first_run);

  // A fast first run is an outlier but not a cold start. Median 1.05, MAD 0.05 -> -19.
  const std::vector<double> fast_first = {0.1, 1.0, 1.1, 1.0, 1.1, 1.2};
  CHECK(h::modified_z_scores(fast_first)[0] == Approx(-19.0));
  report = h::detect_outliers(fast_first);
  CHECK(report.outlier_count == 1);
  CHECK_FALSE(report.slow_first_run);

  // Just below the threshold is not an outlier: median 1, MAD 0.1, score 14.8 < 14.826.
  const std::vector<double> borderline = {0.9, 1.0, 1.0, 1.1, 2.48};
  CHECK(h::modified_z_scores(borderline)[4] == Approx(14.8));
  CHECK(h::detect_outliers(borderline).outlier_count == 0);
}

TEST_CASE("median confidence interval uses the binomial order statistics", "[statistics]") {
  // Values 1..n in scrambled order, so x_(k) == k.
  auto scrambled = [](std::size_t n) {
    std::vector<double> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<double>((i * 7919) % n + 1));
    return v;
  };
  // n = 5: [min, max] covers only 1 - 2/32 = 0.9375 < 0.95: not enough runs.
  CHECK_FALSE(h::median_confidence_interval(scrambled(5)).has_value());
  CHECK(h::min_runs_for_median_interval(0.95) == 6);
  // 1 - 2^(1-n) >= 0.99 first at n = 8.
  CHECK(h::min_runs_for_median_interval(0.99) == 8);
  CHECK_FALSE(h::median_confidence_interval(scrambled(7), 0.99).has_value());
  CHECK(h::median_confidence_interval(scrambled(8), 0.99).has_value());

  // k and coverage from scipy.stats.binom: largest k with 1 - 2*cdf(k-1, n, .5) >= .95.
  struct Case {
    std::size_t n, k;
    double coverage;
  };
  for (const Case& c : {Case{6, 1, 0.96875}, Case{10, 2, 0.978515625},
                        Case{20, 6, 0.9586105346679688}, Case{100, 40, 0.9647997997822951}}) {
    CAPTURE(c.n);
    const auto ci = h::median_confidence_interval(scrambled(c.n));
    REQUIRE(ci.has_value());
    CHECK(ci->lower == static_cast<double>(c.k));
    CHECK(ci->upper == static_cast<double>(c.n + 1 - c.k));
    CHECK(ci->confidence == Approx(c.coverage).epsilon(1e-12));
    CHECK(ci->contains(h::median(scrambled(c.n))));
  }
  // Large n must not overflow the binomial terms: the interval narrows around the median.
  const auto wide = h::median_confidence_interval(scrambled(5000));
  REQUIRE(wide.has_value());
  CHECK(wide->lower < 2500.5);
  CHECK(wide->upper > 2500.5);
  CHECK(wide->upper - wide->lower < 160);  // about 2 * 1.96 * sqrt(5000) / 2 = 139
  CHECK(wide->confidence >= 0.95);
  CHECK_THROWS_AS(h::median_confidence_interval(scrambled(10), 1.0), std::invalid_argument);
}

TEST_CASE("precision reached compares the relative half-width to the target", "[statistics]") {
  // Sorted 0.98 .. 1.03, n = 6: interval [0.98, 1.03], half-width 0.025, median 1.005.
  const std::vector<double> xs = {1.02, 0.98, 1.00, 1.01, 0.99, 1.03};
  const auto width = h::median_relative_half_width(xs);
  REQUIRE(width.has_value());
  CHECK(*width == Approx(0.025 / 1.005));
  CHECK(h::precision_reached(xs, 0.025));
  CHECK_FALSE(h::precision_reached(xs, 0.024));
  // Five runs: no interval yet, so never "reached", however tight they look.
  const std::vector<double> five = {1.0, 1.0, 1.0, 1.0, 1.0};
  CHECK_FALSE(h::precision_reached(five, 0.5));
  // A zero median with spread has no finite relative width.
  const std::vector<double> around_zero = {-1, -1, 0, 0, 0, 1, 1};
  CHECK(std::isinf(*h::median_relative_half_width(around_zero)));
  CHECK_THROWS_AS(h::precision_reached(xs, -0.1), std::invalid_argument);
}
