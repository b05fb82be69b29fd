#include "reports/run_summary_text.h"

#include <fmt/format.h>

#include "base/text_table.h"
#include "reports/report_summary.h"
#include "reports/text_format.h"

namespace pgo::reports {

using namespace harness;

// The end-of-run table: one row per (workload, build), then geomean, builds, overhead.
std::string render_run_summary(const RunReport& r, const std::string& run_dir) {
  std::string out;
  ReportSummary s = summarize_report(r);
  out += fmt::format("{}: {}\n", r.scenario_name, s.headline);
  if (!r.analysis.verdict.explanation.empty()) out += "  " + r.analysis.verdict.explanation + "\n";
  // Fixed widths (one blank more when a cell overflows): a new run lines up with the last.
  auto column = [](const char* header, std::size_t width) {
    return TextColumn{header, TextColumn::kLeft, width - 1, false};
  };
  TextTable trials({column("workload", 14),
                    column("build", 7),
                    // As wide as its longest value: counts per op ("215.13 M cycles/op").
                    TextColumn{"median", TextColumn::kLeft, 16, true},
                    column("runs", 6),
                    column("speedup vs v0", 15),
                    column("95% CI", 20),
                    column("p", 8),
                    column("test", 18),
                    {"vs previous"}},
                   " ");
  for (const WorkloadAnalysis& w : r.analysis.workloads) {
    const TrialSeries* off = find_trials(r, w.workload, "v0");
    if (off && off->median) {
      trials.add_row({w.workload, "v0", format_value(*off->median, off->unit),
                      std::to_string(off->values.size())});
    }
    for (const IterationAnalysis& it : w.iterations) {
      const TrialSeries* t = find_trials(r, w.workload, it.build);
      std::string median = t && t->median ? format_value(*t->median, t->unit) : "-";
      auto ci = speedup_interval(it.vs_off);
      trials.add_row({w.workload, it.build, median, t ? std::to_string(t->values.size()) : "0",
                      format_speedup(it.vs_off.speedup),
                      ci ? format_speedup_interval(ci->first, ci->second) : "-",
                      format_p_value(it.vs_off.p_value), format_method(it.vs_off),
                      it.vs_previous ? format_change(it.vs_previous->time_ratio) + " (" +
                                           std::string(to_string(it.vs_previous->verdict)) + ")"
                                     : std::string("-")});
      // Benchmarks of a gotest workload that PGO significantly slowed on this build: the
      // geomean row above can hide them.
      for (const BenchmarkAnalysis& b : w.benchmarks) {
        for (const BenchmarkIteration& bi : b.iterations) {
          if (bi.build != it.build || bi.vs_off.verdict != Verdict::kSlower) continue;
          auto bci = speedup_interval(bi.vs_off);
          trials.add_row({"  " + b.benchmark, bi.build, "", "", format_speedup(bi.vs_off.speedup),
                          bci ? format_speedup_interval(bci->first, bci->second) : "-",
                          format_p_value(bi.vs_off.p_value), "slowed by PGO"});
        }
      }
    }
  }
  for (const GeomeanSpeedup& g : r.analysis.geomean) {
    // No p-value of its own: the bootstrap interval decides, as its last cell says.
    trials.add_row({"geomean", g.build, "", "", format_speedup(g.speedup),
                    format_speedup_interval(g.ci_lower, g.ci_upper), "-",
                    g.paired ? "paired bootstrap" : "bootstrap",
                    g.significant ? "significant" : "not significant"});
  }
  out += "\n" + trials.render();
  TextTable builds({column("build", 7),
                    column("pgo", 22),
                    column("build time", 14),
                    column("size", 12),
                    {"vs v0"}},
                   " ");
  for (std::size_t i = 0; i < r.builds.size(); ++i) {
    const BuildRecord& b = r.builds[i];
    std::string vs = "-";
    for (const BuildOverhead& o : r.analysis.overhead) {
      if (o.build == b.label) {
        vs =
            r.analysis.build_times_comparable
                ? fmt::format("time {:.2f}x, size {:.3f}x", o.build_time_ratio, o.binary_size_ratio)
                : fmt::format("time {}, size {:.3f}x", kBuildTimesNotComparable,
                              o.binary_size_ratio);
      }
    }
    builds.add_row(
        {b.label, b.pgo, format_seconds(b.build_seconds), format_bytes(b.binary_size_bytes), vs});
  }
  out += "\n" + builds.render();
  double total = 0;
  for (const PhaseRecord& p : r.phases) total += p.wall_seconds;
  out +=
      fmt::format("\nharness overhead: {} of {} (own time {})\n", format_percent(r.harness_share()),
                  format_seconds(total), format_seconds(r.harness_seconds()));
  for (const std::string& w : r.warnings) out += "warning: " + w + "\n";
  out +=
      "report: " + run_dir + "/report.json (report.md, report.html, report.bench.txt beside it)\n";
  return out;
}

}  // namespace pgo::reports
