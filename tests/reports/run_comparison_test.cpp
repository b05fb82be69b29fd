// Risks: the regression gate missing a real slowdown (absolute time or PGO gain), raising
// one for noise or for a change under the threshold, comparing runs of different
// scenarios as if they were the same, or staying silent about a different machine.
#include <catch2/catch.hpp>

#include "base/error.h"
#include "go/go_bench_format.h"
#include "reports/benchfmt_comparison.h"
#include "reports/json_schema.h"
#include "reports/run_comparison_load.h"
#include "reports/run_comparison_views.h"
#include "sample_run_report.h"

using namespace pgo::reports;
using pgo::reports::testing::make_sample_report;
using pgo::reports::testing::SampleOptions;

namespace {

const ComparisonRow& row(const RunComparison& c, const std::string& kind,
                         const std::string& workload, const std::string& build) {
  for (const auto& r : c.rows) {
    if (r.kind == kind && r.workload == workload && r.build == build) return r;
  }
  FAIL("no row " + kind + " " + workload + " " + build);
  throw;
}

SampleOptions with(double time_scale, double pgo_scale, int rotation) {
  SampleOptions o;
  o.time_scale = time_scale;
  o.pgo_scale = pgo_scale;
  o.noise_rotation = rotation;
  return o;
}

}  // namespace

TEST_CASE("same distribution: no regression, no improvement", "[run_comparison]") {
  const auto c = compare_run_reports(make_sample_report(), make_sample_report(with(1, 1, 5)), {});
  CHECK_FALSE(c.has_regression());
  CHECK(c.count(ChangeVerdict::kImprovement) == 0);
  // 2 workloads x 3 builds of times and of peak RSS, 2 x 2 speedups + 2 geomeans, 3 build
  // times + 3 sizes
  CHECK(c.rows.size() == 6 + 6 + 6 + 6);
  CHECK(c.warnings.empty());
  const auto& g = row(c, "pgo_speedup", "geomean", "v2");
  CHECK(*g.ratio == Approx(1.0).margin(0.005));
  CHECK(*g.ci_lower < 1.0);
  CHECK(*g.ci_upper > 1.0);
}

TEST_CASE("a uniformly slower run is a time regression, PGO gain unchanged", "[run_comparison]") {
  const auto c =
      compare_run_reports(make_sample_report(), make_sample_report(with(1.05, 1, 5)), {});
  CHECK(c.has_regression());
  const auto& t = row(c, "time", "parse", "v0");
  CHECK(t.verdict == ChangeVerdict::kRegression);
  CHECK(*t.ratio == Approx(1.05).margin(0.01));
  CHECK(*t.p_value < 0.001);
  CHECK(*t.ci_lower > 1.0);
  CHECK(row(c, "pgo_speedup", "geomean", "v2").verdict == ChangeVerdict::kNoChange);
}

TEST_CASE("a weaker PGO gain is a speedup regression", "[run_comparison]") {
  // PGO builds 4% slower, v0 unchanged: speedup drops from ~1.05 to ~1.01.
  const auto c =
      compare_run_reports(make_sample_report(), make_sample_report(with(1, 1.04, 5)), {});
  CHECK(c.has_regression());
  const auto& g = row(c, "pgo_speedup", "geomean", "v2");
  CHECK(g.verdict == ChangeVerdict::kRegression);
  CHECK(*g.ratio == Approx(1 / 1.04).margin(0.005));
  CHECK(*g.ci_upper < 1.0);
  CHECK(row(c, "pgo_speedup", "parse", "v1").verdict == ChangeVerdict::kRegression);
  CHECK(row(c, "time", "parse", "v0").verdict == ChangeVerdict::kNoChange);
}

TEST_CASE("a significant change under the threshold is not a regression", "[run_comparison]") {
  CompareOptions o;
  o.threshold = 0.10;
  const auto c = compare_run_reports(make_sample_report(), make_sample_report(with(1.05, 1, 5)), o);
  CHECK_FALSE(c.has_regression());
  CHECK(row(c, "time", "parse", "v0").verdict == ChangeVerdict::kNoChange);
}

TEST_CASE("a faster run is an improvement", "[run_comparison]") {
  const auto c =
      compare_run_reports(make_sample_report(), make_sample_report(with(0.95, 1, 5)), {});
  CHECK_FALSE(c.has_regression());
  CHECK(row(c, "time", "BenchmarkEval", "v2").verdict == ChangeVerdict::kImprovement);
}

TEST_CASE("build time and binary size rows use their thresholds", "[run_comparison]") {
  auto slower_build = make_sample_report(with(1, 1, 5));
  slower_build.builds[1].build_seconds *= 1.15;         // under the 20% build-time threshold
  slower_build.builds[2].build_seconds *= 1.30;         // over it
  slower_build.builds[2].binary_size_bytes += 500'000;  // +9.7%
  const auto c = compare_run_reports(make_sample_report(), slower_build, {});
  CHECK(row(c, "build_time", "", "v1").verdict == ChangeVerdict::kNoChange);
  CHECK(row(c, "build_time", "", "v2").verdict == ChangeVerdict::kRegression);
  CHECK(row(c, "binary_size", "", "v2").verdict == ChangeVerdict::kRegression);
  CHECK(row(c, "binary_size", "", "v1").verdict == ChangeVerdict::kNoChange);
}

TEST_CASE("too few runs give insufficient data, not a verdict", "[run_comparison]") {
  auto base = make_sample_report();
  auto slow = make_sample_report(with(1.2, 1, 5));
  for (auto* r : {&base, &slow}) {
    for (auto& t : r->trials) t.values.resize(3);
  }
  const auto c = compare_run_reports(base, slow, {});
  CHECK_FALSE(c.has_regression());
  CHECK(row(c, "time", "parse", "v0").verdict == ChangeVerdict::kInsufficientData);
  CHECK(row(c, "pgo_speedup", "geomean", "v1").verdict == ChangeVerdict::kInsufficientData);
}

TEST_CASE("different scenarios are refused", "[run_comparison]") {
  SampleOptions other;
  other.scenario_name = "httpserver";
  CHECK_THROWS_WITH(
      compare_run_reports(make_sample_report(), make_sample_report(other), {}, "a",
                          "b/report.json"),
      Catch::Contains("b/report.json: compare: reports are from different scenarios") &&
          Catch::Contains("--allow-different-scenarios"));

  auto changed_workloads = make_sample_report();
  changed_workloads.scenario->workloads[0].name = "lex";
  CHECK_THROWS_WITH(compare_run_reports(make_sample_report(), changed_workloads, {}),
                    Catch::Contains("the scenarios' workloads differ"));

  CompareOptions o;
  o.allow_different_scenarios = true;
  const auto c = compare_run_reports(make_sample_report(), make_sample_report(other), o);
  REQUIRE_FALSE(c.warnings.empty());
  CHECK_THAT(c.warnings.front(), Catch::Contains("comparing different scenarios"));
}

TEST_CASE("a changed scenario that measures the same thing only warns", "[run_comparison]") {
  auto changed = make_sample_report(with(1, 1, 5));
  changed.scenario->iterations = 3;
  changed.scenario_hash = std::string(64, 'b');
  const auto c = compare_run_reports(make_sample_report(), changed, {});
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("the scenario changed"));
}

TEST_CASE("environment differences are warned about", "[run_comparison]") {
  SampleOptions o = with(1, 1, 5);
  o.cpu_model = "Other CPU";
  o.go_version = "go version go1.25.0 linux/amd64";
  auto other = make_sample_report(o);
  other.tool_version = "0.2.0";
  const auto c = compare_run_reports(make_sample_report(), other, {});
  REQUIRE(c.warnings.size() == 3);
  CHECK_THAT(c.warnings[0], Catch::StartsWith("CPU model differs"));
  CHECK_THAT(c.warnings[1], Catch::StartsWith("Go version differs"));
  CHECK_THAT(c.warnings[2], Catch::StartsWith("harness version differs"));
}

TEST_CASE("bench exports compare command by command", "[run_comparison]") {
  auto times = [](double m, int rot) { return pgo::reports::testing::sample_values(m, rot); };
  nlohmann::json base = {{"results",
                          {{{"command", "./a"}, {"times", times(0.1, 0)}},
                           {{"command", "./b"}, {"times", times(0.2, 0)}}}},
                         {"environment", {{"cpu_model", "X"}}}};
  nlohmann::json slow = {{"results",
                          {{{"command", "./a"}, {"times", times(0.11, 3)}},
                           {{"command", "./c"}, {"times", times(0.2, 3)}}}},
                         {"environment", {{"cpu_model", "Y"}}}};
  const auto c = compare_bench_exports(bench_export_from_json(base, "base.json"),
                                       bench_export_from_json(slow, "new.json"), {});
  REQUIRE(c.rows.size() == 1);
  CHECK(c.rows[0].verdict == ChangeVerdict::kRegression);
  CHECK(c.warnings.size() == 3);  // CPU model, ./b only in base, ./c only in new
  CHECK_THROWS_WITH(
      bench_export_from_json({{"results", {{{"command", "x"}}}}}, "e.json"),
      Catch::Contains("e.json: compare: results[0].times: required field is missing"));
}

TEST_CASE("the views carry the verdicts", "[run_comparison]") {
  const auto c = compare_run_reports(make_sample_report(), make_sample_report(with(1.05, 1, 5)), {},
                                     "base.json", "new.json");
  const std::string text = render_comparison_text(c);
  CHECK_THAT(text, Catch::Contains("result: REGRESSION"));
  CHECK_THAT(text, Catch::Contains("regression"));
  const std::string md = render_comparison_markdown(c);
  CHECK_THAT(md, Catch::StartsWith("## pgo-harness compare: regression"));
  CHECK_THAT(md, Catch::Contains("**regression**"));
  const auto j = comparison_to_json(c);
  CHECK(j["result"] == "regression");
  CHECK(j["rows"].size() == c.rows.size());
  CHECK(j["regressions"].get<std::size_t>() == c.count(ChangeVerdict::kRegression));
}

TEST_CASE("build times from the shared Go build cache are not compared", "[run_comparison]") {
  // Risk: a warm or cold shared cache failing (or passing) the gate on build time.
  auto base = make_sample_report();
  auto slower_build = make_sample_report(with(1, 1, 5));
  slower_build.builds[2].build_seconds *= 3;
  REQUIRE(compare_run_reports(base, slower_build, {}).has_regression());
  slower_build.analysis.build_times_comparable = false;
  const auto c = compare_run_reports(base, slower_build, {});
  CHECK_FALSE(c.has_regression());
  for (const auto& r : c.rows) CHECK(r.kind != "build_time");
  CHECK(row(c, "binary_size", "", "v2").verdict == ChangeVerdict::kNoChange);
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("build times not compared: the new run used the "
                                            "shared Go build cache"));
}

TEST_CASE("compare JSON of every input kind matches its schema", "[run_comparison][schema]") {
  // Risk: CI jobs parsing `compare --json` meet fields missing from
  // reports/comparison.schema.json (or the reverse) for one of the three input kinds.
  const auto schema =
      JsonSchema::load(std::string(PGO_SOURCE_DIR) + "/reports/comparison.schema.json");
  const auto runs =
      compare_run_reports(make_sample_report(), make_sample_report(with(1.05, 1, 5)), {});
  BenchExport a, b;
  a.commands = {{"x", {1.0, 1.1, 1.2, 1.0, 1.1}}};
  b.commands = {{"x", {2.0, 2.1, 2.2, 2.0, 2.1}}};
  const auto bench = compare_bench_exports(a, b, {});
  const auto benchfmt = compare_benchfmt(
      pgo::harness::parse_go_bench_output("Unit b assume=exact\nBenchmarkX 1 5 ns/op 3 b\n"
                                          "BenchmarkY 1 6 ns/op 3 b\n"),
      pgo::harness::parse_go_bench_output("Unit b assume=exact\nBenchmarkX 1 4 ns/op 3 b\n"
                                          "BenchmarkY 1 6 ns/op 4 b\n"),
      {});
  for (const RunComparison* c : {&runs, &bench, &benchfmt}) {
    INFO(c->input_kind);
    const nlohmann::json j = comparison_to_json(*c);
    CHECK(j["schema_version"] == kComparisonSchemaVersion);
    CHECK(schema.validate(j) == std::vector<std::string>{});
  }
  nlohmann::json bad = comparison_to_json(runs);
  bad["rows"][0]["verdict"] = "slower";
  CHECK_FALSE(schema.validate(bad).empty());
}

TEST_CASE("peak memory: a significant growth over the memory threshold is a regression",
          "[run_comparison]") {
  // Risk: PGO builds that need 18-35% more memory (as reported for real services) pass the
  // gate because only time is compared.
  SampleOptions more = with(1, 1, 5);
  more.memory_scale = 1.2;
  const auto c = compare_run_reports(make_sample_report(), make_sample_report(more), {});
  const auto& grown = row(c, "peak_rss", "parse", "v2");
  CHECK(*grown.ratio == Approx(1.2).epsilon(0.02));
  CHECK(grown.verdict == ChangeVerdict::kRegression);
  CHECK(row(c, "peak_rss", "parse", "v0").verdict == ChangeVerdict::kNoChange);
  CHECK(c.has_regression());
  // Under a 25% memory threshold the same growth is tolerated.
  CompareOptions lenient;
  lenient.memory_threshold = 0.25;
  const auto l = compare_run_reports(make_sample_report(), make_sample_report(more), lenient);
  CHECK(row(l, "peak_rss", "parse", "v2").verdict == ChangeVerdict::kNoChange);
  // Reports without peak RSS (written before it was recorded) simply have no such rows.
  auto old = make_sample_report();
  for (auto& t : old.trials) t.peak_rss_bytes.clear();
  for (const auto& r : compare_run_reports(old, make_sample_report(), {}).rows) {
    CHECK(r.kind != "peak_rss");
  }
}

TEST_CASE("compare shows the revisions of both sources", "[run_comparison]") {
  auto base = make_sample_report();
  auto now = make_sample_report(with(1, 1, 5));
  base.source_revision = "aaaa1111";
  now.source_revision = "bbbb2222";
  now.source_dirty = true;
  const auto c = compare_run_reports(base, now, {}, "base/report.json", "new/report.json");
  CHECK(c.base_revision == "aaaa1111");
  CHECK(c.candidate_revision == "bbbb2222+dirty");
  CHECK_THAT(render_comparison_text(c),
             Catch::Contains("base: base/report.json (revision aaaa1111)"));
  CHECK_THAT(render_comparison_text(c), Catch::Contains("(revision bbbb2222+dirty)"));
  CHECK_THAT(render_comparison_markdown(c), Catch::Contains("at `bbbb2222+dirty`"));
}

namespace {

// The sample report with every series turned into 2 near-identical counting runs.
pgo::harness::RunReport counting_report(double scale, double pgo_scale) {
  auto r = make_sample_report();
  for (auto& t : r.trials) {
    t.metric = "instructions";
    t.unit = "instructions";
    const double base = 1e9 * scale * (t.build == "v0" ? 1.0 : pgo_scale);
    t.values = {base, base * 1.0001};
    t.wall_seconds = {50, 50};
  }
  return r;
}

}  // namespace

TEST_CASE("counting reports: a 3% regression is found with 2 runs per side", "[run_comparison]") {
  // Risk: counting runs (2-4 per build, all a nightly can afford under cachegrind) always
  // read "insufficient data", as the rank test would make them.
  const auto same = compare_run_reports(counting_report(1, 0.95), counting_report(1, 0.95), {});
  CHECK_FALSE(same.has_regression());
  CHECK(row(same, "time", "parse", "v0").verdict == ChangeVerdict::kNoChange);
  CHECK_FALSE(row(same, "time", "parse", "v0").p_value);

  const auto slower =
      compare_run_reports(counting_report(1, 0.95), counting_report(1.03, 0.95), {});
  CHECK(slower.has_regression());
  CHECK(row(slower, "time", "parse", "v0").verdict == ChangeVerdict::kRegression);
  // A PGO gain shrinking from 5% to 2% (0.97 / 0.95 - 1 = 2.1% > the 2% threshold).
  const auto weaker = compare_run_reports(counting_report(1, 0.95), counting_report(1, 0.98), {});
  CHECK(row(weaker, "pgo_speedup", "geomean", "v2").verdict == ChangeVerdict::kRegression);
  CHECK(row(weaker, "time", "parse", "v0").verdict == ChangeVerdict::kNoChange);
}

TEST_CASE("PGO speedup rows: pinned values of the joint bootstrap", "[run_comparison]") {
  // Recorded from the implementation before the bootstrap moved to
  // harness/sample_comparison.h: the same seed must keep giving the same numbers.
  const std::vector<double> r1 = {1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.00};
  const std::vector<double> c1 = {0.90, 0.93, 0.91, 0.89, 0.92, 0.90, 0.94};
  const std::vector<double> r2 = {2.0, 2.1, 1.9, 2.05, 1.95, 2.02};
  const std::vector<double> c2 = {1.9, 1.95, 1.85, 2.0, 1.88, 1.91, 1.93};
  pgo::harness::RunReport base, candidate;
  for (auto* r : {&base, &candidate}) {
    r->builds.resize(2);
    r->builds[0].label = "v0";
    r->builds[1].label = "v1";
    r->builds[1].iteration = 1;
    r->status = pgo::harness::RunStatus::kComplete;
  }
  auto series = [](const std::string& workload, const std::string& build,
                   const std::vector<double>& values) {
    pgo::harness::TrialSeries t;
    t.workload = workload;
    t.build = build;
    t.metric = "wall";
    t.unit = "s";
    t.values = values;
    return t;
  };
  base.trials = {series("x", "v0", r1), series("x", "v1", c1), series("y", "v0", r2),
                 series("y", "v1", c2)};
  candidate.trials = {series("x", "v0", r2), series("x", "v1", c2), series("y", "v0", r1),
                      series("y", "v1", c1)};
  CompareOptions o;
  o.seed = 5;
  const RunComparison c = compare_run_reports(base, candidate, o);
  const ComparisonRow& x = row(c, "pgo_speedup", "x", "v1");
  CHECK(*x.ratio == 0x1.ea504fc686ff2p-1);
  CHECK(*x.ci_lower == 0x1.cf41585227785p-1);
  CHECK(*x.ci_upper == 0x1.00717ab8c4fe5p+0);
  const ComparisonRow& g = row(c, "pgo_speedup", "geomean", "v1");
  CHECK(*g.base == 0x1.134be446d7fa2p+0);
  CHECK(*g.ratio == 0x1p+0);
  CHECK(*g.ci_lower == 0x1.ec88c2541f897p-1);
  CHECK(*g.ci_upper == 0x1.08a5088a3d5c1p+0);
}

TEST_CASE("compare: per-benchmark rows where both reports have them", "[run_comparison]") {
  SampleOptions base;
  base.per_benchmark = true;
  SampleOptions slower = with(1.05, 1, 5);
  slower.per_benchmark = true;
  const auto c = compare_run_reports(make_sample_report(base), make_sample_report(slower), {});
  const ComparisonRow* found = nullptr;
  for (const auto& r : c.rows) {
    if (r.kind == "benchmark" && r.workload == "BenchmarkEval/BenchmarkEval/add" &&
        r.build == "v1" && r.unit == "ns/op") {
      found = &r;
    }
  }
  REQUIRE(found != nullptr);
  const ComparisonRow& ns = *found;
  CHECK(ns.verdict == ChangeVerdict::kRegression);
  CHECK(*ns.ratio == Approx(1.05).margin(0.01));
  std::size_t benchmark_rows = 0;
  bool mbs_higher_is_better = false;
  for (const auto& r : c.rows) {
    if (r.kind != "benchmark") continue;
    ++benchmark_rows;
    if (r.unit == "MB/s") mbs_higher_is_better = r.higher_is_better;
  }
  // 3 builds x (add: ns/op, B/op, allocs/op + mul: those and MB/s)
  CHECK(benchmark_rows == 3 * 7);
  CHECK(mbs_higher_is_better);
  // Only one side with per-benchmark results: no benchmark rows, the rest as before.
  const auto one_sided = compare_run_reports(make_sample_report(), make_sample_report(slower), {});
  for (const auto& r : one_sided.rows) CHECK(r.kind != "benchmark");
  const auto schema =
      JsonSchema::load(std::string(PGO_SOURCE_DIR) + "/reports/comparison.schema.json");
  CHECK(schema.validate(comparison_to_json(c)).empty());
}
