// Risk guarded against: a timed gotest run that does not start where `go test` would run
// the test binary, breaking benchmarks that read testdata/ by relative path (the harness
// then reports a workload failure for a package whose `go test -bench` works). Builds the
// tiny testdata/gotool test binary (label "integration").
#include <linux/perf_event.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "run/workload_runner.h"
#include "scenario/scenario.h"
#include "tests/support/go_test_module.h"

namespace h = pgo::harness;
namespace fs = std::filesystem;
using pgo::harness::testing::GoTestModule;

namespace {

h::Scenario testdata_scenario(const GoTestModule& m, const std::string& gotest_extra) {
  const std::string file = (m.module / "scenario.json").string();
  std::ofstream(file) << R"({"name": "t", "workloads": [{"name": "words", "kind": "gotest",
      "gotest": {"bench": "^BenchmarkTestdata$", "benchtime": "3x")"
                      << gotest_extra << "}}]}";
  return h::load_scenario(file);
}

}  // namespace

TEST_CASE("a timed gotest run reads testdata/ like go test does",
          "[workload_runner][integration]") {
  GoTestModule m;
  const std::string binary = m.build_test_binary();
  const h::WorkloadContext context{{}, (m.dir / "work").string(), (m.dir / "logs").string()};

  const h::Scenario s = testdata_scenario(m, "");
  h::WorkloadRunner runner(s, s.workloads[0], context);
  h::WorkloadMeasurement r = runner.run(binary, "v0");
  CHECK(r.value > 0);
  CHECK(runner.unit() == "ns/op");

  // The scenario can ask for {workdir}: there is no testdata/ there, so the run fails.
  const h::Scenario w = testdata_scenario(m, R"(, "working_directory": "workdir")");
  h::WorkloadRunner in_workdir(w, w.workloads[0], context);
  CHECK_THROWS_WITH(in_workdir.run(binary, "v0"), Catch::Contains("benchmark run failed"));
}

TEST_CASE("a timed gotest run keeps every benchmark with every unit",
          "[workload_runner][integration]") {
  GoTestModule m;
  const std::string binary = m.build_test_binary();
  const h::WorkloadContext context{{}, (m.dir / "work").string(), (m.dir / "logs").string()};
  const std::string file = (m.module / "scenario.json").string();
  std::ofstream(file) << R"({"name": "t", "workloads": [{"name": "units", "kind": "gotest",
      "gotest": {"bench": "^Benchmark(Units|Count)$", "benchtime": "200x", "count": 2,
                 "args": ["-test.benchmem"]}}]})";
  const h::Scenario s = h::load_scenario(file);
  h::WorkloadRunner runner(s, s.workloads[0], context);
  const h::WorkloadMeasurement r = runner.run(binary, "v0");
  REQUIRE(r.benchmarks.size() == 2);
  const auto& units = r.benchmarks.at("BenchmarkUnits");
  CHECK(units.at("ns/op") > 0);
  // Per op over 200 ops: the runtime's own few allocations of a run add next to nothing.
  CHECK(units.at("B/op") == Approx(4096).epsilon(0.02));
  CHECK(units.at("allocs/op") == 1);
  CHECK(units.at("widgets/op") == 3);
  CHECK(r.benchmarks.at("BenchmarkCount").at("allocs/op") == 0);
  // The run's value is still the geomean of the benchmarks' ns/op.
  CHECK(r.value == Approx(*h::geomean_ns_per_op(r.benchmarks)));
}

TEST_CASE("a hardware-counted http run counts every server thread during the load only",
          "[workload_runner][counting][integration]") {
  // Risk: counters attached to a server's main thread only (Go serves requests on other
  // threads), to one instance of several, or left counting the servers' start-up; the
  // servers started without the deterministic settings. Real servers and the kernel's real
  // attach and inheritance, with software events in place of hardware ones (task-clock in
  // place of instructions: CPU nanoseconds), which this machine has without a PMU.
  GoTestModule m;
  const std::string tool = m.build_tool();
  const h::WorkloadContext context{{}, (m.dir / "work").string(), (m.dir / "logs").string()};
  fs::create_directories(context.log_dir);
  const std::string file = (m.module / "scenario.json").string();
  std::ofstream(file) << R"({"name": "t", "workloads": [{"name": "api", "kind": "http",
      "metric": "hw_instructions",
      "http": {"server_command": ["{binary}", "serve", "-addr", "127.0.0.1:{port}"],
               "load_command": ["{binary}", "load", "-d", "400ms", "{urls}"],
               "instances": 2, "ready_path": "/debug/pprof/"}}]})";
  const h::Scenario s = h::load_scenario(file);
  h::WorkloadRunner runner(s, s.workloads[0], context, h::real_perf_syscalls(PERF_TYPE_SOFTWARE));
  const h::WorkloadMeasurement r = runner.run(tool, "v0");
  REQUIRE(r.hardware_counts);
  const double counted = static_cast<double>(r.hardware_counts->instructions) * 1e-9;
  INFO("servers: " << counted << " s task-clock during the load, " << r.cpu_seconds
                   << " s CPU from start to stop");
  CHECK(r.value == static_cast<double>(r.hardware_counts->instructions));
  // Each request makes a server work 5 ms: the servers were busy for most of the load.
  CHECK(counted >= 0.15);
  CHECK(counted <= r.cpu_seconds * 1.05 + 0.01);  // never more than the servers used in all
  CHECK(runner.unit() == "instructions");
}
