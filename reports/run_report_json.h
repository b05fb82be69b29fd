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
// type, and every problem is thrown in one pgo::Error (stage "report", file = the path),
// each naming its JSON path in base/json_reader.h's syntax
// ("builds[1].binary_size_bytes: expected an integer, got string \"12\""). A report of another
// schema version is refused with a hint. Keys the reader does not know are ignored: fields added
// later keep the version (run_report.h), so an older harness can still read a newer version-1
// report. Fields added to the model later must be read as optional here, because older version-1
// reports lack them.
//
// The environment is written as environment_to_json writes it, the one shape of
// harness::EnvironmentInfo in every output (the bench export too). Reports written before
// it was typed carry the load averages as load_average_1m/5m/15m and may lack keys; both
// read back (missing keys keep the model's defaults).
//
// The scenario is written as harness::to_json(Scenario) (the form its hash is computed
// from) and read back by the scenario loader without its file-system checks; `scenario`
// and `options` are {} when the model holds none.
//
// Derived values (harness_seconds, harness_share) are written for readers of the JSON
// and ignored on read: the model recomputes them from the phases.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "run/run_report.h"

namespace pgo::reports {

nlohmann::json to_json(const harness::RunReport& report);

// {cpu_model, logical_cores, governor, aslr, load_average: [1m, 5m, 15m] or null, kernel,
// hostname, harness_version, date}; null for an unknown aslr. `Json` is nlohmann::json
// (report.json, keys sorted) or nlohmann::ordered_json (the bench export, keys in this
// order).
template <typename Json = nlohmann::json>
Json environment_to_json(const harness::EnvironmentInfo& e) {
  const bool load = e.load_average_1m && e.load_average_5m && e.load_average_15m;
  return Json{{"cpu_model", e.cpu_model},
              {"logical_cores", e.logical_cores},
              {"governor", e.governor},
              {"aslr", e.aslr ? Json(*e.aslr) : Json(nullptr)},
              {"load_average",
               load ? Json::array({*e.load_average_1m, *e.load_average_5m, *e.load_average_15m})
                    : Json(nullptr)},
              {"kernel", e.kernel},
              {"hostname", e.hostname},
              {"harness_version", e.harness_version},
              {"date", e.date}};
}

// report.json's `options`: the RunOptions given, and "effective": {iterations, trials} (the
// trials as the scenario's JSON spells them, harness::to_json(Trials)).
nlohmann::json options_to_json(const harness::RunOptionsRecord& options);

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
