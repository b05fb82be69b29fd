// Views of a RunComparison (reports/run_comparison.h): pure functions from the model to
// text, Markdown and JSON; nothing here computes a statistic.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/run_comparison.h"

namespace pgo::reports {

// Views: a terminal table, Markdown (PR comment, CI step summary), JSON. The JSON's schema
// is reports/comparison.schema.json; its "schema_version" is bumped when a field changes
// meaning or disappears.
inline constexpr int kComparisonSchemaVersion = 1;
std::string render_comparison_text(const RunComparison& c);
// The table every view shows: header and cells (kind, workload, build, base, new, change,
// interval, p, verdict), and the one-line count of verdicts.
const std::vector<std::string>& comparison_table_header();
std::vector<std::vector<std::string>> comparison_table_cells(const RunComparison& c);
std::string comparison_summary_line(const RunComparison& c);
std::string render_comparison_markdown(const RunComparison& c);
nlohmann::json comparison_to_json(const RunComparison& c);

}  // namespace pgo::reports
