// Guards against a comparison that is dishonest in aggregate: one that cries "faster" or
// "slower" far more (or far less) often than alpha when nothing changed, or that misses a
// real 2% change that 20 runs per side should find. Each case simulates many comparisons
// with seeded noise, so the outcome is deterministic and the thresholds leave a margin of
// about three standard errors around the expected rate (binomial, 1000 trials: 0.7%).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/random.h"
#include "stats/sample_comparison.h"

namespace h = pgo::harness;

namespace {

// Run times with multiplicative (lognormal) noise, the usual shape of timing noise.
std::vector<double> lognormal_times(h::SeededRng& rng, std::size_t n, double median_seconds,
                                    double relative_noise) {
  std::vector<double> times;
  times.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    times.push_back(median_seconds * std::exp(rng.normal(0.0, relative_noise)));
  }
  return times;
}

// Timer resolution: values rounded to a multiple of `step`, which makes ties common and so
// exercises the exact distribution given the ties (up to 25 runs per side).
std::vector<double> quantized(std::vector<double> times, double step) {
  for (double& t : times) t = std::round(t / step) * step;
  return times;
}

struct Tally {
  int faster = 0;
  int slower = 0;
  int same = 0;
  int not_enough = 0;
  int interval_excludes_one = 0;     // bootstrap interval of the median ratio excludes 1
  int significant_and_excludes = 0;  // both: what a "CI must agree" rule would report
  int interval_covers_truth = 0;

  int significant() const { return faster + slower; }
};

void count(Tally& tally, const h::SampleComparison& c, double true_ratio) {
  switch (c.verdict) {
    case h::Verdict::kFaster:
      ++tally.faster;
      break;
    case h::Verdict::kSlower:
      ++tally.slower;
      break;
    case h::Verdict::kNoSignificantDifference:
      ++tally.same;
      break;
    case h::Verdict::kNotEnoughData:
      ++tally.not_enough;
      break;
  }
  if (c.median_ratio_interval) {
    const bool excludes = !c.median_ratio_interval->contains(1.0);
    tally.interval_excludes_one += excludes;
    tally.significant_and_excludes +=
        excludes && (c.verdict == h::Verdict::kFaster || c.verdict == h::Verdict::kSlower);
    tally.interval_covers_truth += c.median_ratio_interval->contains(true_ratio);
  }
}

// `trials` comparisons of n runs per side; the candidate's true median is `ratio` times the
// reference's. The bootstrap uses fewer resamples than the default: the verdict does not
// depend on it, and the interval's endpoints only need to be good to a few percent here.
Tally simulate(std::uint64_t seed, int trials, std::size_t n, double ratio, double noise,
               double quantum = 0.0) {
  h::SeededRng rng(seed);
  h::ComparisonOptions options;
  options.alpha = 0.05;
  options.bootstrap_resamples = 200;
  Tally tally;
  for (int i = 0; i < trials; ++i) {
    std::vector<double> reference = lognormal_times(rng, n, 1.0, noise);
    std::vector<double> candidate = lognormal_times(rng, n, ratio, noise);
    if (quantum > 0.0) {
      reference = quantized(std::move(reference), quantum);
      candidate = quantized(std::move(candidate), quantum);
    }
    options.seed = rng.next_u64();
    count(tally, h::compare_samples(reference, candidate, options), ratio);
  }
  return tally;
}

}  // namespace

TEST_CASE("A/A: about alpha of 1000 no-change comparisons are called significant",
          "[power][simulation]") {
  // 20 runs per side, 1% lognormal noise, no ties: the exact U test.
  const Tally t = simulate(20240601, 1000, 20, 1.0, 0.01);
  INFO("significant " << t.significant() << " (faster " << t.faster << ", slower " << t.slower
                      << "), also interval excludes 1: " << t.significant_and_excludes
                      << ", interval covers 1: " << t.interval_covers_truth);
  CHECK(t.significant() >= 30);
  CHECK(t.significant() <= 70);
  CHECK(t.not_enough == 0);
  // False alarms go both ways, not all one direction.
  CHECK(t.faster > 5);
  CHECK(t.slower > 5);
  // The bootstrap interval of the ratio covers the true ratio 1 most of the time (the
  // percentile bootstrap of a median is known to undercover slightly at n = 20).
  CHECK(t.interval_covers_truth >= 900);
}

TEST_CASE("A/A with timer-resolution ties and with large samples stays near alpha",
          "[power][simulation]") {
  // Quantized to 2% of the median: many ties, so the exact distribution given the ties.
  const Tally ties = simulate(77, 1000, 20, 1.0, 0.02, 0.02);
  INFO("with ties: significant " << ties.significant());
  CHECK(ties.significant() >= 30);
  CHECK(ties.significant() <= 70);
  // 60 runs per side: above the exact cut-over, normal approximation without ties.
  const Tally large = simulate(78, 1000, 60, 1.0, 0.01);
  INFO("n = 60: significant " << large.significant());
  CHECK(large.significant() >= 30);
  CHECK(large.significant() <= 70);
}

TEST_CASE("a true 2% speed-up under 1% noise is found with 20 runs per side",
          "[power][simulation]") {
  const Tally t = simulate(424242, 1000, 20, 0.98, 0.01);
  INFO("faster " << t.faster << ", slower " << t.slower << ", no difference " << t.same
                 << ", interval covers 0.98: " << t.interval_covers_truth);
  CHECK(t.faster >= 800);
  CHECK(t.slower == 0);  // a wrong-direction call would be a real bug
  CHECK(t.interval_covers_truth >= 900);
}

TEST_CASE("a true 2% slow-down is reported as slower", "[power][simulation]") {
  const Tally t = simulate(99, 1000, 20, 1.02, 0.01);
  CHECK(t.slower >= 800);
  CHECK(t.faster == 0);
}

TEST_CASE("too few runs: not enough data, never a verdict", "[power][simulation]") {
  // 3 runs per side cannot reach p < 0.05 whatever the data (best p = 0.1).
  const Tally t = simulate(5, 200, 3, 0.5, 0.01);
  CHECK(t.not_enough == 200);
}
