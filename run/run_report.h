// RunReport: everything one `pgo-harness run` found, as plain data.
//
// The PGO loop (run/pgo_loop.h) fills it phase by phase and hands it to a checkpoint
// callback after every phase; the CLI writes it as report.json through the reports module
// (reports/run_report_json.h owns the JSON form and its schema, reports/ renders Markdown
// and HTML from it). Resuming a run reads report.json back into this model.
//
//   pgo::harness::RunReport r = ...;            // from the loop or from report.json
//   for (const auto& a : r.analysis.workloads)
//     for (const auto& it : a.iterations) use(it.build, it.vs_off.speedup);
//
// Conventions: times in seconds, sizes in bytes, ratios are candidate / reference (lower
// is better for times), "speedup" is reference / candidate (> 1 means faster). Paths are
// relative to the run directory. Timestamps are ISO 8601 UTC ("2026-11-24T05:00:00Z").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run/run_options.h"
#include "scenario/scenario.h"
#include "stats/sample_comparison.h"
#include "trials/environment_info.h"

namespace pgo::harness {

// Bumped whenever a field changes meaning or disappears; additions keep the version.
inline constexpr int kRunReportSchemaVersion = 1;

enum class RunStatus {
  kRunning,      // "running": phases still to do (also what a killed run leaves behind)
  kComplete,     // "complete": every phase done
  kFailed,       // "failed": a phase failed; `error` says which and why
  kInterrupted,  // "interrupted": stopped by SIGINT/SIGTERM; resumable
};

enum class PhaseStatus {
  kDone,         // "done": finished; resume keeps it while its artifacts are intact
  kFailed,       // "failed": `error` says why
  kInterrupted,  // "interrupted": stopped by SIGINT/SIGTERM
};

// One phase of the loop: "build v0", "profile v1", "merge v1", "build v1", "trials",
// "analysis". The loop resumes after the last phase whose status is kDone.
struct PhaseRecord {
  std::string name;
  PhaseStatus status = PhaseStatus::kDone;
  std::string started_at;
  double wall_seconds = 0;
  // Part of wall_seconds spent waiting for child processes (go build, profiled runs,
  // timed runs, HTTP captures); the rest is the harness's own time.
  double child_seconds = 0;
  std::string error;  // one line, for a failed phase
};

// How stale the profile of a PGO build is for the binary built with it
// (merge/profile_staleness.h): weight on functions the binary no longer has.
struct MissingFunctionRecord {
  std::string name;
  std::int64_t weight = 0;
};
struct StalenessRecord {
  std::string function_names_from;  // "gopclntab" or "symtab"
  double total_share = 0;           // of the profile's edge weight, in [0, 1]
  double hot_share = 0;             // of its hot-edge weight
  std::int64_t missing_functions = 0;
  std::vector<MissingFunctionRecord> hottest_missing;
};

struct BuildRecord {
  std::string label;  // "v0" (pgo off), "v1", ...
  int iteration = 0;  // 0 for pgo off
  std::string pgo;    // "off" or the profile's path
  std::string profile_sha256;
  // `-pgo=` read back from the binary's build info; "" when the binary cannot record it
  // (a PGO `go test -c` binary of a non-main package).
  std::string pgo_build_setting;
  std::string binary;
  std::int64_t binary_size_bytes = 0;
  std::string binary_sha256;
  double build_seconds = 0;
  std::string log;
  std::optional<StalenessRecord> staleness;  // PGO builds whose binary could be read
};

// One profile captured for an iteration.
struct ProfileInput {
  std::string workload;
  int instance = 0;
  std::string path;
  std::int64_t samples = 0;
  std::int64_t pgo_weight = 0;  // total of the sample type the compiler reads
  double scale = 1;             // normalization x workload weight applied when merging
  // Provenance: the file's sha256, where it came from (http: the profile URL fetched,
  // "http://127.0.0.1:PORT/debug/pprof/profile?seconds=S"; empty for a file the program
  // wrote) and the window the profile covers (its duration_nanos, in seconds).
  std::string sha256;
  std::string url;
  double window_seconds = 0;
};

struct HotEdge {
  std::string caller;
  std::string callee;
  std::int64_t offset = 0;
  std::int64_t weight = 0;
  double share = 0;  // weight / total edge weight
};

// What the compiler sees in a profile (merge/pgo_view.h), summarized.
struct PgoViewSummary {
  std::int64_t samples = 0;
  std::int64_t total_weight = 0;
  std::int64_t edges = 0;
  std::int64_t hot_edges = 0;
  std::int64_t hot_callees = 0;
  std::vector<HotEdge> top_hot_edges;  // hottest first
};

// merge::ViewOverlap between this iteration's profile and the previous one.
struct ProfileOverlap {
  double hot_coverage = 1;
  double weighted_overlap = 1;
  double hot_jaccard = 1;
};

// Profiles collected from build v(iteration - 1), merged into the profile of v(iteration).
struct IterationProfile {
  int iteration = 0;
  std::string collected_from;  // build label
  std::vector<ProfileInput> inputs;
  std::string merged_path;
  std::string merged_sha256;
  std::int64_t merged_size_bytes = 0;
  PgoViewSummary view;
  std::optional<ProfileOverlap> overlap_with_previous;  // none for iteration 1
};

// The timed runs of one build on one workload.
struct TrialSeries {
  std::string workload;
  std::string build;  // build label
  // "wall", "cpu", "ns_per_op", "instructions", "cycles_estimate"
  std::string metric;
  std::string unit;            // "s", "ns/op", "instructions[/op]", "cycles[/op]"
  std::vector<double> values;  // in run order
  // Interleaved trials: the round (0-based) of each run, in run order; runs of two series
  // with the same round ran back to back and are compared pair by pair. Empty in
  // sequential order and in reports written before it was recorded.
  std::vector<std::int64_t> rounds;
  std::vector<double> wall_seconds;  // per run, whatever the metric
  // Per run: peak resident set size of the measured process (http: the largest server).
  // Empty in reports written before it was recorded.
  std::vector<std::int64_t> peak_rss_bytes;
  std::int64_t failed_runs = 0;
  std::optional<double> median;
  std::optional<double> ci_lower;  // 95% distribution-free interval of the median
  std::optional<double> ci_upper;
  std::optional<double> relative_half_width;
  bool precision_reached = false;
  std::int64_t outliers = 0;
  // Counting metrics only (empty / nullopt otherwise):
  // max / min - 1 of `values`, and whether it is within counting.tolerance.
  std::optional<double> spread;
  std::optional<bool> deterministic;
  // Every count of every run ("instructions", "cycles_estimate", "l1_misses",
  // "last_level_misses", "branch_mispredicts"), per run, in run order.
  std::map<std::string, std::vector<double>> counts;
  // The environment the harness set for these runs (GOMAXPROCS, GOGC, GOMEMLIMIT) and, for
  // gotest, the benchtime.
  std::map<std::string, std::string> run_settings;
  // Kind gotest with metric ns_per_op: every matched benchmark (base name, GOMAXPROCS
  // suffix dropped, "BenchmarkParse/small") -> every unit it reported ("ns/op", "B/op",
  // "allocs/op", "MB/s", b.ReportMetric units) -> its value per run, in run order (with
  // gotest.count > 1, the median of the run's repetitions). `values` stay the geomean of the
  // benchmarks' ns/op. Empty for other workloads and in reports written before it was
  // recorded.
  std::map<std::string, std::map<std::string, std::vector<double>>> benchmarks;
};

// candidate (build) against reference (against), from harness::compare_samples.
struct Comparison {
  std::string build;
  std::string against;
  // median(candidate) / median(reference), or the paired estimate (see `method`)
  std::optional<double> time_ratio;
  std::optional<double> time_ratio_ci_lower;
  std::optional<double> time_ratio_ci_upper;
  std::optional<double> speedup;  // 1 / time_ratio
  std::optional<double> p_value;
  Verdict verdict = Verdict::kNotEnoughData;
  // kPairedSignedRank (timed metrics with runs of the same rounds; time_ratio is then the
  // Hodges-Lehmann ratio and p_value the signed-rank test's), kUTest (timed metrics
  // otherwise) or kCountSpread (counting metrics).
  ComparisonMethod method = ComparisonMethod::kUTest;
  std::optional<std::int64_t> pairs = std::nullopt;  // kPairedSignedRank: rounds compared
  // kPairedSignedRank: the unpaired U test's p-value on the same runs, the test benchstat
  // applies, so that the two can be set side by side.
  std::optional<double> u_test_p_value = std::nullopt;
};

struct IterationAnalysis {
  std::string build;
  int iteration = 0;
  Comparison vs_off;                      // v(i) against v0
  std::optional<Comparison> vs_previous;  // v(i) against v(i-1); none for v1
};

// One benchmark of a gotest workload on build v(i): its ns/op compared the way the
// workload's own metric is, and the ratio of medians (candidate / v0) of every other unit.
struct BenchmarkIteration {
  std::string build;
  int iteration = 0;
  Comparison vs_off;                      // ns/op of v(i) against v0
  std::optional<Comparison> vs_previous;  // against v(i-1); none for v1
  // "B/op", "allocs/op", custom units -> median(v(i)) / median(v0); nullopt when a median
  // is 0 or missing (0 B/op on both sides is common).
  std::map<std::string, std::optional<double>> unit_ratios_vs_off;
};

struct BenchmarkAnalysis {
  std::string benchmark;                       // "BenchmarkParse/small"
  std::vector<BenchmarkIteration> iterations;  // v1..vN
};

struct WorkloadAnalysis {
  std::string workload;
  std::string metric;
  std::vector<IterationAnalysis> iterations;  // v1..vN
  // Gotest workloads with per-benchmark series: one entry per benchmark, by name. Empty
  // otherwise (and in reports written before it was computed).
  std::vector<BenchmarkAnalysis> benchmarks;
};

// Geometric mean over workloads of the speedup of one build over v0, with a bootstrap
// interval that resamples every workload's runs jointly.
struct GeomeanSpeedup {
  std::string build;
  int iteration = 0;
  std::optional<double> speedup;
  std::optional<double> ci_lower;
  std::optional<double> ci_upper;
  bool significant = false;  // the interval excludes 1
  // The interval's bootstrap redrew rounds (both builds' runs of a round together), not
  // each build's runs independently (run/run_analysis.h, geomean_speedup).
  bool paired = false;
};

struct BuildOverhead {
  std::string build;
  double build_time_ratio = 1;   // build_seconds / v0's
  double binary_size_ratio = 1;  // binary size / v0's
};

// The convergence verdicts of harness/run_analysis.h; kIncomplete when the trials did not
// finish.
enum class ConvergenceKind {
  kConverged,          // "converged"
  kStillImproving,     // "still_improving"
  kOscillating,        // "oscillating"
  kNoSignificantGain,  // "no_significant_gain"
  kRegressed,          // "regressed"
  kIncomplete,         // "incomplete"
};

// The convergence verdict over the iterations (thresholds from the scenario).
struct ConvergenceVerdict {
  ConvergenceKind kind = ConvergenceKind::kIncomplete;
  std::optional<int> converged_at;  // iteration k, for "converged"
  std::string explanation;          // one sentence a person can check against the numbers
};

struct Analysis {
  std::vector<WorkloadAnalysis> workloads;
  std::vector<GeomeanSpeedup> geomean;  // one per build v1..vN
  std::vector<BuildOverhead> overhead;  // one per build v1..vN
  // False when the builds shared the user's warm Go build cache (`run --build-cache go`):
  // v0 may then reuse cached packages while every PGO build recompiles everything, so
  // build_time_ratio says nothing about PGO's build cost and is not shown as one.
  bool build_times_comparable = true;
  ConvergenceVerdict verdict;
};

// The options of a run and what the run made of them with its scenario.
struct RunOptionsRecord {
  RunOptions given;
  int effective_iterations = 0;
  Trials effective_trials;  // with the seed the run used (RunReport::trial_seed)
};

struct RunReport {
  int schema_version = kRunReportSchemaVersion;
  std::string tool_version;
  RunStatus status = RunStatus::kRunning;
  std::string error;  // what failed, for kFailed / kInterrupted
  std::string started_at;
  std::string finished_at;

  // The scenario as loaded, its file and hash (scenario_hash of it). nullopt: not recorded
  // (written as {}).
  std::string scenario_name;
  std::string scenario_path;
  std::string scenario_hash;
  std::optional<Scenario> scenario;
  // Options of this run: iterations, --profile, --emit-default-pgo, seeds. nullopt: not
  // recorded (written as {}).
  std::optional<RunOptionsRecord> options;

  // The module's git revision and whether its tree was dirty (go/vcs_revision.h);
  // empty revision: not a git work tree.
  std::string source_revision;
  bool source_dirty = false;

  std::string go_version;  // `go version`
  EnvironmentInfo environment;

  std::vector<PhaseRecord> phases;
  std::vector<BuildRecord> builds;
  std::vector<IterationProfile> profiles;
  std::vector<TrialSeries> trials;
  std::uint64_t trial_seed = 0;
  Analysis analysis;
  std::vector<std::string> warnings;

  // Harness overhead: sum over phases of (wall - child) seconds, and its share of the
  // total wall time of all phases (the issue's < 2% target).
  double harness_seconds() const;
  double harness_share() const;
};

// "running", "complete", "failed", "interrupted" and back; the parser returns nullopt for
// an unknown word.
std::string to_string(RunStatus status);
std::optional<RunStatus> run_status_from_string(const std::string& word);
// The words in the comments of the enums above and back, the same way.
std::string to_string(PhaseStatus status);
std::optional<PhaseStatus> phase_status_from_string(const std::string& word);
std::string to_string(ConvergenceKind kind);
std::optional<ConvergenceKind> convergence_kind_from_string(const std::string& word);

}  // namespace pgo::harness
