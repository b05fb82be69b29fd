// RunComparison: the regression gate between two run reports (or two `bench` exports),
// `pgo-harness compare BASE NEW`.
//
//   pgo::reports::CompareOptions o;
//   o.threshold = 0.02;                                    // --fail-on-regression 2%
//   pgo::reports::RunComparison c = pgo::reports::compare_files("base/", "new/", o);  // load
//   std::cout << pgo::reports::render_comparison_text(c);                          // views
//   return c.has_regression() ? 1 : 0;
//
// Rows (run reports; workloads matched by name, builds by label):
// - "time": every (workload, build) in both reports, on the raw trial values of the
//   workload's metric: harness::compare_samples (Mann-Whitney U at alpha; bootstrap
//   interval of the ratio of medians new / base). Lower is better.
// - "pgo_speedup": for every PGO build v1..vN in both, per workload and as a geomean over
//   the workloads both have: speedup = median(v0) / median(vi) in each report, change =
//   new speedup / base speedup, with a percentile bootstrap interval at confidence
//   1 - alpha (all four samples resampled independently; for the geomean, every workload's
//   samples at once). Significant when the interval excludes 1. Higher is better.
// - "peak_rss": every (workload, build) whose runs recorded peak RSS in both reports: the
//   same U test and bootstrap interval on the runs' peak RSS (bytes), judged against
//   memory_threshold (PGO has raised memory use by tens of percent in reported cases).
// - "benchmark": per benchmark of a gotest workload and build where both reports have
//   per-benchmark results (harness::TrialSeries::benchmarks), every unit both recorded
//   (ns/op, B/op, allocs/op, custom units; "/s" units higher-is-better), the same test as
//   "time"; the row's workload is "WORKLOAD/BenchmarkName".
// - "build_time" and "binary_size": per build label, new / base. One measurement each, so
//   no test: build time counts only beyond build_time_threshold (build times are noisy),
//   binary size (deterministic) beyond threshold. No build_time rows, and a warning,
//   when either report's build times are not comparable (built on the shared Go cache).
// Verdict of a row: "regression" when significant and worse than 1 +- threshold,
// "improvement" when significant and better by more than threshold, "insufficient data"
// when too few runs for any outcome to be significant (the U test's minimum p >= alpha),
// otherwise "no significant change". `compare` fails (exit 1) when any row is a
// regression.
//
// Different scenarios: two reports are refused (pgo::Error, stage "compare") when their
// scenario names differ, or when the embedded scenarios' "target" or "workloads" differ
// (what is built and what is measured); a difference elsewhere (trials, profiling,
// iterations, convergence, description) only warns, as does a different scenario hash.
// allow_different_scenarios turns the refusal into a warning. Warnings also when the CPU
// model, Go version or harness version differ, or a report is not complete.
//
// Bench exports (reports/bench_json_export.h, or hyperfine's --export-json): commands are
// matched by "command" (the display name) and compared as "time" rows on "times".
// The module in three parts: this header is the model and the computing (pure functions
// of the model: statistics, verdicts, warnings); reports/run_comparison_load.h reads the
// inputs (files and JSON, the edge); reports/run_comparison_views.h renders a comparison
// (text, Markdown, JSON) as pure functions of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run/run_report.h"

namespace pgo::reports {

enum class ChangeVerdict {
  kRegression,
  kImprovement,
  kNoChange,          // "no significant change": not significant, or within the threshold
  kInsufficientData,  // too few runs for any outcome to be significant
};

// "regression", "improvement", "no significant change", "insufficient data".
std::string to_string(ChangeVerdict verdict);

struct CompareOptions {
  double threshold = 0.02;             // --fail-on-regression: smallest change that counts
  double build_time_threshold = 0.20;  // --build-time-threshold
  double memory_threshold = 0.10;      // --memory-threshold: peak RSS growth that counts
  double alpha = 0.05;                 // --alpha: U test level; bootstrap at 1 - alpha
  std::size_t bootstrap_resamples = 1000;
  std::uint64_t seed = 1;  // bootstrap seed: the same inputs give the same output
  bool allow_different_scenarios = false;
};

struct ComparisonRow {
  // "time", "pgo_speedup", "build_time", "binary_size", "peak_rss", "benchmark"
  std::string kind;
  std::string workload;  // workload or command; "geomean"; empty for build rows
  std::string build;     // build label; empty for bench commands
  std::string unit;      // of base / candidate: "s", "ns/op", "x" (speedup), "B"
  std::optional<double> base;
  std::optional<double> candidate;
  std::optional<double> ratio;     // candidate / base
  std::optional<double> ci_lower;  // interval of ratio
  std::optional<double> ci_upper;
  std::optional<double> p_value;  // U test (time and benchmark rows)
  bool higher_is_better = false;
  ChangeVerdict verdict = ChangeVerdict::kNoChange;
};

struct RunComparison {
  std::string input_kind;  // "run", "bench" or "benchfmt"
  std::string base_file;
  std::string candidate_file;
  std::string scenario_name;
  // The sources' git revisions ("" when unknown; "+dirty" appended for a dirty tree).
  std::string base_revision;
  std::string candidate_revision;
  CompareOptions options;
  std::vector<ComparisonRow> rows;
  std::vector<std::string> warnings;

  // An empty comparison of `input_kind` between the two files, with the options it uses.
  static RunComparison begin(std::string input_kind, const CompareOptions& options,
                             std::string base_file, std::string candidate_file);

  std::size_t count(ChangeVerdict verdict) const;
  bool has_regression() const { return count(ChangeVerdict::kRegression) > 0; }
};

// The verdict of a change: "regression" when significant and worse than 1 -+ threshold,
// "improvement" when significant and better by more than threshold, else "no change".
ChangeVerdict change_verdict(bool significant, double ratio, bool higher_is_better,
                             double threshold);

// One row comparing two samples of a lower-is-better (or higher-is-better) quantity: medians,
// ratio candidate / base with its bootstrap interval at 1 - alpha, the U test's p-value,
// and the verdict ("insufficient data" when no outcome could be significant).
ComparisonRow compare_sample_row(const std::string& kind, const std::string& workload,
                                 const std::string& build, const std::string& unit,
                                 const std::vector<double>& base,
                                 const std::vector<double>& candidate, bool higher_is_better,
                                 const CompareOptions& options);

RunComparison compare_run_reports(const harness::RunReport& base,
                                  const harness::RunReport& candidate,
                                  const CompareOptions& options,
                                  const std::string& base_file = "BASE",
                                  const std::string& candidate_file = "NEW");

// The part of a bench export (or hyperfine export) that compare reads.
struct BenchExport {
  struct Command {
    std::string name;
    std::vector<double> times;  // seconds
  };
  std::vector<Command> commands;
  std::string cpu_model;        // environment.cpu_model when present
  std::string harness_version;  // environment.harness_version when present
};

RunComparison compare_bench_exports(const BenchExport& base, const BenchExport& candidate,
                                    const CompareOptions& options,
                                    const std::string& base_file = "BASE",
                                    const std::string& candidate_file = "NEW");

}  // namespace pgo::reports
