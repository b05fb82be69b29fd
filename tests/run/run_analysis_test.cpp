// Risk guarded against: the run's headline being wrong. A convergence rule applied in the
// wrong order or with the wrong sign (a regression called "converged", a flat run called a
// gain), the geomean or its interval miscomputed, speedup and time ratio confused, or the
// overhead ratios inverted. Hand-made samples with known answers, no processes.
#include "run/run_analysis.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <span>

#include "stats/random.h"

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
    CHECK(v.kind == ConvergenceKind::kConverged);
    REQUIRE(v.converged_at);
    CHECK(*v.converged_at == 1);
  }
  SECTION("converged at 2: a significant but small step is stable too") {
    auto v = convergence_verdict({step(0.97, true, 0.97, true), step(0.95, true, 0.979, true),
                                  step(0.948, true, 0.998, true)},
                                 t);
    CHECK(v.kind == ConvergenceKind::kConverged);
    CHECK(v.converged_at == 2);
  }
  SECTION("still improving: the last step is a significant 2% gain") {
    auto v = convergence_verdict({step(0.97, true, 0.97, true), step(0.95, true, 0.98, true)}, t);
    CHECK(v.kind == ConvergenceKind::kStillImproving);
    CHECK_FALSE(v.converged_at);
  }
  SECTION("one iteration can never converge") {
    auto v = convergence_verdict({step(0.95, true, 0.95, true)}, t);
    CHECK(v.kind == ConvergenceKind::kStillImproving);
  }
  SECTION("oscillating: +5%, not significant, -3%") {
    auto v = convergence_verdict(
        {step(0.95, true, 0.95, true), step(0.95, true, 1.0, false), step(0.98, true, 1.03, true)},
        t);
    CHECK(v.kind == ConvergenceKind::kOscillating);
  }
  SECTION("opposite steps below the swing are not oscillation") {
    Convergence wide = t;
    wide.oscillation_swing = 0.05;
    auto v =
        convergence_verdict({step(0.95, true, 0.95, true), step(0.97, true, 1.02, true)}, wide);
    CHECK(v.kind != ConvergenceKind::kOscillating);
  }
  SECTION("no significant gain: faster but not significant, or significant but tiny") {
    CHECK(convergence_verdict({step(0.95, false, 0.95, false), step(0.96, false, 1.0, false)}, t)
              .kind == ConvergenceKind::kNoSignificantGain);
    CHECK(convergence_verdict({step(0.995, true, 0.995, true)}, t).kind ==
          ConvergenceKind::kNoSignificantGain);
  }
  SECTION("regressed beats everything: the last build is significantly 3% slower") {
    auto v = convergence_verdict({step(0.95, true, 0.95, true), step(1.03, true, 1.084, true)}, t);
    CHECK(v.kind == ConvergenceKind::kRegressed);
  }
  SECTION("a 3% slowdown that is not significant is not a regression") {
    auto v = convergence_verdict({step(1.03, false, 1.03, false)}, t);
    CHECK(v.kind == ConvergenceKind::kNoSignificantGain);
  }
  SECTION("min_hot_edge_overlap makes a flat step with a changed profile unstable") {
    Convergence strict = t;
    strict.min_hot_edge_overlap = 0.9;
    std::vector<ConvergenceStep> s = {step(0.95, true, 0.95, true),
                                      step(0.95, true, 1.0, false, 0.5)};
    CHECK(convergence_verdict(s, strict).kind == ConvergenceKind::kStillImproving);
    s[1].hot_edge_overlap = 0.95;
    CHECK(convergence_verdict(s, strict).kind == ConvergenceKind::kConverged);
    CHECK(convergence_verdict(s, t).kind == ConvergenceKind::kConverged);
  }
  SECTION("nothing timed") {
    CHECK(convergence_verdict({}, t).kind == ConvergenceKind::kIncomplete);
  }
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
  CHECK(v1.vs_off.verdict == Verdict::kFaster);
  CHECK(v1.vs_off.p_value.value() < 0.001);
  CHECK(v1.vs_off.time_ratio_ci_lower.value() <= 0.95);
  CHECK(v1.vs_off.time_ratio_ci_upper.value() >= 0.95);
  CHECK_FALSE(v1.vs_previous);
  const IterationAnalysis& v2 = a.workloads[0].iterations[1];
  REQUIRE(v2.vs_previous);
  CHECK(v2.vs_previous->against == "v1");
  CHECK(v2.vs_previous->verdict == Verdict::kNoSignificantDifference);

  REQUIRE(a.geomean.size() == 2);
  CHECK(a.geomean[0].speedup.value() == Approx(1 / 0.95).epsilon(1e-9));
  CHECK(a.geomean[0].significant);

  REQUIRE(a.overhead.size() == 2);
  CHECK(a.overhead[0].build_time_ratio == Approx(1.5));
  CHECK(a.overhead[0].binary_size_ratio == Approx(1.1));

  CHECK(a.verdict.kind == ConvergenceKind::kConverged);
  CHECK(a.verdict.converged_at == 1);
  CHECK_FALSE(a.verdict.explanation.empty());
}

TEST_CASE("analyze_run: a PGO build that is slower is a regression") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(1.04))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.workloads[0].iterations[0].vs_off.verdict == Verdict::kSlower);
  CHECK(a.verdict.kind == ConvergenceKind::kRegressed);
}

TEST_CASE("analyze_run: identical samples give no significant gain") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(1.00))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.verdict.kind == ConvergenceKind::kNoSignificantGain);
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
  CHECK(a.verdict.kind == ConvergenceKind::kConverged);
}

TEST_CASE("analyze_run: a build without trials makes the verdict incomplete") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.verdict.kind == ConvergenceKind::kIncomplete);
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

TEST_CASE("geomean_speedup: pinned values of the joint bootstrap") {
  // Recorded from the implementation before the bootstrap moved to
  // harness/sample_comparison.h: the same seed must keep giving the same numbers.
  const std::vector<double> r1 = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00};
  const std::vector<double> c1 = {0.90, 0.93, 0.91, 0.89, 0.92, 0.90, 0.94};
  const std::vector<double> r2 = {2.0, 2.1, 1.9, 2.05, 1.95, 2.02};
  const std::vector<double> c2 = {1.9, 1.95, 1.85, 2.0, 1.88, 1.91, 1.93};
  const GeomeanEstimate g = geomean_speedup({{r1, c1}, {r2, c2}}, 0.95, 11);
  CHECK(g.speedup.value() == 0x1.134be446d7fa2p+0);
  CHECK(g.ci_lower.value() == 0x1.0b908855925e8p+0);
  CHECK(g.ci_upper.value() == 0x1.18f489d3e7274p+0);
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
  CHECK(v1.vs_off.method == ComparisonMethod::kCountSpread);
  CHECK(v1.vs_off.verdict == Verdict::kFaster);
  CHECK_FALSE(v1.vs_off.p_value);
  CHECK(a.verdict.kind == ConvergenceKind::kConverged);
  CHECK(a.verdict.converged_at == 1);

  std::vector<TrialSeries> none = {counted("w", "v0", 1e9), counted("w", "v1", 0.999e9),
                                   counted("w", "v2", 1.001e9)};
  CHECK(analyze_run(builds, none, {}, Convergence{}, 0.05, 7).verdict.kind ==
        ConvergenceKind::kNoSignificantGain);

  // Two counting workloads: the geomean decides, and a 0.2% geomean change stays below
  // the practical floor even though its bootstrap interval excludes 1.
  std::vector<TrialSeries> two = {counted("a", "v0", 1e9),     counted("a", "v1", 0.998e9),
                                  counted("a", "v2", 0.998e9), counted("b", "v0", 2e9),
                                  counted("b", "v1", 1.996e9), counted("b", "v2", 1.996e9)};
  Analysis g = analyze_run(builds, two, {}, Convergence{}, 0.05, 7);
  CHECK_FALSE(g.geomean[0].significant);
  CHECK(g.verdict.kind == ConvergenceKind::kNoSignificantGain);
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

namespace {

// A gotest series whose per-run values are the geomean of two benchmarks' ns/op: A at
// a_ns, B at b_ns (each with the same +-0.5% spread), with B/op and allocs/op beside.
TrialSeries gotest_series(const std::string& build, double a_ns, double b_ns, double b_bytes) {
  TrialSeries t = series("bench", build, {});
  t.metric = "ns_per_op";
  t.unit = "ns/op";
  const std::vector<double> a = around(a_ns), b = around(b_ns);
  for (std::size_t i = 0; i < a.size(); ++i) t.values.push_back(std::sqrt(a[i] * b[i]));
  t.benchmarks["BenchmarkA"]["ns/op"] = a;
  t.benchmarks["BenchmarkA"]["allocs/op"] = std::vector<double>(a.size(), 0);
  t.benchmarks["BenchmarkB"]["ns/op"] = b;
  t.benchmarks["BenchmarkB"]["B/op"] = std::vector<double>(b.size(), b_bytes);
  return t;
}

}  // namespace

TEST_CASE("analyze_run: a benchmark slowed by PGO is flagged while the geomean improves") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 15, 1100)};
  // A 10% slower, B 30% faster on every PGO build: the geomean is sqrt(1.1 * 0.7) = 0.877.
  std::vector<TrialSeries> trials = {gotest_series("v0", 1000, 5000, 64),
                                     gotest_series("v1", 1100, 3500, 80),
                                     gotest_series("v2", 1100, 3500, 80)};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  REQUIRE(a.workloads.size() == 1);
  const WorkloadAnalysis& w = a.workloads[0];
  CHECK(w.iterations[0].vs_off.verdict == Verdict::kFaster);
  CHECK(*w.iterations[0].vs_off.time_ratio == Approx(std::sqrt(1.1 * 0.7)).epsilon(0.01));
  CHECK(a.verdict.kind == ConvergenceKind::kConverged);

  REQUIRE(w.benchmarks.size() == 2);
  const BenchmarkAnalysis& bench_a = w.benchmarks[0];
  const BenchmarkAnalysis& bench_b = w.benchmarks[1];
  CHECK(bench_a.benchmark == "BenchmarkA");
  REQUIRE(bench_a.iterations.size() == 2);
  CHECK(bench_a.iterations[0].vs_off.verdict == Verdict::kSlower);
  CHECK(*bench_a.iterations[0].vs_off.time_ratio == Approx(1.1).epsilon(0.01));
  CHECK(bench_a.iterations[0].vs_off.method == ComparisonMethod::kUTest);
  CHECK_FALSE(bench_a.iterations[0].vs_previous.has_value());
  REQUIRE(bench_a.iterations[1].vs_previous.has_value());
  CHECK(bench_a.iterations[1].vs_previous->verdict == Verdict::kNoSignificantDifference);
  // 0 allocs/op on both sides: no ratio, not a division by zero.
  CHECK_FALSE(bench_a.iterations[0].unit_ratios_vs_off.at("allocs/op").has_value());
  CHECK(bench_b.iterations[0].vs_off.verdict == Verdict::kFaster);
  CHECK(*bench_b.iterations[0].unit_ratios_vs_off.at("B/op") == Approx(1.25));
  CHECK(bench_b.iterations[0].unit_ratios_vs_off.count("ns/op") == 0);

  const std::vector<SlowedBenchmark> slowed = slowed_benchmarks(a);
  REQUIRE(slowed.size() == 2);
  CHECK(slowed[0].benchmark == "BenchmarkA");
  CHECK(slowed[0].build == "v1");
  CHECK(slowed[1].build == "v2");
  const std::string warning = slowed_benchmark_warning(slowed[0]);
  CHECK_THAT(warning, Catch::Contains("benchmark BenchmarkA of workload bench: v1 is 9."));
  CHECK_THAT(warning, Catch::Contains("slower than v0 (ns/op ratio 1.1"));
  CHECK_THAT(warning, Catch::Contains("95% interval ["));
  // The verdict kind stays; its explanation names the slowed benchmark of the last build.
  CHECK_THAT(a.verdict.explanation,
             Catch::Contains("but PGO significantly slowed benchmark BenchmarkA of workload "
                             "bench (9."));
  CHECK_THAT(a.verdict.explanation, Catch::Contains("on v2 against v0"));
}

TEST_CASE("analyze_run: no per-benchmark analysis without per-benchmark series") {
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", around(1.00)),
                                     series("w", "v1", around(0.90))};
  Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
  CHECK(a.workloads[0].benchmarks.empty());
  CHECK(slowed_benchmarks(a).empty());
  CHECK_THAT(a.verdict.explanation, !Catch::Contains("slowed"));
}

TEST_CASE("analyze_run: interleaved rounds are compared round by round") {
  // Each round's load moves every build alike (±5%); v1 is 1% faster in every round. The
  // U test sees overlapping samples; pairing by round sees 16 of 16 rounds faster.
  std::vector<double> off, pgo, again;
  std::vector<std::int64_t> rounds;
  for (int i = 0; i < 16; ++i) {
    const double load = 1.0 + 0.05 * std::sin(i * 2.1);
    off.push_back(load);
    pgo.push_back(0.99 * load * (1 + 0.0005 * (i % 4)));
    again.push_back(0.99 * load * (1 + 0.0005 * ((i + 2) % 4)));
    rounds.push_back(i);
  }
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 16, 1100)};
  std::vector<TrialSeries> trials = {series("w", "v0", off), series("w", "v1", pgo),
                                     series("w", "v2", again)};
  SECTION("with rounds: paired signed-rank test") {
    for (TrialSeries& t : trials) t.rounds = rounds;
    Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
    const IterationAnalysis& v1 = a.workloads[0].iterations[0];
    CHECK(v1.vs_off.method == ComparisonMethod::kPairedSignedRank);
    CHECK(v1.vs_off.pairs == std::optional<std::int64_t>(16));
    CHECK(v1.vs_off.verdict == Verdict::kFaster);
    CHECK(v1.vs_off.time_ratio.value() == Approx(0.9907).epsilon(0.001));
    CHECK(v1.vs_off.time_ratio_ci_upper.value() < 1.0);
    // The unpaired U test's p on the same runs rides along (what benchstat would say): the
    // drift hides the 1% from it.
    REQUIRE(v1.vs_off.u_test_p_value.has_value());
    CHECK(*v1.vs_off.u_test_p_value > 0.05);
    CHECK(*v1.vs_off.u_test_p_value > *v1.vs_off.p_value);
    CHECK(a.workloads[0].iterations[1].vs_previous->method == ComparisonMethod::kPairedSignedRank);
    // The geomean's interval is paired too, and finds the 1% through the drift.
    CHECK(a.geomean[0].paired);
    CHECK(a.geomean[0].ci_lower.value() > 1.0);
    CHECK(a.geomean[0].significant);
  }
  SECTION("a build that lost rounds is paired on the rounds both ran") {
    for (TrialSeries& t : trials) t.rounds = rounds;
    trials[1].values.resize(10);
    trials[1].rounds.resize(10);
    Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
    CHECK(a.workloads[0].iterations[0].vs_off.pairs == std::optional<std::int64_t>(10));
  }
  SECTION("without rounds (sequential order, older reports): U test") {
    Analysis a = analyze_run(builds, trials, {}, Convergence{}, 0.05, 7);
    const IterationAnalysis& v1 = a.workloads[0].iterations[0];
    CHECK(v1.vs_off.method == ComparisonMethod::kUTest);
    CHECK_FALSE(v1.vs_off.pairs);
    CHECK_FALSE(v1.vs_off.u_test_p_value);  // p_value is the U test's already
    CHECK(v1.vs_off.verdict == Verdict::kNoSignificantDifference);
    CHECK_FALSE(a.geomean[0].paired);
  }
  SECTION("rounds that do not fit their values are ignored") {
    for (TrialSeries& t : trials) t.rounds = rounds;
    trials[0].rounds.pop_back();
    CHECK(analyze_run(builds, trials, {}, Convergence{}, 0.05, 7)
              .workloads[0]
              .iterations[0]
              .vs_off.method == ComparisonMethod::kUTest);
  }
}

TEST_CASE("the verdict's explanation names what the series measures") {
  // Risk: a counting run explained as "changed time by", which sends readers looking for
  // a timing that was never taken.
  std::vector<BuildRecord> builds = {build(0, 10, 1000), build(1, 15, 1100), build(2, 16, 1100)};
  std::vector<TrialSeries> counts = {counted("w", "v0", 1e9), counted("w", "v1", 0.97e9),
                                     counted("w", "v2", 0.94e9)};
  Analysis a = analyze_run(builds, counts, {}, Convergence{}, 0.05, 7);
  REQUIRE(a.verdict.kind == ConvergenceKind::kStillImproving);
  CHECK(a.verdict.explanation.find("still changed estimated cycles by -3.1%") != std::string::npos);
  CHECK(a.verdict.explanation.find("time") == std::string::npos);

  std::vector<TrialSeries> timed = {series("w", "v0", around(1.00)),
                                    series("w", "v1", around(0.95)),
                                    series("w", "v2", around(0.90))};
  Analysis t = analyze_run(builds, timed, {}, Convergence{}, 0.05, 7);
  REQUIRE(t.verdict.kind == ConvergenceKind::kStillImproving);
  CHECK(t.verdict.explanation.find("still changed CPU time by -5.3%") != std::string::npos);

  CHECK(metric_quantity({"wall"}) == "wall time");
  CHECK(metric_quantity({"ns_per_op", "ns_per_op"}) == "ns/op");
  CHECK(metric_quantity({"instructions"}) == "instructions");
  CHECK(metric_quantity({"cpu", "instructions"}) == "the geomean of the workloads' metrics");
  // The oscillation sentence too.
  const std::vector<ConvergenceStep> swings = {step(0.90, true, 0.90, true),
                                               step(0.99, true, 1.10, true)};
  CHECK(convergence_verdict(swings, Convergence{}, "instructions")
            .explanation.find("changed instructions by -10.0%") != std::string::npos);
}

TEST_CASE("geomean_speedup: paired by round when every workload has enough shared rounds") {
  // Risk: the geomean over workloads staying unpaired (wide under round drift) where each
  // workload's comparison is paired, or pairing when the rounds are missing or too few.
  SeededRng rng(21);
  std::vector<double> r1, c1, r2, c2;
  for (int round = 0; round < 12; ++round) {
    const double drift = std::exp(0.10 * rng.normal());
    r1.push_back(1.0 * drift * std::exp(0.005 * rng.normal()));
    c1.push_back(0.97 * drift * std::exp(0.005 * rng.normal()));
    r2.push_back(2.0 * drift * std::exp(0.005 * rng.normal()));
    c2.push_back(1.94 * drift * std::exp(0.005 * rng.normal()));
  }
  std::vector<std::size_t> rounds(12);
  for (std::size_t i = 0; i < rounds.size(); ++i) rounds[i] = i;

  const GeomeanEstimate unpaired = geomean_speedup({{r1, c1}, {r2, c2}}, 0.95, 4);
  const GeomeanEstimate paired =
      geomean_speedup({{r1, c1, rounds, rounds}, {r2, c2, rounds, rounds}}, 0.95, 4);
  CHECK_FALSE(unpaired.paired);
  REQUIRE(paired.paired);
  CHECK(paired.speedup == unpaired.speedup);  // the point estimate does not change
  CHECK(*paired.ci_lower > 1.0);              // the 3% gain is found through the drift
  CHECK(*paired.ci_upper - *paired.ci_lower < (*unpaired.ci_upper - *unpaired.ci_lower) / 3);

  // One workload without rounds, or with fewer than 6 shared rounds: unpaired for all.
  CHECK_FALSE(geomean_speedup({{r1, c1, rounds, rounds}, {r2, c2}}, 0.95, 4).paired);
  const std::span<const double> r5(r1.data(), 5), c5(c1.data(), 5);
  const std::span<const std::size_t> rounds5(rounds.data(), 5);
  CHECK_FALSE(geomean_speedup({{r5, c5, rounds5, rounds5}}, 0.95, 4).paired);
  const std::span<const double> r6(r1.data(), 6), c6(c1.data(), 6);
  const std::span<const std::size_t> rounds6(rounds.data(), 6);
  CHECK(geomean_speedup({{r6, c6, rounds6, rounds6}}, 0.95, 4).paired);
}
