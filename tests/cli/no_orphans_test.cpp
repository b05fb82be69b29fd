// Risk guarded against: `pgo-harness bench` or a complete `pgo-harness run` exiting while
// processes its commands started live on: a background job (`sleep 151 &`), a daemon that
// double-forked into its own session, a grandchild that ignores SIGTERM; in timed runs,
// hooks, profiled runs and warm-ups alike.
// The harness is started with posix_spawn, not through process/process.h, so that this
// test process is not a subreaper: whatever the harness leaves is re-parented to PID 1
// and found alive in /proc. The run case builds tests/cli/testdata/pgoloop with the real
// Go toolchain (label: integration).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;

extern char** environ;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const fs::path kTestdata = fs::path(PGO_TESTS_DIR) / "cli" / "testdata";

struct Scratch : pgo::testing::TempDir {
  Scratch() : TempDir("pgo_no_orphans") {}
};

// Runs the harness to completion with stdout/stderr in files; returns its exit status.
int run_harness(const std::vector<std::string>& args, const std::string& output) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  std::vector<std::string> argv = {kHarness};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, kHarness.c_str(), &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::vector<pid_t> pids_in(const std::string& file) {
  std::ifstream in(file);
  std::vector<pid_t> out;
  for (long pid; in >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

// The pids of `file` whose process still exists and is one of the leftovers (sleep 15x),
// so that a recycled pid is not mistaken for one.
std::vector<std::string> survivors(const std::string& file) {
  std::vector<std::string> alive;
  for (pid_t pid : pids_in(file)) {
    fs::path proc = "/proc/" + std::to_string(pid);
    std::string cmdline = read_file(proc / "cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find("sleep 15") != std::string::npos) {
      alive.push_back(std::to_string(pid) + ": " + cmdline);
      ::kill(pid, SIGKILL);  // do not leak into the next test
    }
  }
  return alive;
}

// A script that leaves three kinds of processes behind, each writing its pid to `file`:
// a background job in the run's process group, a daemon that left the group and the
// session (setsid in a double fork), and a grandchild that ignores SIGTERM. It returns
// once all three run, then execs the rest of its arguments (if any).
std::string write_leftover_script(const Scratch& s, const std::string& file) {
  const std::string script = s.path("leave-leftovers.sh");
  std::ofstream(script) << "f=" << file << "\n"
                        << "n=$(cat \"$f\" 2>/dev/null | wc -l)\n"
                        << "sleep 151 >/dev/null 2>&1 & echo $! >> \"$f\"\n"
                        << "( setsid sh -c 'echo $$ >> \"$0\"; exec sleep 152' \"$f\" "
                           ">/dev/null 2>&1 & )\n"
                        << "( trap '' TERM; exec sleep 153 ) >/dev/null 2>&1 & echo $! >> \"$f\"\n"
                        << "while [ $(wc -l < \"$f\") -lt $((n + 3)) ]; do sleep 0.01; done\n"
                        << "[ $# -gt 0 ] && exec \"$@\"\n"
                        << "exit 0\n";
  return script;
}

}  // namespace

TEST_CASE("reliability: bench leaves no orphaned grandchild, daemon or SIGTERM-proof process",
          "[bench][integration]") {
  Scratch s;
  const std::string pids = s.path("pids");
  const std::string script = write_leftover_script(s, pids);
  int code = run_harness({"bench", "--style", "none", "--runs", "2", "--warmup", "1", "--prepare",
                          "sh " + script, "sh " + script},
                         s.path("out"));
  INFO(read_file(s.path("out")));
  REQUIRE(code == 0);
  // 3 runs of the command and 3 of the --prepare hook, 3 leftovers each.
  CHECK(pids_in(pids).size() == 18);
  CHECK(survivors(pids).empty());
}

TEST_CASE("reliability: a complete run leaves no orphaned process behind", "[run][integration]") {
  Scratch s;
  const fs::path module = s.dir / "pgoloop";
  fs::copy(kTestdata / "pgoloop", module, fs::copy_options::recursive);
  const std::string pids = s.path("pids");
  const std::string script = write_leftover_script(s, pids);
  json scenario = {
      {"name", "no-orphans"},
      {"workloads",
       json::array({{{"name", "spin"},
                     {"command", {"sh", script, "{binary}", "-d", "50ms"}},
                     {"profile_command",
                      {"sh", script, "{binary}", "-d", "300ms", "-cpuprofile={profile}"}},
                     {"metric", "cpu"},
                     {"timeout_seconds", 120}}})},
      {"profiling", {{"instances", 1}}},
      {"iterations", 1},
      {"trials", {{"runs", 2}, {"warmup", 0}, {"seed", 1}}}};
  std::ofstream(module / "scenario.json") << scenario.dump(2);
  int code = run_harness({"run", (module / "scenario.json").string(), "--out", s.path("run"),
                          "--build-cache", "go", "-q"},
                         s.path("out"));
  INFO(read_file(s.path("out")));
  REQUIRE(code == 0);
  // One profiled run and 2 timed runs of each of the two builds: 5 runs, 3 leftovers each.
  CHECK(pids_in(pids).size() >= 15);
  CHECK(survivors(pids).empty());
}

TEST_CASE("reliability: a run with HTTP servers and load generators leaves no process behind",
          "[run][integration]") {
  // tests/support/testdata/gotool: a net/http server and its load generator, both started
  // through the leftover script, in the timed runs of v0 and of v1, built with a fixed
  // profile from GOROOT (--profile), so that its PGO build of net/http comes from the Go
  // build cache after the first time (tests/stats/go_toolchain_integration_test.cpp uses
  // the same profile). The command-workload case above covers profiled runs.
  Scratch s;
  fs::copy(fs::path(PGO_TESTS_DIR) / "support" / "testdata" / "gotool", s.dir / "gotool",
           fs::copy_options::recursive);
  const std::string pids = s.path("pids");
  const std::string script = write_leftover_script(s, pids);
  json scenario = {
      {"name", "no-orphans-http"},
      {"workloads",
       {{{"name", "api"},
         {"kind", "http"},
         {"http",
          {{"server_command", {"sh", script, "{binary}", "serve", "-addr", "127.0.0.1:{port}"}},
           {"ready_path", "/debug/pprof/cmdline"},
           {"load_command", {"sh", script, "{binary}", "load", "-d", "300ms", "{urls}"}},
           {"profile_seconds", 1}}}}}},
      {"profiling", {{"instances", 1}}},
      {"iterations", 1},
      {"trials", {{"runs", 2}, {"warmup", 0}, {"seed", 1}}}};
  std::ofstream(s.dir / "gotool" / "scenario.json") << scenario.dump(2);
  const std::string goroot = [] {
    std::string out;
    if (FILE* p = ::popen("go env GOROOT", "r")) {
      char buf[4096];
      while (std::fgets(buf, sizeof buf, p)) out += buf;
      ::pclose(p);
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }();
  const fs::path profile = s.dir / "inline_hot.pprof";
  fs::copy_file(
      fs::path(goroot) / "src/cmd/compile/internal/test/testdata/pgo/inline/inline_hot.pprof",
      profile);
  int code =
      run_harness({"run", (s.dir / "gotool" / "scenario.json").string(), "--out", s.path("run"),
                   "--profile", profile.string(), "--build-cache", "go", "-q"},
                  s.path("out"));
  INFO(read_file(s.path("out")));
  REQUIRE(code == 0);
  // At least one server and two timed load runs for each of the two builds, three
  // leftovers each.
  CHECK(pids_in(pids).size() >= 18);
  CHECK(survivors(pids).empty());
}
