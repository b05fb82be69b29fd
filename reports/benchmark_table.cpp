#include "reports/benchmark_table.h"

#include "reports/report_summary.h"
#include "reports/text_format.h"
#include "stats/statistics.h"

namespace pgo::reports {
namespace {

// The median over the runs of one benchmark's ns/op on one build; "-" when not recorded.
std::string benchmark_median(const harness::RunReport& r, const std::string& workload,
                             const std::string& build, const std::string& benchmark) {
  const harness::TrialSeries* t = find_trials(r, workload, build);
  if (!t) return "-";
  auto b = t->benchmarks.find(benchmark);
  if (b == t->benchmarks.end()) return "-";
  auto ns = b->second.find("ns/op");
  if (ns == b->second.end() || ns->second.empty()) return "-";
  return format_value(harness::median(ns->second), "ns/op");
}

std::string series_median(const harness::RunReport& r, const std::string& workload,
                          const std::string& build) {
  const harness::TrialSeries* t = find_trials(r, workload, build);
  return t && t->median ? format_value(*t->median, t->unit) : "-";
}

void comparison_cells(const harness::Comparison& c, BenchmarkTable::Row& row) {
  row.cells[5] = format_speedup(c.speedup);
  const auto interval = speedup_interval(c);
  row.cells[6] = interval ? format_speedup_interval(interval->first, interval->second) : "-";
  row.cells[7] = format_p_value(c.p_value);
  row.cells[8] = harness::to_string(c.verdict);
}

}  // namespace

BenchmarkTable benchmark_table(const harness::RunReport& r) {
  BenchmarkTable table;
  const std::string v0 = r.builds.empty() ? "v0" : r.builds.front().label;
  for (const harness::WorkloadAnalysis& w : r.analysis.workloads) {
    if (w.benchmarks.empty()) continue;
    for (const harness::IterationAnalysis& it : w.iterations) {
      BenchmarkTable::Row geomean;
      geomean.geomean = true;
      geomean.cells = {w.workload, "geomean", it.build, series_median(r, w.workload, v0),
                       series_median(r, w.workload, it.build)};
      comparison_cells(it.vs_off, geomean);
      geomean.cells[9] = geomean.cells[10] = geomean.cells[11] = "-";
      table.rows.push_back(std::move(geomean));
      for (const harness::BenchmarkAnalysis& b : w.benchmarks) {
        for (const harness::BenchmarkIteration& bi : b.iterations) {
          if (bi.build != it.build) continue;
          BenchmarkTable::Row row;
          row.slowed = bi.vs_off.verdict == harness::Verdict::kSlower;
          row.cells = {w.workload, b.benchmark, bi.build,
                       benchmark_median(r, w.workload, v0, b.benchmark),
                       benchmark_median(r, w.workload, bi.build, b.benchmark)};
          comparison_cells(bi.vs_off, row);
          if (row.slowed) row.cells[8] += " (slowed by PGO)";
          std::string others;
          for (const auto& [unit, ratio] : bi.unit_ratios_vs_off) {
            if (unit == "B/op" || unit == "allocs/op") continue;
            others += (others.empty() ? "" : ", ") + unit + " " + format_change(ratio);
          }
          auto ratio_of = [&](const char* unit) {
            auto u = bi.unit_ratios_vs_off.find(unit);
            return u == bi.unit_ratios_vs_off.end() ? std::string("-") : format_change(u->second);
          };
          row.cells[9] = ratio_of("B/op");
          row.cells[10] = ratio_of("allocs/op");
          row.cells[11] = others.empty() ? "-" : others;
          table.rows.push_back(std::move(row));
        }
      }
    }
  }
  return table;
}

}  // namespace pgo::reports
