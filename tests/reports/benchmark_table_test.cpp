// Risks: a benchmark that PGO slowed hidden under the workload's geomean in report.md and
// report.html (no row, no mark), its numbers differing between the two views, the other
// units (B/op, allocs/op, custom) lost, or a report without per-benchmark results growing
// an empty section.
#include "reports/benchmark_table.h"

#include <catch2/catch.hpp>

#include "golden_file.h"
#include "html_check.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "sample_run_report.h"

using namespace pgo::reports::testing;

namespace {

pgo::harness::RunReport per_benchmark_report() {
  SampleOptions o;
  o.per_benchmark = true;
  return make_sample_report(o);
}

}  // namespace

TEST_CASE("benchmark table: the geomean row, then one row per benchmark, per build",
          "[benchmark_table]") {
  const auto table = pgo::reports::benchmark_table(per_benchmark_report());
  // 2 PGO builds x (geomean + 2 benchmarks)
  REQUIRE(table.rows.size() == 6);
  const auto& geomean = table.rows[0];
  CHECK(geomean.geomean);
  CHECK(geomean.cells[0] == "BenchmarkEval");
  CHECK(geomean.cells[1] == "geomean");
  CHECK(geomean.cells[2] == "v1");
  CHECK(geomean.cells[8] == "faster");

  const auto& add = table.rows[1];
  CHECK(add.cells[1] == "BenchmarkEval/add");
  CHECK(add.slowed);
  CHECK(add.cells[3] == "2002 ns/op");  // v0 median
  CHECK(add.cells[4] == "2202 ns/op");  // 10% slower
  CHECK(add.cells[5] == "0.909x");
  CHECK(add.cells[8] == "slower (slowed by PGO)");
  CHECK(add.cells[9] == "+0.0%");
  CHECK(add.cells[11] == "-");

  const auto& mul = table.rows[2];
  CHECK_FALSE(mul.slowed);
  CHECK(mul.cells[5] == "1.429x");
  CHECK(mul.cells[8] == "faster");
  CHECK(mul.cells[9] == "+25.0%");  // B/op
  CHECK(mul.cells[10] == "+0.0%");  // allocs/op
  CHECK(mul.cells[11] == "MB/s +42.9%");
  CHECK(table.rows[3].cells[2] == "v2");
}

TEST_CASE("benchmark table: empty without per-benchmark results", "[benchmark_table]") {
  CHECK(pgo::reports::benchmark_table(make_sample_report()).rows.empty());
  const std::string md = pgo::reports::render_markdown_report(make_sample_report());
  CHECK_THAT(md, !Catch::Contains("Per benchmark"));
  const std::string html = pgo::reports::render_html_report(make_sample_report());
  CHECK_THAT(html, !Catch::Contains("Per benchmark"));
}

TEST_CASE("report.md with per-benchmark rows matches the golden file", "[benchmark_table]") {
  const std::string actual = pgo::reports::render_markdown_report(per_benchmark_report());
  CHECK(actual == golden("report_per_benchmark.md", actual));
  CHECK_THAT(actual, Catch::Contains("| BenchmarkEval | **BenchmarkEval/add** | v1 | 2002 ns/op | "
                                     "2202 ns/op | 0.909x |"));
  CHECK_THAT(actual, Catch::Contains("**slower (slowed by PGO)**"));
  CHECK_THAT(actual, Catch::Contains("- benchmark BenchmarkEval/add of workload BenchmarkEval: v1 "
                                     "is 9.1% slower than v0"));
}

TEST_CASE("report.html shows the same per-benchmark rows, the slowed one marked",
          "[benchmark_table]") {
  const std::string html = pgo::reports::render_html_report(per_benchmark_report());
  CHECK(check_balanced_tags(html).empty());
  CHECK_THAT(html, Catch::Contains("<h2>Per benchmark (gotest workloads)</h2>"));
  CHECK(count_of(html, "<tr class=\"slowed\">") == 2);   // add on v1 and v2
  CHECK(count_of(html, "<tr class=\"geomean\">") == 2);  // one per PGO build
  CHECK_THAT(html, Catch::Contains("<td>BenchmarkEval/mul</td><td>v2</td>"));
  CHECK_THAT(html, Catch::Contains("<td class=\"bad\">slower (slowed by PGO)</td>"));
  CHECK_THAT(html, Catch::Contains("MB/s +42.9%"));
}
