// Risk guarded against: a Markdown table that renders wrongly (unescaped pipes, a unit in
// the header that does not match the numbers) or that misstates the comparison.
#include "reports/bench_markdown_export.h"

#include <catch2/catch.hpp>

#include "sample_bench_result.h"

using pgo::reports::TimeUnit;

TEST_CASE("the Markdown table matches hyperfine's layout plus the comparison", "[bench_md]") {
  auto r = pgo::reports::testing::sample_bench_result();
  r.commands[1].command.name = "a | b";
  std::string md = pgo::reports::bench_result_to_markdown(r);
  std::string expected =
      "| Command | Mean [ms] | Median [ms] (95% CI) | Min [ms] | Max [ms] | Relative | vs "
      "reference |\n"
      "|:---|---:|---:|---:|---:|---:|:---|\n"
      "| `prog 1` | 11.0 ± 0.9 | 11.0 [10.0, 12.0] | 10.0 | 12.0 | 1.00 | reference |\n";
  REQUIRE(md.rfind(expected, 0) == 0);
  std::string second = md.substr(expected.size());
  CHECK(second.rfind("| `a \\| b` | 21.0 ± 0.9 | 21.0 [20.0, 22.0] | 20.0 | 22.0 | 1.91 ± 0.18 | "
                     "+90.9% [",
                     0) == 0);
  CHECK(second.find("slower |\n") != std::string::npos);
  CHECK(second.find("(U test), slower") != std::string::npos);
  SECTION("runs paired by round say so") {
    for (auto& cr : r.commands) cr.rounds = {0, 1, 2, 3, 4, 5};
    pgo::harness::analyze_bench_result(r);
    CHECK(pgo::reports::bench_result_to_markdown(r).find(
              "p = 0.031 (paired, 6 rounds), slower |") != std::string::npos);
  }
}

TEST_CASE("the time unit follows the reference or --time-unit", "[bench_md]") {
  auto r = pgo::reports::testing::sample_bench_result();
  CHECK(pgo::reports::bench_time_unit(r, std::nullopt) == TimeUnit::kMillisecond);
  std::string md = pgo::reports::bench_result_to_markdown(r, TimeUnit::kMicrosecond);
  CHECK(md.find("Mean [µs]") != std::string::npos);
  CHECK(md.find("| 11000.0 ± 894.4 |") != std::string::npos);
  CHECK(pgo::reports::auto_time_unit(2.5) == TimeUnit::kSecond);
  CHECK(pgo::reports::auto_time_unit(2.5e-4) == TimeUnit::kMicrosecond);
  CHECK(pgo::reports::auto_time_unit(2.5e-8) == TimeUnit::kNanosecond);
  CHECK(pgo::reports::parse_time_unit("us") == TimeUnit::kMicrosecond);
  CHECK_THROWS(pgo::reports::parse_time_unit("fortnight"));
}
