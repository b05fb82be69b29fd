// Loading `compare`'s inputs: run reports (a run directory or report.json), bench exports
// (pgo-harness or hyperfine JSON) and Go benchmark-format text, told apart by their
// content, then compared by reports/run_comparison.h. The JSON edge of the comparison.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reports/run_comparison.h"
#include "run/run_report.h"

namespace pgo::reports {

// Throws pgo::Error (stage "compare", file) when `j` has no results[] with command and
// times.
BenchExport bench_export_from_json(const nlohmann::json& j, const std::string& file);

// Reads both files (a run directory, a report.json, or a bench export: told apart by their
// content), and compares them. Throws pgo::Error for unreadable or mismatched inputs.
// When `reports` is given and both inputs are run reports, they are stored there too (the
// sign-off page draws their distributions).
struct ComparedReports {
  std::optional<harness::RunReport> base;
  std::optional<harness::RunReport> candidate;
};
RunComparison compare_files(const std::string& base_path, const std::string& candidate_path,
                            const CompareOptions& options, ComparedReports* reports = nullptr);

}  // namespace pgo::reports
