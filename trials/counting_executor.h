// CountingExecutor: `bench --metric instructions|cycles_estimate`. Wraps another executor
// and runs every measured command (warm-ups and timed runs) under cachegrind
// (trials/cachegrind.h) with the deterministic Go runtime settings of counting runs, and
// reports the count in TrialMeasurement::wall_seconds, the field the scheduler's stopping
// rules and the analysis read. Hooks and the shell calibration pass through unchanged.
//
//   RealExecutor real(options);
//   CountingExecutor counting(real, CountedMetric::kCyclesEstimate, find_valgrind(), tmp);
//   TrialScheduler scheduler(counting, bench_options);   // with spread_tolerance set
#pragma once

#include <map>
#include <string>

#include "trials/cachegrind.h"
#include "trials/command_executor.h"
#include "trials/hardware_counters.h"

namespace pgo::harness {

enum class CountedMetric { kInstructions, kCyclesEstimate };

// The environment every counted run gets on top of the command's own --env (which wins):
// GOMAXPROCS=1 GOGC=off GOMEMLIMIT=1GiB GODEBUG=asyncpreemptoff=1, the defaults of
// Scenario::counting (scenario/scenario.h says why); harmless for programs not written in Go.
const std::map<std::string, std::string>& counting_run_environment();

class CountingExecutor : public CommandExecutor {
 public:
  // `work_dir` holds the cachegrind output of the run in progress (removed after reading).
  CountingExecutor(CommandExecutor& inner, CountedMetric metric, std::string valgrind,
                   std::string work_dir);

  TrialMeasurement run(const BenchCommand& command, RunKind kind) override;
  double now_seconds() override { return inner_.now_seconds(); }

 private:
  CommandExecutor& inner_;
  CountedMetric metric_;
  std::string valgrind_;
  std::string out_file_;
  // The wrapped command per original, so that the inner executor sees a stable address.
  std::map<const BenchCommand*, BenchCommand> wrapped_;
};

// `bench --metric hw_instructions|hw_cycles`: the CPU's own counters (instructions:u,
// cycles:u) of each measured run, from trials/hardware_counters.h, enabled around the run
// (they include the harness's own spawn and reap: tens of thousands of instructions, the
// same for every command). Native speed; needs a PMU.
enum class HardwareMetric { kInstructions, kCycles };

class HardwareCountingExecutor : public CommandExecutor {
 public:
  // `counters` must outlive the executor.
  HardwareCountingExecutor(CommandExecutor& inner, HardwareCounters& counters,
                           HardwareMetric metric)
      : inner_(inner), counters_(counters), metric_(metric) {}

  TrialMeasurement run(const BenchCommand& command, RunKind kind) override;
  double now_seconds() override { return inner_.now_seconds(); }

  // The smallest HardwareCounts::running_fraction of the runs so far: below 1 some counts
  // were multiplexed and scaled up (estimates).
  double running_fraction() const { return running_fraction_; }

 private:
  CommandExecutor& inner_;
  HardwareCounters& counters_;
  HardwareMetric metric_;
  double running_fraction_ = 1;
};

}  // namespace pgo::harness
