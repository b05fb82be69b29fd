// TrialScheduler: decides which command runs when, and how many times, and collects the
// measurements. It talks to a CommandExecutor only, so its rules are tested without
// running anything (ScriptedExecutor) and it never prints; progress goes to a callback.
//
//   pgo::harness::BenchPlan plan;
//   plan.commands = {...};                      // BenchCommand each, argv ready
//   pgo::harness::RealExecutor exec({});
//   pgo::harness::TrialScheduler scheduler(exec, options);
//   scheduler.on_progress([](const pgo::harness::SchedulerProgress& p) { draw(p); });
//   pgo::harness::BenchResult result = scheduler.run(plan);
//
// The schedule:
// 1. With a shell, its start-up is measured first (options.shell_calibration_runs runs of
//    the empty command); the mean is subtracted from every measured run (never below 0).
// 2. Sequential order (hyperfine): per command, setup, warmups, timed runs, cleanup.
//    Interleaved order (default): every setup, then every command's warmups, then rounds in
//    which each command still running runs once, in an order shuffled by a SeededRng from
//    options.seed; then every cleanup. Drift over time then affects all commands alike.
//    Each run's round is recorded (CommandResult::rounds) so that runs of the same round
//    can be compared with each other.
// 3. prepare runs before, and conclude after, every warmup and timed run.
// 4. How many timed runs a command gets:
//    - --runs N: exactly N;
//    - spread_tolerance T (counting metrics): until min_runs runs (at least 2) agree within
//      T (max / min - 1 <= T), at most max_runs (or precision_run_cap);
//    - --target-precision P: until the 95% interval of its median is within ±P (checked
//      after each round once it has min_runs), at most --max-runs (or precision_run_cap);
//    - otherwise hyperfine's rule: max(min_runs, ceil(min_time / first run)), at most
//      --max-runs.
//    --max-time T is a budget per command: sequential stops a command after T seconds of
//    its runs; interleaved stops every command once the rounds took T × commands seconds.
// 5. A failed run (exit status != 0, signal, timeout) throws pgo::Error (stage "run")
//    unless options.ignore_failure; a failed hook always throws (stage "setup", ...).
// 6. The stop check (stop_when), asked before and after every run and hook, ends the
//    benchmark early: run() returns the runs completed so far with
//    BenchResult::interrupted set, drops the run during which the stop came (its child
//    was killed), and runs no further hooks, not even cleanup.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "trials/bench_result.h"
#include "trials/command_executor.h"

namespace pgo::harness {

// The hooks of one command, after parameter substitution; nullopt: none.
struct CommandHooks {
  std::optional<BenchCommand> setup, prepare, conclude, cleanup;
};

struct BenchPlan {
  std::vector<BenchCommand> commands;             // REQUIRES: non-empty
  std::vector<CommandHooks> hooks;                // empty, or one per command
  std::optional<BenchCommand> shell_calibration;  // the empty command run by the shell
};

struct SchedulerProgress {
  enum class Phase { kCalibration, kWarmup, kMeasuring };
  Phase phase = Phase::kMeasuring;
  std::size_t command = 0;  // index of the command that just ran
  std::size_t command_runs_done = 0;
  std::size_t total_runs_done = 0;     // timed runs, all commands
  std::size_t total_runs_planned = 0;  // best estimate so far
  double elapsed_seconds = 0;
  // From the clock time each command's timed runs took so far (exec.now_seconds(), hooks
  // included), never from the measurements, which may be CPU time, ns/op or counts.
  std::optional<double> eta_seconds;
};

class TrialScheduler {
 public:
  TrialScheduler(CommandExecutor& executor, BenchOptions options);

  void on_progress(std::function<void(const SchedulerProgress&)> callback) {
    progress_ = std::move(callback);
  }
  // `stop` returns true once the benchmark should end early (e.g. a flag set by a SIGINT
  // handler that also killed the running child).
  void stop_when(std::function<bool()> stop) { stop_ = std::move(stop); }

  // Runs the plan and returns the raw result (runs only; see analyze_bench_result for the
  // statistics). REQUIRES: plan.commands non-empty; plan.hooks empty or one per command.
  BenchResult run(const BenchPlan& plan);

 private:
  TrialMeasurement execute(const BenchCommand& command, RunKind kind);
  void run_hook(const std::optional<BenchCommand>& hook, RunKind kind);
  TrialMeasurement run_measured(const BenchPlan& plan, std::size_t c, RunKind kind);
  void warmups(const BenchPlan& plan, std::size_t c);
  void timed_run(const BenchPlan& plan, std::size_t c);
  bool finished(std::size_t c, double budget_start, double budget_seconds);  // records done_
  bool stop_rule_holds(std::size_t c, double budget_start, double budget_seconds);
  void report(SchedulerProgress::Phase phase, std::size_t c);

  CommandExecutor& exec_;
  BenchOptions options_;
  std::function<void(const SchedulerProgress&)> progress_;
  std::function<bool()> stop_;
  // Per-run state while running:
  BenchResult result_;
  std::vector<std::optional<std::size_t>> planned_;  // hyperfine-rule target per command
  std::vector<bool> done_;                           // a stop rule held for the command
  std::vector<double> run_clock_seconds_;            // per command: clock time of its timed runs
  std::size_t total_done_ = 0;
  double start_ = 0;
};

}  // namespace pgo::harness
