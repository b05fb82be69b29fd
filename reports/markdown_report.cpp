#include "reports/markdown_report.h"

#include <fmt/format.h>

#include "reports/benchmark_table.h"
#include "reports/report_summary.h"
#include "reports/text_format.h"

namespace pgo::reports {

namespace {

std::string code(const std::string& text) {
  if (text.empty()) return "-";
  return "`" + markdown_cell(text) + "`";
}

std::string or_dash(const std::string& text) { return text.empty() ? "-" : markdown_cell(text); }

std::string speedup_cell(const harness::Comparison& c) { return format_speedup(c.speedup); }

std::string interval_cell(const harness::Comparison& c) {
  const auto interval = speedup_interval(c);
  if (!interval) return "-";
  return format_speedup_interval(interval->first, interval->second);
}

std::string lead_paragraph(const harness::RunReport& r, const ReportSummary& s) {
  std::string out = "**Verdict: " + s.headline + ".**";
  if (!r.analysis.verdict.explanation.empty()) out += " " + r.analysis.verdict.explanation;
  out += "\n\n";
  if (s.final_geomean && s.final_geomean->speedup) {
    const auto& g = *s.final_geomean;
    out += fmt::format("Final build {}: **{}** over pgo=off (geomean of workloads, 95% interval {}",
                       g.build, format_speedup(g.speedup),
                       format_speedup_interval(g.ci_lower, g.ci_upper));
    out += g.significant ? ", significant)" : ", not significant)";
    if (s.final_overhead) {
      out += fmt::format("; build time {}, binary size {} vs v0",
                         format_build_time_change(r, s.final_overhead->build_time_ratio),
                         format_change(s.final_overhead->binary_size_ratio));
    }
    out += ".\n\n";
  }
  if (r.status == harness::RunStatus::kFailed || r.status == harness::RunStatus::kInterrupted) {
    out += "> **Run " + harness::to_string(r.status) + ":** " + or_dash(r.error) + "\n\n";
  }
  return out;
}

std::string facts_table(const harness::RunReport& r) {
  std::string out = "| | |\n|---|---|\n";
  out += "| Status | " + harness::to_string(r.status) + " |\n";
  out += "| Scenario | " + or_dash(r.scenario_name) + " (" + code(r.scenario_path) + ", hash " +
         code(r.scenario_hash.substr(0, 12)) + ") |\n";
  out +=
      "| Started / finished | " + or_dash(r.started_at) + " / " + or_dash(r.finished_at) + " |\n";
  if (!r.source_revision.empty()) {
    out +=
        "| Source | " + code(r.source_revision) + (r.source_dirty ? " (dirty tree)" : "") + " |\n";
  }
  out += "| Go | " + or_dash(r.go_version) + " |\n";
  out += "| pgo-harness | " + or_dash(r.tool_version) + " |\n";
  if (!r.environment.cpu_model.empty()) {
    out += "| CPU | " + markdown_cell(r.environment.cpu_model) + " |\n";
  }
  double total = 0;
  for (const auto& p : r.phases) total += p.wall_seconds;
  out +=
      fmt::format("| Harness overhead | {} of {} (own time outside builds, profiling and runs) |\n",
                  format_percent(r.harness_share()), format_seconds(total));
  out += fmt::format("| Trial seed | {} |\n", r.trial_seed);
  return out + "\n";
}

std::string geomean_section(const harness::RunReport& r) {
  if (r.analysis.geomean.empty()) return "";
  std::string out = "## Speedup over pgo=off (geomean of workloads)\n\n";
  out +=
      "| Build | Speedup | 95% interval | Interval from | Significant |\n|---|---:|---|---|---|\n";
  for (const auto& g : r.analysis.geomean) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", g.build, format_speedup(g.speedup),
                       format_speedup_interval(g.ci_lower, g.ci_upper),
                       g.paired ? "paired bootstrap (by round)" : "bootstrap",
                       g.significant ? "yes" : "no");
  }
  return out + "\n";
}

std::string workload_section(const harness::RunReport& r, const ReportSummary& s) {
  const auto names = workload_names(r);
  if (names.empty()) return "";
  std::string out = "## Per workload\n\n";
  out +=
      "| Workload | Build | Median | 95% CI of median | Runs | Speedup vs v0 | 95% interval | p "
      "| Test | Step vs previous | Verdict |\n|---|---|---:|---|---:|---:|---|---:|---|---:|---|\n";
  for (const std::string& name : names) {
    const harness::WorkloadAnalysis* analysis = nullptr;
    for (const auto& w : r.analysis.workloads) {
      if (w.workload == name) analysis = &w;
    }
    for (const std::string& build : s.build_labels) {
      const harness::TrialSeries* t = find_trials(r, name, build);
      const harness::IterationAnalysis* it = nullptr;
      if (analysis) {
        for (const auto& i : analysis->iterations) {
          if (i.build == build) it = &i;
        }
      }
      if (!t && !it) continue;
      std::string median = "-", ci = "-", runs = "-";
      if (t) {
        if (t->median) median = format_value(*t->median, t->unit);
        if (t->ci_lower && t->ci_upper) {
          ci = "[" + format_value(*t->ci_lower, t->unit) + ", " +
               format_value(*t->ci_upper, t->unit) + "]";
        }
        runs = std::to_string(t->values.size());
        if (t->failed_runs > 0) runs += fmt::format(" ({} failed)", t->failed_runs);
      }
      std::string speedup = "-", interval = "-", p = "-", test = "-", step = "-",
                  verdict = "reference";
      if (it) {
        speedup = speedup_cell(it->vs_off);
        interval = interval_cell(it->vs_off);
        p = format_p_value(it->vs_off.p_value);
        test = format_method(it->vs_off);
        verdict = std::string(harness::to_string(it->vs_off.verdict));
        if (it->vs_previous) {
          step = format_change(it->vs_previous->time_ratio);
          if (it->vs_previous->verdict != harness::Verdict::kFaster &&
              it->vs_previous->verdict != harness::Verdict::kSlower) {
            step += " ~";
          }
        }
      }
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                         markdown_cell(name), build, median, ci, runs, speedup, interval, p, test,
                         step, verdict);
    }
  }
  out +=
      "\nTest \"paired\": runs of the same interleaved round compared with each other; speedup "
      "= 1 / exp(Hodges-Lehmann estimate of the per-round log ratios) with its 95% "
      "Walsh-average interval, p from the two-sided Wilcoxon signed-rank test. Test \"U "
      "test\": speedup = median(v0) / median(build) with a bootstrap 95% interval, p from the "
      "two-sided Mann-Whitney U test. Step = change in time from the previous iteration "
      "(\"~\": not significant).\n\n";
  return out;
}

std::string benchmarks_section(const harness::RunReport& r) {
  const BenchmarkTable table = benchmark_table(r);
  if (table.rows.empty()) return "";
  std::string out =
      fmt::format("## Per benchmark (gotest workloads)\n\n{}\n\n|", BenchmarkTable::kNote);
  for (const char* h : BenchmarkTable::kHeader) out += fmt::format(" {} |", h);
  out += fmt::format(" {} |\n|---|---|---|---:|---:|---:|---|---:|---|---:|---:|---|\n",
                     BenchmarkTable::kOtherUnitsHeader);
  for (const auto& row : table.rows) {
    out += "|";
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      std::string cell = markdown_cell(row.cells[i]);
      // The geomean row reads as the workload's own; a slowed benchmark stands out.
      if ((row.geomean && i == 1) || (row.slowed && (i == 1 || i == 8))) cell = "**" + cell + "**";
      out += " " + cell + " |";
    }
    out += "\n";
  }
  return out + "\n";
}

std::string builds_section(const harness::RunReport& r) {
  if (r.builds.empty()) return "";
  const harness::BuildRecord* v0 = nullptr;
  for (const auto& b : r.builds) {
    if (b.iteration == 0) v0 = &b;
  }
  std::string out =
      "## Builds\n\n| Build | -pgo | Build time | vs v0 | Binary size | vs v0 |\n"
      "|---|---|---:|---:|---:|---:|\n";
  for (const auto& b : r.builds) {
    std::string time_change = "-", size_change = "-";
    if (v0 && &b != v0) {
      if (v0->build_seconds > 0) {
        time_change = format_build_time_change(r, b.build_seconds / v0->build_seconds);
      }
      if (v0->binary_size_bytes > 0) {
        size_change = format_change(static_cast<double>(b.binary_size_bytes) /
                                    static_cast<double>(v0->binary_size_bytes));
      }
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", b.label,
                       code(b.pgo_build_setting.empty() ? b.pgo : b.pgo_build_setting),
                       format_seconds(b.build_seconds), time_change,
                       format_bytes(b.binary_size_bytes), size_change);
  }
  return out + "\n";
}

std::string profiles_section(const harness::RunReport& r) {
  if (r.profiles.empty()) return "";
  std::string out =
      "## Profiles\n\n| Iteration | From | Inputs | Samples | Edges | Hot edges | Hot callees | "
      "Overlap with previous (weighted / hot coverage / Jaccard) |\n"
      "|---:|---|---:|---:|---:|---:|---:|---|\n";
  for (const auto& p : r.profiles) {
    std::string overlap = "-";
    if (p.overlap_with_previous) {
      overlap = format_percent(p.overlap_with_previous->weighted_overlap) + " / " +
                format_percent(p.overlap_with_previous->hot_coverage) + " / " +
                format_percent(p.overlap_with_previous->hot_jaccard);
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", p.iteration,
                       or_dash(p.collected_from), p.inputs.size(), p.view.samples, p.view.edges,
                       p.view.hot_edges, p.view.hot_callees, overlap);
  }
  return out + "\n";
}

std::string staleness_section(const harness::RunReport& r) {
  std::string rows;
  for (const auto& b : r.builds) {
    if (!b.staleness) continue;
    std::string names;
    for (const auto& m : b.staleness->hottest_missing) {
      names += (names.empty() ? "" : ", ") + code(m.name);
    }
    rows += fmt::format("| {} | {} | {} | {} | {} |\n", b.label,
                        format_percent(b.staleness->total_share),
                        format_percent(b.staleness->hot_share), b.staleness->missing_functions,
                        names.empty() ? "-" : names);
  }
  if (rows.empty()) return "";
  return "## Profile staleness\n\nWeight of each build's profile on functions its binary no longer "
         "has (renamed or removed since the profile was taken).\n\n| Build | Edge weight | Hot "
         "edge "
         "weight | Missing functions | Hottest missing |\n|---|---:|---:|---:|---|\n" +
         rows + "\n";
}

std::string phases_section(const harness::RunReport& r) {
  if (r.phases.empty()) return "";
  std::string out =
      "## Phases\n\n| Phase | Status | Wall | In child processes | Harness |\n"
      "|---|---|---:|---:|---:|\n";
  for (const auto& p : r.phases) {
    const double own = p.wall_seconds > p.child_seconds ? p.wall_seconds - p.child_seconds : 0;
    std::string status = harness::to_string(p.status);
    if (!p.error.empty()) status += ": " + markdown_cell(p.error);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_cell(p.name), status,
                       format_seconds(p.wall_seconds), format_seconds(p.child_seconds),
                       format_seconds(own));
  }
  out += fmt::format("\nHarness overhead: {} ({} of the phases' wall time).\n\n",
                     format_seconds(r.harness_seconds()), format_percent(r.harness_share()));
  return out;
}

std::string warnings_section(const harness::RunReport& r) {
  std::string out = "## Warnings\n\n";
  if (r.warnings.empty()) return out + "None.\n";
  for (const auto& w : r.warnings) out += "- " + markdown_cell(w) + "\n";
  return out;
}

std::string memory_section(const harness::RunReport& r) {
  const MemoryTable table = memory_table(r);
  if (table.rows.empty()) return "";
  std::string out = fmt::format("## Peak memory\n\n{}\n\n|", MemoryTable::kNote);
  for (const char* h : MemoryTable::kHeader) out += fmt::format(" {} |", h);
  out += "\n|---|---|---:|---:|\n";
  for (const auto& row : table.rows) {
    out += fmt::format("| {} | {} | {} | {} |\n", markdown_cell(row[0]), row[1], row[2], row[3]);
  }
  return out + "\n";
}

}  // namespace

std::string render_markdown_report(const harness::RunReport& r) {
  const ReportSummary s = summarize_report(r);
  std::string out = "# PGO report: " + or_dash(r.scenario_name) + "\n\n";
  out += lead_paragraph(r, s);
  out += facts_table(r);
  out += geomean_section(r);
  out += workload_section(r, s);
  out += benchmarks_section(r);
  out += builds_section(r);
  out += memory_section(r);
  out += profiles_section(r);
  out += staleness_section(r);
  out += phases_section(r);
  out += warnings_section(r);
  return out;
}

}  // namespace pgo::reports
