// Risk guarded against: gotest runs (timed and profiled) starting somewhere other than the
// package's directory, where `go test` runs them, so that benchmarks reading testdata/ by
// relative path fail under the harness while `go test -bench` works; or the scenario's
// "workdir" choice and the other kinds' {workdir} being ignored.
#include "run/workload_runner.h"

#include <catch2/catch.hpp>
#include <cmath>
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

TEST_CASE("gotest_benchmark_medians: every benchmark with every unit, median over -count",
          "[workload_runner]") {
  // -count 3 of two benchmarks, one with a custom unit, printed with GOMAXPROCS suffixes.
  const std::string output =
      "goos: linux\n"
      "BenchmarkParse/small-8   1000   1000 ns/op   64 B/op   2 allocs/op\n"
      "BenchmarkParse/small-8   1000   1300 ns/op   64 B/op   2 allocs/op\n"
      "BenchmarkParse/small-8   1000   1100 ns/op   96 B/op   3 allocs/op\n"
      "BenchmarkScore-8          500   4000 ns/op   250.0 MB/s   7 widgets/op\n"
      "BenchmarkScore-8          500   4200 ns/op   240.0 MB/s   7 widgets/op\n"
      "BenchmarkScore-8          500   3900 ns/op   260.0 MB/s   9 widgets/op\n"
      "BenchmarkNoTime-8         10    5 things/op\n"
      "PASS\n";
  const auto medians = h::gotest_benchmark_medians(h::parse_go_bench_output(output));
  REQUIRE(medians.size() == 3);
  const auto& parse = medians.at("BenchmarkParse/small");
  CHECK(parse.at("ns/op") == 1100);
  CHECK(parse.at("B/op") == 64);
  CHECK(parse.at("allocs/op") == 2);
  const auto& score = medians.at("BenchmarkScore");
  CHECK(score.at("ns/op") == 4000);
  CHECK(score.at("MB/s") == 250);
  CHECK(score.at("widgets/op") == 7);
  CHECK(medians.at("BenchmarkNoTime").at("things/op") == 5);

  // The run's ns_per_op value: geomean of the benchmarks that report ns/op.
  CHECK(*h::geomean_ns_per_op(medians) == Approx(std::sqrt(1100.0 * 4000.0)));
  CHECK_FALSE(h::geomean_ns_per_op(h::gotest_benchmark_medians(
                                       h::parse_go_bench_output("BenchmarkX-8 1 5 things/op\n")))
                  .has_value());
}
