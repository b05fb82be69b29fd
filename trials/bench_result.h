// The result model of `pgo-harness bench`: what was asked (BenchOptions), what ran
// (BenchCommand), every run's measurement (TrialMeasurement), the statistics derived from
// them and the machine they ran on. Exporters (reports/bench_*_export.h) and the terminal
// view read this and nothing else.
//
//   pgo::harness::BenchResult result = scheduler.run(commands);   // trial_scheduler.h
//   pgo::harness::analyze_bench_result(result);                  // bench_analysis.h
//   for (const auto& c : result.commands) use(c.command.name, c.summary->median);
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stats/sample_comparison.h"
#include "stats/statistics.h"
#include "trials/environment_info.h"

namespace pgo::harness {

// One run of one command. Times in seconds.
struct TrialMeasurement {
  double wall_seconds = 0;  // monotonic clock, spawn to reaped (shell start-up subtracted)
  double user_seconds = 0;
  double system_seconds = 0;
  std::int64_t max_rss_bytes = 0;  // of that child alone (wait4)
  int exit_code = 0;               // valid when term_signal == 0
  int term_signal = 0;
  bool timed_out = false;

  bool succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
};

// A command to measure, after parameter expansion.
struct BenchCommand {
  std::string name;               // display name (--command-name, or the command text)
  std::string text;               // the command as given, after {VAR} substitution
  std::vector<std::string> argv;  // what is executed (split text, or SHELL -c text)
  std::vector<std::pair<std::string, std::string>> parameters;  // VAR -> value
  std::map<std::string, std::string> env;                       // --env, on top of ours
  std::string working_directory;                                // --cwd; empty: ours
};

enum class RunOrder {
  kInterleaved,  // rounds: every command once per round, in a shuffled order (default)
  kSequential,   // all runs of the first command, then the next (hyperfine)
};

// Hook commands: empty means none. One entry applies to every command; otherwise there is
// one entry per command template (hyperfine: "once or per command").
struct BenchHooks {
  std::vector<std::string> setup;     // once per command, before its warmups
  std::vector<std::string> prepare;   // before every run (warmups included)
  std::vector<std::string> conclude;  // after every run (warmups included)
  std::vector<std::string> cleanup;   // once per command, after its last run
};

// Everything that shapes the schedule and the statistics, recorded with the results.
struct BenchOptions {
  std::size_t warmup_runs = 0;
  std::optional<std::size_t> exact_runs;  // --runs: exactly this many
  std::size_t min_runs = 10;
  std::optional<std::size_t> max_runs;
  double min_time_seconds = 3.0;           // per command, hyperfine's rule
  std::optional<double> max_time_seconds;  // whole benchmark; stops even below min_runs
  std::optional<double> target_precision;  // 0.02 = ±2% (95% CI of the median)
  // Counting metrics (near-deterministic): stop a command once it has min_runs runs whose
  // max / min - 1 is at most this, else at max_runs (trial_scheduler.h, rule 4).
  std::optional<double> spread_tolerance;
  // With a target precision and no --max-runs, never more than this many runs.
  std::size_t precision_run_cap = 1000;
  RunOrder order = RunOrder::kInterleaved;
  std::uint64_t seed = 0;  // shuffles and bootstrap
  bool ignore_failure = false;
  std::optional<double> timeout_seconds;  // per run
  std::string shell;                      // empty: no shell
  std::size_t shell_calibration_runs = 50;
  double alpha = 0.05;
  std::size_t reference = 0;  // index of the reference command
  std::vector<int> pin_cpus;
  std::string output = "null";  // null | pipe | inherit | a file path
  std::string input;            // empty: /dev/null
  BenchHooks hooks;
};

// Why the scheduler stopped running a command.
enum class StopReason {
  kExactRuns,         // --runs reached
  kMinTimeAndRuns,    // hyperfine's rule satisfied (min runs and min time)
  kMaxRuns,           // --max-runs (or the precision cap) reached first
  kMaxTime,           // --max-time reached first
  kPrecisionReached,  // --target-precision reached
  kSpreadReached,     // spread_tolerance reached (counting metrics)
  kInterrupted,       // the benchmark was interrupted (Ctrl-C, SIGTERM) before a rule held
};

// Per command: its runs and what follows from them (filled by analyze_bench_result).
struct CommandResult {
  BenchCommand command;
  std::vector<TrialMeasurement> runs;  // timed runs, in execution order
  std::vector<double> start_seconds;   // when each run started, since the benchmark began
  // Interleaved order: the round (0-based) of each run, in execution order. A command runs
  // once in every round from the first until its stop rule holds, so rounds[i] == i; a
  // run interrupted by the stop check leaves its round out. Empty in sequential order.
  // Runs of two commands with the same round ran back to back: the paired comparison
  // (stats/paired_comparison.h) compares them with each other.
  std::vector<std::size_t> rounds;
  std::size_t warmup_runs = 0;
  StopReason stop_reason = StopReason::kMinTimeAndRuns;

  // Derived:
  std::optional<SampleSummary> summary;  // of wall times; nullopt without runs
  double mean_user_seconds = 0;
  double mean_system_seconds = 0;
  std::optional<ConfidenceInterval> median_interval;  // 95%
  std::optional<double> precision;                    // half width of that interval / median
  bool precision_target_reached = false;
  OutlierReport outliers;
  std::size_t failed_runs = 0;
  std::vector<std::string> warnings;  // about this command's runs, for people

  std::vector<double> wall_times() const {
    std::vector<double> out;
    out.reserve(runs.size());
    for (const auto& r : runs) out.push_back(r.wall_seconds);
    return out;
  }
};

// One command compared with the reference.
struct CommandComparison {
  std::size_t reference = 0;  // index into BenchResult::commands
  std::size_t candidate = 0;
  SampleComparison stats;
};

struct BenchResult {
  BenchOptions options;
  EnvironmentInfo environment;
  std::vector<CommandResult> commands;
  std::vector<CommandComparison> comparisons;      // every other command vs the reference
  std::optional<TrialMeasurement> shell_overhead;  // mean of the empty-shell runs
  double total_seconds = 0;                        // wall time of the whole benchmark
  // Stopped early by TrialScheduler's stop check (Ctrl-C, SIGTERM): the commands hold the
  // runs completed before it; the run in progress then is not counted.
  bool interrupted = false;
  std::vector<std::string> warnings;  // about the whole benchmark: the machine, the shell
};

}  // namespace pgo::harness
