#include "trials/counting_executor.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace pgo::harness {
namespace fs = std::filesystem;

const std::map<std::string, std::string>& counting_run_environment() {
  static const std::map<std::string, std::string> env = {{"GOMAXPROCS", "1"},
                                                         {"GOGC", "off"},
                                                         {"GOMEMLIMIT", "1GiB"},
                                                         {"GODEBUG", "asyncpreemptoff=1"}};
  return env;
}

CountingExecutor::CountingExecutor(CommandExecutor& inner, CountedMetric metric,
                                   std::string valgrind, std::string work_dir)
    : inner_(inner),
      metric_(metric),
      valgrind_(std::move(valgrind)),
      out_file_((fs::path(work_dir) / "cachegrind.out").string()) {}

TrialMeasurement CountingExecutor::run(const BenchCommand& command, RunKind kind) {
  if (kind != RunKind::kTimed && kind != RunKind::kWarmup) return inner_.run(command, kind);
  auto it = wrapped_.find(&command);
  if (it == wrapped_.end() || it->second.name != command.name) {
    BenchCommand w = command;
    w.argv = cachegrind_argv(valgrind_, out_file_, command.argv);
    for (const auto& [name, value] : counting_run_environment()) w.env.emplace(name, value);
    it = wrapped_.insert_or_assign(&command, std::move(w)).first;
  }
  std::error_code ec;
  fs::remove(out_file_, ec);
  TrialMeasurement m = inner_.run(it->second, kind);
  if (!m.succeeded()) return m;
  std::ifstream in(out_file_, std::ios::binary);
  if (!in) {
    throw Error("counting", out_file_, "cachegrind wrote no output for '" + command.name + "'",
                "run the command under valgrind --tool=cachegrind by hand to see why");
  }
  std::stringstream text;
  text << in.rdbuf();
  CountSummary s = summarize_counts(parse_cachegrind_output(text.str(), out_file_));
  fs::remove(out_file_, ec);
  m.wall_seconds = metric_ == CountedMetric::kInstructions ? static_cast<double>(s.instructions)
                                                           : s.cycles_estimate;
  return m;
}

TrialMeasurement HardwareCountingExecutor::run(const BenchCommand& command, RunKind kind) {
  if (kind != RunKind::kTimed && kind != RunKind::kWarmup) return inner_.run(command, kind);
  counters_.start();
  TrialMeasurement m = inner_.run(command, kind);
  HardwareCounts c = counters_.stop();
  if (!m.succeeded()) return m;
  running_fraction_ = std::min(running_fraction_, c.running_fraction);
  m.wall_seconds =
      static_cast<double>(metric_ == HardwareMetric::kInstructions ? c.instructions : c.cycles);
  return m;
}

}  // namespace pgo::harness
