#include "reports/benchfmt_history.h"

#include <algorithm>
#include <filesystem>

#include "stats/statistics.h"
#include "base/error.h"
#include "reports/benchfmt_comparison.h"

namespace pgo::reports {

History build_benchfmt_history(const std::vector<BenchfmtHistoryInput>& inputs,
                               const HistoryOptions& options) {
  if (inputs.empty()) {
    throw Error("history", "", "no files given", "pass go test -bench output files, oldest first");
  }
  History h;
  h.options = options;
  // The package under test names the series' origin, as a scenario names a run's.
  if (auto pkg = inputs.back().output.config.find("pkg");
      pkg != inputs.back().output.config.end()) {
    h.scenario_name = pkg->second;
  }
  std::vector<BenchfmtSamples> samples;
  for (const auto& in : inputs) {
    if (in.output.results.empty()) {
      throw Error("history", in.file,
                  "neither a run report nor Go benchmark output (no \"Benchmark...\" result line)",
                  "pass only run reports, or only go test -bench output files");
    }
    h.files.push_back(in.file);
    h.labels.push_back(std::filesystem::path(in.file).filename().string());
    samples.push_back(benchfmt_samples(in.output));
  }
  // Series in order of first appearance over the files.
  std::vector<std::pair<std::string, std::string>> keys;
  for (const BenchfmtSamples& s : samples) {
    for (const std::string& unit : s.units) {
      for (const std::string& name : s.benchmarks) {
        if (!s.find(name, unit)) continue;
        const auto key = std::make_pair(name, unit);
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
      }
    }
  }
  for (const auto& key : keys) {
    // Named copies: a lambda below uses the unit (clang 14 cannot capture a structured binding).
    const std::string& name = key.first;
    const std::string& unit = key.second;
    HistorySeries series;
    series.kind = "benchmark";
    series.workload = name;
    series.unit = unit;
    series.higher_is_better = std::any_of(
        inputs.begin(), inputs.end(),
        [&](const BenchfmtHistoryInput& in) { return in.output.higher_is_better(unit); });
    for (const BenchfmtSamples& s : samples) {
      HistoryPoint p;
      if (const std::vector<double>* values = s.find(name, unit)) {
        p.value = harness::median(*values);
        if (auto ci = harness::median_confidence_interval(*values)) {
          p.lower = ci->lower;
          p.upper = ci->upper;
        }
      }
      series.points.push_back(p);
    }
    flag_outliers(series, options);
    h.series.push_back(std::move(series));
  }
  if (h.series.empty()) {
    throw Error("history", inputs.front().file, "no benchmark result in the files",
                "pass go test -bench output files");
  }
  return h;
}

}  // namespace pgo::reports
