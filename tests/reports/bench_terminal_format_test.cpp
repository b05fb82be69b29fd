// Risk guarded against: terminal output that misreports the numbers (wrong unit, wrong run
// count, the comparison pointing the wrong way) or hides a warning.
#include "reports/bench_terminal_format.h"

#include <catch2/catch.hpp>

#include "sample_bench_result.h"

using pgo::reports::TimeUnit;

TEST_CASE("a command block shows mean, median with its interval, range and runs",
          "[bench_terminal]") {
  auto r = pgo::reports::testing::sample_bench_result();
  r.commands[0].warnings = {"something to know"};
  std::string block = pgo::reports::format_command_block(r, 0, TimeUnit::kMillisecond);
  CHECK(block ==
        "Benchmark 1: prog 1\n"
        "  Time (mean ± σ):     11.0 ms ±    0.9 ms    [User: 5.5 ms, System: 2.8 ms]\n"
        "  Median (95% CI):     11.0 ms [10.0 ms … 12.0 ms]  (±9.1%)\n"
        "  Range (min … max):   10.0 ms …   12.0 ms    6 runs, max RSS 1.00 MiB\n"
        "  Warning: something to know\n");
}

TEST_CASE("the summary says who is faster, with hyperfine's ratio and our test",
          "[bench_terminal]") {
  auto r = pgo::reports::testing::sample_bench_result();
  std::string s = pgo::reports::format_comparison_table(r, TimeUnit::kMillisecond);
  CHECK(s.find("'prog 1' (reference)\n    ran 1.91 ± 0.18 times faster than 'prog, \"2\"'") !=
        std::string::npos);
  CHECK(s.find("+90.9%") != std::string::npos);
  CHECK(s.find("slower") != std::string::npos);
  CHECK(s.find("U test") != std::string::npos);
  CHECK(s.find("paired, ") == std::string::npos);
  for (auto& cr : r.commands) cr.rounds = {0, 1, 2, 3, 4, 5};
  pgo::harness::analyze_bench_result(r);
  s = pgo::reports::format_comparison_table(r, TimeUnit::kMillisecond);
  CHECK(s.find("0.031  paired, 6 rounds  slower") != std::string::npos);
  r.commands.resize(1);
  r.comparisons.clear();
  CHECK(pgo::reports::format_comparison_table(r, TimeUnit::kMillisecond).empty());
}

TEST_CASE("the progress bar fills in proportion and shows the ETA", "[bench_terminal]") {
  CHECK(pgo::reports::format_progress_bar("Runs", 5, 10, 65.0, 4) ==
        "Runs             ██░░ 5/10  ETA 00:01:05");
  CHECK(pgo::reports::format_progress_bar("Runs", 0, 0, std::nullopt, 2) ==
        "Runs             ░░ 0/0");
}
