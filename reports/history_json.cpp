#include "reports/history_json.h"

namespace pgo::reports {

nlohmann::json history_to_json(const History& history) {
  using nlohmann::json;
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json series = json::array();
  for (const HistorySeries& s : history.series) {
    json points = json::array();
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const HistoryPoint& p = s.points[i];
      points.push_back({{"label", i < history.labels.size() ? history.labels[i] : ""},
                        {"value", opt(p.value)},
                        {"lower", opt(p.lower)},
                        {"upper", opt(p.upper)},
                        {"build", p.build},
                        {"flag", p.flag.empty() ? json(nullptr) : json(p.flag)}});
    }
    series.push_back({{"name", s.name()},
                      {"kind", s.kind},
                      {"workload", s.workload},
                      {"build", s.build},
                      {"unit", s.unit},
                      {"higher_is_better", s.higher_is_better},
                      {"points", std::move(points)}});
  }
  return {{"schema_version", kHistorySchemaVersion},
          {"scenario_name", history.scenario_name},
          {"labels", history.labels},
          {"files", history.files},
          {"options",
           {{"window", history.options.window}, {"min_history", history.options.min_history}}},
          {"series", std::move(series)},
          {"warnings", history.warnings},
          {"latest_regressed", history.latest_regressed()}};
}

}  // namespace pgo::reports
