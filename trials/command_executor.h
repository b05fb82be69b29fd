// The executor interface: run one trial of a command and say what it measured. The trial
// scheduler talks only to this, so its logic is tested with ScriptedExecutor (no process
// runs, values from a script) and used for real with RealExecutor (process.h).
//
//   pgo::harness::RealExecutor real({.output = "null", .timeout_seconds = 10.0});
//   pgo::harness::TrialMeasurement m = real.run(command, pgo::harness::RunKind::kTimed);
//
//   pgo::harness::ScriptedExecutor fake([](const pgo::harness::ScriptedCall& call) {
//     return pgo::harness::TrialMeasurement{.wall_seconds = 0.010 + 1e-6 * call.clock};
//   });
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trials/bench_result.h"
#include "process/process.h"

namespace pgo::harness {

// Why a command runs: the scheduler's calls in order say what it did.
enum class RunKind {
  kShellCalibration,  // the empty shell command, to measure the shell's start-up
  kSetup,
  kWarmup,
  kPrepare,
  kTimed,
  kConclude,
  kCleanup,
};
const char* to_string(RunKind kind);

class CommandExecutor {
 public:
  virtual ~CommandExecutor() = default;
  // Runs `command` once. Hooks and calibration runs go through here as well.
  // Throws pgo::Error (stage "spawn") when the command cannot be started.
  virtual TrialMeasurement run(const BenchCommand& command, RunKind kind) = 0;
  // Seconds since the executor was created: the scheduler's clock for --min-time,
  // --max-time and progress. Real time for RealExecutor, simulated for the fake.
  virtual double now_seconds() = 0;
};

// Runs commands as child processes (process.h). Each command's process is prepared once
// (PATH lookup, environment) and reused by its later runs, so a run costs a spawn and a
// wait, little more: a benchmark of `true` measures the harness's per-run overhead.
struct RealExecutorOptions {
  std::string output = "null";  // measured runs' stdout/stderr: null | pipe | inherit | FILE
  std::string input;            // file for stdin; empty: /dev/null
  std::optional<double> timeout_seconds;  // per measured run; hooks have none
  std::vector<int> cpu_affinity;          // measured runs and hooks; empty: any CPU
};

class RealExecutor : public CommandExecutor {
 public:
  // REQUIRES: an output FILE has been created (opened) by the caller; runs append to it.
  explicit RealExecutor(RealExecutorOptions options);
  TrialMeasurement run(const BenchCommand& command, RunKind kind) override;
  double now_seconds() override;

 private:
  ProcessSpec spec_for(const BenchCommand& command, bool measured) const;

  RealExecutorOptions options_;
  std::chrono::steady_clock::time_point start_;
  // Keyed by the command's address and whether it is measured; the entry's spec is
  // compared with the command before reuse, so a changed or reused address is re-prepared.
  std::map<std::pair<const BenchCommand*, bool>, PreparedProcess> prepared_;
};

// What a scripted executor is asked to run; `clock` is the simulated time it starts at.
struct ScriptedCall {
  const BenchCommand* command = nullptr;
  RunKind kind = RunKind::kTimed;
  std::size_t index = 0;  // 0-based count of calls so far
  double clock = 0;       // simulated seconds since the start
};

// Runs nothing: each call returns what the script says, and the simulated clock advances
// by the returned wall time. Every call is logged, so tests can check order and counts.
class ScriptedExecutor : public CommandExecutor {
 public:
  using Script = std::function<TrialMeasurement(const ScriptedCall&)>;
  explicit ScriptedExecutor(Script script);

  TrialMeasurement run(const BenchCommand& command, RunKind kind) override;
  double now_seconds() override { return clock_; }

  struct LogEntry {
    std::string command;  // BenchCommand::name
    RunKind kind;
    double wall_seconds;
  };
  const std::vector<LogEntry>& log() const { return log_; }
  // Log entries of one kind, as "name" strings in call order.
  std::vector<std::string> names_of(RunKind kind) const;

 private:
  Script script_;
  double clock_ = 0;
  std::vector<LogEntry> log_;
};

}  // namespace pgo::harness
