#include "reports/run_comparison_views.h"

#include <fmt/format.h>

#include "base/text_table.h"
#include "reports/text_format.h"

namespace pgo::reports {

using nlohmann::json;

namespace {

std::string kind_label(const std::string& kind) {
  if (kind == "time") return "time";
  if (kind == "pgo_speedup") return "PGO speedup";
  if (kind == "build_time") return "build time";
  if (kind == "binary_size") return "binary size";
  if (kind == "peak_rss") return "peak RSS";
  if (kind == "benchmark") return "benchmark";
  return kind;
}

std::string value_cell(const ComparisonRow& r, std::optional<double> v) {
  if (!v) return "-";
  if (r.unit == "x") return format_speedup(v);
  if (r.unit == "B") return format_bytes(static_cast<std::int64_t>(*v));
  return format_value(*v, r.unit);
}

}  // namespace

std::vector<std::vector<std::string>> comparison_table_cells(const RunComparison& c) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : c.rows) {
    rows.push_back({kind_label(r.kind), r.workload.empty() ? "-" : r.workload,
                    r.build.empty() ? "-" : r.build, value_cell(r, r.base),
                    value_cell(r, r.candidate), format_change(r.ratio),
                    format_change_interval(r.ci_lower, r.ci_upper), format_p_value(r.p_value),
                    to_string(r.verdict)});
  }
  return rows;
}

const std::vector<std::string>& comparison_table_header() {
  static const std::vector<std::string> header = {"kind",   "workload", "build", "base",   "new",
                                                  "change", "interval", "p",     "verdict"};
  return header;
}

std::string comparison_summary_line(const RunComparison& c) {
  return fmt::format(
      "{} regression(s), {} improvement(s), {} without significant change, {} with insufficient "
      "data (threshold {}, build-time threshold {}, memory threshold {}, alpha {})",
      c.count(ChangeVerdict::kRegression), c.count(ChangeVerdict::kImprovement),
      c.count(ChangeVerdict::kNoChange), c.count(ChangeVerdict::kInsufficientData),
      format_percent(c.options.threshold), format_percent(c.options.build_time_threshold),
      format_percent(c.options.memory_threshold), c.options.alpha);
}

std::string render_comparison_text(const RunComparison& c) {
  std::vector<TextColumn> columns;
  for (const auto& h : comparison_table_header()) columns.push_back(TextColumn{h});
  TextTable table(std::move(columns));
  for (auto& row : comparison_table_cells(c)) table.add_row(std::move(row));
  auto at = [](const std::string& revision) {
    return revision.empty() ? std::string() : " (revision " + revision + ")";
  };
  std::string out = "base: " + c.base_file + at(c.base_revision) + "\nnew:  " + c.candidate_file +
                    at(c.candidate_revision) + "\n\n";
  out += table.render();
  out += "\n" + comparison_summary_line(c) + "\n";
  for (const auto& w : c.warnings) out += "warning: " + w + "\n";
  out += c.has_regression() ? "result: REGRESSION\n" : "result: no regression\n";
  return out;
}

std::string render_comparison_markdown(const RunComparison& c) {
  std::string out = "## pgo-harness compare: ";
  out += c.has_regression() ? "regression\n\n" : "no regression\n\n";
  auto at = [](const std::string& revision) {
    return revision.empty() ? std::string() : " at `" + markdown_cell(revision) + "`";
  };
  out += "Base `" + markdown_cell(c.base_file) + "`" + at(c.base_revision) + ", new `" +
         markdown_cell(c.candidate_file) + "`" + at(c.candidate_revision) +
         (c.scenario_name.empty() ? "" : ", scenario " + markdown_cell(c.scenario_name)) + ".\n\n";
  out +=
      "| Kind | Workload | Build | Base | New | Change | Interval | p | Verdict |\n"
      "|---|---|---|---:|---:|---:|---|---:|---|\n";
  for (auto row : comparison_table_cells(c)) {
    if (row[8] == "regression") row[8] = "**regression**";
    std::string line = "|";
    for (const auto& cell : row) line += " " + markdown_cell(cell) + " |";
    out += line + "\n";
  }
  out += "\n" + comparison_summary_line(c) + ". Change = new / base; intervals are " +
         format_percent(1 - c.options.alpha) + " bootstrap intervals.\n";
  if (!c.warnings.empty()) {
    out += "\n**Warnings**\n\n";
    for (const auto& w : c.warnings) out += "- " + markdown_cell(w) + "\n";
  }
  return out;
}

json comparison_to_json(const RunComparison& c) {
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json rows = json::array();
  for (const auto& r : c.rows) {
    rows.push_back(json{{"kind", r.kind},
                        {"workload", r.workload},
                        {"build", r.build},
                        {"unit", r.unit},
                        {"base", opt(r.base)},
                        {"new", opt(r.candidate)},
                        {"ratio", opt(r.ratio)},
                        {"ci_lower", opt(r.ci_lower)},
                        {"ci_upper", opt(r.ci_upper)},
                        {"p_value", opt(r.p_value)},
                        {"higher_is_better", r.higher_is_better},
                        {"verdict", to_string(r.verdict)}});
  }
  return json{{"schema_version", kComparisonSchemaVersion},
              {"input_kind", c.input_kind},
              {"base", c.base_file},
              {"new", c.candidate_file},
              {"base_revision", c.base_revision},
              {"new_revision", c.candidate_revision},
              {"scenario_name", c.scenario_name},
              {"options",
               {{"threshold", c.options.threshold},
                {"build_time_threshold", c.options.build_time_threshold},
                {"memory_threshold", c.options.memory_threshold},
                {"alpha", c.options.alpha},
                {"bootstrap_resamples", c.options.bootstrap_resamples},
                {"seed", c.options.seed}}},
              {"rows", std::move(rows)},
              {"warnings", c.warnings},
              {"regressions", c.count(ChangeVerdict::kRegression)},
              {"improvements", c.count(ChangeVerdict::kImprovement)},
              {"result", c.has_regression() ? "regression" : "no regression"}};
}

}  // namespace pgo::reports
