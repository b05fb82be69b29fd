// Risk guarded against: gotest runs (timed and profiled) starting somewhere other than the
// package's directory, where `go test` runs them, so that benchmarks reading testdata/ by
// relative path fail under the harness while `go test -bench` works; or the scenario's
// "workdir" choice and the other kinds' {workdir} being ignored.
#include "run/workload_runner.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "scenario/scenario.h"

namespace h = pgo::harness;
namespace fs = std::filesystem;

namespace {

// The scenario fixture module (tests/scenario/scenarios) has ./bench and ./cmd/app.
h::Scenario parse(const std::string& package, const std::string& workload) {
  const std::string file = std::string(PGO_TESTS_DIR) + "/scenario/scenarios/inline.json";
  return h::parse_scenario(R"({"name": "t", "target": {"package": ")" + package +
                               R"("}, "workloads": [)" + workload + "]}",
                           file);
}

}  // namespace

TEST_CASE("workload_directory: gotest runs in the package directory by default",
          "[workload_runner]") {
  const h::WorkloadContext context{{}, "/run/work/w", "/run/logs"};
  const std::string fixture =
      (fs::path(PGO_TESTS_DIR) / "scenario" / "scenarios").lexically_normal().string();

  h::Scenario s = parse("./bench", R"({"name": "w", "kind": "gotest"})");
  CHECK(h::workload_directory(s, s.workloads[0], context) == fixture + "/bench");

  s = parse("./bench",
            R"({"name": "w", "kind": "gotest", "gotest": {"working_directory": "workdir"}})");
  CHECK(h::workload_directory(s, s.workloads[0], context) == "/run/work/w");

  s = parse("./cmd/app", R"({"name": "w", "command": ["{binary}"]})");
  CHECK(h::workload_directory(s, s.workloads[0], context) == "/run/work/w");
}
