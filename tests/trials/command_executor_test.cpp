// Risk guarded against: the real executor measuring the wrong thing (hooks getting the
// measured command's --output/--timeout, output files truncated per run, a timeout not
// reported as a failed run) and the scripted fake's clock or log drifting from what the
// scheduler tests assume.
#include "trials/command_executor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace pgo::harness;

namespace {

BenchCommand sh(const std::string& script) {
  BenchCommand c;
  c.name = c.text = script;
  c.argv = {"/bin/sh", "-c", script};
  return c;
}

}  // namespace

TEST_CASE("the scripted executor advances its clock and logs every call", "[executor]") {
  ScriptedExecutor exec([](const ScriptedCall& call) {
    TrialMeasurement m;
    m.wall_seconds = 0.5 + static_cast<double>(call.index);
    return m;
  });
  BenchCommand a = sh("a");
  CHECK(exec.now_seconds() == 0);
  exec.run(a, RunKind::kSetup);
  exec.run(a, RunKind::kTimed);
  CHECK(exec.now_seconds() == Approx(2.0));
  REQUIRE(exec.log().size() == 2);
  CHECK(exec.log()[0].kind == RunKind::kSetup);
  CHECK(exec.names_of(RunKind::kTimed) == std::vector<std::string>{"a"});
}

TEST_CASE("the real executor measures runs and routes output", "[executor]") {
  fs::path dir = fs::temp_directory_path() / ("pgo_exec_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string out = (dir / "out.txt").string();
  RealExecutorOptions o;
  o.output = out;
  o.timeout_seconds = 0.3;
  RealExecutor exec(o);

  TrialMeasurement m = exec.run(sh("echo run; exit 2"), RunKind::kTimed);
  CHECK(m.exit_code == 2);
  CHECK_FALSE(m.succeeded());
  CHECK(m.wall_seconds > 0);
  exec.run(sh("echo run2"), RunKind::kWarmup);
  exec.run(sh("echo hook"), RunKind::kPrepare);  // hooks: output discarded
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "run\nrun2\n");

  TrialMeasurement slow = exec.run(sh("sleep 5"), RunKind::kTimed);
  CHECK(slow.timed_out);
  CHECK_FALSE(slow.succeeded());
  CHECK(slow.wall_seconds < 3);
  // Hooks have no timeout.
  TrialMeasurement hook = exec.run(sh("sleep 0.4"), RunKind::kSetup);
  CHECK(hook.succeeded());
  CHECK(exec.now_seconds() > 0.7);
  fs::remove_all(dir);
}

TEST_CASE("the real executor reuses a prepared command only while it is unchanged", "[executor]") {
  // RealExecutor caches each command's prepared process by address: a command changed in
  // place (or a new one at a reused address) must not run the old argv or environment.
  RealExecutor exec(RealExecutorOptions{});
  BenchCommand c = sh("exit 3");
  CHECK(exec.run(c, RunKind::kTimed).exit_code == 3);
  CHECK(exec.run(c, RunKind::kTimed).exit_code == 3);
  c.argv = sh("exit 4").argv;
  CHECK(exec.run(c, RunKind::kTimed).exit_code == 4);
  c.argv = sh("exit ${PGO_CODE:-0}").argv;
  CHECK(exec.run(c, RunKind::kTimed).exit_code == 0);
  c.env["PGO_CODE"] = "5";
  CHECK(exec.run(c, RunKind::kTimed).exit_code == 5);
  CHECK(exec.run(c, RunKind::kPrepare).exit_code == 5);  // hooks: a separate entry
}
