#include "reports/run_comparison_load.h"

#include "base/error.h"
#include "base/file_io.h"
#include "base/json_reader.h"
#include "go/go_bench_format.h"
#include "reports/benchfmt_comparison.h"
#include "reports/run_report_json.h"

namespace pgo::reports {

using harness::RunReport;
using nlohmann::json;

BenchExport bench_export_from_json(const json& j, const std::string& file) {
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array()) {
    throw Error("compare", file, "not a run report or a bench export (results is missing)",
                "pass report.json (or its run directory) or a `bench --export-json` file");
  }
  BenchExport e;
  JsonProblems problems;
  JsonObjectReader in = JsonObjectReader::record(problems, j, "");
  in.read_array("results", [&](const json& r, const std::string& path) {
    JsonObjectReader result = JsonObjectReader::record(problems, r, path);
    BenchExport::Command command;
    result.read_string("command", command.name, false);
    result.read_number_array("times", command.times);
    e.commands.push_back(std::move(command));
  });
  // Only shown next to the comparison: a missing or odd environment is no reason to refuse.
  if (const json* environment = in.get("environment");
      environment != nullptr && environment->is_object()) {
    for (auto [key, out] :
         {std::pair{"cpu_model", &e.cpu_model}, std::pair{"harness_version", &e.harness_version}}) {
      if (auto it = environment->find(key); it != environment->end() && it->is_string()) {
        *out = it->get<std::string>();
      }
    }
  }
  if (!problems.empty()) throw_json_problems("compare", file, problems.list());
  return e;
}

RunComparison compare_files(const std::string& base_path, const std::string& candidate_path,
                            const CompareOptions& options, ComparedReports* reports) {
  // A file is JSON (a run report or a bench export) when it starts like JSON; anything
  // else is read as Go benchmark-format text.
  struct Input {
    std::string file;
    std::string text;
    std::optional<json> j;
  };
  auto load = [](const std::string& path) {
    Input in{resolve_report_path(path), {}, std::nullopt};
    in.text = pgo::read_text_file(in.file, "compare");
    const auto first = in.text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (in.text[first] == '{' || in.text[first] == '[')) {
      try {
        in.j = json::parse(in.text);
      } catch (const json::exception& e) {  // syntax, or a number out of range ("1e999")
        throw Error("compare", in.file, std::string("not valid JSON: ") + e.what());
      }
    }
    return in;
  };
  const Input base = load(base_path);
  const Input candidate = load(candidate_path);
  if (!base.j || !candidate.j) {
    if (base.j || candidate.j) {
      throw Error("compare", (base.j ? candidate : base).file,
                  "cannot compare Go benchmark output with a JSON report or export",
                  "pass two files of the same kind");
    }
    auto parse = [](const Input& in) {
      harness::GoBenchOutput out = harness::parse_go_bench_output(in.text);
      if (out.results.empty()) {
        throw Error("compare", in.file,
                    "neither JSON nor Go benchmark output (no \"Benchmark...\" result line)",
                    "pass run reports, bench exports, or `go test -bench` output files");
      }
      return out;
    };
    return compare_benchfmt(parse(base), parse(candidate), options, base.file, candidate.file);
  }
  auto is_run = [](const json& j) { return j.is_object() && j.contains("schema_version"); };
  // Say what each file is before saying they differ: "{}" is neither kind.
  for (const Input* in : {&base, &candidate}) {
    const bool bench = in->j->is_object() && in->j->contains("results");
    if (!is_run(*in->j) && !bench) {
      throw Error("compare", in->file,
                  std::string("neither a run report (schema_version is missing) nor a bench "
                              "export (results is missing); the JSON is ") +
                      (in->j->is_object() || in->j->is_array() ? "an " : "a ") + in->j->type_name(),
                  "pass report.json (or its run directory) or a `bench --export-json` file");
    }
  }
  if (is_run(*base.j) != is_run(*candidate.j)) {
    const Input& run = is_run(*base.j) ? base : candidate;
    const Input& bench = is_run(*base.j) ? candidate : base;
    throw Error("compare", bench.file,
                "is a bench export but " + run.file + " is a run report; they cannot be compared",
                "pass two run reports or two bench exports");
  }
  if (is_run(*base.j)) {
    RunReport b = run_report_from_json(*base.j, base.file);
    RunReport n = run_report_from_json(*candidate.j, candidate.file);
    RunComparison c = compare_run_reports(b, n, options, base.file, candidate.file);
    if (reports != nullptr) {
      reports->base = std::move(b);
      reports->candidate = std::move(n);
    }
    return c;
  }
  return compare_bench_exports(bench_export_from_json(*base.j, base.file),
                               bench_export_from_json(*candidate.j, candidate.file), options,
                               base.file, candidate.file);
}

}  // namespace pgo::reports
