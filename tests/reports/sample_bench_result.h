// A small, fully determined bench result for the export and terminal tests: two commands
// with hand-picked times, analyzed, and a fixed environment.
#pragma once

#include "trials/bench_analysis.h"
#include "trials/bench_result.h"

namespace pgo::reports::testing {

inline harness::BenchResult sample_bench_result() {
  using namespace pgo::harness;
  BenchResult r;
  r.options.seed = 42;
  r.options.exact_runs = 6;
  auto add = [&](const std::string& name, std::vector<double> times, std::string param) {
    CommandResult cr;
    cr.command.name = name;
    cr.command.text = name;
    cr.command.argv = {"prog", param};
    cr.command.parameters = {{"n", param}};
    for (std::size_t i = 0; i < times.size(); ++i) {
      TrialMeasurement m;
      m.wall_seconds = times[i];
      m.user_seconds = times[i] * 0.5;
      m.system_seconds = times[i] * 0.25;
      m.max_rss_bytes = 1 << 20;
      cr.runs.push_back(m);
      cr.start_seconds.push_back(static_cast<double>(i));
    }
    cr.stop_reason = StopReason::kExactRuns;
    r.commands.push_back(cr);
  };
  add("prog 1", {0.010, 0.011, 0.012, 0.010, 0.011, 0.012}, "1");
  add("prog, \"2\"", {0.020, 0.021, 0.022, 0.020, 0.021, 0.022}, "2");
  r.environment.cpu_model = "Test CPU";
  r.environment.logical_cores = 4;
  r.environment.governor = "performance";
  r.environment.aslr = 2;
  r.environment.load_average_1m = 0.1;
  r.environment.load_average_5m = 0.2;
  r.environment.load_average_15m = 0.3;
  r.environment.kernel = "Linux 6.1.0";
  r.environment.hostname = "bench-host";
  r.environment.harness_version = "0.1.0";
  r.environment.date = "2024-05-01T12:00:00Z";
  analyze_bench_result(r);
  return r;
}

}  // namespace pgo::reports::testing
