// Risk guarded against: counting metrics that are not what they claim: counts that vary
// run to run (the Go runtime left free), a gotest count that includes start-up instead of
// one op, a workload that fails under valgrind reported without valgrind's reason, or a
// missing valgrind reported as a generic spawn failure. Runs the tiny testdata/gotool
// program under real cachegrind (seconds; label "integration").
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/go_test_module.h"
#include "stats/count_comparison.h"
#include "scenario/scenario.h"
#include "run/workload_runner.h"
#include "base/error.h"

namespace h = pgo::harness;
using pgo::harness::testing::GoTestModule;

namespace {

h::Scenario scenario_with(const GoTestModule& m, const std::string& workload) {
  const std::string file = (m.module / "scenario.json").string();
  std::ofstream(file) << R"({"name": "t", "workloads": [)" << workload << "]}";
  return h::load_scenario(file);
}

h::WorkloadContext context_of(const GoTestModule& m) {
  return {{}, (m.dir / "work").string(), (m.dir / "logs").string()};
}

// Restores PATH when the test ends, however it ends.
struct PathOverride {
  explicit PathOverride(const std::string& value) : saved(std::getenv("PATH")) {
    ::setenv("PATH", value.c_str(), 1);
  }
  ~PathOverride() { ::setenv("PATH", saved.c_str(), 1); }
  std::string saved;
};

}  // namespace

TEST_CASE("a command workload counts the same instructions every run", "[counting][integration]") {
  GoTestModule m;
  const std::string binary = m.build_tool();
  const h::Scenario s =
      scenario_with(m, R"({"name": "w", "command": ["{binary}", "count", "-n", "3000000"],
            "metric": "instructions"})");
  h::WorkloadRunner runner(s, s.workloads[0], context_of(m));
  CHECK(runner.unit() == "instructions");
  h::WorkloadMeasurement a = runner.run(binary, "v0");
  h::WorkloadMeasurement b = runner.run(binary, "v0");
  REQUIRE(a.counts);
  REQUIRE(b.counts);
  CHECK(a.value == static_cast<double>(a.counts->instructions));
  // 3,000,000 interface calls of about 27 instructions each, plus the runtime's start-up
  // (about 6.6 million instructions, varying by about 50,000 run to run).
  CHECK(a.value > 3e7);
  CHECK(a.counts->cycles_estimate > a.value);
  const double values[] = {a.value, b.value};
  INFO(a.value << " " << b.value);
  // The runtime's start-up varies by tens of thousands of instructions whatever the
  // settings; a real workload (ruleeval: 5e8) hides that, this tiny one shows it.
  CHECK(*h::relative_spread(values) < 0.002);
  // More work counts more: the metric follows the program, not the clock.
  const h::Scenario more =
      scenario_with(m, R"({"name": "w", "command": ["{binary}", "count", "-n", "6000000"],
            "metric": "cycles_estimate"})");
  h::WorkloadRunner bigger(more, more.workloads[0], context_of(m));
  CHECK(bigger.unit() == "cycles");
  h::WorkloadMeasurement c = bigger.run(binary, "v0");
  CHECK(c.value == Approx(c.counts->cycles_estimate));
  CHECK(static_cast<double>(c.counts->instructions) > a.value * 1.3);
}

TEST_CASE("a gotest workload counts one benchmark op, start-up subtracted",
          "[counting][integration]") {
  GoTestModule m;
  const std::string binary = m.build_test_binary();
  const h::Scenario s =
      scenario_with(m, R"({"name": "w", "kind": "gotest", "metric": "instructions",
            "gotest": {"bench": "^BenchmarkCount$", "benchtime": "50x"}})");
  CHECK(h::counting_iterations(s, s.workloads[0]) == 50);
  h::WorkloadRunner runner(s, s.workloads[0], context_of(m));
  CHECK(runner.unit() == "instructions/op");
  const std::vector<std::string> argv = runner.display_argv(binary);
  CHECK(std::find(argv.begin(), argv.end(), "-test.benchtime=50x") != argv.end());
  h::WorkloadMeasurement a = runner.run(binary, "v0");
  h::WorkloadMeasurement b = runner.run(binary, "v0");
  // One op is 100,000 interface calls of about 27 instructions: far less than the test
  // binary's start-up plus 50 ops would be.
  CHECK(a.value > 1e6);
  CHECK(a.value < 5e6);
  const double values[] = {a.value, b.value};
  INFO(a.value << " " << b.value);
  // The test binary's start-up varies by tens of thousands of instructions (more on a
  // loaded machine), divided here by only 50 ops of 2.7 M instructions.
  CHECK(*h::relative_spread(values) < 0.002);
}

TEST_CASE("a workload failing under valgrind names itself and the program's message",
          "[counting][integration]") {
  GoTestModule m;
  const std::string binary = m.build_tool();
  const h::Scenario s =
      scenario_with(m, R"({"name": "broken", "command": ["{binary}", "count", "-fail"],
            "metric": "instructions"})");
  h::WorkloadRunner runner(s, s.workloads[0], context_of(m));
  try {
    runner.run(binary, "v1");
    FAIL("expected the run to fail");
  } catch (const pgo::Error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("workload 'broken' on build v1"));
    CHECK_THAT(what, Catch::Contains("under valgrind"));
    CHECK_THAT(what, Catch::Contains("count: failing as asked"));
  }
}

TEST_CASE("counting without valgrind installed names the Debian package",
          "[counting][integration]") {
  GoTestModule m;
  const std::string binary = m.build_tool();
  const h::Scenario s = scenario_with(
      m, R"({"name": "w", "command": ["{binary}", "count"], "metric": "instructions"})");
  h::WorkloadRunner runner(s, s.workloads[0], context_of(m));
  PathOverride no_valgrind((m.dir / "empty-path").string());
  CHECK_THROWS_WITH(runner.run(binary, "v0"), Catch::Contains("valgrind is not installed") &&
                                                  Catch::Contains("Debian package 'valgrind'"));
}
