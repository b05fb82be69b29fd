#include "reports/html_report.h"

#include <fmt/format.h>

#include "reports/benchmark_table.h"
#include "reports/report_summary.h"
#include "reports/run_report_json.h"
#include "reports/svg_chart.h"
#include "reports/text_format.h"

namespace pgo::reports {

namespace {

using harness::RunReport;

std::string esc(const std::string& s) { return html_escape(s); }

std::string speedup_axis(double v) { return fmt::format("{:.3g}x", v); }

std::string card(const std::string& label, const std::string& value, const std::string& note) {
  return fmt::format(
      "<div class=\"card\"><div class=\"card-label\">{}</div><div class=\"card-value\">{}</div>"
      "<div class=\"card-note\">{}</div></div>\n",
      esc(label), esc(value), esc(note));
}

std::string header(const RunReport& r, const ReportSummary& s) {
  std::string out = "<header>\n<h1>PGO report: " + esc(r.scenario_name) + "</h1>\n";
  out +=
      fmt::format("<p class=\"verdict verdict-{}\">{}</p>\n", esc(s.verdict_kind), esc(s.headline));
  if (!r.analysis.verdict.explanation.empty()) {
    out += "<p class=\"explanation\">" + esc(r.analysis.verdict.explanation) + "</p>\n";
  }
  if (r.status == harness::RunStatus::kFailed || r.status == harness::RunStatus::kInterrupted) {
    out += "<p class=\"failure\">Run " + esc(harness::to_string(r.status)) + ": " + esc(r.error) +
           "</p>\n";
  }
  out += "<div class=\"cards\">\n";
  if (s.final_geomean) {
    const auto& g = *s.final_geomean;
    out += card("Speedup of " + g.build + " over pgo=off", format_speedup(g.speedup),
                "geomean, 95% " + format_speedup_interval(g.ci_lower, g.ci_upper) +
                    (g.significant ? ", significant" : ", not significant"));
  }
  if (s.final_overhead) {
    out += card("Build time", format_build_time_change(r, s.final_overhead->build_time_ratio),
                s.final_overhead->build + " vs v0");
    out += card("Binary size", format_change(s.final_overhead->binary_size_ratio),
                s.final_overhead->build + " vs v0");
  }
  out += card("Harness overhead", format_percent(r.harness_share()),
              format_seconds(r.harness_seconds()) + " of own time");
  out += "</div>\n<p class=\"meta\">" + esc(harness::to_string(r.status)) + " &middot; " +
         esc(r.started_at) + " &rarr; " + esc(r.finished_at) + " &middot; " + esc(r.go_version) +
         " &middot; pgo-harness " + esc(r.tool_version) + "</p>\n</header>\n";
  return out;
}

std::string convergence_section(const RunReport& r) {
  if (r.analysis.workloads.empty() && r.analysis.geomean.empty()) return "";
  LineChart chart;
  chart.title = "Speedup over pgo=off per iteration (95% intervals)";
  chart.y_label = "speedup (v0 = 1)";
  chart.reference_line = 1.0;
  chart.format_y = speedup_axis;
  chart.x_labels.push_back("v0");
  int iterations = 0;
  for (const auto& g : r.analysis.geomean) iterations = std::max(iterations, g.iteration);
  for (const auto& w : r.analysis.workloads) {
    for (const auto& it : w.iterations) iterations = std::max(iterations, it.iteration);
  }
  for (int i = 1; i <= iterations; ++i) chart.x_labels.push_back("v" + std::to_string(i));
  for (const auto& w : r.analysis.workloads) {
    ChartSeries series;
    series.name = w.workload;
    series.points.push_back(chart_point(0, 1.0));
    for (const auto& it : w.iterations) {
      if (!it.vs_off.speedup) continue;
      ChartPoint p = chart_point(static_cast<double>(it.iteration), *it.vs_off.speedup);
      if (auto interval = speedup_interval(it.vs_off)) {
        p.lower = interval->first;
        p.upper = interval->second;
      }
      series.points.push_back(p);
    }
    chart.series.push_back(std::move(series));
  }
  if (!r.analysis.geomean.empty()) {
    ChartSeries geomean;
    geomean.name = "geomean";
    geomean.emphasized = true;
    geomean.points.push_back(chart_point(0, 1.0));
    for (const auto& g : r.analysis.geomean) {
      if (!g.speedup) continue;
      geomean.points.push_back(
          chart_point(static_cast<double>(g.iteration), *g.speedup, g.ci_lower, g.ci_upper));
    }
    chart.series.push_back(std::move(geomean));
  }
  return "<section>\n<h2>Convergence</h2>\n" + render_line_chart(chart) + "</section>\n";
}

std::string distribution_section(const RunReport& r, const ReportSummary& s) {
  const auto names = workload_names(r);
  std::string charts;
  for (const std::string& name : names) {
    StripChart chart;
    std::string unit = "s";
    for (const std::string& build : s.build_labels) {
      const harness::TrialSeries* t = find_trials(r, name, build);
      if (!t) continue;
      unit = t->unit;
      chart.groups.push_back({build, t->values});
    }
    if (chart.groups.empty()) continue;
    chart.title = name + ": " + (unit == "s" ? "time per run" : unit + " per run") + " by build";
    chart.y_label = unit;
    chart.format_y = [unit](double v) { return format_value(v, unit); };
    charts += render_strip_chart(chart);
  }
  if (charts.empty()) return "";
  return "<section>\n<h2>Trial times per build</h2>\n<p class=\"note\">Every timed run (dots), "
         "the quartiles (box) and the median (thick line).</p>\n" +
         charts + "</section>\n";
}

std::string builds_section(const RunReport& r) {
  if (r.builds.empty()) return "";
  std::vector<std::pair<std::string, const harness::BuildRecord*>> bars;
  for (const auto& b : r.builds) bars.emplace_back(b.label, &b);
  std::string out = "<section>\n<h2>Builds</h2>\n";
  if (!r.analysis.build_times_comparable) {
    out += "<p class=\"note\">Build times " + std::string(kBuildTimesNotComparable) +
           ": v0 may have reused cached packages while every PGO build recompiled them.</p>\n";
  }
  out += build_bar_charts(bars);
  out +=
      "<table><tr><th>Build</th><th>-pgo</th><th>Build time</th><th>Binary size</th>"
      "<th>Binary sha256</th></tr>\n";
  for (const auto& b : r.builds) {
    out += fmt::format(
        "<tr><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td><code>{}</code></td></tr>\n",
        esc(b.label), esc(b.pgo_build_setting.empty() ? b.pgo : b.pgo_build_setting),
        format_seconds(b.build_seconds), format_bytes(b.binary_size_bytes),
        esc(b.binary_sha256.substr(0, 16)));
  }
  return out + "</table>\n</section>\n";
}

std::string overlap_section(const RunReport& r) {
  if (r.profiles.empty()) return "";
  std::string out = "<section>\n<h2>Profiles and hot-edge overlap</h2>\n";
  LineChart chart;
  chart.title = "Hot call edges shared with the previous iteration's profile";
  chart.y_label = "overlap";
  chart.format_y = [](double v) { return fmt::format("{:.0f}%", v * 100); };
  chart.y_min = 0;  // overlap is a share: show it against the whole 0..100% scale
  chart.y_max = 1;
  chart.height = 260;
  ChartSeries weighted{"weighted overlap", {}, true}, coverage{"hot coverage", {}, false},
      jaccard{"hot-set Jaccard", {}, false};
  for (const auto& p : r.profiles) {
    if (!p.overlap_with_previous) continue;
    const double x = static_cast<double>(chart.x_labels.size());
    chart.x_labels.push_back("iter-" + std::to_string(p.iteration - 1) + " \u2192 iter-" +
                             std::to_string(p.iteration));
    weighted.points.push_back(chart_point(x, p.overlap_with_previous->weighted_overlap));
    coverage.points.push_back(chart_point(x, p.overlap_with_previous->hot_coverage));
    jaccard.points.push_back(chart_point(x, p.overlap_with_previous->hot_jaccard));
  }
  if (!chart.x_labels.empty()) {
    chart.series = {coverage, jaccard, weighted};
    out += render_line_chart(chart);
  } else {
    out += "<p class=\"note\">One profile only: no overlap between iterations to show.</p>\n";
  }
  out +=
      "<table><tr><th>Iteration</th><th>From</th><th>Inputs</th><th>Samples</th>"
      "<th>Edges</th><th>Hot edges</th><th>Hot callees</th><th>Hottest edge</th></tr>\n";
  for (const auto& p : r.profiles) {
    std::string hottest = "-";
    if (!p.view.top_hot_edges.empty()) {
      const auto& e = p.view.top_hot_edges.front();
      hottest = e.caller + " \u2192 " + e.callee + " (" + format_percent(e.share) + ")";
    }
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td><code>{}</code></td></tr>\n",
        p.iteration, esc(p.collected_from), p.inputs.size(), p.view.samples, p.view.edges,
        p.view.hot_edges, p.view.hot_callees, esc(hottest));
  }
  return out + "</table>\n</section>\n";
}

std::string workload_table(const RunReport& r, const ReportSummary& s) {
  const auto names = workload_names(r);
  if (names.empty()) return "";
  std::string out =
      "<section>\n<h2>Per workload</h2>\n<table><tr><th>Workload</th><th>Build</th>"
      "<th>Median</th><th>Runs</th><th>Speedup vs v0</th><th>95% interval</th><th>p</th>"
      "<th>Test</th><th>Step vs previous</th><th>Verdict</th></tr>\n";
  for (const std::string& name : names) {
    for (const std::string& build : s.build_labels) {
      const harness::TrialSeries* t = find_trials(r, name, build);
      const harness::IterationAnalysis* it = nullptr;
      for (const auto& w : r.analysis.workloads) {
        if (w.workload != name) continue;
        for (const auto& i : w.iterations) {
          if (i.build == build) it = &i;
        }
      }
      if (!t && !it) continue;
      std::string median = "-", runs = "-";
      if (t) {
        if (t->median) median = format_value(*t->median, t->unit);
        runs = std::to_string(t->values.size());
      }
      std::string speedup = "-", interval = "-", p = "-", test = "-", step = "-",
                  verdict = "reference";
      std::string verdict_class = "ref";
      if (it) {
        test = format_method(it->vs_off);
        speedup = format_speedup(it->vs_off.speedup);
        if (auto iv = speedup_interval(it->vs_off)) {
          interval = format_speedup_interval(iv->first, iv->second);
        }
        p = format_p_value(it->vs_off.p_value);
        verdict = harness::to_string(it->vs_off.verdict);
        verdict_class = it->vs_off.verdict == harness::Verdict::kFaster   ? "good"
                        : it->vs_off.verdict == harness::Verdict::kSlower ? "bad"
                                                                          : "neutral";
        if (it->vs_previous) step = format_change(it->vs_previous->time_ratio);
      }
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
          "<td class=\"num\">{}</td><td class=\"{}\">{}</td></tr>\n",
          esc(name), esc(build), esc(median), esc(runs), esc(speedup), esc(interval), esc(p),
          esc(test), esc(step), verdict_class, esc(verdict));
    }
  }
  return out +
         "</table>\n<p class=\"note\">Test \"paired\": runs of the same interleaved round "
         "compared with each other (Wilcoxon signed-rank test on the per-round log ratios, "
         "Hodges-Lehmann ratio and its 95% interval); \"U test\": Mann-Whitney U test, ratio of "
         "medians with a bootstrap 95% interval.</p>\n</section>\n";
}

std::string benchmarks_section(const RunReport& r) {
  const BenchmarkTable table = benchmark_table(r);
  if (table.rows.empty()) return "";
  std::string out =
      std::string("<section>\n<h2>Per benchmark (gotest workloads)</h2>\n<p class=\"note\">") +
      esc(BenchmarkTable::kNote) + "</p>\n<table>\n<tr>";
  for (const char* h : BenchmarkTable::kHeader) out += std::string("<th>") + h + "</th>";
  out += std::string("<th>") + BenchmarkTable::kOtherUnitsHeader + "</th></tr>\n";
  for (const auto& row : table.rows) {
    // The verdict cell's class follows the per-workload table; text columns stay left.
    const std::string& verdict = row.cells[8];
    const char* verdict_class = row.slowed                        ? "bad"
                                : verdict.rfind("faster", 0) == 0 ? "good"
                                                                  : "neutral";
    out += row.geomean ? "<tr class=\"geomean\">" : row.slowed ? "<tr class=\"slowed\">" : "<tr>";
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      const char* cls = i == 8 ? verdict_class : (i >= 3 && i != 6 && i != 11) ? "num" : "";
      out += *cls ? fmt::format("<td class=\"{}\">{}</td>", cls, esc(row.cells[i]))
                  : "<td>" + esc(row.cells[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string memory_section(const RunReport& r) {
  const MemoryTable table = memory_table(r);
  if (table.rows.empty()) return "";
  std::string out = std::string("<section>\n<h2>Peak memory</h2>\n<p class=\"note\">") +
                    MemoryTable::kNote + "</p>\n<table>\n<tr>";
  for (const char* h : MemoryTable::kHeader) out += std::string("<th>") + h + "</th>";
  out += "</tr>\n";
  for (const auto& row : table.rows) {
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
        esc(row[0]), esc(row[1]), esc(row[2]), esc(row[3]));
  }
  return out + "</table>\n</section>\n";
}

std::string phases_section(const RunReport& r) {
  if (r.phases.empty()) return "";
  std::string out =
      "<section>\n<h2>Phases</h2>\n<table><tr><th>Phase</th><th>Status</th>"
      "<th>Wall</th><th>In child processes</th><th>Harness</th></tr>\n";
  for (const auto& p : r.phases) {
    const double own = p.wall_seconds > p.child_seconds ? p.wall_seconds - p.child_seconds : 0;
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        esc(p.name),
        esc(p.error.empty() ? harness::to_string(p.status)
                            : harness::to_string(p.status) + ": " + p.error),
        format_seconds(p.wall_seconds), format_seconds(p.child_seconds), format_seconds(own));
  }
  out += fmt::format(
      "</table>\n<p class=\"note\">Harness overhead {} ({} of the phases' wall "
      "time).</p>\n</section>\n",
      format_seconds(r.harness_seconds()), format_percent(r.harness_share()));
  return out;
}

std::string warnings_section(const RunReport& r) {
  std::string out = "<section>\n<h2>Warnings</h2>\n";
  if (r.warnings.empty()) return out + "<p>None.</p>\n</section>\n";
  out += "<ul class=\"warnings\">\n";
  for (const auto& w : r.warnings) out += "<li>" + esc(w) + "</li>\n";
  return out + "</ul>\n</section>\n";
}

std::string json_value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  return v.dump();
}

std::string environment_section(const RunReport& r) {
  std::string out = "<section>\n<h2>Environment</h2>\n<table class=\"kv\">\n";
  out += "<tr><th>Go</th><td>" + esc(r.go_version) + "</td></tr>\n";
  out += "<tr><th>pgo-harness</th><td>" + esc(r.tool_version) + "</td></tr>\n";
  const nlohmann::json environment = environment_to_json(r.environment);
  for (const auto& [key, value] : environment.items()) {
    out += "<tr><th>" + esc(key) + "</th><td>" + esc(json_value_text(value)) + "</td></tr>\n";
  }
  out += fmt::format("<tr><th>trial seed</th><td>{}</td></tr>\n", r.trial_seed);
  return out + "</table>\n</section>\n";
}

std::string scenario_section(const RunReport& r) {
  std::string out = "<section>\n<h2>Scenario</h2>\n<p><code>" + esc(r.scenario_path) +
                    "</code> &middot; hash <code>" + esc(r.scenario_hash) + "</code></p>\n";
  out += "<pre>" + esc(r.scenario ? harness::to_json(*r.scenario).dump(2) : "{}") + "</pre>\n";
  if (r.options) {
    out += "<h3>Run options</h3>\n<pre>" + esc(options_to_json(*r.options).dump(2)) + "</pre>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string html_report_style() {
  return R"(<style>
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #1d2330;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
header, section { background: #fff; border: 1px solid #dde1e7; border-radius: 8px;
  padding: 16px 22px; margin-bottom: 18px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 0 0 12px; color: #2a3342; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.verdict { display: inline-block; font-weight: 600; font-size: 16px; padding: 3px 12px;
  border-radius: 14px; margin: 0 0 6px; background: #e8eaef; }
.verdict-converged { background: #dff3e6; color: #17612f; }
.verdict-still_improving { background: #e2eefb; color: #184f8a; }
.verdict-oscillating, .verdict-no_significant_gain, .verdict-incomplete { background: #fbf0d9; color: #7a5200; }
.verdict-regressed { background: #fbe0de; color: #9b1c13; }
.explanation { margin: 4px 0 12px; }
.failure { color: #9b1c13; font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { flex: 1 1 200px; border: 1px solid #dde1e7; border-radius: 6px; padding: 10px 14px; }
.card-label { color: #5b6472; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
.card-value { font-size: 24px; font-weight: 650; }
.card-note { color: #5b6472; font-size: 12px; }
.meta, .note { color: #5b6472; font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; font-size: 13px; }
th, td { border-bottom: 1px solid #e6e9ee; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f7f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.good { color: #17612f; font-weight: 600; } td.bad { color: #9b1c13; font-weight: 600; }
td.neutral { color: #5b6472; } td.ref { color: #8a919c; }
tr.geomean td { font-weight: 600; } tr.slowed td { background: #fdecea; }
table.kv th { width: 180px; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
pre { background: #f7f8fa; border: 1px solid #e6e9ee; border-radius: 6px; padding: 10px;
  overflow: auto; max-height: 420px; }
.pair { display: flex; gap: 16px; } .pair svg { flex: 1 1 0; min-width: 0; }
svg.chart { width: 100%; height: auto; display: block; margin: 4px 0 10px; }
svg .chart-title { font-size: 14px; font-weight: 600; fill: #2a3342; }
svg .tick, svg .legend, svg .bar-value { font-size: 11px; fill: #4a5260; }
svg .axis-label { font-size: 11px; fill: #5b6472; }
svg .grid { stroke: #e6e9ee; stroke-width: 1; }
svg .frame { fill: none; stroke: #c9ced6; stroke-width: 1; }
svg .reference { stroke: #8a919c; stroke-width: 1.2; stroke-dasharray: 5 4; }
svg .box { fill: #ffffff; fill-opacity: 0.6; stroke-width: 1.4; }
svg .flagged { fill: none; stroke: #d62728; stroke-width: 2.2; }
ul.warnings li { margin: 2px 0; }
</style>
)";
}

std::string build_bar_charts(
    const std::vector<std::pair<std::string, const harness::BuildRecord*>>& builds) {
  BarChart time, size;
  time.title = "Build time";
  time.y_label = "seconds";
  time.format_y = [](double v) { return format_seconds(v); };
  size.title = "Binary size";
  size.y_label = "bytes";
  size.format_y = [](double v) { return format_bytes(static_cast<std::int64_t>(v)); };
  for (const auto& [label, b] : builds) {
    time.labels.push_back(label);
    time.values.push_back(b->build_seconds);
    size.labels.push_back(label);
    size.values.push_back(static_cast<double>(b->binary_size_bytes));
  }
  return "<div class=\"pair\">\n" + render_bar_chart(time) + render_bar_chart(size) + "</div>\n";
}

std::string render_html_report(const RunReport& r) {
  const ReportSummary s = summarize_report(r);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>PGO report: " + esc(r.scenario_name) + "</title>\n";
  out += html_report_style();
  out += "</head>\n<body>\n<main>\n";
  out += header(r, s);
  out += convergence_section(r);
  out += distribution_section(r, s);
  out += builds_section(r);
  out += memory_section(r);
  out += overlap_section(r);
  out += workload_table(r, s);
  out += benchmarks_section(r);
  out += phases_section(r);
  out += warnings_section(r);
  out += environment_section(r);
  out += scenario_section(r);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace pgo::reports
