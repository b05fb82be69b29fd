#include "reports/report_summary.h"

#include <algorithm>

#include "reports/text_format.h"
#include "stats/statistics.h"

namespace pgo::reports {

std::string verdict_headline(const harness::ConvergenceVerdict& verdict) {
  using harness::ConvergenceKind;
  switch (verdict.kind) {
    case ConvergenceKind::kConverged:
      return verdict.converged_at
                 ? "Converged at iteration " + std::to_string(*verdict.converged_at)
                 : "Converged";
    case ConvergenceKind::kStillImproving:
      return "Still improving";
    case ConvergenceKind::kOscillating:
      return "Oscillating";
    case ConvergenceKind::kNoSignificantGain:
      return "No significant PGO gain";
    case ConvergenceKind::kRegressed:
      return "PGO regressed";
    case ConvergenceKind::kIncomplete:
      return "Incomplete";
  }
  return "Incomplete";
}

ReportSummary summarize_report(const harness::RunReport& report) {
  ReportSummary s;
  s.verdict_kind = harness::to_string(report.analysis.verdict.kind);
  s.headline = verdict_headline(report.analysis.verdict);
  if (!report.analysis.geomean.empty()) s.final_geomean = report.analysis.geomean.back();
  if (!report.analysis.overhead.empty()) s.final_overhead = report.analysis.overhead.back();
  for (const harness::BuildRecord& b : report.builds) s.build_labels.push_back(b.label);
  // Trials may name builds whose record was lost in a failed run; keep them visible.
  for (const harness::TrialSeries& t : report.trials) {
    if (std::find(s.build_labels.begin(), s.build_labels.end(), t.build) == s.build_labels.end()) {
      s.build_labels.push_back(t.build);
    }
  }
  return s;
}

std::string format_build_time_change(const harness::RunReport& report, double ratio) {
  return report.analysis.build_times_comparable ? format_change(ratio)
                                                : std::string(kBuildTimesNotComparable);
}

std::optional<std::pair<double, double>> speedup_interval(const harness::Comparison& c) {
  if (!c.time_ratio_ci_lower || !c.time_ratio_ci_upper) return std::nullopt;
  if (*c.time_ratio_ci_lower <= 0 || *c.time_ratio_ci_upper <= 0) return std::nullopt;
  return std::make_pair(1.0 / *c.time_ratio_ci_upper, 1.0 / *c.time_ratio_ci_lower);
}

const harness::TrialSeries* find_trials(const harness::RunReport& report,
                                        const std::string& workload, const std::string& build) {
  for (const harness::TrialSeries& t : report.trials) {
    if (t.workload == workload && t.build == build) return &t;
  }
  return nullptr;
}

std::vector<MemoryOverhead> memory_overheads(const harness::RunReport& report) {
  auto median_rss = [](const harness::TrialSeries& t) {
    std::vector<double> v(t.peak_rss_bytes.begin(), t.peak_rss_bytes.end());
    return harness::median(v);
  };
  std::string off_label;
  for (const auto& b : report.builds) {
    if (b.iteration == 0) off_label = b.label;
  }
  std::vector<MemoryOverhead> out;
  for (const harness::TrialSeries& t : report.trials) {
    if (t.peak_rss_bytes.empty()) continue;
    MemoryOverhead m;
    m.workload = t.workload;
    m.build = t.build;
    m.median_peak_rss_bytes = median_rss(t);
    const harness::TrialSeries* off = find_trials(report, t.workload, off_label);
    if (t.build != off_label && off != nullptr && !off->peak_rss_bytes.empty()) {
      const double base = median_rss(*off);
      if (base > 0) m.ratio_vs_off = m.median_peak_rss_bytes / base;
    }
    out.push_back(std::move(m));
  }
  return out;
}

MemoryTable memory_table(const harness::RunReport& report) {
  MemoryTable table;
  for (const MemoryOverhead& m : memory_overheads(report)) {
    table.rows.push_back({m.workload, m.build,
                          format_bytes(static_cast<std::int64_t>(m.median_peak_rss_bytes)),
                          m.ratio_vs_off ? format_change(*m.ratio_vs_off) : "-"});
  }
  return table;
}

std::vector<std::string> workload_names(const harness::RunReport& report) {
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const harness::TrialSeries& t : report.trials) add(t.workload);
  for (const harness::WorkloadAnalysis& w : report.analysis.workloads) add(w.workload);
  return names;
}

}  // namespace pgo::reports
