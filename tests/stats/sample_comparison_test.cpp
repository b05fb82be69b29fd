// Guards against a comparison that reports the wrong p-value, direction or interval: the
// verdict "faster / slower / no significant difference" is what users act on. U-test
// p-values are checked against scipy.stats.mannwhitneyu 1.17.1 (alternative="two-sided",
// use_continuity=True, method as named in each case); other values are hand-computed.
#include "stats/sample_comparison.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace h = pgo::harness;

namespace {

// The same rational sequences were generated in Python for scipy: no ties within or
// between the samples unless stated.
std::vector<double> sequence(std::size_t count, std::size_t step, std::size_t modulus,
                             double offset) {
  std::vector<double> v;
  for (std::size_t i = 0; i < count; ++i) {
    v.push_back(static_cast<double>((i * step) % modulus) + offset);
  }
  return v;
}

void check_u_test(const std::vector<double>& a, const std::vector<double>& b, h::UTestMethod method,
                  double u, double p) {
  const auto r = h::mann_whitney_u_test(a, b);
  REQUIRE(r.has_value());
  CHECK(r->method == method);
  CHECK(r->u_a == Approx(u));
  CHECK(r->p_value == Approx(p).epsilon(1e-9));
}

}  // namespace

TEST_CASE("U test: exact p-values for small samples without ties", "[comparison]") {
  using M = h::UTestMethod;
  // scipy method="exact" for each.
  check_u_test({1.1, 2.3, 0.7, 3.4, 1.9}, {2.8, 3.9, 4.2, 3.1, 2.5, 5.0}, M::kExact, 3.0,
               0.030303030303030304);
  check_u_test({1, 2}, {3}, M::kExact, 0.0, 0.6666666666666666);  // by hand: 2 * 1/3
  check_u_test({1, 4, 5, 8}, {2, 3, 6, 7}, M::kExact, 8.0, 1.0);
  check_u_test({1, 2, 3, 4}, {5, 6, 7, 8}, M::kExact, 0.0, 0.02857142857142857);  // 2/70
  check_u_test({5, 6, 7, 8}, {1, 2, 3, 4}, M::kExact, 16.0, 0.02857142857142857);
  check_u_test(sequence(20, 7, 23, 0.5), sequence(20, 5, 23, 2.25), M::kExact, 185.0,
               0.6980275512025765);
  check_u_test(sequence(20, 7, 23, 0.5), sequence(20, 5, 23, 6.25), M::kExact, 126.0,
               0.04595422986872423);
  check_u_test(sequence(12, 7, 23, 0.5), sequence(15, 5, 23, 4.25), M::kExact, 60.0,
               0.15229310406319427);
  // The cut-over size itself is still exact.
  check_u_test(sequence(50, 37, 101, 0.5), sequence(50, 53, 97, 3.25), M::kExact, 1302.0,
               0.7237194596703532);
}

TEST_CASE("U test: exact distribution given the ties for small tied samples", "[comparison]") {
  // Risk: quantized data (ns/op, allocs/op) gets a different verdict than benchstat's.
  // References: enumeration of every assignment of the sorted positions to the samples
  // (mid-ranks for ties); benchstat prints the same p-values (p=0.008, p=0.914).
  using M = h::UTestMethod;
  check_u_test({1, 2, 2, 3, 3, 3}, {2, 3, 4, 4, 5}, M::kExactWithTies, 5.5, 0.11255411255411256);
  const auto tied = h::mann_whitney_u_test(std::vector<double>{1, 2, 2, 3, 3, 3},
                                           std::vector<double>{2, 3, 4, 4, 5});
  CHECK(tied->has_ties);
  check_u_test({1000, 1010, 990, 1005, 1000}, {900, 910, 890, 900, 905}, M::kExactWithTies, 25.0,
               0.007936507936507936);
  check_u_test({500, 510, 505, 500}, {502, 508, 500, 507}, M::kExactWithTies, 7.0,
               0.9142857142857143);
  check_u_test({1, 1, 2, 2, 3}, {2, 3, 3, 4, 4, 4}, M::kExactWithTies, 3.0, 0.04329004329004329);
  // All values equal: no evidence of a difference.
  check_u_test({1, 1, 1}, {1, 1}, M::kExactWithTies, 3.0, 1.0);
  // Complete separation with an asymmetric tie pattern: the one arrangement of C(15, 4)
  // where b holds the 4 lowest positions, so p = 2 / 1365. (benchstat takes the lower tail
  // at min(u_a, u_b) here, a tail that has no mass, and prints no p-value: p = 0.)
  check_u_test({3151, 3149, 3148, 3155, 3153, 3156, 3154, 3154, 3154, 3155, 3150},
               {3056, 3057, 3057, 3050}, M::kExactWithTies, 44.0, 2.0 / 1365.0);
}

TEST_CASE("U test: normal approximation for large tied or untied samples", "[comparison]") {
  using M = h::UTestMethod;
  // Above the cut-over (60 > 50), scipy method="asymptotic".
  check_u_test(sequence(60, 37, 101, 0.5), sequence(55, 53, 97, 0.25), M::kNormalApproximation,
               1767.0, 0.514223929588002);
  // Ties and more than 25 values per side: tie and continuity corrections (the formula of
  // scipy method="asymptotic", computed by hand in Python).
  std::vector<double> a, b;
  for (int i = 0; i < 30; ++i) a.push_back(static_cast<double>((i * 7) % 9));
  for (int i = 0; i < 26; ++i) b.push_back(static_cast<double>((i * 5) % 11));
  check_u_test(a, b, M::kNormalApproximation, 325.5, 0.29067675276660077);
  // Empty side: no test.
  CHECK_FALSE(h::mann_whitney_u_test(std::vector<double>{}, std::vector<double>{1.0}));
  CHECK_FALSE(h::mann_whitney_u_test(std::vector<double>{1.0}, std::vector<double>{}));
}

TEST_CASE("U test: smallest achievable p-value", "[comparison]") {
  CHECK(h::mann_whitney_min_p_value(4, 4) == Approx(2.0 / 70));  // < 0.05: testable
  CHECK(h::mann_whitney_min_p_value(3, 4) == Approx(2.0 / 35));  // > 0.05
  CHECK(h::mann_whitney_min_p_value(3, 3) == Approx(0.1));
  CHECK(h::mann_whitney_min_p_value(1, 1) == 1.0);  // 2 / 2
  CHECK(h::mann_whitney_min_p_value(0, 10) == 1.0);
}

TEST_CASE("bootstrap interval of the median ratio", "[comparison]") {
  const std::vector<double> ref = {1.00, 1.02, 0.99, 1.01, 1.03, 0.98, 1.00, 1.01, 0.99, 1.02};
  const std::vector<double> cand = {0.90, 0.92, 0.91, 0.89, 0.93, 0.90, 0.91, 0.92, 0.88, 0.90};
  const auto a = h::bootstrap_median_ratio_interval(ref, cand, 1000, 0.95, 7);
  const auto b = h::bootstrap_median_ratio_interval(ref, cand, 1000, 0.95, 7);
  REQUIRE(a.has_value());
  // Same seed, same interval, bit for bit.
  CHECK(a->lower == b->lower);
  CHECK(a->upper == b->upper);
  CHECK(a->confidence == 0.95);
  // Resampled medians lie between the samples' extremes: 0.88/1.03 .. 0.93/0.98, and the
  // interval covers the observed ratio 0.905 / 1.005.
  CHECK(a->lower >= 0.88 / 1.03);
  CHECK(a->upper <= 0.93 / 0.98);
  CHECK(a->lower < a->upper);
  CHECK(a->contains(0.905 / 1.005));
  CHECK(a->upper < 1.0);
  // A different seed gives a (slightly) different interval.
  const auto c = h::bootstrap_median_ratio_interval(ref, cand, 1000, 0.95, 8);
  CHECK((c->lower != a->lower || c->upper != a->upper));
  // A wider confidence never gives a narrower interval with the same draws.
  const auto wide = h::bootstrap_median_ratio_interval(ref, cand, 1000, 0.99, 7);
  CHECK(wide->lower <= a->lower);
  CHECK(wide->upper >= a->upper);
}

TEST_CASE("bootstrap interval edge cases", "[comparison]") {
  const std::vector<double> none;
  const std::vector<double> twos = {2, 2, 2};
  const std::vector<double> ones = {1, 1, 1, 1};
  CHECK_FALSE(h::bootstrap_median_ratio_interval(none, twos));
  CHECK_FALSE(h::bootstrap_median_ratio_interval(twos, none));
  // Constant samples: every resample has the same ratio.
  auto ci = h::bootstrap_median_ratio_interval(ones, twos);
  REQUIRE(ci.has_value());
  CHECK(ci->lower == 2.0);
  CHECK(ci->upper == 2.0);
  // n = 1 on both sides: a single point.
  ci = h::bootstrap_median_ratio_interval(std::vector<double>{4.0}, std::vector<double>{3.0});
  CHECK(ci->lower == 0.75);
  CHECK(ci->upper == 0.75);
  // A non-positive reference value could make a resampled ratio undefined.
  CHECK_FALSE(h::bootstrap_median_ratio_interval(std::vector<double>{1.0, 0.0}, twos));
  CHECK_THROWS_AS(h::bootstrap_median_ratio_interval(ones, twos, 0), std::invalid_argument);
  CHECK_THROWS_AS(h::bootstrap_median_ratio_interval(ones, twos, 10, 1.0), std::invalid_argument);
}

TEST_CASE("hyperfine's relative speed with error propagation", "[comparison]") {
  // ratio 2.0 / 1.0 = 2; sigma = 2 * sqrt((0.2/2)^2 + (0.05/1)^2) = 2 * sqrt(0.0125).
  const h::RelativeSpeed s = h::relative_speed(2.0, 0.2, 1.0, 0.05);
  CHECK(s.ratio == 2.0);
  REQUIRE(s.stddev.has_value());
  CHECK(*s.stddev == Approx(0.22360679774997896));
  // Without a stddev on either side (a single run) there is no sigma.
  CHECK_FALSE(h::relative_speed(2.0, std::nullopt, 1.0, 0.05).stddev);
  CHECK_FALSE(h::relative_speed(2.0, 0.2, 1.0, std::nullopt).stddev);
  CHECK_THROWS_AS(h::relative_speed(0.0, 0.1, 1.0, 0.1), std::invalid_argument);
}

TEST_CASE("compare_samples: verdicts and their direction", "[comparison]") {
  const std::vector<double> ref = {1.00, 1.02, 0.99, 1.01, 1.03, 0.98, 1.00, 1.01, 0.99, 1.02};
  const std::vector<double> fast = {0.90, 0.92, 0.91, 0.89, 0.93, 0.90, 0.91, 0.92, 0.88, 0.90};
  const std::vector<double> slow = {1.10, 1.12, 1.11, 1.09, 1.13, 1.10, 1.11, 1.12, 1.08, 1.10};

  const h::SampleComparison f = h::compare_samples(ref, fast, 0.05, 1);
  CHECK(f.verdict == h::Verdict::kFaster);
  CHECK(f.reference_count == 10);
  CHECK(f.candidate_count == 10);
  CHECK(*f.reference_median == Approx(1.005));
  CHECK(*f.candidate_median == Approx(0.905));
  CHECK(*f.median_ratio == Approx(0.905 / 1.005));
  REQUIRE(f.median_ratio_interval.has_value());
  CHECK(f.median_ratio_interval->upper < 1.0);
  // Complete separation, 10 vs 10, with ties within samples: exact given the ties, the one
  // arrangement of C(20, 10) on each side.
  REQUIRE(f.p_value.has_value());
  CHECK(*f.p_value == Approx(2.0 / 184756.0).epsilon(1e-9));
  CHECK(f.u_test->u_a == 100.0);  // every reference value above every candidate value
  REQUIRE(f.mean_ratio.has_value());
  CHECK(f.mean_ratio->ratio == Approx(h::mean(fast) / h::mean(ref)));
  CHECK(f.alpha == 0.05);

  const h::SampleComparison s = h::compare_samples(ref, slow, 0.05, 1);
  CHECK(s.verdict == h::Verdict::kSlower);
  CHECK(*s.median_ratio > 1.0);

  // A sample against itself is never a difference.
  const h::SampleComparison same = h::compare_samples(ref, ref, 0.05, 1);
  CHECK(same.verdict == h::Verdict::kNoSignificantDifference);
  CHECK(*same.p_value == Approx(1.0));
  CHECK(*same.median_ratio == 1.0);

  // Interleaved values: not significant (scipy exact p = 1.0 above).
  const h::SampleComparison mixed =
      h::compare_samples(std::vector<double>{1, 4, 5, 8}, std::vector<double>{2, 3, 6, 7});
  CHECK(mixed.verdict == h::Verdict::kNoSignificantDifference);

  // The stricter alpha turns a p of 0.0286 (4 vs 4, separated) into no difference.
  const std::vector<double> low = {1, 2, 3, 4}, high = {5, 6, 7, 8};
  CHECK(h::compare_samples(high, low, 0.05, 1).verdict == h::Verdict::kFaster);
  CHECK(h::compare_samples(high, low, 0.01, 1).verdict == h::Verdict::kNotEnoughData);
  CHECK(h::compare_samples(low, high, 0.05, 1).verdict == h::Verdict::kSlower);
}

TEST_CASE("compare_samples: the direction follows U even when medians are equal", "[comparison]") {
  // Equal medians (3.0) but the candidate is below the reference in every other position:
  // the direction must come from the test, not from the (uninformative) median ratio.
  const std::vector<double> ref = {2.9, 3.0, 3.0, 3.0, 3.0, 3.2, 3.3, 3.4, 3.5};
  const std::vector<double> cand = {2.1, 2.2, 2.3, 2.4, 3.0, 3.0, 3.0, 3.0, 3.0};
  const h::SampleComparison c = h::compare_samples(ref, cand, 0.05, 1);
  CHECK(*c.median_ratio == 1.0);
  // Exact given the ties (enumeration of all C(18, 9) assignments): U = 66,
  // p = 0.013821472645002057 (scipy's asymptotic value was 0.0184).
  CHECK(c.u_test->u_a == 66.0);
  CHECK(*c.p_value == Approx(0.013821472645002057).epsilon(1e-9));
  CHECK(c.verdict == h::Verdict::kFaster);
}

TEST_CASE("compare_samples: not enough data", "[comparison]") {
  const std::vector<double> none;
  const std::vector<double> three_a = {1.0, 1.1, 1.2}, three_b = {2.0, 2.1, 2.2};
  // 3 vs 3 can reach p = 0.1 at best.
  const h::SampleComparison c = h::compare_samples(three_a, three_b);
  CHECK(c.verdict == h::Verdict::kNotEnoughData);
  CHECK(*c.p_value == Approx(0.1));
  CHECK(c.median_ratio.has_value());  // the size of the change is still reported

  const h::SampleComparison e = h::compare_samples(none, three_b);
  CHECK(e.verdict == h::Verdict::kNotEnoughData);
  CHECK_FALSE(e.reference_median.has_value());
  CHECK(*e.candidate_median == Approx(2.1));
  CHECK_FALSE(e.median_ratio.has_value());
  CHECK_FALSE(e.median_ratio_interval.has_value());
  CHECK_FALSE(e.p_value.has_value());
  CHECK_FALSE(e.mean_ratio.has_value());

  // One run each: no stddev, so hyperfine's ratio has no sigma.
  const h::SampleComparison one =
      h::compare_samples(std::vector<double>{2.0}, std::vector<double>{1.0});
  CHECK(one.verdict == h::Verdict::kNotEnoughData);
  CHECK(one.mean_ratio->ratio == 0.5);
  CHECK_FALSE(one.mean_ratio->stddev.has_value());

  CHECK_THROWS_AS(h::compare_samples(three_a, three_b, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(h::compare_samples(three_a, three_b, 1.0), std::invalid_argument);
}

TEST_CASE("compare_samples: options are honoured and reproducible", "[comparison]") {
  const std::vector<double> ref = {1.00, 1.02, 0.99, 1.01, 1.03, 0.98, 1.00, 1.01, 0.99, 1.02};
  const std::vector<double> cand = {0.99, 1.03, 0.98, 1.00, 1.02, 0.97, 1.01, 1.00, 0.98, 1.01};
  h::ComparisonOptions options;
  options.seed = 12345;
  options.bootstrap_resamples = 200;
  options.confidence = 0.9;
  const h::SampleComparison a = h::compare_samples(ref, cand, options);
  const h::SampleComparison b = h::compare_samples(ref, cand, options);
  CHECK(a.median_ratio_interval->lower == b.median_ratio_interval->lower);
  CHECK(a.median_ratio_interval->upper == b.median_ratio_interval->upper);
  CHECK(a.median_ratio_interval->confidence == 0.9);
  const auto direct = h::bootstrap_median_ratio_interval(ref, cand, 200, 0.9, 12345);
  CHECK(a.median_ratio_interval->lower == direct->lower);
  CHECK(a.median_ratio_interval->upper == direct->upper);
}

TEST_CASE("verdict and method names", "[comparison]") {
  CHECK(h::to_string(h::Verdict::kFaster) == "faster");
  CHECK(h::to_string(h::Verdict::kSlower) == "slower");
  CHECK(h::to_string(h::Verdict::kNoSignificantDifference) == "no significant difference");
  CHECK(h::to_string(h::Verdict::kNotEnoughData) == "not enough data");
  CHECK(h::to_string(h::UTestMethod::kExact) == "exact");
  CHECK(h::to_string(h::UTestMethod::kExactWithTies) == "exact with ties");
  CHECK(h::to_string(h::UTestMethod::kNormalApproximation) == "normal approximation");
}
