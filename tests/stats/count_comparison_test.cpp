// Risk guarded against: a counting comparison that calls run-to-run jitter a speedup, one
// that misses a real 1% change with three runs per side (what the rank test does), a
// non-deterministic metric passed off as exact, and a rule whose false-alarm rate at the
// measured spread is not what the documentation says.
#include "stats/count_comparison.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "stats/random.h"

namespace h = pgo::harness;

TEST_CASE("relative spread of a sample", "[count_comparison]") {
  CHECK_FALSE(h::relative_spread(std::vector<double>{}));
  CHECK(*h::relative_spread(std::vector<double>{5}) == 0);
  CHECK(*h::relative_spread(std::vector<double>{100, 101, 100.5}) == Approx(0.01));
  CHECK_FALSE(h::relative_spread(std::vector<double>{0, 1}));
}

TEST_CASE("a 1% change in near-exact counts is significant with 2 runs per side",
          "[count_comparison]") {
  const std::vector<double> v0 = {1.000e9, 1.0001e9};
  const std::vector<double> faster = {0.990e9, 0.9901e9};
  h::SampleComparison c = h::compare_counts(v0, faster, h::CountRule{});
  CHECK(c.method == h::ComparisonMethod::kCountSpread);
  CHECK(c.verdict == h::Verdict::kFaster);
  CHECK_FALSE(c.p_value);
  CHECK(*c.median_ratio == Approx(0.99));
  CHECK(*c.spread == Approx(0.0001).epsilon(0.02));
  REQUIRE(c.median_ratio_interval);
  CHECK(c.median_ratio_interval->lower < 0.99);
  CHECK(c.median_ratio_interval->upper > 0.99);
  CHECK(c.median_ratio_interval->upper < 1);
  CHECK(h::compare_counts(faster, v0, h::CountRule{}).verdict == h::Verdict::kSlower);
  // The rank test cannot say anything with so few runs.
  CHECK(h::compare_samples(v0, faster).verdict == h::Verdict::kNotEnoughData);
}

TEST_CASE("the practical floor and the spread multiple both bound what is significant",
          "[count_comparison]") {
  const std::vector<double> v0 = {1e9, 1e9};
  // 0.3% with zero spread: below the 0.5% floor.
  CHECK(h::compare_counts(v0, std::vector<double>{0.997e9, 0.997e9}, h::CountRule{}).verdict ==
        h::Verdict::kNoSignificantDifference);
  h::CountRule no_floor;
  no_floor.min_effect = 0;
  CHECK(h::compare_counts(v0, std::vector<double>{0.997e9, 0.997e9}, no_floor).verdict ==
        h::Verdict::kFaster);
  // 2% change but runs that disagree by 1%: 3 x 1% > 2%, not significant.
  CHECK(h::compare_counts(std::vector<double>{1e9, 1.01e9}, std::vector<double>{0.98e9, 0.985e9},
                          h::CountRule{})
            .verdict == h::Verdict::kNoSignificantDifference);
}

TEST_CASE("one run per side is not enough data, empty samples neither", "[count_comparison]") {
  CHECK(h::compare_counts(std::vector<double>{1e9}, std::vector<double>{0.5e9}, h::CountRule{})
            .verdict == h::Verdict::kNotEnoughData);
  CHECK(
      h::compare_counts(std::vector<double>{}, std::vector<double>{1.0}, h::CountRule{}).verdict ==
      h::Verdict::kNotEnoughData);
  // One side with two runs measures the spread: enough.
  CHECK(h::compare_counts(std::vector<double>{1e9, 1e9}, std::vector<double>{0.9e9}, h::CountRule{})
            .verdict == h::Verdict::kFaster);
}

TEST_CASE("the rule's false alarms and power at the measured counting spread",
          "[count_comparison]") {
  // Simulation at the spread measured on ruleeval's instruction counts (sd 0.02% per run):
  // no false alarm in 2000 A/A comparisons of 2 runs per side, and a true 1% change found
  // every time.
  h::SeededRng rng(7);
  auto sample = [&](double level, int n) {
    std::vector<double> xs;
    for (int i = 0; i < n; ++i) xs.push_back(level * (1 + 0.0002 * rng.normal(0, 1)));
    return xs;
  };
  int false_alarms = 0, found = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<double> a = sample(1e9, 2), b = sample(1e9, 2), c = sample(0.99e9, 2);
    if (h::compare_counts(a, b, h::CountRule{}).verdict != h::Verdict::kNoSignificantDifference)
      ++false_alarms;
    if (h::compare_counts(a, c, h::CountRule{}).verdict == h::Verdict::kFaster) ++found;
  }
  CHECK(false_alarms == 0);
  CHECK(found == 2000);
}

TEST_CASE("determinism tolerance and the likely cause of disagreeing counts",
          "[count_comparison]") {
  h::CountRule rule;
  CHECK(h::is_deterministic(0.0005, rule));
  CHECK_FALSE(h::is_deterministic(0.002, rule));
  CHECK_THAT(h::nondeterminism_cause("4", "100"), Catch::Contains("GOMAXPROCS=4"));
  CHECK_THAT(h::nondeterminism_cause("", "off"), Catch::Contains("GOMAXPROCS=unset"));
  CHECK_THAT(h::nondeterminism_cause("1", "off"), Catch::Contains("the program itself varies"));
  CHECK(h::is_counting_metric_name("cycles_estimate"));
  CHECK(h::is_counting_metric_name("hw_instructions"));
  CHECK(h::is_counting_metric_name("hw_cycles"));
  CHECK_FALSE(h::is_counting_metric_name("cpu"));
}
