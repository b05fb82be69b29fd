// Risks: report.md losing a section or a number a reader needs (verdict, speedups with
// intervals, overheads, warnings), or changing without anyone noticing (golden file).
#include "reports/markdown_report.h"

#include <catch2/catch.hpp>

#include "golden_file.h"
#include "sample_run_report.h"

using pgo::reports::testing::make_sample_report;

TEST_CASE("report.md matches the golden file", "[markdown_report]") {
  const std::string actual = pgo::reports::render_markdown_report(make_sample_report());
  CHECK(actual == pgo::reports::testing::golden("report.md", actual));
}

TEST_CASE("report.md leads with the verdict and the final speedup", "[markdown_report]") {
  const std::string md = pgo::reports::render_markdown_report(make_sample_report());
  CHECK(md.rfind("# PGO report: interp\n\n**Verdict: Converged at iteration 1.**", 0) == 0);
  CHECK_THAT(md, Catch::Contains("Final build v2: **1.056x** over pgo=off"));
  CHECK_THAT(md, Catch::Contains("[1.046x, 1.065x]"));
  CHECK_THAT(md, Catch::Contains("build time +40.0%, binary size +3.2% vs v0"));
  // parse v1: time ratio 0.96 +- 0.008 -> speedup interval [1/0.968, 1/0.952].
  CHECK_THAT(md, Catch::Contains("| parse | v1 | 961 ms |"));
  CHECK_THAT(md, Catch::Contains("1.042x | [1.033x, 1.050x]"));
  CHECK_THAT(md, Catch::Contains("| BenchmarkEval | v0 | 5005 ns/op |"));
  CHECK_THAT(md, Catch::Contains("91.0% / 94.0% / 86.0%"));
  CHECK_THAT(md, Catch::Contains("- cpu0 governor is unknown"));
}

TEST_CASE("a failed run says so, and an empty report still renders", "[markdown_report]") {
  auto r = make_sample_report();
  r.status = pgo::harness::RunStatus::kFailed;
  r.error = "build v2: go build failed | see logs/build-v2.log";
  const std::string md = pgo::reports::render_markdown_report(r);
  CHECK_THAT(md, Catch::Contains("> **Run failed:** build v2: go build failed \\| see"));

  const std::string empty = pgo::reports::render_markdown_report(pgo::harness::RunReport{});
  CHECK_THAT(empty, Catch::Contains("**Verdict: Incomplete.**"));
  CHECK_THAT(empty, Catch::Contains("## Warnings\n\nNone."));
}

TEST_CASE("build times from the shared Go build cache are not shown as a PGO cost",
          "[markdown_report]") {
  // Risk: a "+4000%" build-time overhead that only measures a warm cache for v0.
  auto r = make_sample_report();
  r.analysis.build_times_comparable = false;
  const std::string md = pgo::reports::render_markdown_report(r);
  CHECK_THAT(md, Catch::Contains(
                     "build time not comparable (shared Go build cache), binary size +3.2% vs v0"));
  CHECK_THAT(md, !Catch::Contains("build time +40.0%"));
  // The builds table keeps the seconds but not the ratio.
  CHECK_THAT(md, Catch::Contains("| not comparable (shared Go build cache) | "));
  CHECK_THAT(md, !Catch::Contains("| +40.0% |"));
}

TEST_CASE("report.md shows a stale profile by build, with the missing names", "[markdown_report]") {
  auto report = make_sample_report();
  CHECK(pgo::reports::render_markdown_report(report).find("## Profile staleness") ==
        std::string::npos);
  pgo::harness::StalenessRecord s;
  s.function_names_from = "gopclntab";
  s.total_share = 0.25;
  s.hot_share = 0.4;
  s.missing_functions = 1;
  s.hottest_missing = {{"main.oldEval", 40}};
  report.builds[1].staleness = s;
  const std::string md = pgo::reports::render_markdown_report(report);
  CHECK_THAT(md, Catch::Contains("## Profile staleness"));
  CHECK_THAT(md, Catch::Contains("`main.oldEval`"));
  CHECK_THAT(md, Catch::Contains("40.0%"));
}
