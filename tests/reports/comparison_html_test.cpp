// The release sign-off page (compare --html).
// Risks guarded against: a page that loads something from elsewhere (it must open offline
// and from an archived CI artifact), broken markup, a regression that the page does not
// show as one, rows of the gate missing from the page, charts missing for run reports.
#include "reports/comparison_html.h"

#include <catch2/catch.hpp>

#include "html_check.h"
#include "reports/report_summary.h"
#include "sample_run_report.h"

using namespace pgo::reports;
using pgo::reports::testing::count_of;
using pgo::reports::testing::make_sample_report;
using pgo::reports::testing::SampleOptions;

TEST_CASE("sign-off page of two runs: charts, every row, the regression shown",
          "[comparison_html]") {
  SampleOptions slow;
  slow.time_scale = 1.05;
  slow.noise_rotation = 5;
  ComparedReports reports{make_sample_report(), make_sample_report(slow)};
  const RunComparison c = compare_run_reports(*reports.base, *reports.candidate, {});
  REQUIRE(c.has_regression());
  const std::string html = render_comparison_html(c, reports);
  CHECK(pgo::reports::testing::check_balanced_tags(html) == "");
  CHECK(pgo::reports::testing::external_references(html).empty());
  CHECK_THAT(html, Catch::Contains("Regression: do not sign off as is"));
  CHECK_THAT(html, Catch::Contains("verdict-regressed"));
  // One row of the table per comparison row, verdict cells coloured by verdict.
  CHECK(count_of(html, "<tr>") == c.rows.size() + 3);  // + header row + base/new rows
  CHECK(count_of(html, "<td class=\"bad\">regression</td>") == c.count(ChangeVerdict::kRegression));
  // Charts: speedup of the geomean and of each workload, one distribution per workload,
  // build time and binary size.
  const std::size_t workloads = workload_names(*reports.base).size();
  CHECK(count_of(html, "<svg") == (1 + workloads) + workloads + 2);
  CHECK_THAT(html, Catch::Contains("base v0"));
  CHECK_THAT(html, Catch::Contains("new v2"));
  // Deterministic.
  CHECK(render_comparison_html(c, reports) == html);
}

TEST_CASE("sign-off page without run reports: the rows and the verdict", "[comparison_html]") {
  BenchExport a, b;
  a.commands = {{"x", {1.0, 1.1, 1.2, 1.0, 1.1}}};
  b.commands = {{"x", {1.0, 1.1, 1.2, 1.05, 1.1}}};
  const RunComparison c = compare_bench_exports(a, b, {});
  const std::string html = render_comparison_html(c);
  CHECK(pgo::reports::testing::check_balanced_tags(html) == "");
  CHECK_THAT(html, Catch::Contains("No regression"));
  CHECK(count_of(html, "<svg") == 0);
  CHECK_THAT(html, Catch::Contains("<td>x</td>"));
}

TEST_CASE("sign-off page of two runs with per-benchmark results: both speedups per benchmark",
          "[comparison_html]") {
  SampleOptions base;
  base.per_benchmark = true;
  SampleOptions next = base;
  next.noise_rotation = 5;
  ComparedReports reports{make_sample_report(base), make_sample_report(next)};
  const RunComparison c = compare_run_reports(*reports.base, *reports.candidate, {});
  const std::string html = render_comparison_html(c, reports);
  CHECK(pgo::reports::testing::check_balanced_tags(html) == "");
  CHECK_THAT(html, Catch::Contains("<h2>PGO speedup per benchmark, base and new</h2>"));
  // BenchmarkEval/add slowed on v1 and v2, in both runs.
  CHECK(count_of(html, "slower (slowed by PGO)</td>") == 4);
  CHECK_THAT(html, Catch::Contains("<td>BenchmarkEval</td><td>BenchmarkEval/mul</td><td>v2</td>"
                                   "<td class=\"num\">1.429x [1.408x, 1.449x]</td>"));
  // Without per-benchmark results on one side: no such section.
  ComparedReports one_sided{make_sample_report(), make_sample_report(next)};
  CHECK_THAT(render_comparison_html(compare_run_reports(*one_sided.base, *one_sided.candidate, {}),
                                    one_sided),
             !Catch::Contains("per benchmark, base and new"));
}
