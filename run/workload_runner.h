// WorkloadRunner: one timed run of (build, workload), for each workload kind, and the
// executor that lets the bench engine (trials/trial_scheduler.h) interleave every
// build x workload.
//
//   WorkloadRunner runner(scenario, scenario.workloads[0], context);
//   WorkloadMeasurement m = runner.run("/run/builds/v1/app");   // m.value in runner.unit()
//
//   WorkloadTrialExecutor exec(stop_requested);
//   BenchPlan plan;
//   plan.commands.push_back(exec.add(runner, "v0", v0_binary));   // "render@v0"
//   TrialScheduler scheduler(exec, options);
//   BenchResult r = scheduler.run(plan);
//   exec.timed(0);            // every timed WorkloadMeasurement of "render@v0", in order
//
// What one run is, per kind (timed runs are never profiled):
// - command: `command` with {binary} etc. filled in, started in {workdir} with the
//   workload's environment, stdin and timeout. Metric wall = its wall time, cpu = its
//   user + system time.
// - http: `http.instances` servers started on free loopback ports and waited for until
//   ready (not timed), then `load_command` runs against them (timed: metric wall), then
//   the servers are stopped; metric cpu = user + system time of the servers from start to
//   stop (the load generator, the same for every build, is not counted).
// - gotest: the test binary with -test.run=^$ -test.bench=... (no -test.cpuprofile),
//   started in the package's source directory as `go test` does (or in {workdir} when the
//   scenario says gotest.working_directory "workdir"). Metric ns_per_op = the geometric mean over
//   the matched benchmarks of their ns/op (the median of each when count > 1), and every
//   benchmark's value of every unit it printed is kept (WorkloadMeasurement::benchmarks); wall
//   and cpu as for command.
// Counting metrics (instructions, cycles_estimate; kinds command and gotest): the same
// run under `valgrind --tool=cachegrind` (trials/cachegrind.h) with the environment of
// counting_environment(); the value is the count of the whole process. For gotest the
// binary runs with -test.benchtime=Nx (N = counting_iterations()) and once more with 1x,
// and the value is (count(N) - count(1)) / N: exactly the work of one op, start-up and
// set-up subtracted (the testing package runs one op, then N, so the difference is N ops).
// Hardware-counted metrics (hw_instructions, hw_cycles): for command and gotest, the same
// runs natively, with the same environment and, for gotest, the same Nx and 1x runs and
// per-op difference, the CPU's counters (trials/hardware_counters.h) enabled just before
// the spawn and disabled after the wait (inherited: the child's threads and children count).
// For http, the servers start with counting_environment() and, once ready, get counters
// attached to every thread (inherited by the threads and processes they start), enabled
// just before the load command starts and disabled when it has exited: the value is the
// servers' count summed over instances, for the work the load asked of them, so the load
// command must ask for a fixed amount (a number of requests, not a duration). The load
// generator itself is not counted.
// A run that fails (non-zero exit, signal, timeout, a server that is never ready or dies,
// no benchmark output) throws pgo::Error (stage "trial") naming the workload and build,
// with the tail of its log (run/run_directory.h: workload_log). Nothing started by a run
// outlives it.
//
// The bench engine only knows TrialMeasurement, whose wall_seconds drives adaptive
// stopping; the executor puts the METRIC there (ns/op as 1e-9 s) so that stopping follows
// the metric, and keeps each run's full WorkloadMeasurement for the report.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "go/go_bench_format.h"
#include "process/command_template.h"
#include "process/http_client.h"
#include "process/port_allocator.h"
#include "run/profile_collector.h"
#include "scenario/scenario.h"
#include "trials/cachegrind.h"
#include "trials/command_executor.h"
#include "trials/hardware_counters.h"

namespace pgo::harness {

// Where a workload's runs live, besides the build itself.
struct WorkloadContext {
  std::map<std::string, std::string> tools;  // target.tools name -> absolute binary
  std::string workdir;  // {workdir} (created); runs start here, except gotest (see
                        // workload_directory())
  std::string log_dir;  // logs: "<log_dir>/<workload>-<label>.log"
};

struct WorkloadMeasurement {
  double value = 0;            // the metric, in WorkloadRunner::unit()
  double wall_seconds = 0;     // of the timed part (http: the load command)
  double cpu_seconds = 0;      // user + system of what the metric counts
  double elapsed_seconds = 0;  // the whole run, servers' start and stop included
  // Peak resident set size of what the run measures (wait4's ru_maxrss): the command or
  // test binary; for http, the largest of the server instances.
  std::int64_t peak_rss_bytes = 0;
  // Counting metrics: what cachegrind counted (gotest: per op, as `value`).
  std::optional<CountSummary> counts;
  // Hardware-counted metrics: what the CPU's counters counted (gotest: per op, as `value`).
  std::optional<HardwareCounts> hardware_counts;
  // Kind gotest, metric ns_per_op: gotest_benchmark_medians() of the run's output.
  std::map<std::string, std::map<std::string, double>> benchmarks;
};

// One gotest run's results per benchmark: base name ("BenchmarkParse/small") -> unit ->
// value, the median over the run's result lines of that benchmark (several with
// -test.count > 1; a benchmark run with several -test.cpu values is one benchmark too).
std::map<std::string, std::map<std::string, double>> gotest_benchmark_medians(
    const GoBenchOutput& output);

// The geometric mean of the benchmarks' ns/op (those without ns/op left out); nullopt
// when none has ns/op. The value of a gotest run's ns_per_op metric.
std::optional<double> geomean_ns_per_op(
    const std::map<std::string, std::map<std::string, double>>& benchmarks);

// The template variables every workload command gets: {binary} (when non-empty),
// {input} (when there is exactly one input), {input_NAME}, {tool_NAME}, {scenario_dir},
// {workdir}.
CommandVariables workload_variables(const Scenario& scenario, const Workload& workload,
                                    const WorkloadContext& context, const std::string& binary);

// The environment of every run of the workload: Workload::env plus GOMAXPROCS when
// trials.gomaxprocs is set.
std::map<std::string, std::string> workload_environment(const Scenario& scenario,
                                                        const Workload& workload);

// The directory every run of the workload (timed or profiled) starts in: for kind gotest
// with gotest.working_directory "package" (the default), the package's source directory
// (Scenario::package_path()), as `go test` runs test binaries there; otherwise
// context.workdir. Throws pgo::Error as Scenario::package_path() does.
std::string workload_directory(const Scenario& scenario, const Workload& workload,
                               const WorkloadContext& context);

// The environment of a counting run: workload_environment() with GOMAXPROCS, GOGC,
// GOMEMLIMIT and GODEBUG (unless empty) set from Scenario::counting, so that the Go runtime does
// the same work every run.
std::map<std::string, std::string> counting_environment(const Scenario& scenario,
                                                        const Workload& workload);

// kind gotest, counting: the N of -test.benchtime=Nx (gotest.benchtime when it is "Nx"
// with N >= 2, else counting.gotest_iterations).
int counting_iterations(const Scenario& scenario, const Workload& workload);

// The metric's unit: "ns/op" for ns_per_op, "instructions" / "cycles" for the counting
// metrics (with "/op" for kind gotest), "s" otherwise.
std::string metric_unit(Metric metric, WorkloadKind kind = WorkloadKind::kCommand);

// Profiles of `instances` profiled runs of `workload` against `binary`, collected the way
// scenario.method_for(workload) says (flag: the command with its profile arguments or
// profile_command; gotest: the test binary with -test.cpuprofile; http: pprof fetched
// from the servers while the profile load runs). Throws what ProfileCollector throws.
CollectionResult collect_workload_profiles(const Scenario& scenario, const Workload& workload,
                                           const WorkloadContext& context,
                                           const std::string& binary, int instances,
                                           ProfileCollector& collector);

// One workload's measured runs, whatever they are: the seam between the loop's trials and
// the processes they start (WorkloadRunner runs them; unit tests script them).
class WorkloadMeasurer {
 public:
  virtual ~WorkloadMeasurer() = default;
  // One timed (or counted) run of `binary`; `label` names the build in logs and errors.
  virtual WorkloadMeasurement run(const std::string& binary, const std::string& label) = 0;
  virtual const Workload& workload() const = 0;
  virtual std::string unit() const { return metric_unit(workload().metric, workload().kind); }
  // The argv of a timed run (http: the load command, servers not started), for display.
  virtual std::vector<std::string> display_argv(const std::string& binary) const = 0;
};

class WorkloadRunner : public WorkloadMeasurer {
 public:
  // REQUIRES: workload belongs to scenario; both outlive the runner. `perf`: the system
  // calls of the hardware-counted metrics (opened on the first such run).
  WorkloadRunner(const Scenario& scenario, const Workload& workload, WorkloadContext context,
                 PerfSyscalls perf = real_perf_syscalls());

  WorkloadMeasurement run(const std::string& binary, const std::string& label) override;

  const Workload& workload() const override { return workload_; }
  std::string log_path(const std::string& label) const;
  std::vector<std::string> display_argv(const std::string& binary) const override;

 private:
  WorkloadMeasurement run_command(const std::string& binary, const std::string& label);
  WorkloadMeasurement run_gotest(const std::string& binary, const std::string& label);
  WorkloadMeasurement run_http(const std::string& binary, const std::string& label);
  WorkloadMeasurement run_counted(const std::string& binary, const std::string& label);
  // One run of `argv` under cachegrind; its output goes to `log`.
  CountSummary count_once(const std::vector<std::string>& argv, const std::string& label,
                          const std::string& log, WorkloadMeasurement& m);
  // One native run of `argv` between the hardware counters' start and stop.
  HardwareCounts hardware_count_once(const std::vector<std::string>& argv, const std::string& label,
                                     const std::string& log, WorkloadMeasurement& m);
  std::vector<std::string> gotest_argv(const std::string& binary,
                                       const std::string& benchtime) const;

  const Scenario& scenario_;
  const Workload& workload_;
  WorkloadContext context_;
  PortAllocator ports_;
  HttpClient http_;
  std::string valgrind_;  // found on the first counting run
  PerfSyscalls perf_;
  std::unique_ptr<HardwareCounters> counters_;  // opened on the first hardware-counted run
};

// The CommandExecutor of the loop's trials: each BenchCommand is one (runner, build).
class WorkloadTrialExecutor : public CommandExecutor {
 public:
  // `stop_requested` is asked before every run; when it says yes, run() throws
  // pgo::Error (stage "interrupted") instead of starting anything.
  explicit WorkloadTrialExecutor(std::function<bool()> stop_requested = {});

  // Registers (runner, build) and returns its BenchCommand ("WORKLOAD@LABEL"). The runner
  // must outlive the executor.
  BenchCommand add(WorkloadMeasurer& runner, const std::string& label, const std::string& binary);

  TrialMeasurement run(const BenchCommand& command, RunKind kind) override;
  double now_seconds() override;

  // Timed runs of the index-th added command, in execution order.
  const std::vector<WorkloadMeasurement>& timed(std::size_t index) const;
  // Seconds spent inside runs (warm-ups included): the child share of the trials phase.
  double child_seconds() const { return child_seconds_; }

 private:
  struct Entry {
    WorkloadMeasurer* runner;
    std::string label;
    std::string binary;
    std::vector<WorkloadMeasurement> timed;
  };
  std::function<bool()> stop_requested_;
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> by_name_;
  double child_seconds_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace pgo::harness
