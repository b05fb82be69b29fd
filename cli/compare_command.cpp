// `pgo-harness compare BASE NEW`: the regression gate (reports/run_comparison.h).
//
// Exit codes: 0 no regression, 1 at least one regression, 2 usage or input error (a file
// missing or not a report, reports of different scenarios). Input errors are 2 here, not
// the generic 1, so that a CI job can tell "slower" from "could not compare".
#include <iostream>

#include "cli/command.h"
#include "base/error.h"
#include "base/file_io.h"
#include "reports/comparison_html.h"
#include "reports/run_comparison.h"

namespace pgo::cli {
namespace {

constexpr const char* kCompareFooter =
    R"(BASE and NEW are run directories, report.json files, two `bench --export-json`
(or hyperfine --export-json) files, or two Go benchmark-format files (`go test -bench`
output, -count N; `report.bench.txt`; `bench --export-benchfmt`).
Rows of run reports: absolute time per workload and build (Mann-Whitney U test, bootstrap
interval of the ratio of medians), PGO speedup per workload and geomean (new speedup /
base speedup, bootstrap interval), peak RSS per workload and build (U test, against
--memory-threshold), build time and binary size per build. Rows of Go
benchmark files: one per benchmark and unit (benchstat's U test and medians) and a geomean
per unit.
A row is a regression when the change is significant and worse than the threshold.

Examples:
  pgo-harness compare runs/nightly-1 runs/nightly-2
  pgo-harness compare old.txt new.txt          # go test -bench -count 10 outputs
  pgo-harness compare --fail-on-regression 3% --format markdown base.json new.json >> "$GITHUB_STEP_SUMMARY"
  pgo-harness compare --json cmp.json old-bench.json new-bench.json
  pgo-harness compare --html signoff.html runs/release-1.4 runs/release-1.5

Exit codes: 0 no regression, 1 regression, 2 usage or input error (unreadable report,
different scenarios).)";

// "2%", "2" -> 0.02. Throws CLI::ValidationError for anything else.
double parse_percent(const std::string& text, const std::string& option) {
  std::string number = text;
  if (!number.empty() && number.back() == '%') number.pop_back();
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != number.size() || value < 0 || value >= 100) {
    throw CLI::ValidationError(option,
                               "expected a percentage in [0, 100), e.g. 2% (got \"" + text + "\")");
  }
  return value / 100.0;
}

struct CompareCommandOptions {
  std::string base;
  std::string candidate;
  std::string threshold = "2%";
  std::string build_time_threshold = "20%";
  std::string memory_threshold = "10%";
  double alpha = 0.05;
  std::uint64_t seed = 1;
  bool allow_different_scenarios = false;
  std::string format = "text";
  std::string markdown_file;
  std::string json_file;
  std::string html_file;
};

int run_compare(const CompareCommandOptions& o) {
  reports::CompareOptions options;
  options.threshold = parse_percent(o.threshold, "--fail-on-regression");
  options.build_time_threshold = parse_percent(o.build_time_threshold, "--build-time-threshold");
  options.memory_threshold = parse_percent(o.memory_threshold, "--memory-threshold");
  options.alpha = o.alpha;
  options.seed = o.seed;
  options.allow_different_scenarios = o.allow_different_scenarios;
  reports::RunComparison comparison;
  try {
    reports::ComparedReports compared;
    comparison = reports::compare_files(o.base, o.candidate, options, &compared);
    if (!o.html_file.empty()) {
      pgo::write_file_atomically(o.html_file,
                                   reports::render_comparison_html(comparison, compared));
    }
    if (!o.markdown_file.empty()) {
      pgo::write_file_atomically(o.markdown_file,
                                   reports::render_comparison_markdown(comparison));
    }
    if (!o.json_file.empty()) {
      pgo::write_file_atomically(o.json_file,
                                   reports::comparison_to_json(comparison).dump(2) + "\n");
    }
  } catch (const pgo::Error& e) {
    std::cerr << "pgo-harness compare: error: " << e.what() << "\n";
    return kExitUsage;
  }
  if (o.format == "markdown") {
    std::cout << reports::render_comparison_markdown(comparison);
  } else if (o.format == "json") {
    std::cout << reports::comparison_to_json(comparison).dump(2) << "\n";
  } else {
    std::cout << reports::render_comparison_text(comparison);
  }
  return comparison.has_regression() ? kExitFailure : kExitOk;
}

}  // namespace

void configure_compare_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<CompareCommandOptions>();
  app.footer(kCompareFooter);
  app.add_option("BASE", o->base, "Base run directory, report.json or bench export")->required();
  app.add_option("NEW", o->candidate, "New run directory, report.json or bench export")->required();
  app.add_option("--fail-on-regression", o->threshold,
                 "Smallest significant slowdown (or PGO-gain loss, or size growth) that fails, "
                 "in percent")
      ->capture_default_str();
  app.add_option("--build-time-threshold", o->build_time_threshold,
                 "Build-time growth that fails, in percent (one noisy measurement per build)")
      ->capture_default_str();
  app.add_option("--memory-threshold", o->memory_threshold,
                 "Significant peak-RSS growth (per workload and build) that fails, in percent")
      ->capture_default_str();
  app.add_option("--alpha", o->alpha, "Significance level; intervals are at 1 - alpha")
      ->check(CLI::Range(0.0001, 0.5))
      ->capture_default_str();
  app.add_option("--seed", o->seed, "Bootstrap seed")->capture_default_str();
  app.add_flag("--allow-different-scenarios", o->allow_different_scenarios,
               "Compare reports of different scenarios (warn instead of refusing)");
  app.add_option("--format", o->format, "Output on stdout")
      ->check(CLI::IsMember({"text", "markdown", "json"}))
      ->capture_default_str();
  app.add_option("--markdown", o->markdown_file, "Also write the Markdown table to FILE");
  app.add_option("--json", o->json_file,
                 "Also write the JSON result to FILE (schema: reports/comparison.schema.json)");
  app.add_option("--html", o->html_file,
                 "Also write the release sign-off page to FILE: both runs side by side "
                 "(speedups with intervals, time distributions, build time, size) and every "
                 "row's verdict, one self-contained HTML file");
  app.callback([o, &runner] {
    // Validate percentages at parse time so that a typo is a usage error (exit 2).
    parse_percent(o->threshold, "--fail-on-regression");
    parse_percent(o->build_time_threshold, "--build-time-threshold");
    parse_percent(o->memory_threshold, "--memory-threshold");
    runner = [o] { return run_compare(*o); };
  });
}

}  // namespace pgo::cli
