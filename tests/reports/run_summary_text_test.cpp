// Risks: the end-of-run summary `pgo-harness run` prints hiding a benchmark that PGO
// slowed under its workload's geomean row, marking one that was not slowed, or drifting
// from the report it summarizes (rows, geomean, builds, warnings, where the report is).
#include "reports/run_summary_text.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "golden_file.h"
#include "sample_run_report.h"

using namespace pgo::reports::testing;

namespace {

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_CASE("run summary: a benchmark slowed by PGO gets its own row under its workload",
          "[run_summary_text]") {
  SampleOptions o;
  o.per_benchmark = true;
  const std::string summary = pgo::reports::render_run_summary(make_sample_report(o), "runs/x");
  CHECK(summary == golden("run_summary_per_benchmark.txt", summary));

  // BenchmarkEval/add is 10% slower on v1 and v2 while the workload's geomean improves.
  const auto slowed = lines_with(summary, "slowed by PGO");
  REQUIRE(slowed.size() == 2);
  for (const std::string& line : slowed) CHECK_THAT(line, Catch::Contains("BenchmarkEval/add"));
  CHECK(lines_with(summary, "BenchmarkEval/mul").empty());  // faster: no extra row
  // The slowed rows sit below the workload's rows of their build.
  CHECK(summary.find("BenchmarkEval v1     4705") < summary.find(slowed[0]));
  CHECK_THAT(summary, Catch::Contains("warning: ") && Catch::Contains("BenchmarkEval/add"));
  CHECK_THAT(summary, Catch::Contains("report: runs/x/report.json"));
}

TEST_CASE("run summary: no benchmark rows without per-benchmark results", "[run_summary_text]") {
  const std::string summary = pgo::reports::render_run_summary(make_sample_report(), "runs/x");
  CHECK(lines_with(summary, "slowed by PGO").empty());
  std::size_t geomean_rows = 0;
  for (const std::string& line : lines_with(summary, "geomean"))
    geomean_rows += line.rfind("geomean ", 0) == 0;
  CHECK(geomean_rows == 2);  // one per PGO build
}

TEST_CASE("run summary: long count medians keep the columns lined up", "[run_summary_text]") {
  // Risk: a median with a long unit ("215.13 M cycles/op") pushing its row's run count and
  // speedup out from under their headers.
  pgo::harness::RunReport r = make_sample_report();
  for (auto& t : r.trials) {
    t.unit = "cycles/op";
    if (t.median) *t.median *= 1e6;
  }
  const std::string summary = pgo::reports::render_run_summary(r, "runs/x");
  const std::vector<std::string> header = lines_with(summary, "speedup vs v0");
  REQUIRE(header.size() == 1);
  const std::size_t runs = header[0].find("runs");
  std::size_t rows = 0;
  for (const std::string& line : lines_with(summary, "cycles/op")) {
    INFO(line);
    REQUIRE(line.size() > runs);
    CHECK(line[runs] >= '1');
    CHECK(line[runs] <= '9');
    CHECK(line[runs - 1] == ' ');
    ++rows;
  }
  CHECK(rows >= 3);
}

TEST_CASE("run summary: the geomean row says how its interval was drawn", "[run_summary_text]") {
  // Risk: a paired (by round) geomean interval shown as if each build's runs were redrawn
  // independently, or the other way round.
  pgo::harness::RunReport r = make_sample_report();
  REQUIRE(r.analysis.geomean.size() == 2);
  r.analysis.geomean[0].paired = true;
  const std::vector<std::string> rows =
      lines_with(pgo::reports::render_run_summary(r, "runs/x"), "significant");
  std::vector<std::string> geomean;
  for (const std::string& line : rows)
    if (line.rfind("geomean ", 0) == 0) geomean.push_back(line);
  REQUIRE(geomean.size() == 2);
  CHECK_THAT(geomean[0], Catch::Contains(" paired bootstrap ") && Catch::EndsWith(" significant"));
  CHECK_THAT(geomean[1], Catch::Contains("  bootstrap ") && !Catch::Contains("paired"));
}
