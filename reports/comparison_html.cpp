#include "reports/comparison_html.h"

#include <fmt/format.h>

#include <algorithm>

#include "reports/html_report.h"
#include "reports/report_summary.h"
#include "reports/svg_chart.h"
#include "reports/text_format.h"

namespace pgo::reports {
namespace {

using harness::RunReport;

std::string esc(const std::string& s) { return html_escape(s); }

std::string verdict_class(ChangeVerdict v) {
  switch (v) {
    case ChangeVerdict::kRegression:
      return "bad";
    case ChangeVerdict::kImprovement:
      return "good";
    case ChangeVerdict::kNoChange:
      return "neutral";
    case ChangeVerdict::kInsufficientData:
      return "ref";
  }
  return "neutral";
}

std::string header(const RunComparison& c) {
  const bool regression = c.has_regression();
  std::string out = "<header>\n<h1>Release sign-off: " +
                    esc(c.scenario_name.empty() ? c.input_kind : c.scenario_name) + "</h1>\n";
  out += fmt::format("<p class=\"verdict verdict-{}\">{}</p>\n",
                     regression ? "regressed" : "converged",
                     regression ? "Regression: do not sign off as is" : "No regression");
  out += "<p class=\"explanation\">" + esc(comparison_summary_line(c)) + "</p>\n";
  out += "<table class=\"kv\"><tr><th>Base</th><td><code>" + esc(c.base_file) +
         "</code></td></tr><tr><th>New</th><td><code>" + esc(c.candidate_file) +
         "</code></td></tr></table>\n</header>\n";
  return out;
}

// Speedup over pgo=off per build, base and new side by side: the geomean and each workload.
std::string speedup_section(const RunReport& base, const RunReport& next) {
  std::vector<std::string> builds;
  for (const RunReport* r : {&base, &next}) {
    for (const auto& g : r->analysis.geomean) {
      if (std::find(builds.begin(), builds.end(), g.build) == builds.end()) {
        builds.push_back(g.build);
      }
    }
  }
  if (builds.empty()) return "";
  auto x_of = [&](const std::string& build) {
    return static_cast<double>(std::find(builds.begin(), builds.end(), build) - builds.begin());
  };
  std::string charts;
  auto chart_for = [&](const std::string& workload) {
    LineChart chart;
    chart.title = workload + " speedup";
    chart.y_label = "speedup";
    chart.x_labels = builds;
    chart.reference_line = 1.0;
    chart.format_y = [](double v) { return fmt::format("{:.3g}x", v); };
    chart.width = 370;
    chart.height = 260;
    std::size_t index = 0;
    for (const RunReport* r : {&base, &next}) {
      ChartSeries series;
      series.name = index++ == 0 ? "base" : "new";
      if (workload == "geomean") {
        for (const auto& g : r->analysis.geomean) {
          if (g.speedup) {
            series.points.push_back(chart_point(x_of(g.build), *g.speedup, g.ci_lower, g.ci_upper));
          }
        }
      } else {
        for (const auto& w : r->analysis.workloads) {
          if (w.workload != workload) continue;
          for (const auto& it : w.iterations) {
            if (!it.vs_off.speedup) continue;
            const auto interval = speedup_interval(it.vs_off);
            series.points.push_back(interval ? chart_point(x_of(it.build), *it.vs_off.speedup,
                                                           interval->first, interval->second)
                                             : chart_point(x_of(it.build), *it.vs_off.speedup));
          }
        }
      }
      if (!series.points.empty()) chart.series.push_back(std::move(series));
    }
    if (!chart.series.empty()) charts += render_line_chart(chart);
  };
  chart_for("geomean");
  for (const std::string& w : workload_names(base)) chart_for(w);
  if (charts.empty()) return "";
  return "<section>\n<h2>PGO speedup, base and new</h2>\n<p class=\"note\">Speedup of each "
         "build over pgo=off in each run, with 95% interval whiskers.</p>\n<div "
         "class=\"grid2\">\n" +
         charts + "</div>\n</section>\n";
}

// Trial times of v0 and the last build of both runs, per workload.
std::string distribution_section(const RunReport& base, const RunReport& next) {
  const ReportSummary sb = summarize_report(base);
  const ReportSummary sn = summarize_report(next);
  std::string charts;
  for (const std::string& name : workload_names(base)) {
    StripChart chart;
    std::string unit = "s";
    auto add = [&](const RunReport& r, const ReportSummary& s, const char* which) {
      if (s.build_labels.empty()) return;
      for (const std::string& build : {s.build_labels.front(), s.build_labels.back()}) {
        const harness::TrialSeries* t = find_trials(r, name, build);
        if (!t) continue;
        unit = t->unit;
        chart.groups.push_back({std::string(which) + " " + build, t->values});
        if (s.build_labels.size() == 1) break;
      }
    };
    add(base, sb, "base");
    add(next, sn, "new");
    if (chart.groups.empty()) continue;
    chart.title = name + ": " + (unit == "s" ? "time per run" : unit + " per run");
    chart.y_label = unit;
    chart.format_y = [unit](double v) { return format_value(v, unit); };
    charts += render_strip_chart(chart);
  }
  if (charts.empty()) return "";
  return "<section>\n<h2>Trial times, base and new</h2>\n<p class=\"note\">Every timed run "
         "(dots), the quartiles (box) and the median (thick line) of pgo=off and the last "
         "build of each run.</p>\n" +
         charts + "</section>\n";
}

std::string builds_section(const RunReport& base, const RunReport& next) {
  std::vector<std::pair<std::string, const harness::BuildRecord*>> bars;
  for (const RunReport* r : {&base, &next}) {
    const std::string which = r == &base ? "base " : "new ";
    for (const auto& b : r->builds) bars.emplace_back(which + b.label, &b);
  }
  if (bars.empty()) return "";
  std::string note;
  if (!base.analysis.build_times_comparable || !next.analysis.build_times_comparable) {
    note = "<p class=\"note\">Build times " + std::string(kBuildTimesNotComparable) + ".</p>\n";
  }
  return "<section>\n<h2>Builds, base and new</h2>\n" + note + build_bar_charts(bars) +
         "</section>\n";
}

// Per benchmark of the gotest workloads both runs have per-benchmark results for: the PGO
// speedup of its ns/op over pgo=off in each run, with interval and verdict, side by side.
std::string benchmark_speedup_section(const RunReport& base, const RunReport& next) {
  auto cell = [](const harness::BenchmarkIteration* it) {
    if (!it) return std::string("<td>-</td>");
    const auto interval = speedup_interval(it->vs_off);
    const bool slowed = it->vs_off.verdict == harness::Verdict::kSlower;
    return fmt::format(
        "<td class=\"num\">{} {}</td><td class=\"{}\">{}</td>", format_speedup(it->vs_off.speedup),
        interval ? format_speedup_interval(interval->first, interval->second) : std::string("-"),
        slowed                                            ? "bad"
        : it->vs_off.verdict == harness::Verdict::kFaster ? "good"
                                                          : "neutral",
        esc(std::string(harness::to_string(it->vs_off.verdict)) +
            (slowed ? " (slowed by PGO)" : "")));
  };
  std::string rows;
  for (const auto& w : next.analysis.workloads) {
    const harness::WorkloadAnalysis* old = nullptr;
    for (const auto& x : base.analysis.workloads) {
      if (x.workload == w.workload) old = &x;
    }
    if (!old || old->benchmarks.empty() || w.benchmarks.empty()) continue;
    for (const auto& b : w.benchmarks) {
      const harness::BenchmarkAnalysis* ob = nullptr;
      for (const auto& x : old->benchmarks) {
        if (x.benchmark == b.benchmark) ob = &x;
      }
      if (!ob) continue;
      for (const auto& it : b.iterations) {
        const harness::BenchmarkIteration* oit = nullptr;
        for (const auto& x : ob->iterations) {
          if (x.build == it.build) oit = &x;
        }
        rows += "<tr><td>" + esc(w.workload) + "</td><td>" + esc(b.benchmark) + "</td><td>" +
                esc(it.build) + "</td>" + cell(oit) + cell(&it) + "</tr>\n";
      }
    }
  }
  if (rows.empty()) return "";
  return "<section>\n<h2>PGO speedup per benchmark, base and new</h2>\n<p class=\"note\">ns/op "
         "of each benchmark of the gotest workloads, median(v0) / median(build) in each run "
         "with its 95% interval.</p>\n<table>\n<tr><th>Workload</th><th>Benchmark</th>"
         "<th>Build</th><th>Base speedup</th><th>Base verdict</th><th>New speedup</th>"
         "<th>New verdict</th></tr>\n" +
         rows + "</table>\n</section>\n";
}

std::string rows_section(const RunComparison& c) {
  std::string out = "<section>\n<h2>Every comparison</h2>\n<table>\n<tr>";
  const auto& header = comparison_table_header();
  for (const auto& h : header) out += "<th>" + esc(h) + "</th>";
  out += "</tr>\n";
  const auto cells = comparison_table_cells(c);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    out += "<tr>";
    for (std::size_t k = 0; k < cells[i].size(); ++k) {
      const bool numeric = k >= 3 && k <= 7;
      const std::string cls = k + 1 == cells[i].size() ? verdict_class(c.rows[i].verdict)
                              : numeric                ? "num"
                                                       : "";
      out += (cls.empty() ? "<td>" : "<td class=\"" + cls + "\">") + esc(cells[i][k]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n<p class=\"note\">Change = new / base; intervals are " +
         format_percent(1 - c.options.alpha) +
         " bootstrap intervals; p from the Mann-Whitney U test.</p>\n</section>\n";
  return out;
}

std::string warnings_section(const RunComparison& c) {
  if (c.warnings.empty()) return "";
  std::string out = "<section>\n<h2>Warnings</h2>\n<ul class=\"warnings\">\n";
  for (const auto& w : c.warnings) out += "<li>" + esc(w) + "</li>\n";
  return out + "</ul>\n</section>\n";
}

}  // namespace

std::string render_comparison_html(const RunComparison& c, const ComparedReports& reports) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>Release sign-off: " + esc(c.scenario_name) + "</title>\n";
  out += html_report_style();
  out +=
      "<style>.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; }</style>\n";
  out += "</head>\n<body>\n<main>\n";
  out += header(c);
  if (reports.base && reports.candidate) {
    out += speedup_section(*reports.base, *reports.candidate);
    out += distribution_section(*reports.base, *reports.candidate);
    out += builds_section(*reports.base, *reports.candidate);
    out += benchmark_speedup_section(*reports.base, *reports.candidate);
  }
  out += rows_section(c);
  out += warnings_section(c);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace pgo::reports
