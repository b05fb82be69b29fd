// Risk guarded against: a timed gotest run that does not start where `go test` would run
// the test binary, breaking benchmarks that read testdata/ by relative path (the harness
// then reports a workload failure for a package whose `go test -bench` works). Builds the
// tiny testdata/gotool test binary (label "integration").
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "run/workload_runner.h"
#include "scenario/scenario.h"
#include "tests/support/go_test_module.h"

namespace h = pgo::harness;
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
