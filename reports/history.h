// History: the trend of PGO speedup and absolute times over a series of run reports (the
// nightly runs of one scenario), `pgo-harness history REPORT...`, with every point that
// falls outside the series' usual noise flagged.
//
//   std::vector<pgo::reports::HistoryInput> in = {{"n1/report.json", r1}, {"n2/report.json", r2}};
//   pgo::reports::History h = pgo::reports::build_history(in, {});
//   std::cout << pgo::reports::render_history_text(h);
//   if (h.latest_regressed()) return 1;
//
// Series, one point per report in the order given (oldest first), from each report's last
// PGO iteration: "pgo_speedup" geomean and per workload (the report's bootstrap interval of
// the speedup over v0), and "time" per workload for v0 and for the last build (the
// median with its 95% distribution-free interval).
//
// The flag rule, after the Go performance dashboard (bootstrap intervals compared with
// the recent past): a point is compared with up to `window` earlier points that have an
// interval, once there are at least `min_history` of them. Their usual range is the band
// [median of their lower bounds, median of their upper bounds]. The point is flagged when
// its whole interval lies outside that band: below it is a regression for a speedup and an
// improvement for a time, above it the reverse. Medians keep one wild night from widening
// the band for the nights after it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "run/run_report.h"

namespace pgo::reports {

struct HistoryInput {
  std::string file;
  harness::RunReport report;
};

struct HistoryOptions {
  std::size_t window = 10;      // earlier points the band is built from
  std::size_t min_history = 3;  // no flag before this many earlier points
  // Reports of different scenarios (another scenario_name) are refused unless this is set;
  // then they are kept, with a warning.
  bool allow_different_scenarios = false;
};

struct HistoryPoint {
  std::optional<double> value;
  std::optional<double> lower;
  std::optional<double> upper;
  std::string build;  // the build the value is about ("v3")
  std::string flag;   // "", "regression" or "improvement"
};

struct HistorySeries {
  std::string kind;      // "pgo_speedup", "time", or "benchmark" (reports/benchfmt_history.h)
  std::string workload;  // or "geomean"
  std::string build;     // for time series: "v0" or "final"; empty for speedups
  std::string unit;      // "x" for speedups, the metric's unit for times
  bool higher_is_better = false;
  std::vector<HistoryPoint> points;  // one per report, aligned with History::labels

  std::string name() const;  // "PGO speedup geomean", "time parse v0", ...
};

struct History {
  std::string scenario_name;
  std::vector<std::string> labels;  // per report: its started_at, or the file name
  std::vector<std::string> files;
  std::vector<HistorySeries> series;
  std::vector<std::string> warnings;
  HistoryOptions options;

  // True when the newest point of any series is flagged as a regression.
  bool latest_regressed() const;
};

// Throws pgo::Error (stage "history") for an empty input. Reports of several scenarios are
// accepted with a warning (series match by workload name).
History build_history(const std::vector<HistoryInput>& inputs, const HistoryOptions& options);

// The flag rule above for one series' points, in place. Exposed for tests.
void flag_outliers(HistorySeries& series, const HistoryOptions& options);

std::string render_history_text(const History& history);
std::string render_history_markdown(const History& history);
std::string render_history_html(const History& history);

}  // namespace pgo::reports
