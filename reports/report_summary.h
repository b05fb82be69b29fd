// ReportSummary: the handful of derived facts every view of a run report leads with (the
// verdict in words, the final build's speedup, overheads), computed once so that
// report.md and report.html never disagree.
//
//   pgo::reports::ReportSummary s = pgo::reports::summarize_report(report);
//   print(s.headline);   // "Converged at iteration 2"
//   if (s.final_geomean) print(*s.final_geomean->speedup);
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run/run_report.h"

namespace pgo::reports {

struct ReportSummary {
  std::string headline;  // the verdict in words
  std::string verdict_kind;
  std::optional<harness::GeomeanSpeedup> final_geomean;  // the last iteration's
  std::optional<harness::BuildOverhead> final_overhead;
  std::vector<std::string> build_labels;  // builds in report order (v0 first)
};

ReportSummary summarize_report(const harness::RunReport& report);

// What every view shows instead of a build-time ratio when the report's build times are
// not comparable (harness::Analysis::build_times_comparable: the shared Go build cache).
inline constexpr const char* kBuildTimesNotComparable = "not comparable (shared Go build cache)";

// format_change(ratio) ("+4.2%"), or kBuildTimesNotComparable for such a report.
std::string format_build_time_change(const harness::RunReport& report, double ratio);

// "Converged at iteration 2", "Still improving", ... for a ConvergenceVerdict.
std::string verdict_headline(const harness::ConvergenceVerdict& verdict);

// The speedup interval of a comparison, from its time-ratio interval: speedup bounds are
// 1 / upper ratio and 1 / lower ratio. nullopt when either bound is missing or <= 0.
std::optional<std::pair<double, double>> speedup_interval(const harness::Comparison& c);

// Peak memory of one workload on one build: the median over its runs of the measured
// process's peak RSS, and its ratio to pgo=off's (nullopt for pgo=off itself, or when
// pgo=off has no RSS recorded).
struct MemoryOverhead {
  std::string workload;
  std::string build;
  double median_peak_rss_bytes = 0;
  std::optional<double> ratio_vs_off;
};
// One entry per trial series with RSS recorded, in the order of the trials; empty for
// reports written before peak RSS was recorded.
std::vector<MemoryOverhead> memory_overheads(const harness::RunReport& report);

// The peak-memory table of report.md and report.html: what it shows, its header and its
// cells as text (each view escapes them its own way); no rows when memory_overheads is
// empty.
struct MemoryTable {
  static constexpr const char* kNote =
      "Median over the timed runs of the measured process's peak RSS (http: the largest "
      "server instance).";
  static constexpr std::array<const char*, 4> kHeader = {"Workload", "Build", "Peak RSS", "vs v0"};
  std::vector<std::array<std::string, 4>> rows;
};
MemoryTable memory_table(const harness::RunReport& report);

// The trials of (workload, build); nullptr when there are none.
const harness::TrialSeries* find_trials(const harness::RunReport& report,
                                        const std::string& workload, const std::string& build);

// Workload names in the order they first appear in the trials, then in the analysis.
std::vector<std::string> workload_names(const harness::RunReport& report);

}  // namespace pgo::reports
