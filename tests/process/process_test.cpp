// Risk guarded against: the process layer mis-reporting what a child did (exit status,
// signal, timeout, per-child CPU time), leaking children past a timeout, or connecting the
// wrong streams, environment, directory or CPUs. Uses only /bin/sh and coreutils; each
// case takes well under a second.
#include "process/process.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pgo::harness::BackgroundProcess;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::run_process;
using pgo::harness::StreamMode;

using pgo::testing::shell_spec;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool process_gone(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("exit code and both captured streams are reported", "[process]") {
  ProcessResult r = run_process(shell_spec("echo out; echo err >&2; exit 3"));
  CHECK(r.exit_code == 3);
  CHECK(r.term_signal == 0);
  CHECK_FALSE(r.timed_out);
  CHECK_FALSE(r.succeeded());
  CHECK(r.captured_stdout == "out\n");
  CHECK(r.captured_stderr == "err\n");
  CHECK(r.describe_status() == "exit status 3");
  CHECK(r.wall_time > 0ns);
}

TEST_CASE("a program looked up in PATH runs and succeeds", "[process]") {
  ProcessSpec spec;
  spec.argv = {"true"};
  ProcessResult r = run_process(spec);
  CHECK(r.succeeded());
  CHECK(r.max_rss_bytes > 0);
}

TEST_CASE("a missing program is a spawn error naming it", "[process]") {
  ProcessSpec spec;
  spec.argv = {"no-such-program-pgo-test"};
  try {
    run_process(spec);
    FAIL("expected pgo::Error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "spawn");
    CHECK(e.file() == "no-such-program-pgo-test");
  }
  spec.argv = {"/nonexistent/prog"};
  CHECK_THROWS_AS(run_process(spec), pgo::Error);
}

TEST_CASE("a signal is reported as the signal, not an exit code", "[process]") {
  ProcessResult r = run_process(shell_spec("kill -9 $$"));
  CHECK(r.term_signal == SIGKILL);
  CHECK_FALSE(r.succeeded());
  CHECK(r.describe_status() == "killed by signal 9 (SIGKILL)");
}

TEST_CASE("a timeout kills the child and everything it started", "[process]") {
  ProcessSpec spec = shell_spec("sleep 30 & echo $!; wait");
  spec.timeout = 300ms;
  auto before = std::chrono::steady_clock::now();
  ProcessResult r = run_process(spec);
  auto took = std::chrono::steady_clock::now() - before;
  CHECK(r.timed_out);
  CHECK_FALSE(r.succeeded());
  CHECK(took < 3s);
  CHECK(r.wall_time >= 300ms);
  CHECK(r.describe_status().rfind("timed out after ", 0) == 0);
  const pid_t grandchild = std::stoi(r.captured_stdout);
  CHECK(process_gone(grandchild));
}

TEST_CASE("CPU time is that of this child alone", "[process]") {
  // A busy child first: RUSAGE_CHILDREN would carry its CPU time into the next result.
  ProcessResult busy = run_process(shell_spec("i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"));
  REQUIRE(busy.succeeded());
  CHECK(busy.user_seconds + busy.system_seconds > 0.05);
  ProcessSpec idle;
  idle.argv = {"true"};
  ProcessResult quiet = run_process(idle);
  CHECK(quiet.user_seconds + quiet.system_seconds < 0.02);
}

TEST_CASE("environment, working directory and files are connected", "[process]") {
  const pgo::testing::TempDir scratch("pgo_process_test");
  const fs::path& dir = scratch.dir;
  { std::ofstream(dir / "input.txt") << "from-file\n"; }
  ::setenv("PGO_PROCESS_TEST_REMOVE", "still-here", 1);
  ProcessSpec spec =
      shell_spec("cat; echo \"$PGO_A\"; echo \"${PGO_PROCESS_TEST_REMOVE:-unset}\"; pwd");
  spec.env_overrides = {{"PGO_A", "value a"}};
  spec.env_removals = {"PGO_PROCESS_TEST_REMOVE"};
  spec.working_directory = dir.string();
  spec.stdin_mode = StreamMode::kFile;
  spec.stdin_path = (dir / "input.txt").string();
  ProcessResult r = run_process(spec);
  REQUIRE(r.succeeded());
  CHECK(r.captured_stdout == "from-file\nvalue a\nunset\n" + fs::canonical(dir).string() + "\n");

  SECTION("stdout and stderr to one file share it; append keeps what was there") {
    ProcessSpec both = shell_spec("echo one; echo two >&2");
    both.stdout_mode = both.stderr_mode = StreamMode::kFile;
    both.stdout_path = both.stderr_path = (dir / "log.txt").string();
    REQUIRE(run_process(both).succeeded());
    both.append_output = true;
    REQUIRE(run_process(both).succeeded());
    CHECK(slurp(dir / "log.txt") == "one\ntwo\none\ntwo\n");
  }
  SECTION("a missing input file or directory is a spawn error") {
    spec.stdin_path = (dir / "missing.txt").string();
    CHECK_THROWS_AS(run_process(spec), pgo::Error);
    spec.stdin_mode = StreamMode::kNull;
    spec.working_directory = (dir / "missing-dir").string();
    CHECK_THROWS_AS(run_process(spec), pgo::Error);
  }
}

TEST_CASE("CPU affinity is applied to the child", "[process]") {
  ProcessSpec spec = shell_spec("grep Cpus_allowed_list /proc/self/status");
  spec.cpu_affinity = {0};
  ProcessResult r = run_process(spec);
  REQUIRE(r.succeeded());
  CHECK(r.captured_stdout == "Cpus_allowed_list:\t0\n");
}

TEST_CASE("background processes run until stopped or done", "[process]") {
  SECTION("stop sends SIGTERM to a running child") {
    ProcessSpec spec;
    spec.argv = {"sleep", "30"};
    BackgroundProcess bg(spec);
    CHECK(bg.running());
    CHECK_FALSE(bg.wait_for(50ms).has_value());
    ProcessResult r = bg.stop();
    CHECK(r.term_signal == SIGTERM);
    CHECK_FALSE(bg.running());
  }
  SECTION("wait_for returns the result and captured output of a finished child") {
    BackgroundProcess bg(shell_spec("echo ready; exit 4"));
    auto r = bg.wait_for(5s);
    REQUIRE(r.has_value());
    CHECK(r->exit_code == 4);
    CHECK(r->captured_stdout == "ready\n");
  }
  SECTION("kill_all_children ends a live group") {
    ProcessSpec spec;
    spec.argv = {"sleep", "30"};
    BackgroundProcess bg(spec);
    pgo::harness::kill_all_children();
    auto r = bg.wait_for(5s);
    REQUIRE(r.has_value());
    CHECK(r->term_signal == SIGKILL);
  }
}

TEST_CASE("a prepared process runs many times with the same environment and streams", "[process]") {
  // PreparedProcess builds the environment and looks up PATH once, and every child gets
  // the one shared /dev/null: a stale environment, a closed /dev/null or a lookup bound to
  // the wrong program would show up in the second and later runs.
  ProcessSpec spec =
      shell_spec("if read line; then echo got; else echo \"eof $PGO_A ${PGO_B-unset}\"; fi");
  spec.argv[0] = "sh";  // looked up in PATH, once
  spec.env_overrides["PGO_A"] = "a-value";
  spec.env_removals.push_back("PGO_B");
  ::setenv("PGO_B", "should-be-removed", 1);
  pgo::harness::PreparedProcess prepared(spec);
  ::unsetenv("PGO_B");
  CHECK(prepared.program().find('/') != std::string::npos);
  for (int i = 0; i < 50; ++i) {
    ProcessResult r = prepared.run();
    REQUIRE(r.succeeded());
    REQUIRE(r.captured_stdout == "eof a-value unset\n");
  }
  // /dev/null as stdout and stderr too, then a plain run_process: still usable.
  ProcessSpec quiet = shell_spec("echo hidden; echo hidden >&2");
  quiet.stdout_mode = quiet.stderr_mode = StreamMode::kNull;
  pgo::harness::PreparedProcess q(quiet);
  for (int i = 0; i < 20; ++i) REQUIRE(q.run().succeeded());
  CHECK(run_process(shell_spec("echo ok")).captured_stdout == "ok\n");
  // A failure before exec is still reported, through the vfork child's shared memory.
  ProcessSpec bad = shell_spec("true");
  bad.working_directory = "/nonexistent-dir-pgo-test";
  try {
    pgo::harness::PreparedProcess(bad).run();
    FAIL("expected pgo::Error");
  } catch (const pgo::Error& e) {
    CHECK(std::string(e.what()).find("working directory") != std::string::npos);
  }
}
