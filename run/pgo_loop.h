// PgoLoop: the PGO iteration loop of `pgo-harness run` (README.md, "pgo-harness run").
//
//   RunDirectory dir("runs/x");
//   MyObserver observer;                       // writes report.json on checkpoint()
//   PgoLoop loop(load_scenario("scenarios/x/scenario.json"), RunOptions{}, dir,
//                observer, "0.1.0");
//   RunReport report = loop.run();             // or loop.resume(read_run_report("runs/x"))
//
// Phases, in order (PgoLoop::planned_phases; each a Phase {kind, iteration}, whose name()
// is what the user and report.json see):
//   prepare      `go mod download`, helper tools (target.tools) built with -pgo=off
//   build v0     -pgo=off
//   profile vI   CPU profiles collected from v(I-1): K instances of every workload with a
//                positive profile_weight (I = 1..N)
//   merge vI     weighted merge into profiles/iter-I.pgo, its PGO view and the hot-edge
//                overlap with iter-(I-1).pgo
//   build vI     -pgo=profiles/iter-I.pgo
//   trials       every build x every workload, interleaved rounds (the bench engine)
//   analysis     run/run_analysis.h; then --emit-default-pgo
// With RunOptions::profile (`run --profile FILE`) the profile phases become one
// "import v1" (FILE copied byte for byte to profiles/iter-1.pgo and checked) and N = 1;
// with RunOptions::candidate_profile too (`refresh`), "import v2" and "build v2" follow,
// N = 2, and v2's comparison with v1 is the candidate against the committed profile.
//
// Go, the profiled runs and the timed runs are reached only through LoopCollaborators
// (real_collaborators(), or scripted ones in tests/ that run the loop without Go).
//
// Merge weights: with profiling.normalize every profile is scaled so that its total of
// the sample type the compiler reads equals the largest total among the iteration's
// profiles, then multiplied by profile_weight / (smallest positive weight); without it
// only the weight factor applies. All workloads collect K profiles, so each workload's
// share of iter-I.pgo is its weight over the sum of weights, and no factor is below 1, so
// rounding never zeroes the small samples/count values the compiler reads. The merge
// library does the scaling and the merge (merge::run_merge_job), as for `pgo-merge`.
//
// After every phase the report gets a PhaseRecord (wall seconds, and the part spent
// waiting for child processes: go builds, profiled runs, timed runs) and the observer's
// checkpoint() is called, so the CLI can write report.json atomically. A phase that throws
// is recorded as "failed" (or "interrupted" when the observer asks to stop), the report's
// status says so, checkpoint() is called, and RunFailure is thrown. The loop never prints.
//
// Resume: resume(previous) keeps every phase of `previous` marked "done" whose artifacts
// are still there and unchanged (binaries and merged profiles by sha256, collected
// profiles by existence), up to the first that is not; it and every later phase run again.
// The scenario's hash must equal the report's.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "go/go_toolchain.h"
#include "go/vcs_revision.h"
#include "run/run_directory.h"
#include "run/run_options.h"
#include "run/run_report.h"
#include "run/workload_runner.h"
#include "scenario/scenario.h"
#include "stats/count_comparison.h"
#include "trials/trial_scheduler.h"

namespace pgo::harness {

// The phases of a run, in the order they run (PgoLoop::planned_phases).
enum class PhaseKind {
  kPrepare,   // "prepare"
  kBuild,     // "build vI"
  kProfile,   // "profile vI": collect profiles from v(I-1)
  kMerge,     // "merge vI"
  kImport,    // "import vI": a given profile as iteration I's
  kTrials,    // "trials"
  kAnalysis,  // "analysis"
};

// One phase: its kind and, for build/profile/merge/import, the iteration it makes (vI).
// The name shown to the user and stored in report.json is derived from it.
struct Phase {
  PhaseKind kind = PhaseKind::kPrepare;
  int iteration = 0;  // 0 for prepare, trials and analysis

  std::string name() const;  // "prepare", "build v2", "profile v1", "trials"
  friend bool operator==(const Phase&, const Phase&) = default;
};

// The phase a report.json names `name` (written by this or an older version); nullopt for
// a name no version writes. The one place where phase text is read back.
std::optional<Phase> phase_from_name(const std::string& name);

// Progress and checkpoints. Every method has a no-op default except checkpoint().
class LoopObserver {
 public:
  virtual ~LoopObserver() = default;
  // The phase's display name is phase.name(); index and count place it in the plan.
  virtual void phase_started(const Phase& /*phase*/, std::size_t /*index*/, std::size_t /*count*/) {
  }
  virtual void phase_skipped(const Phase& /*phase*/) {}  // done before (resume)
  // Something the user must hear now, e.g. on resume: the previous harness was killed, or
  // a kept artifact failed its sha256 check. It is also among the report's warnings.
  virtual void notice(const std::string& /*text*/) {}
  virtual void phase_finished(const PhaseRecord& /*phase*/) {}
  virtual void trial_progress(const SchedulerProgress& /*progress*/,
                              const std::string& /*command*/) {}
  // The report after every phase and at every status change: persist it.
  virtual void checkpoint(const RunReport& report) = 0;
  // Asked between and inside phases (before every child the loop starts itself); true
  // ends the run as "interrupted" at the next check.
  virtual bool stop_requested() { return false; }
};

// ---- the loop's collaborators: everything that runs Go or a workload ----------------------
// Real ones (real_collaborators) start go and the workloads; unit tests give scripted ones
// so that phase order, resume and failures are tested without Go.

// Go: the toolchain, the module download and the builds.
class LoopBuilder {
 public:
  virtual ~LoopBuilder() = default;
  // The toolchain's version ("go1.26.8"); the first call locates the toolchain.
  virtual std::string go_version() = 0;
  // The revision of the module's sources, when they are in a git repository.
  virtual std::optional<VcsRevision> source_revision(const std::string& module_dir) = 0;
  virtual void download_modules(const std::string& module_dir,
                                const std::map<std::string, std::string>& env,
                                const std::string& log_path,
                                const std::vector<std::string>& build_flags) = 0;
  // A helper tool (target.tools): never timed, so any cache policy is right for it.
  virtual GoBuildResult build_tool(const GoBuildRequest& request) = 0;
  // A build of the target (v0, vI), under the run's cache policy.
  virtual GoBuildResult build(const GoBuildRequest& request) = 0;
};

// Profiles: the profiled runs of one workload.
class WorkloadProfiler {
 public:
  virtual ~WorkloadProfiler() = default;
  // `instances` profiles of `workload` run against `binary`, written into profile_dir
  // (logs into context.log_dir). Throws pgo::Error as ProfileCollector does.
  virtual CollectionResult collect(const Workload& workload, const WorkloadContext& context,
                                   const std::string& binary, int instances,
                                   const std::string& profile_dir) = 0;
};

// Trials: the measured runs of one workload (run/workload_runner.h).
class WorkloadRunners {
 public:
  virtual ~WorkloadRunners() = default;
  // REQUIRES: workload outlives the result.
  virtual std::unique_ptr<WorkloadMeasurer> runner(const Workload& workload,
                                                   WorkloadContext context) = 0;
};

struct LoopCollaborators {
  std::unique_ptr<LoopBuilder> builder;
  std::unique_ptr<WorkloadProfiler> profiler;
  std::unique_ptr<WorkloadRunners> runners;
  // The hardware counters' system calls: opened once before anything is built when a
  // workload has a hardware-counted metric, to fail early on a machine without a PMU.
  PerfSyscalls perf = real_perf_syscalls();
};

// The real ones: the scenario's go (target.go) with the cache policy `cache` in `dir`, and
// the workloads as child processes. `scenario` must outlive them.
LoopCollaborators real_collaborators(const Scenario& scenario, BuildCache cache,
                                     const RunDirectory& dir);

// Why a run stopped early; the CLI turns it into an exit code.
enum class FailureKind {
  kSetup,        // bad options, unreadable run directory, scenario changed on resume
  kBuild,        // go mod download, a tool build or a build failed
  kWorkload,     // a workload crashed, timed out, wrote no profile, was never ready
  kProfile,      // a profile is empty, invalid, or useless to the compiler
  kInterrupted,  // SIGINT / SIGTERM
};

class RunFailure : public Error {
 public:
  RunFailure(FailureKind kind, const Error& cause);
  FailureKind kind() const { return kind_; }

 private:
  FailureKind kind_;
};

class PgoLoop {
 public:
  // REQUIRES: observer outlives the loop. Throws RunFailure (kSetup) when the scenario
  // mixes gotest with command/http workloads (one build cannot serve both).
  PgoLoop(Scenario scenario, RunOptions options, RunDirectory dir, LoopObserver& observer,
          std::string tool_version);
  // The same with the given collaborators (unit tests: scripted ones).
  PgoLoop(Scenario scenario, RunOptions options, RunDirectory dir, LoopObserver& observer,
          std::string tool_version, LoopCollaborators collaborators);
  ~PgoLoop();
  // The real collaborators refer to the loop's own scenario: a loop stays where it is made.
  PgoLoop(PgoLoop&&) = delete;
  PgoLoop& operator=(PgoLoop&&) = delete;

  // A new run. Throws RunFailure after recording the failure in the report.
  RunReport run();
  // Continues `previous` (read from this run directory's report.json).
  RunReport resume(RunReport previous);

  std::vector<Phase> planned_phases() const;
  const RunReport& report() const { return report_; }

 private:
  void start_report();
  RunReport execute(std::size_t first_phase);
  void run_phase(const Phase& phase, std::size_t index, std::size_t count);
  void dispatch(const Phase& phase);
  // Empty when `phase` is among `done` (the phases `previous` finished) and its artifacts
  // are intact; otherwise why it must be run (again).
  std::string unverified(const Phase& phase, const std::vector<Phase>& done,
                         const RunReport& previous) const;
  void truncate_from(std::size_t first_phase);

  void prepare();
  void build(int iteration);
  // The profile's staleness for the binary built with it; warns above
  // merge::kStaleHotShareWarning; nullopt (and a warning) when the binary cannot be read.
  std::optional<StalenessRecord> staleness_of(const std::string& profile, const std::string& binary,
                                              const std::string& label);
  void collect(int iteration);
  void merge(int iteration);
  void import_profile(int iteration);
  void trials();
  void trial_pass(const std::vector<const Workload*>& workloads, bool counting);
  std::size_t workload_index(const std::string& name) const;
  CountRule count_rule() const;
  // Counting metrics need valgrind (cachegrind ones) or a PMU (hardware-counted ones): fail
  // before anything is built when it is missing.
  void require_counting_tools() const;
  void analysis();

  LoopBuilder& builder();
  std::map<std::string, std::string> tool_binaries() const;
  BuildRecord* find_build(int iteration);
  IterationProfile& profile_slot(int iteration);
  std::string binary_name() const;
  void add_warning(const std::string& warning);

  Scenario scenario_;
  RunOptions options_;
  RunDirectory dir_;
  LoopObserver& observer_;
  std::string tool_version_;
  int iterations_ = 1;
  Trials trials_;
  RunReport report_;
  double child_seconds_ = 0;  // of the phase running now
  LoopCollaborators collaborators_;
  bool go_located_ = false;  // builder() has recorded the toolchain and the sources
};

}  // namespace pgo::harness
