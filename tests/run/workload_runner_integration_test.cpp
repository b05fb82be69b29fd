// Risk guarded against: a timed gotest run that does not start where `go test` would run
// the test binary, breaking benchmarks that read testdata/ by relative path (the harness
// then reports a workload failure for a package whose `go test -bench` works). Builds the
// tiny testdata/gotool test binary (label "integration").
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/go_test_module.h"
#include "scenario/scenario.h"
#include "run/workload_runner.h"
#include "base/error.h"

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
