// The per-benchmark table of report.md and report.html: for every gotest workload with
// per-benchmark results (harness::WorkloadAnalysis::benchmarks), per PGO build, the
// workload's geomean row followed by one row per benchmark, as text cells (each view
// escapes them its own way), so that both views show the same numbers.
//
//   BenchmarkTable t = benchmark_table(report);
//   for (const auto& row : t.rows) print(row.cells[1], row.slowed);
#pragma once

#include <array>
#include <string>
#include <vector>

#include "run/run_report.h"

namespace pgo::reports {

struct BenchmarkTable {
  static constexpr const char* kNote =
      "Per benchmark of each gotest workload, under the workload's geomean row: medians of "
      "each build's per-run ns/op, the speedup of ns/op over v0 with its 95% interval and the "
      "workload's test, and the change over v0 of the medians of the other units. A "
      "benchmark significantly slower than v0 is marked \"slowed by PGO\" even when the "
      "geomean improves.";
  static constexpr std::array<const char*, 11> kHeader = {
      "Workload",     "Benchmark", "Build",   "v0 ns/op",   "ns/op",          "Speedup vs v0",
      "95% interval", "p",         "Verdict", "B/op vs v0", "allocs/op vs v0"};
  // One more cell after kHeader's: the other units' changes ("MB/s +3.1%, ..."), "-" if none.
  static constexpr const char* kOtherUnitsHeader = "Other units vs v0";
  struct Row {
    std::array<std::string, 12> cells;
    bool geomean = false;  // the workload's own row (geomean of the benchmarks' ns/op)
    bool slowed = false;   // ns/op significantly slower than v0 (verdict slower)
  };
  std::vector<Row> rows;
};

// Empty rows for reports without per-benchmark results (other workloads, older reports).
BenchmarkTable benchmark_table(const harness::RunReport& report);

}  // namespace pgo::reports
