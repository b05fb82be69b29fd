// Benchfmt exports of run reports and bench results.
// Risks guarded against: a run missing from the export (benchstat would then see other
// medians than the harness), values printed with lost precision, result lines that the
// Go benchmark format does not accept (a lower-case letter after "Benchmark", spaces in a
// name), builds not told apart by the "pgo:" key, build time and size not marked exact.
#include "reports/benchfmt_export.h"

#include <catch2/catch.hpp>

#include "go/go_bench_format.h"
#include "sample_bench_result.h"
#include "sample_run_report.h"

namespace h = pgo::harness;
namespace r = pgo::reports;

TEST_CASE("benchfmt names, units and pgo labels", "[benchfmt]") {
  CHECK(r::benchfmt_name("score") == "BenchmarkScore");
  CHECK(r::benchfmt_name("parse json") == "BenchmarkParse_json");
  CHECK(r::benchfmt_name("Already") == "BenchmarkAlready");
  CHECK(r::benchfmt_unit("wall") == "sec/op");
  CHECK(r::benchfmt_unit("cpu") == "cpu-sec/op");
  CHECK(r::benchfmt_unit("ns_per_op") == "ns/op");
  CHECK(r::benchfmt_unit("instructions") == "instructions/op");
  h::BuildRecord b;
  b.pgo = "off";
  CHECK(r::benchfmt_pgo_label(b) == "off");
  b.pgo = "profiles/iter-2.pgo";
  CHECK(r::benchfmt_pgo_label(b) == "iter-2");
  b.pgo = "/src/app/default.pgo";
  CHECK(r::benchfmt_pgo_label(b) == "default.pgo");
}

TEST_CASE("run report to benchfmt: every trial, one block per build", "[benchfmt]") {
  const h::RunReport report = r::testing::make_sample_report();
  const std::string text = r::run_report_to_benchfmt(report);
  int skipped = -1;
  const h::GoBenchOutput out = h::parse_go_bench_output(text, &skipped);
  CHECK(skipped == 0);
  CHECK(out.config.at("scenario") == report.scenario_name);
  CHECK(out.config.at("cpu") == "Test CPU @ 2.0GHz");
  CHECK(out.assume_exact("build-sec"));
  CHECK(out.assume_exact("binary-B"));

  std::size_t trial_lines = 0;
  for (const h::TrialSeries& series : report.trials) {
    std::string label;
    for (const auto& b : report.builds) {
      if (b.label == series.build) label = r::benchfmt_pgo_label(b);
    }
    std::vector<double> exported;
    for (const h::GoBenchResult& res : out.results) {
      if (res.name != r::benchfmt_name(series.workload) || res.config.at("pgo") != label) continue;
      REQUIRE(res.value(r::benchfmt_unit(series.metric)).has_value());
      exported.push_back(*res.value(r::benchfmt_unit(series.metric)));
    }
    // Same values in the same order, bit for bit: benchstat's medians are the harness's.
    CHECK(exported == series.values);
    std::vector<double> rss;
    for (const h::GoBenchResult& res : out.results) {
      if (res.name == r::benchfmt_name(series.workload) && res.config.at("pgo") == label) {
        rss.push_back(*res.value("peak-RSS-B"));
      }
    }
    CHECK(rss == std::vector<double>(series.peak_rss_bytes.begin(), series.peak_rss_bytes.end()));
    trial_lines += exported.size();
  }
  std::size_t build_lines = 0;
  for (const h::GoBenchResult& res : out.results) {
    if (res.name != "BenchmarkGoBuild") continue;
    ++build_lines;
    const auto& b = report.builds[build_lines - 1];
    CHECK(res.config.at("pgo") == r::benchfmt_pgo_label(b));
    CHECK(*res.value("build-sec") == b.build_seconds);
    CHECK(*res.value("binary-B") == static_cast<double>(b.binary_size_bytes));
  }
  CHECK(build_lines == report.builds.size());
  CHECK(out.results.size() == trial_lines + build_lines);
}

TEST_CASE("run report to benchfmt: cpu metric carries the wall time too", "[benchfmt]") {
  h::RunReport report = r::testing::make_sample_report();
  h::TrialSeries& series = report.trials.front();
  series.metric = "cpu";
  series.wall_seconds = series.values;
  for (double& w : series.wall_seconds) w *= 1.25;
  const h::GoBenchOutput out = h::parse_go_bench_output(r::run_report_to_benchfmt(report));
  const h::GoBenchResult* first = nullptr;
  for (const auto& res : out.results) {
    if (res.name == r::benchfmt_name(series.workload)) {
      first = &res;
      break;
    }
  }
  REQUIRE(first != nullptr);
  CHECK(*first->value("cpu-sec/op") == series.values[0]);
  CHECK(*first->value("sec/op") == series.wall_seconds[0]);
}

TEST_CASE("bench result to benchfmt: one block per command, every run", "[benchfmt]") {
  const h::BenchResult result = r::testing::sample_bench_result();
  int skipped = -1;
  const h::GoBenchOutput out =
      h::parse_go_bench_output(r::bench_result_to_benchfmt(result), &skipped);
  CHECK(skipped == 0);
  REQUIRE(out.results.size() == 12);
  CHECK(out.results[0].name == "BenchmarkCommand/n=1");
  CHECK(out.results[0].config.at("command") == "prog 1");
  CHECK(out.results[6].name == "BenchmarkCommand/n=2");
  CHECK(out.results[6].config.at("command") == "prog, \"2\"");
  for (std::size_t c = 0; c < 2; ++c) {
    for (std::size_t i = 0; i < 6; ++i) {
      const auto& run = result.commands[c].runs[i];
      const auto& res = out.results[c * 6 + i];
      CHECK(*res.value("sec/op") == run.wall_seconds);
      CHECK(*res.value("user-sec/op") == run.user_seconds);
      CHECK(*res.value("sys-sec/op") == run.system_seconds);
      CHECK(*res.value("peak-RSS-B") == static_cast<double>(run.max_rss_bytes));
    }
  }
}

TEST_CASE("run report to benchfmt: a gotest workload exports every benchmark with all units",
          "[benchfmt]") {
  r::testing::SampleOptions o;
  o.per_benchmark = true;
  const h::RunReport report = r::testing::make_sample_report(o);
  int skipped = -1;
  const h::GoBenchOutput out =
      h::parse_go_bench_output(r::run_report_to_benchfmt(report), &skipped);
  CHECK(skipped == 0);
  const h::TrialSeries& v1 = report.trials[4];  // BenchmarkEval@v1
  REQUIRE(v1.build == "v1");
  std::vector<double> add_ns, mul_mbs, rss;
  std::size_t geomean_lines = 0;
  for (const h::GoBenchResult& res : out.results) {
    if (res.config.at("pgo") != "iter-1") continue;
    if (res.name == "BenchmarkBenchmarkEval/Eval/add") {
      add_ns.push_back(*res.value("ns/op"));
      CHECK(*res.value("B/op") == 64);
      CHECK(*res.value("allocs/op") == 2);
    }
    if (res.name == "BenchmarkBenchmarkEval/Eval/mul") mul_mbs.push_back(*res.value("MB/s"));
    if (res.name == "BenchmarkBenchmarkEval") {
      CHECK_FALSE(res.value("ns/op").has_value());  // the geomean is benchstat's to compute
      ++geomean_lines;
      rss.push_back(*res.value("peak-RSS-B"));
    }
  }
  CHECK(add_ns == v1.benchmarks.at("BenchmarkEval/add").at("ns/op"));
  CHECK(mul_mbs == v1.benchmarks.at("BenchmarkEval/mul").at("MB/s"));
  CHECK(geomean_lines == v1.values.size());
  CHECK(rss == std::vector<double>(v1.peak_rss_bytes.begin(), v1.peak_rss_bytes.end()));
}
