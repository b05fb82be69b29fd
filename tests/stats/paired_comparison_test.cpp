// Guards against a paired comparison that reports the wrong p-value, estimate or interval,
// or pairs runs of different rounds. Expected values were computed once with scipy 1.17.1
// (scipy.stats.wilcoxon; method and zero_method as named per case) and, where scipy has no
// counterpart (exact test with ties, the Hodges-Lehmann interval), by brute-force
// enumeration of all 2^n sign patterns in Python; they are pinned here.
#include "stats/paired_comparison.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "stats/random.h"

namespace h = pgo::harness;

namespace {

// ((i * 37) mod 11 - 4) / 100 for i < 60: many ties, six zeros.
std::vector<double> quantized_differences() {
  std::vector<double> d;
  for (int i = 0; i < 60; ++i) d.push_back(static_cast<double>((i * 37) % 11 - 4) * 0.01);
  return d;
}

}  // namespace

TEST_CASE("signed-rank test: exact p-value without ties matches scipy", "[paired]") {
  const std::vector<double> d = {0.05, -0.02, 0.11, 0.03, 0.07, -0.01, 0.09, 0.04};
  const auto r = h::wilcoxon_signed_rank_test(d);
  REQUIRE(r.has_value());
  CHECK(r->method == h::SignedRankMethod::kExact);
  CHECK(r->w_plus == 33.0);  // scipy's statistic min(W+, W-) is 3 = 36 - 33
  CHECK(r->expected_w_plus == 18.0);
  CHECK(r->p_value == Approx(0.0390625).epsilon(1e-12));  // wilcoxon(d, method="exact")
  CHECK_FALSE(r->has_ties);
}

TEST_CASE("signed-rank test: exact p-value with ties and zeros matches enumeration", "[paired]") {
  const std::vector<double> d = {0.02,  0.02, -0.01, 0.0,  0.03, 0.02,
                                 -0.01, 0.04, 0.0,   0.03, 0.05, 0.01};
  const auto r = h::wilcoxon_signed_rank_test(d);
  REQUIRE(r.has_value());
  CHECK(r->method == h::SignedRankMethod::kExact);
  CHECK(r->zeros == 2);
  CHECK(r->has_ties);
  CHECK(r->w_plus == 67.0);
  CHECK(r->p_value == Approx(0.01953125).epsilon(1e-12));
}

TEST_CASE("signed-rank test: normal approximation with tie and zero correction matches scipy",
          "[paired]") {
  const std::vector<double> d = quantized_differences();
  const auto r = h::wilcoxon_signed_rank_test(d);
  REQUIRE(r.has_value());
  CHECK(r->method == h::SignedRankMethod::kNormalApproximation);
  CHECK(r->zeros == 6);
  CHECK(r->w_plus == 1171.5);
  // wilcoxon(d, zero_method="pratt", correction=True, method="approx")
  CHECK(r->p_value == Approx(0.0489180588667232).epsilon(1e-9));
}

TEST_CASE("signed-rank test: degenerate inputs", "[paired]") {
  CHECK_FALSE(h::wilcoxon_signed_rank_test(std::vector<double>{}).has_value());
  const auto zeros = h::wilcoxon_signed_rank_test(std::vector<double>{0, 0, 0});
  REQUIRE(zeros.has_value());
  CHECK(zeros->p_value == 1.0);
  CHECK(h::signed_rank_min_p_value(0) == 1.0);
  CHECK(h::signed_rank_min_p_value(5) == Approx(0.0625));
  CHECK(h::signed_rank_min_p_value(6) == Approx(0.03125));
}

TEST_CASE("Hodges-Lehmann estimate and its exact interval match enumeration", "[paired]") {
  const std::vector<double> d = {0.05, -0.02, 0.11, 0.03, 0.07, -0.01, 0.09, 0.04};
  const auto e = h::hodges_lehmann_estimate(d, 0.95);
  REQUIRE(e.has_value());
  CHECK(e->estimate == Approx(0.045).epsilon(1e-12));
  // k = 4: the 4th smallest and 4th largest of the 36 Walsh averages (R's wilcox.test
  // conf.int picks the same order statistics).
  CHECK(e->interval.lower == Approx(0.005).epsilon(1e-12));
  CHECK(e->interval.upper == Approx(0.09).epsilon(1e-12));
  CHECK(e->interval.confidence == 0.95);
  CHECK_THROWS_AS(h::hodges_lehmann_estimate(d, 1.0), std::invalid_argument);
}

TEST_CASE("Hodges-Lehmann interval: normal approximation for many pairs", "[paired]") {
  std::vector<double> d;
  for (int i = 0; i < 60; ++i) d.push_back(std::sin(i * 1.7) * 0.1 + 0.02);
  const auto e = h::hodges_lehmann_estimate(d, 0.95);
  REQUIRE(e.has_value());
  CHECK(e->estimate == Approx(0.020059442999312484).epsilon(1e-9));
  // k = floor(60 * 61 / 4 - 1.959964 * sqrt(60 * 61 * 121 / 24)) = 648.
  CHECK(e->interval.lower == Approx(0.0017164326854407028).epsilon(1e-9));
  CHECK(e->interval.upper == Approx(0.03725571626622047).epsilon(1e-9));
  const auto r = h::wilcoxon_signed_rank_test(d);
  CHECK(r->p_value == Approx(0.03622649417878663).epsilon(1e-9));  // scipy, approx, pratt
}

TEST_CASE("paired comparison: a drift shared by rounds does not hide a steady gain", "[paired]") {
  // The rounds drift by +-4%, the candidate is steadily 1-3% faster in every round: the
  // unpaired U test sees two overlapping samples, the paired test sees 10 of 10 rounds.
  const std::vector<double> ref = {0.512, 0.498, 0.530, 0.505, 0.521,
                                   0.499, 0.540, 0.515, 0.508, 0.526};
  const std::vector<double> cand = {0.500, 0.490, 0.515, 0.499, 0.506,
                                    0.497, 0.528, 0.500, 0.501, 0.515};
  h::ComparisonOptions o;
  const h::SampleComparison c = h::compare_paired_samples(ref, cand, o);
  CHECK(c.method == h::ComparisonMethod::kPairedSignedRank);
  REQUIRE(c.pairs.has_value());
  CHECK(*c.pairs == 10);
  CHECK(c.p_value == Approx(0.001953125).epsilon(1e-12));  // wilcoxon(log ratios, exact)
  CHECK(c.verdict == h::Verdict::kFaster);
  CHECK(*c.median_ratio == Approx(0.9794583463893873).epsilon(1e-12));
  CHECK(c.median_ratio_interval->lower == Approx(0.9741272702677229).epsilon(1e-12));
  CHECK(c.median_ratio_interval->upper == Approx(0.9862293961567397).epsilon(1e-12));
  REQUIRE(c.u_test.has_value());
  CHECK(c.u_test->p_value > 0.1);  // the samples overlap: the U test sees no difference
  // Reversed roles: the same evidence, the other direction.
  const h::SampleComparison back = h::compare_paired_samples(cand, ref, o);
  CHECK(back.verdict == h::Verdict::kSlower);
  CHECK(*back.median_ratio == Approx(1 / 0.9794583463893873).epsilon(1e-12));
}

TEST_CASE("paired comparison: too few rounds, no difference, bad input", "[paired]") {
  h::ComparisonOptions o;
  const std::vector<double> five = {1, 2, 3, 4, 5};
  const std::vector<double> faster = {0.9, 1.8, 2.7, 3.6, 4.5};
  CHECK(h::compare_paired_samples(five, faster, o).verdict == h::Verdict::kNotEnoughData);
  const std::vector<double> same = {1, 1, 1, 1, 1, 1, 1, 1};
  const h::SampleComparison c = h::compare_paired_samples(same, same, o);
  CHECK(c.verdict == h::Verdict::kNoSignificantDifference);
  CHECK(*c.median_ratio == 1.0);
  CHECK_THROWS_AS(h::compare_paired_samples(five, same, o), std::invalid_argument);
  const std::vector<double> with_zero = {1, 0, 3, 4, 5};
  CHECK_THROWS_AS(h::compare_paired_samples(with_zero, five, o), std::invalid_argument);
}

TEST_CASE("pair_by_round keeps only the rounds both series ran", "[paired]") {
  const std::vector<double> ref = {10, 11, 12, 13};
  const std::vector<std::size_t> ref_rounds = {0, 1, 2, 3};
  const std::vector<double> cand = {20, 22, 23};
  const std::vector<std::size_t> cand_rounds = {0, 2, 3};
  const h::PairedSeries p = h::pair_by_round(ref, ref_rounds, cand, cand_rounds);
  CHECK(p.reference == std::vector<double>{10, 12, 13});
  CHECK(p.candidate == std::vector<double>{20, 22, 23});
  // No rounds recorded (sequential order, old reports), or rounds that do not fit: nothing.
  CHECK(h::pair_by_round(ref, {}, cand, cand_rounds).reference.empty());
  CHECK(h::pair_by_round(ref, cand_rounds, cand, cand_rounds).reference.empty());
}

TEST_CASE("compare_rounds_or_samples pairs when it can and falls back to the U test", "[paired]") {
  std::vector<double> ref, cand;
  std::vector<std::size_t> rounds;
  for (std::size_t i = 0; i < 12; ++i) {
    ref.push_back(1.0 + 0.01 * static_cast<double>(i));
    cand.push_back(0.98 * (1.0 + 0.01 * static_cast<double>(i)));
    rounds.push_back(i);
  }
  h::ComparisonOptions o;
  CHECK(h::compare_rounds_or_samples(ref, rounds, cand, rounds, o).method ==
        h::ComparisonMethod::kPairedSignedRank);
  CHECK(h::compare_rounds_or_samples(ref, {}, cand, {}, o).method == h::ComparisonMethod::kUTest);
  // Only 5 shared rounds: the signed-rank test could not reach 0.05; all 12 + 5 runs go to
  // the U test instead.
  const std::vector<std::size_t> late = {7, 8, 9, 10, 11};
  const std::vector<double> five(cand.begin() + 7, cand.end());
  const h::SampleComparison c = h::compare_rounds_or_samples(ref, rounds, five, late, o);
  CHECK(c.method == h::ComparisonMethod::kUTest);
  CHECK(c.candidate_count == 5);
}

TEST_CASE("paired test holds its level and beats the U test under round drift", "[paired]") {
  // The model of bench/paired_rounds_study.py: log time = effect + drift of the round (sd
  // 0.10) + per-run noise (sd 0.10), 20 rounds. Seeded, so the counts are fixed; the
  // bounds are the simulation's rates with a wide margin.
  pgo::harness::SeededRng rng(7);
  const int experiments = 400;
  int paired_false = 0, u_false = 0, paired_found = 0, u_found = 0;
  h::ComparisonOptions o;
  o.bootstrap_resamples = 1;
  for (int e = 0; e < experiments; ++e) {
    for (double effect : {0.0, std::log(0.95)}) {
      std::vector<double> ref, cand;
      for (int r = 0; r < 20; ++r) {
        const double drift = 0.10 * rng.normal();
        ref.push_back(std::exp(drift + 0.10 * rng.normal()));
        cand.push_back(std::exp(effect + drift + 0.10 * rng.normal()));
      }
      const bool paired = *h::compare_paired_samples(ref, cand, o).p_value < o.alpha;
      const bool unpaired = *h::compare_samples(ref, cand, o).p_value < o.alpha;
      if (effect == 0.0) {
        paired_false += paired;
        u_false += unpaired;
      } else {
        paired_found += paired;
        u_found += unpaired;
      }
    }
  }
  CHECK(paired_false <= experiments * 0.09);  // about 5%
  CHECK(paired_false >= experiments * 0.02);
  CHECK(u_false <= experiments * 0.03);              // conservative: about 0.7%
  CHECK(paired_found > u_found + experiments / 10);  // about 31% against 11%
}

TEST_CASE("paired geomean bootstrap: a drift shared by a round's runs does not widen it",
          "[paired]") {
  // Risk: the geomean interval over workloads ignoring the pairing that each workload's
  // own comparison uses, and so staying wide (or missing a gain) under round drift; or a
  // bootstrap that pairs values of different rounds.
  h::SeededRng rng(5);
  std::vector<h::PairedSeries> groups(2);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (int round = 0; round < 20; ++round) {
      const double drift = std::exp(0.10 * rng.normal());  // both builds' runs of the round
      const double noise_r = std::exp(0.01 * rng.normal()), noise_c = std::exp(0.01 * rng.normal());
      groups[g].reference.push_back((1.0 + static_cast<double>(g)) * drift * noise_r);
      groups[g].candidate.push_back((1.0 + static_cast<double>(g)) / 1.03 * drift * noise_c);
    }
  }
  const std::vector<double> paired = h::bootstrap_geomean_of_paired_ratios(groups, 2000, 9);
  REQUIRE(paired.size() == 2000);
  CHECK(std::is_sorted(paired.begin(), paired.end()));
  const double lo = h::quantile_of_sorted(paired, 0.025), hi = h::quantile_of_sorted(paired, 0.975);
  CHECK(lo > 1.0);  // the 3% gain is found
  CHECK(lo < 1.03);
  CHECK(hi > 1.03);

  // The same values redrawn independently per build: the drift widens the interval.
  std::vector<std::vector<std::span<const double>>> unpaired;
  for (const auto& g : groups) unpaired.push_back({g.reference, g.candidate});
  const std::vector<double> independent = h::bootstrap_geomean_of_ratios(
      unpaired, [](std::span<const double> m) { return m[0] / m[1]; }, 2000, 9);
  const double width_unpaired =
      h::quantile_of_sorted(independent, 0.975) - h::quantile_of_sorted(independent, 0.025);
  CHECK(hi - lo < width_unpaired / 3);

  CHECK(h::bootstrap_geomean_of_paired_ratios(groups, 50, 9) ==
        h::bootstrap_geomean_of_paired_ratios(groups, 50, 9));  // seeded
  CHECK(h::bootstrap_geomean_of_paired_ratios({}, 50, 9).empty());
  std::vector<h::PairedSeries> uneven = {{{1.0, 2.0}, {1.0}}};
  CHECK_THROWS_AS(h::bootstrap_geomean_of_paired_ratios(uneven, 50, 9), std::invalid_argument);
}
