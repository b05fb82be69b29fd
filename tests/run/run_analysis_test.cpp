// Risk guarded against: the run's headline being wrong. A convergence rule applied in the
// wrong order or with the wrong sign (a regression called "converged", a flat run called a
// gain), the geomean or its interval miscomputed, speedup and time ratio confused, or the
// overhead ratios inverted. Hand-made samples with known answers, no processes.
#include "run/run_analysis.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace pgo::harness;

namespace {

// n runs around `center` with a fixed +-0.5% spread (deterministic, no ties).
std::vector<double> around(double center, int n = 20) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(center * (1 + 0.005 * ((i * 7 % n) - n / 2.0) / n));
  return v;
}

ConvergenceStep step(double vs_off, bool sig_off, double step_ratio, bool sig_step,
                     std::optional<double> overlap = std::nullopt) {
  ConvergenceStep s;
  s.time_ratio_vs_off = vs_off;
  s.significant_vs_off = sig_off;
  s.step_ratio = step_ratio;
  s.significant_step = sig_step;
  s.hot_edge_overlap = overlap;
  return s;
}

BuildRecord build(int i, double seconds, std::int64_t size) {
  BuildRecord b;
  b.label = std::string(1, 'v');  // not "v" + ...: GCC 12 -O3 warns (-Wrestrict) falsely
  b.label += std::to_string(i);
  b.iteration = i;
  b.build_seconds = seconds;
  b.binary_size_bytes = size;
  return b;
}

TrialSeries series(const std::string& workload, const std::string& build,
                   std::vector<double> values) {
  TrialSeries t;
  t.workload = workload;
  t.build = build;
  t.metric = std::string("cpu");
  t.unit = std::string(1, 's');
  t.values = std::move(values);
  return t;
}

}  // namespace

TEST_CASE("convergence verdict: each kind from a hand-made series") {
  Convergence t;  // 1% everywhere
  SECTION("converged at 1: a gain, then a flat step") {
    auto v =
        convergence_verdict({step(0.95, true, 0.95, true), step(0.951, true, 1.001, false)}, t);
    CHECK(v.kind == "converged");
    REQUIRE(v.converged_at);
    CHECK(*v.converged_at == 1);
  }
  SECTION("converged at 2: a significant but small step is stable too") {
    auto v = convergence_verdict({step(0.97, true, 0.97, true), step(0.95, true, 0.979, true),
                                  step(0.948, true, 0.998, true)},
                                 t);
    CHECK(v.kind == "converged");
    CHECK(v.converged_at == 2);
  }
  SECTION("still improving: the last step is a significant 2% gain") {
    auto v = convergence_verdict({step(0.97, true, 0.97, true), step(0.95, true, 0.98, true)}, t);
    CHECK(v.kind == "still_improving");
    CHECK_FALSE(v.converged_at);
  }
  SECTION("one iteration can never converge") {
    auto v = convergence_verdict({step(0.95, true, 0.95, true)}, t);
    CHECK(v.kind == "still_improving");
  }
  SECTION("oscillating: +5%, not significant, -3%") {
    auto v = convergence_verdict(
        {step(0.95, true, 0.95, true), step(0.95, true, 1.0, false), step(0.98, true, 1.03, true)},
        t);
    CHECK(v.kind == "oscillating");
  }
  SECTION("opposite steps below the swing are not oscillation") {
    Convergence wide = t;
    wide.oscillation_swing = 0.05;
    auto v =
        convergence_verdict({step(0.95, true, 0.95, true), step(0.97, true, 1.02, true)}, wide);
    CHECK(v.kind != "oscillating");
  }
  SECTION("no significant gain: faster but not significant, or significant but tiny") {
    CHECK(convergence_verdict({step(0.95, false, 0.95, false), step(0.96, false, 1.0, false)}, t)
              .kind == "no_significant_gain");
    CHECK(convergence_verdict({step(0.995, true, 0.995, true)}, t).kind == "no_significant_gain");
  }
  SECTION("regressed beats everything: the last build is significantly 3% slower") {
    auto v = convergence_verdict({step(0.95, true, 0.95, true), step(1.03, true, 1.084, true)}, t);
    CHECK(v.kind == "regressed");
  }
  SECTION("a 3% slowdown that is not significant is not a regression") {
    auto v = convergence_verdict({step(1.03, false, 1.03, false)}, t);
    CHECK(v.kind == "no_significant_gain");
  }
  SECTION("min_hot_edge_overlap makes a flat step with a changed profile unstable") {
    Convergence strict = t;
    strict.min_hot_edge_overlap = 0.9;
    std::vector<ConvergenceStep> s = {step(0.95, true, 0.95, true),
                                      step(0.95, true, 1.0, false, 0.5)};
    CHECK(convergence_verdict(s, strict).kind == "still_improving");
    s[1].hot_edge_overlap = 0.95;
    CHECK(convergence_verdict(s, strict).kind == "converged");
    CHECK(convergence_verdict(s, t).kind == "converged");
  }
  SECTION("nothing timed") { CHECK(convergence_verdict({}, t).kind == "incomplete"); }
}

TEST_CASE("analyze_run: one workload, a 5% gain that then holds") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 16, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(0.95)),
                                     series("w", "v2", around(0.95))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);

  REQUIRE(a.workloads.size() == 1);
  REQUIRE(a.workloads[0].iterations.size() == 2);
  const IterationAnalysis& v1 = a.workloads[0].iterations[0];
  CHECK(v1.build == "v1");
  CHECK(v1.vs_off.against == "v0");
  CHECK(v1.vs_off.time_ratio.value() == Approx(0.95).epsilon(1e-9));
  CHECK(v1.vs_off.speedup.value() == Approx(1 / 0.95).epsilon(1e-9));
  CHECK(v1.vs_off.verdict == "faster");
  CHECK(v1.vs_off.p_value.value() < 0.001);
  CHECK(v1.vs_off.time_ratio_ci_lower.value() <= 0.95);
  CHECK(v1.vs_off.time_ratio_ci_upper.value() >= 0.95);
  CHECK_FALSE(v1.vs_previous);
  const IterationAnalysis& v2 = a.workloads[0].iterations[1];
  REQUIRE(v2.vs_previous);
  CHECK(v2.vs_previous->against == "v1");
  CHECK(v2.vs_previous->verdict == "no significant difference");

  REQUIRE(a.geomean.size() == 2);
  CHECK(a.geomean[0].speedup.value() == Approx(1 / 0.95).epsilon(1e-9));
  CHECK(a.geomean[0].significant);

  REQUIRE(a.overhead.size() == 2);
  CHECK(a.overhead[0].build_time_ratio == Approx(1.5));
  CHECK(a.overhead[0].binary_size_ratio == Approx(1.1));

  CHECK(a.verdict.kind == "converged");
  CHECK(a.verdict.converged_at == 1);
  CHECK_FALSE(a.verdict.explanation.empty());
}

TEST_CASE("analyze_run: a PGO build that is slower is a regression") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(1.04))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.workloads[0].iterations[0].vs_off.verdict == "slower");
  CHECK(a.verdict.kind == "regressed");
}

TEST_CASE("analyze_run: identical samples give no significant gain") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(1.00))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.verdict.kind == "no_significant_gain");
}

TEST_CASE("analyze_run: two workloads decide by the geomean") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 15, 1100)};
  std::vector<TrialSeries> trials = {
      series("a", "v0", around(1.00)),        series("a", "v1", around(1.00 / 1.10)),
      series("a", "v2", around(1.00 / 1.10)), series("b", "v0", around(2.00)),
      series("b", "v1", around(2.00)),        series("b", "v2", around(2.00))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 11);
  REQUIRE(a.geomean.size() == 2);
  CHECK(a.geomean[0].speedup.value() == Approx(std::sqrt(1.10)).epsilon(1e-9));
  CHECK(a.geomean[0].ci_lower.value() > 1.0);
  CHECK(a.geomean[0].ci_lower.value() <= a.geomean[0].speedup.value());
  CHECK(a.geomean[0].ci_upper.value() >= a.geomean[0].speedup.value());
  CHECK(a.geomean[0].significant);
  CHECK(a.verdict.kind == "converged");
}

TEST_CASE("analyze_run: a build without trials makes the verdict incomplete") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.verdict.kind == "incomplete");
}

TEST_CASE("geomean_speedup: seeded, and exact for constant samples") {
  std::vector<double> ref = around(1.0), cand = around(0.9);
  auto one = geomean_speedup({{ref, cand}}, 0.95, 3);
  auto two = geomean_speedup({{ref, cand}}, 0.95, 3);
  CHECK(one.ci_lower == two.ci_lower);
  CHECK(one.ci_upper == two.ci_upper);
  std::vector<double> flat_ref(10, 2.0), flat_cand(10, 1.0);
  auto flat = geomean_speedup({{flat_ref, flat_cand}}, 0.95, 3);
  CHECK(flat.speedup.value() == Approx(2.0));
  CHECK(flat.ci_lower.value() == Approx(2.0));
  CHECK(flat.ci_upper.value() == Approx(2.0));
  CHECK_FALSE(geomean_speedup({}, 0.95, 3).speedup);
}

namespace {

TrialSeries counted(const std::string& workload, const std::string& build, double level) {
  TrialSeries t = series(workload, build, {level, level * 1.0002});
  t.metric = "cycles_estimate";
  t.unit = "cycles";
  return t;
}

}  // namespace

TEST_CASE("analyze_run: counting series reach a verdict with 2 runs per build") {
  // Risk: near-deterministic counts judged by the rank test, which can never be
  // significant with 2 runs, so every counting run would end "no significant gain".
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 16, 1100)};
  std::vector<TrialSeries> gain = {counted("w", "v0", 1e9), counted("w", "v1", 0.97e9),
                                   counted("w", "v2", 0.97e9)};
  Analysis a = analyze_run(builds, gain, {}, Convergence{}, 0.05, 7);
  const IterationAnalysis& v1 = a.workloads[0].iterations[0];
  CHECK(v1.vs_off.method == "count-spread");
  CHECK(v1.vs_off.verdict == "faster");
  CHECK_FALSE(v1.vs_off.p_value);
  CHECK(a.verdict.kind == "converged");
  CHECK(a.verdict.converged_at == 1);

  std::vector<TrialSeries> none = {counted("w", "v0", 1e9), counted("w", "v1", 0.999e9),
                                   counted("w", "v2", 1.001e9)};
  CHECK(analyze_run(builds, none, {}, Convergence{}, 0.05, 7).verdict.kind ==
        "no_significant_gain");

  // Two counting workloads: the geomean decides, and a 0.2% geomean change stays below
  // the practical floor even though its bootstrap interval excludes 1.
  std::vector<TrialSeries> two = {counted("a", "v0", 1e9),     counted("a", "v1", 0.998e9),
                                  counted("a", "v2", 0.998e9), counted("b", "v0", 2e9),
                                  counted("b", "v1", 1.996e9), counted("b", "v2", 1.996e9)};
  Analysis g = analyze_run(builds, two, {}, Convergence{}, 0.05, 7);
  CHECK_FALSE(g.geomean[0].significant);
  CHECK(g.verdict.kind == "no_significant_gain");
}

TEST_CASE("count_time_disagreements: warns only when the intervals point opposite ways") {
  // Risk: a count-based "faster" shown next to a time-based "slower" without a word, so a
  // reader trusts the model over the measurement.
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {counted("count", "v0", 1e9), counted("count", "v1", 1.03e9),
                                     series("time", "v0", around(1.00)),
                                     series("time", "v1", around(0.93))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  std::vector<std::string> lines = count_time_disagreements(a, {{"count", "time"}});
  REQUIRE(lines.size() == 1);
  CHECK_THAT(lines[0], Catch::Contains("v1 vs v0: count and time disagree in direction"));
  CHECK_THAT(lines[0], Catch::Contains("count (cycles_estimate) says 2.9% slower"));
  CHECK_THAT(lines[0], Catch::Contains("time (cpu) says 7.5% faster"));

  std::vector<TrialSeries> agree = {counted("count", "v0", 1e9), counted("count", "v1", 0.95e9),
                                    series("time", "v0", around(1.00)),
                                    series("time", "v1", around(0.93))};
  CHECK(count_time_disagreements(analyze_run(builds, agree, {}, Convergence{}, 0.05, 7),
                                 {{"count", "time"}})
            .empty());
  CHECK(count_time_disagreements(a, {}).empty());
}
