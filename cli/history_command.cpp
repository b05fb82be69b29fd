// `pgo-harness history REPORT...`: the trend of PGO speedup and absolute times over a
// series of run reports, flagging points outside the usual noise (reports/history.h).
//
// Exit codes: 0 done, 1 with --fail-on-regression when the newest report is flagged as a
// regression, 2 usage or input error (like compare: a gate must tell the two apart).
#include <iostream>

#include "cli/command.h"
#include "go/go_bench_format.h"
#include "base/error.h"
#include "base/file_io.h"
#include "reports/benchfmt_history.h"
#include "reports/history.h"
#include "reports/history_json.h"
#include "reports/run_report_json.h"

namespace pgo::cli {
namespace {

constexpr const char* kHistoryFooter =
    R"(Each REPORT is a run directory or report.json of one scenario (e.g. nightly runs:
runs/nightly-*), in any order: they are sorted by the time each run started, oldest
first. Reports of another scenario are refused unless --allow-different-scenarios.
One point per report from its last PGO iteration: geomean and
per-workload speedup over pgo=off with their bootstrap intervals, and per-workload median
times of v0 and the last build. A point is flagged when its 95% interval lies entirely
outside [median lower bound, median upper bound] of up to --window earlier reports.

REPORT may instead be a Go benchmark-format file (`go test -bench` output, -count N, or
report.bench.txt): then every REPORT must be one, taken in the order given (the format
carries no time), with one series per benchmark and unit (median and its 95% interval).

Examples:
  pgo-harness history runs/nightly-*
  pgo-harness history --html history.html --markdown history.md runs/nightly-*
  pgo-harness history --fail-on-regression runs/nightly-*     # nightly gate
  pgo-harness history --fail-on-regression bench-1.txt bench-2.txt bench-3.txt bench-4.txt

Exit codes: 0 done, 1 newest report flagged as a regression (with --fail-on-regression),
2 usage or input error.)";

struct HistoryCommandOptions {
  std::vector<std::string> reports;
  std::string markdown_file;
  std::string html_file;
  std::string json_file;
  std::string format = "text";
  std::size_t window = 10;
  std::size_t min_history = 3;
  bool fail_on_regression = false;
  bool allow_different_scenarios = false;
};

int run_history(const HistoryCommandOptions& o) {
  reports::History history;
  try {
    const reports::HistoryOptions options{o.window, o.min_history, o.allow_different_scenarios};
    // Go benchmark-format text, or JSON run reports: told apart by the first character.
    std::vector<reports::BenchfmtHistoryInput> text_inputs;
    std::vector<std::string> json_files;
    for (const auto& path : o.reports) {
      const std::string file = reports::resolve_report_path(path);
      const std::string text = pgo::read_text_file(file, "history");
      const auto first = text.find_first_not_of(" \t\r\n");
      if (first != std::string::npos && text[first] != '{') {
        text_inputs.push_back({file, harness::parse_go_bench_output(text)});
      } else {
        json_files.push_back(file);
      }
    }
    if (!text_inputs.empty() && !json_files.empty()) {
      throw Error("history", json_files.front(), "a run report among Go benchmark-format files",
                  "pass only run reports, or only go test -bench output files");
    }
    if (!text_inputs.empty()) {
      history = reports::build_benchfmt_history(text_inputs, options);
    } else {
      std::vector<reports::HistoryInput> inputs;
      for (const auto& file : json_files) {
        inputs.push_back({file, reports::read_run_report(file)});
      }
      history = reports::build_history(inputs, options);
    }
    if (!o.markdown_file.empty()) {
      pgo::write_file_atomically(o.markdown_file, reports::render_history_markdown(history));
    }
    if (!o.html_file.empty()) {
      pgo::write_file_atomically(o.html_file, reports::render_history_html(history));
    }
    if (!o.json_file.empty()) {
      pgo::write_file_atomically(o.json_file, reports::history_to_json(history).dump(2) + "\n");
    }
  } catch (const pgo::Error& e) {
    std::cerr << "pgo-harness history: error: " << e.what() << "\n";
    return kExitUsage;
  }
  if (o.format == "json") {
    std::cout << reports::history_to_json(history).dump(2) << "\n";
  } else {
    std::cout << (o.format == "markdown" ? reports::render_history_markdown(history)
                                         : reports::render_history_text(history));
  }
  return o.fail_on_regression && history.latest_regressed() ? kExitFailure : kExitOk;
}

}  // namespace

void configure_history_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<HistoryCommandOptions>();
  app.footer(kHistoryFooter);
  app.add_option("REPORT", o->reports,
                 "Run directories or report.json files of one scenario (sorted by start time)")
      ->required();
  app.add_option("--markdown", o->markdown_file, "Also write the Markdown table to FILE");
  app.add_option("--html", o->html_file, "Also write an HTML page with the charts to FILE");
  app.add_option("--json", o->json_file,
                 "Also write the series as JSON to FILE (schema: reports/history.schema.json)");
  app.add_option("--format", o->format, "Output on stdout")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  app.add_option("--window", o->window, "Earlier reports the usual noise is taken from")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--min-history", o->min_history, "Earlier reports needed before flagging")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_flag("--fail-on-regression", o->fail_on_regression,
               "Exit 1 when the newest report is flagged as a regression");
  app.add_flag("--allow-different-scenarios", o->allow_different_scenarios,
               "Accept reports of different scenarios (with a warning)");
  app.callback([o, &runner] { runner = [o] { return run_history(*o); }; });
}

}  // namespace pgo::cli
