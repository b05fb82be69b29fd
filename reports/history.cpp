#include "reports/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/error.h"
#include "base/text_table.h"
#include "reports/html_report.h"
#include "reports/report_summary.h"
#include "reports/svg_chart.h"
#include "reports/text_format.h"
#include "stats/statistics.h"

namespace pgo::reports {

using harness::RunReport;

namespace {

double median_of(std::vector<double> xs) { return harness::median(xs); }

const harness::IterationAnalysis* last_iteration(const harness::WorkloadAnalysis& w) {
  const harness::IterationAnalysis* last = nullptr;
  for (const auto& it : w.iterations) {
    if (!last || it.iteration > last->iteration) last = &it;
  }
  return last;
}

std::string final_build(const RunReport& r) {
  const harness::BuildRecord* last = nullptr;
  for (const auto& b : r.builds) {
    if (!last || b.iteration > last->iteration) last = &b;
  }
  return last && last->iteration > 0 ? last->label : "";
}

std::string off_build(const RunReport& r) {
  for (const auto& b : r.builds) {
    if (b.iteration == 0) return b.label;
  }
  return "v0";
}

HistoryPoint time_point(const RunReport& r, const std::string& workload, const std::string& build,
                        std::string& unit) {
  HistoryPoint p;
  p.build = build;
  const harness::TrialSeries* t = build.empty() ? nullptr : find_trials(r, workload, build);
  if (!t || t->values.empty()) return p;
  unit = t->unit;
  p.value = t->median ? *t->median : harness::median(t->values);
  if (t->ci_lower && t->ci_upper) {
    p.lower = t->ci_lower;
    p.upper = t->ci_upper;
  } else if (auto ci = harness::median_confidence_interval(t->values, 0.95)) {
    p.lower = ci->lower;
    p.upper = ci->upper;
  }
  return p;
}

// "2026-11-24T05:00 @1a2b3c4d" (the revision, "+dirty" for a dirty tree, when known), so
// a flagged point names the commit to look at.
std::string short_label(const HistoryInput& in) {
  std::string label = !in.report.started_at.empty() ? in.report.started_at.substr(0, 16) : in.file;
  if (!in.report.source_revision.empty()) {
    label += " @" + in.report.source_revision.substr(0, 8);
    if (in.report.source_dirty) label += "+dirty";
  }
  return label;
}

std::string point_cell(const HistorySeries& s, const HistoryPoint& p) {
  if (!p.value) return "-";
  std::string v = s.unit == "x" ? format_speedup(p.value) : format_value(*p.value, s.unit);
  if (p.flag == "regression") v += " (!) regression";
  if (p.flag == "improvement") v += " (+) improvement";
  return v;
}

}  // namespace

std::string HistorySeries::name() const {
  if (kind == "pgo_speedup") return "PGO speedup " + workload;
  if (kind == "benchmark") return workload + " " + unit;
  return "time " + workload + " " + build;
}

bool History::latest_regressed() const {
  for (const auto& s : series) {
    if (!s.points.empty() && s.points.back().flag == "regression") return true;
  }
  return false;
}

void flag_outliers(HistorySeries& series, const HistoryOptions& options) {
  for (std::size_t i = 0; i < series.points.size(); ++i) {
    HistoryPoint& p = series.points[i];
    p.flag.clear();
    if (!p.lower || !p.upper) continue;
    std::vector<double> lowers, uppers;
    for (std::size_t j = i; j-- > 0 && lowers.size() < options.window;) {
      const HistoryPoint& q = series.points[j];
      if (q.lower && q.upper) {
        lowers.push_back(*q.lower);
        uppers.push_back(*q.upper);
      }
    }
    if (lowers.size() < options.min_history || lowers.empty()) continue;
    const double band_lower = median_of(lowers);
    const double band_upper = median_of(uppers);
    const bool below = *p.upper < band_lower;
    const bool above = *p.lower > band_upper;
    if (!below && !above) continue;
    const bool worse = series.higher_is_better ? below : above;
    p.flag = worse ? "regression" : "improvement";
  }
}

History build_history(const std::vector<HistoryInput>& given, const HistoryOptions& options) {
  if (given.empty()) {
    throw Error("history", "", "no reports given", "pass report.json files, oldest first");
  }
  // Oldest first by the time each run started (ISO 8601 UTC sorts as text), whatever the
  // order on the command line (a shell glob sorts names, not times); ties keep it.
  std::vector<HistoryInput> inputs = given;
  std::stable_sort(inputs.begin(), inputs.end(), [](const HistoryInput& a, const HistoryInput& b) {
    return a.report.started_at < b.report.started_at;
  });
  History h;
  h.options = options;
  h.scenario_name = inputs.back().report.scenario_name;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].file != given[i].file) {
      h.warnings.push_back("reports given out of order: sorted by start time, oldest first");
      break;
    }
  }
  for (const auto& in : inputs) {
    h.labels.push_back(short_label(in));
    h.files.push_back(in.file);
    if (in.report.scenario_name != h.scenario_name) {
      std::string problem = "is from scenario \"" + in.report.scenario_name + "\", not \"" +
                            h.scenario_name + "\" (the newest report's)";
      if (!options.allow_different_scenarios) {
        throw Error("history", in.file, problem,
                    "give the reports of one scenario, or --allow-different-scenarios");
      }
      h.warnings.push_back(in.file + " " + problem);
    }
  }

  // Workload names over all reports, in first-seen order.
  std::vector<std::string> workloads;
  for (const auto& in : inputs) {
    for (const auto& w : workload_names(in.report)) {
      if (std::find(workloads.begin(), workloads.end(), w) == workloads.end()) {
        workloads.push_back(w);
      }
    }
  }

  HistorySeries geomean{"pgo_speedup", "geomean", "", "x", true, {}};
  for (const auto& in : inputs) {
    HistoryPoint p;
    if (!in.report.analysis.geomean.empty()) {
      const auto& g = in.report.analysis.geomean.back();
      p = {g.speedup, g.ci_lower, g.ci_upper, g.build, ""};
    }
    geomean.points.push_back(p);
  }
  h.series.push_back(std::move(geomean));

  for (const auto& name : workloads) {
    HistorySeries s{"pgo_speedup", name, "", "x", true, {}};
    for (const auto& in : inputs) {
      HistoryPoint p;
      for (const auto& w : in.report.analysis.workloads) {
        if (w.workload != name) continue;
        if (const auto* it = last_iteration(w)) {
          p.value = it->vs_off.speedup;
          p.build = it->build;
          if (auto iv = speedup_interval(it->vs_off)) {
            p.lower = iv->first;
            p.upper = iv->second;
          }
        }
      }
      s.points.push_back(p);
    }
    h.series.push_back(std::move(s));
  }
  for (const auto& name : workloads) {
    for (const char* which : {"v0", "final"}) {
      HistorySeries s{"time", name, which, "s", false, {}};
      for (const auto& in : inputs) {
        const std::string build =
            std::string(which) == "v0" ? off_build(in.report) : final_build(in.report);
        s.points.push_back(time_point(in.report, name, build, s.unit));
      }
      h.series.push_back(std::move(s));
    }
  }
  for (auto& s : h.series) flag_outliers(s, options);
  return h;
}

std::string render_history_text(const History& h) {
  std::vector<TextColumn> columns = {{"report"}};
  for (const auto& s : h.series) columns.push_back({s.name()});
  TextTable table(std::move(columns));
  for (std::size_t i = 0; i < h.labels.size(); ++i) {
    std::vector<std::string> row = {h.labels[i]};
    for (const auto& s : h.series) row.push_back(point_cell(s, s.points[i]));
    table.add_row(std::move(row));
  }
  std::string out = "history of " + h.scenario_name + " (" + std::to_string(h.labels.size()) +
                    " reports, oldest first)\n\n" + table.render();
  std::size_t flags = 0;
  for (const auto& s : h.series) {
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      if (s.points[i].flag.empty()) continue;
      ++flags;
      out += "flagged: " + s.name() + " at " + h.labels[i] + ": " + s.points[i].flag +
             " (interval outside the usual noise of the previous reports)\n";
    }
  }
  if (flags == 0) out += "\nno point outside the usual noise\n";
  for (const auto& w : h.warnings) out += "warning: " + w + "\n";
  return out;
}

std::string render_history_markdown(const History& h) {
  std::string out = "## PGO history: " + markdown_cell(h.scenario_name) + "\n\n| Report |";
  std::string rule = "|---|";
  for (const auto& s : h.series) {
    out.append(" ").append(markdown_cell(s.name())).append(" |");
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (std::size_t i = 0; i < h.labels.size(); ++i) {
    out.append("| ").append(markdown_cell(h.labels[i])).append(" |");
    for (const auto& s : h.series) {
      std::string cell = point_cell(s, s.points[i]);
      if (s.points[i].flag == "regression") cell = fmt::format("**{}**", cell);
      out.append(" ").append(markdown_cell(cell)).append(" |");
    }
    out += "\n";
  }
  out += fmt::format(
      "\nA point is flagged when its 95% interval lies outside the band [median lower bound, "
      "median upper bound] of up to {} earlier reports (at least {} needed).\n",
      h.options.window, h.options.min_history);
  if (!h.warnings.empty()) {
    out += "\n";
    for (const auto& w : h.warnings) out += "- warning: " + markdown_cell(w) + "\n";
  }
  return out;
}

std::string render_history_html(const History& h) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>PGO history: " + html_escape(h.scenario_name) + "</title>\n";
  out += html_report_style();
  out += "</head>\n<body>\n<main>\n<header>\n<h1>PGO history: " + html_escape(h.scenario_name) +
         "</h1>\n";
  out += fmt::format(
      "<p class=\"meta\">{} reports, oldest first. Red rings: the 95% interval "
      "lies outside the usual noise of up to {} earlier reports.</p>\n</header>\n",
      h.labels.size(), h.options.window);

  auto to_chart_series = [](const HistorySeries& s, std::string name) {
    ChartSeries c;
    c.name = std::move(name);
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      if (!p.value) continue;
      c.points.push_back(
          chart_point(static_cast<double>(i), *p.value, p.lower, p.upper, !p.flag.empty()));
    }
    return c;
  };

  const bool any_speedup =
      std::any_of(h.series.begin(), h.series.end(),
                  [](const HistorySeries& s) { return s.kind == "pgo_speedup"; });
  LineChart speedup;
  speedup.title = "PGO speedup of the last iteration over pgo=off";
  speedup.y_label = "speedup";
  speedup.x_labels = h.labels;
  speedup.reference_line = 1.0;
  speedup.format_y = [](double v) { return fmt::format("{:.3g}x", v); };
  for (const auto& s : h.series) {
    if (s.kind != "pgo_speedup") continue;
    ChartSeries c = to_chart_series(s, s.workload);
    c.emphasized = s.workload == "geomean";
    speedup.series.push_back(std::move(c));
  }
  if (any_speedup) {
    out += "<section>\n<h2>PGO speedup</h2>\n" + render_line_chart(speedup) + "</section>\n";
  }

  out += "<section>\n<h2>Absolute times</h2>\n";
  std::map<std::string, LineChart> per_workload;
  std::vector<std::string> order;
  for (const auto& s : h.series) {
    if (s.kind != "time" && s.kind != "benchmark") continue;
    // Benchmarks: one chart per benchmark and unit; run times: one per workload.
    const std::string key = s.kind == "benchmark" ? s.name() : s.workload;
    if (!per_workload.count(key)) {
      order.push_back(key);
      LineChart& c = per_workload[key];
      c.title = key + ": median per run";
      c.y_label = s.unit;
      c.x_labels = h.labels;
      const std::string unit = s.unit;
      c.format_y = [unit](double v) { return format_value(v, unit); };
      c.height = 280;
    }
    per_workload[key].series.push_back(to_chart_series(
        s, s.kind == "benchmark" ? s.unit : (s.build == "v0" ? "pgo=off (v0)" : "last PGO build")));
  }
  for (const auto& w : order) out += render_line_chart(per_workload[w]);
  out += "</section>\n";

  out += "<section>\n<h2>Table</h2>\n<table><tr><th>Report</th>";
  for (const auto& s : h.series) out += "<th>" + html_escape(s.name()) + "</th>";
  out += "</tr>\n";
  for (std::size_t i = 0; i < h.labels.size(); ++i) {
    out += "<tr><td>" + html_escape(h.labels[i]) + "</td>";
    for (const auto& s : h.series) {
      const auto& p = s.points[i];
      const std::string cls = p.flag == "regression"    ? "bad"
                              : p.flag == "improvement" ? "good"
                                                        : "num";
      out += "<td class=\"" + cls + "\">" + html_escape(point_cell(s, p)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n</section>\n";
  if (!h.warnings.empty()) {
    out += "<section>\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n";
    for (const auto& w : h.warnings) out += "<li>" + html_escape(w) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace pgo::reports
