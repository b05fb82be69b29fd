// The JSON form of harness::RunReport (report.json): writing, and strict reading.
//
// report.json is the source of truth of a run; Markdown, HTML and `compare` are views of
// it. The layout mirrors the model field by field (same names, snake_case), optional
// values are null, and reports/run_report.schema.json is its JSON Schema (a test keeps the
// two in step).
//
//   nlohmann::json j = pgo::reports::to_json(report);
//   pgo::reports::write_run_report(report, "runs/x/report.json");        // atomic
//   pgo::harness::RunReport back = pgo::reports::read_run_report("runs/x/report.json");
//
// Reading is strict: every field of schema version 1 must be present with the right
// type, and the first problem is thrown as pgo::Error (stage "report", file = the path)
// naming its JSON path ("$.builds[1].binary_size_bytes: expected an integer, got a
// string"). A report of another schema version is refused with a hint. Keys the reader
// does not know are ignored: fields added later keep the version (run_report.h), so an
// older harness can still read a newer version-1 report. Fields added to the model later
// must be read as optional here, because older version-1 reports lack them.
//
// Derived values (harness_seconds, harness_share) are written for readers of the JSON
// and ignored on read: the model recomputes them from the phases.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "run/run_report.h"

namespace pgo::reports {

nlohmann::json to_json(const harness::RunReport& report);

// Pretty-printed (2-space indent) with a trailing newline, as written to report.json.
std::string run_report_to_string(const harness::RunReport& report);

// `file` names the source in error messages. Throws pgo::Error (stage "report").
harness::RunReport run_report_from_json(const nlohmann::json& j, const std::string& file);
harness::RunReport parse_run_report(const std::string& text, const std::string& file);

// Reads report.json at `path`, or `path`/report.json when `path` is a directory (a run
// directory). Throws pgo::Error when it is missing, not JSON or not a valid report.
harness::RunReport read_run_report(const std::string& path);

// Writes run_report_to_string(report) to `path` atomically (base/file_io.h).
void write_run_report(const harness::RunReport& report, const std::string& path);

// The report.json a `path` argument designates: `path` itself, or `path`/report.json when
// `path` is a directory.
std::string resolve_report_path(const std::string& path);

}  // namespace pgo::reports
