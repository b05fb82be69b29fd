#include "run/workload_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/elapsed.h"
#include "base/error.h"
#include "go/go_bench_format.h"
#include "process/process.h"
#include "process/process_log.h"
#include "process/server_group.h"
#include "run/profile_collector.h"
#include "run/run_directory.h"
#include "stats/statistics.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::optional<std::chrono::nanoseconds> timeout_of(const Workload& w) {
  if (w.timeout_seconds <= 0) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(w.timeout_seconds));
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::map<std::string, std::map<std::string, double>> gotest_benchmark_medians(
    const GoBenchOutput& output) {
  std::map<std::string, std::map<std::string, std::vector<double>>> all;
  for (const GoBenchResult& r : output.results) {
    std::set<std::string> seen;  // a unit printed twice on one line counts once
    for (const GoBenchMetric& metric : r.metrics) {
      if (seen.insert(metric.unit).second) all[r.base_name][metric.unit].push_back(metric.value);
    }
  }
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& [name, units] : all) {
    for (const auto& [unit, values] : units) out[name][unit] = median(values);
  }
  return out;
}

std::optional<double> geomean_ns_per_op(
    const std::map<std::string, std::map<std::string, double>>& benchmarks) {
  double log_sum = 0;
  std::size_t n = 0;
  for (const auto& [name, units] : benchmarks) {
    auto ns = units.find("ns/op");
    if (ns == units.end()) continue;
    log_sum += std::log(std::max(ns->second, 1e-12));
    ++n;
  }
  if (n == 0) return std::nullopt;
  return std::exp(log_sum / static_cast<double>(n));
}

CommandVariables workload_variables(const Scenario& scenario, const Workload& workload,
                                    const WorkloadContext& context, const std::string& binary) {
  CommandVariables v;
  if (!binary.empty()) v.set("binary", binary);
  for (const auto& [name, rel] : workload.inputs) {
    v.set("input_" + name, scenario.input_path(workload, name));
  }
  if (workload.inputs.size() == 1) {
    v.set("input", scenario.input_path(workload, workload.inputs.begin()->first));
  }
  for (const auto& [name, path] : context.tools) v.set("tool_" + name, path);
  v.set("scenario_dir", scenario.directory);
  v.set("workdir", context.workdir);
  return v;
}

std::map<std::string, std::string> workload_environment(const Scenario& scenario,
                                                        const Workload& workload) {
  std::map<std::string, std::string> env = workload.env;
  if (scenario.trials.gomaxprocs) env["GOMAXPROCS"] = std::to_string(*scenario.trials.gomaxprocs);
  return env;
}

std::string workload_directory(const Scenario& scenario, const Workload& workload,
                               const WorkloadContext& context) {
  if (workload.kind == WorkloadKind::kGotest &&
      workload.gotest.working_directory == GotestDirectory::kPackage) {
    return scenario.package_path();
  }
  return context.workdir;
}

std::map<std::string, std::string> counting_environment(const Scenario& scenario,
                                                        const Workload& workload) {
  std::map<std::string, std::string> env = workload_environment(scenario, workload);
  env["GOMAXPROCS"] = std::to_string(scenario.counting.gomaxprocs);
  env["GOGC"] = scenario.counting.gogc;
  env["GOMEMLIMIT"] = scenario.counting.gomemlimit;
  if (!scenario.counting.godebug.empty()) env["GODEBUG"] = scenario.counting.godebug;
  return env;
}

int counting_iterations(const Scenario& scenario, const Workload& workload) {
  const std::string& b = workload.gotest.benchtime;
  if (b.size() >= 2 && b.back() == 'x' &&
      std::all_of(b.begin(), b.end() - 1, [](char c) { return c >= '0' && c <= '9'; }) &&
      b.size() <= 10) {
    int n = std::stoi(b.substr(0, b.size() - 1));
    if (n >= 2) return n;
  }
  return scenario.counting.gotest_iterations;
}

std::string metric_unit(Metric metric, WorkloadKind kind) {
  const std::string per = kind == WorkloadKind::kGotest ? "/op" : "";
  switch (metric) {
    case Metric::kNsPerOp:
      return "ns/op";
    case Metric::kInstructions:
    case Metric::kHwInstructions:
      return "instructions" + per;
    case Metric::kCyclesEstimate:
    case Metric::kHwCycles:
      return "cycles" + per;
    default:
      return "s";
  }
}

CollectionResult collect_workload_profiles(const Scenario& scenario, const Workload& w,
                                           const WorkloadContext& context,
                                           const std::string& binary, int instances,
                                           ProfileCollector& collector) {
  WorkloadProcess common;
  common.workload = w.name;
  common.variables = workload_variables(scenario, w, context, binary);
  common.working_directory = context.workdir;
  common.env = workload_environment(scenario, w);
  common.instances = instances;
  const std::string stdin_path = w.stdin_input.empty() ? "" : scenario.input_path(w, w.stdin_input);
  switch (scenario.method_for(w)) {
    case ProfileMethod::kFlag: {
      FlagCollection c;
      static_cast<WorkloadProcess&>(c) = common;
      c.stdin_path = stdin_path;
      c.timeout = timeout_of(w);
      if (!w.profile_command.empty()) {
        c.command = w.profile_command;
      } else {
        for (const std::string& arg : w.command) {
          c.command.push_back(arg);
          if (arg == "{binary}") {
            c.command.insert(c.command.end(), w.profile_args.begin(), w.profile_args.end());
          }
        }
      }
      return collector.collect(c);
    }
    case ProfileMethod::kGotest: {
      GotestCollection c;
      static_cast<WorkloadProcess&>(c) = common;
      c.working_directory = workload_directory(scenario, w, context);
      c.stdin_path = stdin_path;
      c.timeout = timeout_of(w);
      c.test_binary = binary;
      c.bench = w.gotest.bench;
      c.benchtime = w.gotest.benchtime;
      c.count = w.gotest.count;
      c.extra_args = w.gotest.args;
      return collector.collect(c);
    }
    case ProfileMethod::kHttp: {
      HttpCollection c;  // the servers read no input
      static_cast<WorkloadProcess&>(c) = common;
      c.server_command = w.http.server_command;
      c.ready_path = w.http.ready_path;
      c.ready_timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double>(w.http.ready_timeout_seconds));
      c.load_command =
          w.http.profile_load_command.empty() ? w.http.load_command : w.http.profile_load_command;
      c.profile_seconds = w.http.profile_seconds;
      c.cpu_affinity = scenario.trials.pin_cpu;
      return collector.collect(c);
    }
  }
  throw Error("collect", scenario.path, "workload '" + w.name + "': unknown profile method");
}

WorkloadRunner::WorkloadRunner(const Scenario& scenario, const Workload& workload,
                               WorkloadContext context, PerfSyscalls perf)
    : scenario_(scenario),
      workload_(workload),
      context_(std::move(context)),
      perf_(std::move(perf)) {
  std::error_code ec;
  fs::create_directories(context_.workdir, ec);
  if (ec)
    throw Error("trial", context_.workdir,
                "cannot create the workload's directory: " + ec.message());
}

std::string WorkloadRunner::log_path(const std::string& label) const {
  return workload_log(context_.log_dir, workload_.name, label);
}

std::vector<std::string> WorkloadRunner::display_argv(const std::string& binary) const {
  CommandVariables vars = workload_variables(scenario_, workload_, context_, binary);
  const std::string context = "workload '" + workload_.name + "'";
  switch (workload_.kind) {
    case WorkloadKind::kCommand:
      return expand_command(workload_.command, vars, context);
    case WorkloadKind::kGotest:
      return gotest_argv(binary,
                         is_counting(workload_.metric)
                             ? std::to_string(counting_iterations(scenario_, workload_)) + "x"
                             : workload_.gotest.benchtime);
    case WorkloadKind::kHttp: {
      // The load command as it reads before the servers' ports are known.
      vars.set("port", "PORT");
      vars.set("ports", "PORT");
      vars.set("urls", "URLS");
      vars.set("instances", std::to_string(workload_.http.instances));
      return expand_command(workload_.http.load_command, vars, context);
    }
  }
  return {};
}

std::vector<std::string> WorkloadRunner::gotest_argv(const std::string& binary,
                                                     const std::string& benchtime) const {
  GotestCollection g;
  g.workload = workload_.name;
  g.variables = workload_variables(scenario_, workload_, context_, binary);
  g.test_binary = binary;
  g.bench = workload_.gotest.bench;
  g.benchtime = benchtime;
  // Counting: one pass of N ops; the count of several passes would only repeat it.
  g.count = is_counting(workload_.metric) ? 1 : workload_.gotest.count;
  g.extra_args = workload_.gotest.args;
  return ProfileCollector::gotest_argv(g, "");
}

WorkloadMeasurement WorkloadRunner::run(const std::string& binary, const std::string& label) {
  if (is_counting(workload_.metric) && workload_.kind != WorkloadKind::kHttp) {
    return run_counted(binary, label);
  }
  switch (workload_.kind) {
    case WorkloadKind::kCommand:
      return run_command(binary, label);
    case WorkloadKind::kGotest:
      return run_gotest(binary, label);
    case WorkloadKind::kHttp:
      return run_http(binary, label);
  }
  throw Error("trial", "", "unknown workload kind");
}

namespace {

ProcessSpec timed_spec(const Scenario& s, const Workload& w, const std::vector<std::string>& argv,
                       const std::string& workdir, const std::string& log) {
  ProcessSpec spec = logged_process_spec(argv, workdir, workload_environment(s, w), log);
  if (!w.stdin_input.empty()) {
    spec.stdin_mode = StreamMode::kFile;
    spec.stdin_path = s.input_path(w, w.stdin_input);
  }
  spec.timeout = timeout_of(w);
  spec.cpu_affinity = s.trials.pin_cpu;
  return spec;
}

[[noreturn]] void run_failed(const Workload& w, const std::string& label, const std::string& what,
                             const ProcessResult& r, const std::string& log) {
  throw Error("trial", log,
              with_log_tail("workload '" + w.name + "' on build " + label + ": " + what +
                                " failed (" + r.describe_status() + ")",
                            log),
              r.timed_out ? "raise the workload's timeout_seconds, or make the run shorter"
                          : "run the command from the log by hand to see why");
}

// One timed run of a command or gotest workload: its times, peak memory and the value of
// the workload's cpu or wall metric (a gotest ns/op value is read from the log by the caller).
WorkloadMeasurement run_timed(const Workload& w, const std::string& label, const std::string& what,
                              const ProcessSpec& spec, const std::string& log) {
  auto start = Clock::now();
  ProcessResult r = run_process(spec);
  WorkloadMeasurement m;
  m.elapsed_seconds = seconds_since(start);
  if (!r.succeeded()) run_failed(w, label, what, r, log);
  m.wall_seconds = std::chrono::duration<double>(r.wall_time).count();
  m.cpu_seconds = r.user_seconds + r.system_seconds;
  m.peak_rss_bytes = r.max_rss_bytes;
  m.value = w.metric == Metric::kCpu ? m.cpu_seconds : m.wall_seconds;
  return m;
}

}  // namespace

WorkloadMeasurement WorkloadRunner::run_command(const std::string& binary,
                                                const std::string& label) {
  const std::string log = log_path(label);
  return run_timed(workload_, label, "the run",
                   timed_spec(scenario_, workload_, display_argv(binary), context_.workdir, log),
                   log);
}

WorkloadMeasurement WorkloadRunner::run_gotest(const std::string& binary,
                                               const std::string& label) {
  const std::string log = log_path(label);
  WorkloadMeasurement m =
      run_timed(workload_, label, "the benchmark run",
                timed_spec(scenario_, workload_, display_argv(binary),
                           workload_directory(scenario_, workload_, context_), log),
                log);
  if (workload_.metric != Metric::kNsPerOp) return m;
  m.benchmarks = gotest_benchmark_medians(parse_go_bench_output(read_all(log)));
  const std::optional<double> geomean = geomean_ns_per_op(m.benchmarks);
  if (!geomean) {
    throw Error("trial", log,
                with_log_tail("workload '" + workload_.name + "' on build " + label +
                                  ": no benchmark result with ns/op (pattern -test.bench=" +
                                  workload_.gotest.bench + ")",
                              log),
                "check the pattern against the package's Benchmark functions");
  }
  m.value = *geomean;
  return m;
}

WorkloadMeasurement WorkloadRunner::run_http(const std::string& binary, const std::string& label) {
  const std::string log = log_path(label);
  const bool hardware = is_hardware_counted(workload_.metric);
  if (is_counting(workload_.metric) && !hardware) {
    throw Error("trial", "", "workload '" + workload_.name + "': kind http cannot be counted");
  }
  CommandVariables vars = workload_variables(scenario_, workload_, context_, binary);
  auto start = Clock::now();
  ServerGroupSpec group;
  group.name = portable_file_stem(workload_.name) + "-" + portable_file_stem(label);
  group.server_command = workload_.http.server_command;
  group.variables = vars;
  group.working_directory = context_.workdir;
  // Counted servers run with the deterministic Go settings, as counted commands do.
  group.env = hardware ? counting_environment(scenario_, workload_)
                       : workload_environment(scenario_, workload_);
  group.cpu_affinity = scenario_.trials.pin_cpu;
  group.instances = workload_.http.instances;
  group.ready_path = workload_.http.ready_path;
  group.ready_timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(workload_.http.ready_timeout_seconds));
  group.log_dir = context_.log_dir;
  group.stage = "trial";
  ServerGroup servers(group, ports_, http_);  // stops the servers on every way out

  std::vector<std::string> argv =
      expand_command(workload_.http.load_command, servers.load_variables(vars),
                     "workload '" + workload_.name + "' load command");
  ProcessSpec spec = timed_spec(scenario_, workload_, argv, context_.workdir, log);
  // Hardware-counted: the servers' counters (every thread, inherited by the threads they
  // start) are enabled just before the load starts and disabled when it has ended.
  std::optional<HardwareCounters> counters;
  if (hardware) counters.emplace(servers.pids(), perf_);
  if (counters) counters->start();
  ProcessResult load = run_process(spec);
  std::optional<HardwareCounts> counts;
  if (counters) counts = counters->stop();
  if (!load.succeeded()) run_failed(workload_, label, "the load command", load, log);
  servers.check_running("during the timed load");
  std::vector<ProcessResult> stopped = servers.stop();
  WorkloadMeasurement m;
  m.elapsed_seconds = seconds_since(start);
  m.wall_seconds = std::chrono::duration<double>(load.wall_time).count();
  for (const ProcessResult& s : stopped) {
    m.cpu_seconds += s.user_seconds + s.system_seconds;
    m.peak_rss_bytes = std::max(m.peak_rss_bytes, s.max_rss_bytes);
  }
  if (counts) {
    m.hardware_counts = counts;
    m.value = static_cast<double>(workload_.metric == Metric::kHwInstructions ? counts->instructions
                                                                              : counts->cycles);
  } else {
    m.value = workload_.metric == Metric::kCpu ? m.cpu_seconds : m.wall_seconds;
  }
  return m;
}

CountSummary WorkloadRunner::count_once(const std::vector<std::string>& argv,
                                        const std::string& label, const std::string& log,
                                        WorkloadMeasurement& m) {
  if (valgrind_.empty()) valgrind_ = find_valgrind();
  const std::string out = context_.workdir + "/cachegrind-" + portable_file_stem(label) + ".out";
  std::error_code ec;
  fs::remove(out, ec);
  ProcessSpec spec = timed_spec(scenario_, workload_, cachegrind_argv(valgrind_, out, argv),
                                workload_directory(scenario_, workload_, context_), log);
  spec.env_overrides = counting_environment(scenario_, workload_);
  ProcessResult r = run_process(spec);
  if (!r.succeeded()) run_failed(workload_, label, "the run under valgrind (cachegrind)", r, log);
  m.wall_seconds += std::chrono::duration<double>(r.wall_time).count();
  m.cpu_seconds += r.user_seconds + r.system_seconds;
  if (!fs::is_regular_file(out, ec)) {
    throw Error("counting", log,
                with_log_tail("workload '" + workload_.name + "' on build " + label +
                                  ": cachegrind wrote no output file " + out,
                              log),
                "run the command from the log by hand to see why");
  }
  CountSummary s = summarize_counts(parse_cachegrind_output(read_all(out), out));
  fs::remove(out, ec);
  return s;
}

namespace {

// kind gotest: the count of one op, from the run of N ops and the run of 1 (start-up and
// set-up subtracted; the testing package runs one op, then N, so the difference is N ops).
std::int64_t count_per_op(std::int64_t all, std::int64_t one, int n) {
  return std::max<std::int64_t>(0, (all - one) / n);
}
double count_per_op(double all, double one, int n) { return std::max(0.0, (all - one) / n); }

CountSummary count_per_op(const CountSummary& all, const CountSummary& one, int n) {
  CountSummary s;
  s.instructions = count_per_op(all.instructions, one.instructions, n);
  s.l1_misses = count_per_op(all.l1_misses, one.l1_misses, n);
  s.last_level_misses = count_per_op(all.last_level_misses, one.last_level_misses, n);
  s.branch_mispredicts = count_per_op(all.branch_mispredicts, one.branch_mispredicts, n);
  s.cycles_estimate = count_per_op(all.cycles_estimate, one.cycles_estimate, n);
  return s;
}

HardwareCounts count_per_op(const HardwareCounts& all, const HardwareCounts& one, int n) {
  HardwareCounts c;
  c.instructions = count_per_op(all.instructions, one.instructions, n);
  c.cycles = count_per_op(all.cycles, one.cycles, n);
  c.branch_misses = count_per_op(all.branch_misses, one.branch_misses, n);
  c.cache_misses = count_per_op(all.cache_misses, one.cache_misses, n);
  return c;
}

// The counts of one counting run, whatever counts them: `count(one_op)` counts the
// workload's run (gotest: of N ops, or of 1 op when one_op is true).
template <class CountOnce>
auto counted_run(const Scenario& scenario, const Workload& w, CountOnce count) {
  if (w.kind == WorkloadKind::kGotest) {
    auto all = count(false);
    return count_per_op(all, count(true), counting_iterations(scenario, w));
  }
  if (w.kind != WorkloadKind::kCommand) {
    throw Error("trial", "", "workload '" + w.name + "': kind http cannot be counted");
  }
  return count(false);
}

}  // namespace

HardwareCounts WorkloadRunner::hardware_count_once(const std::vector<std::string>& argv,
                                                   const std::string& label, const std::string& log,
                                                   WorkloadMeasurement& m) {
  if (!counters_) counters_ = std::make_unique<HardwareCounters>(perf_);
  ProcessSpec spec = timed_spec(scenario_, workload_, argv,
                                workload_directory(scenario_, workload_, context_), log);
  spec.env_overrides = counting_environment(scenario_, workload_);
  counters_->start();  // as close to the spawn, and the stop to the wait, as it gets
  ProcessResult r = run_process(spec);
  HardwareCounts c = counters_->stop();
  if (!r.succeeded()) run_failed(workload_, label, "the counted run", r, log);
  m.wall_seconds += std::chrono::duration<double>(r.wall_time).count();
  m.cpu_seconds += r.user_seconds + r.system_seconds;
  m.peak_rss_bytes = std::max(m.peak_rss_bytes, r.max_rss_bytes);
  return c;
}

WorkloadMeasurement WorkloadRunner::run_counted(const std::string& binary,
                                                const std::string& label) {
  auto start = Clock::now();
  WorkloadMeasurement m;
  auto argv = [&](bool one_op) {
    return one_op ? gotest_argv(binary, "1x") : display_argv(binary);
  };
  auto log = [&](bool one_op) { return log_path(one_op ? label + "-1x" : label); };
  if (is_hardware_counted(workload_.metric)) {
    HardwareCounts c = counted_run(scenario_, workload_, [&](bool one_op) {
      return hardware_count_once(argv(one_op), label, log(one_op), m);
    });
    m.hardware_counts = c;
    m.value = static_cast<double>(workload_.metric == Metric::kHwInstructions ? c.instructions
                                                                              : c.cycles);
  } else {
    CountSummary s = counted_run(scenario_, workload_, [&](bool one_op) {
      return count_once(argv(one_op), label, log(one_op), m);
    });
    m.counts = s;
    m.value = workload_.metric == Metric::kInstructions ? static_cast<double>(s.instructions)
                                                        : s.cycles_estimate;
  }
  m.elapsed_seconds = seconds_since(start);
  return m;
}

// ---- WorkloadTrialExecutor -------------------------------------------------------------

WorkloadTrialExecutor::WorkloadTrialExecutor(std::function<bool()> stop_requested)
    : stop_requested_(std::move(stop_requested)), start_(Clock::now()) {}

BenchCommand WorkloadTrialExecutor::add(WorkloadMeasurer& runner, const std::string& label,
                                        const std::string& binary) {
  BenchCommand c;
  c.name = runner.workload().name + "@" + label;
  c.argv = runner.display_argv(binary);
  c.text = quote_command(c.argv);
  by_name_[c.name] = entries_.size();
  entries_.push_back(Entry{&runner, label, binary, {}});
  return c;
}

TrialMeasurement WorkloadTrialExecutor::run(const BenchCommand& command, RunKind kind) {
  auto it = by_name_.find(command.name);
  if (it == by_name_.end()) {
    throw Error("trial", "", "unknown trial command '" + command.name + "'");
  }
  if (stop_requested_ && stop_requested_()) {
    throw Error(ErrorKind::kInterrupted, "interrupted", "",
                "stopped by a signal before " + command.name);
  }
  Entry& e = entries_[it->second];
  // A failed run throws and ends the phase; its time then counts as the harness's own,
  // which only makes the overhead figure pessimistic.
  WorkloadMeasurement m = e.runner->run(e.binary, e.label);
  child_seconds_ += m.elapsed_seconds;
  if (kind == RunKind::kTimed) e.timed.push_back(m);
  TrialMeasurement t;
  // The scheduler's stopping rule reads wall_seconds: give it the metric.
  t.wall_seconds = e.runner->workload().metric == Metric::kNsPerOp ? m.value * 1e-9 : m.value;
  t.user_seconds = m.cpu_seconds;
  t.max_rss_bytes = m.peak_rss_bytes;
  return t;
}

double WorkloadTrialExecutor::now_seconds() { return seconds_since(start_); }

const std::vector<WorkloadMeasurement>& WorkloadTrialExecutor::timed(std::size_t index) const {
  return entries_.at(index).timed;
}

}  // namespace pgo::harness
