// Risk guarded against: profile collection that works on paper but not with real
// programs: flag workloads, K concurrent net/http/pprof servers fetched over HTTP while a
// load runs, gotest benchmarks; and every failure mode (crash, no profile, a server that
// never becomes ready or dies, a fetch that hangs) giving a clear error and leaving no
// process behind. Needs the Go toolchain (label "integration"); each case takes seconds.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <set>

#include "base/error.h"
#include "process/port_allocator.h"
#include "run/profile_collector.h"
#include "tests/support/go_test_module.h"

using namespace pgo::harness;
using namespace std::chrono_literals;
using pgo::harness::testing::GoTestModule;
namespace fs = std::filesystem;

namespace {

std::uint16_t port_of(const std::string& url) {
  return static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
}

std::string problem_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "collect");
    return e.problem();
  }
  return "no error";
}

HttpCollection http_workload(const std::string& tool) {
  HttpCollection w;
  w.workload = "api";
  w.variables.set("binary", tool);
  w.server_command = {"{binary}", "serve", "-addr", "127.0.0.1:{port}"};
  w.instances = 2;
  w.ready_timeout = 20s;
  // Shorter than the capture: the collector must restart it until the capture ends.
  w.load_command = {"{binary}", "load", "-d", "300ms", "{urls}"};
  w.profile_seconds = 1;
  return w;
}

}  // namespace

TEST_CASE("collect flag: K instances, sequential and concurrent",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  FlagCollection w;
  w.workload = "batch";
  w.variables.set("binary", tool);
  w.command = {"{binary}", "batch", "-d", "300ms", "-cpuprofile", "{profile}"};
  w.instances = 2;
  w.concurrent = GENERATE(false, true);
  w.timeout = 60s;
  CollectionResult r = collector.collect(w);
  REQUIRE(r.profiles.size() == 2);
  for (int i = 0; i < 2; ++i) {
    const CollectedProfile& p = r.profiles[static_cast<std::size_t>(i)];
    CHECK(p.instance == i + 1);
    CHECK(fs::path(p.path).filename() == "batch-" + std::to_string(i + 1) + ".pprof");
    CHECK(p.samples > 0);
    CHECK(p.duration_nanos > 0);
    CHECK(fs::exists(p.log_path));
  }
  CHECK(r.warnings.empty());
}

TEST_CASE("collect flag: a crash or a missing profile names the instance",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  FlagCollection w;
  w.workload = "batch";
  w.variables.set("binary", tool);
  w.instances = 2;

  w.command = {"{binary}", "batch", "-fail", "-cpuprofile", "{profile}"};
  std::string crash = problem_of([&] { collector.collect(w); });
  CHECK_THAT(crash, Catch::Contains("workload 'batch' instance 1 of 2 failed: exit status 3"));
  CHECK_THAT(crash, Catch::Contains("batch: failing as asked"));

  // {profile} is passed, but to a flag the program ignores: no profile is written.
  w.command = {"{binary}", "batch", "-d", "10ms", "-addr", "{profile}"};
  CHECK_THAT(problem_of([&] { collector.collect(w); }),
             Catch::Contains("workload 'batch' instance 1 of 2 wrote no profile"));

  w.command = {"{binary}", "batch", "-d", "30s", "-cpuprofile", "{profile}"};
  w.timeout = 500ms;
  w.concurrent = true;
  auto start = std::chrono::steady_clock::now();
  CHECK_THAT(problem_of([&] { collector.collect(w); }), Catch::Contains("timed out after 0.5 s"));
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("collect http: two servers under load fetched concurrently",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  HttpCollection w = http_workload(tool);
  auto start = std::chrono::steady_clock::now();
  CollectionResult r = collector.collect(w);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(r.profiles.size() == 2);
  std::set<std::string> urls;
  for (const CollectedProfile& p : r.profiles) {
    urls.insert(p.url);
    CHECK(p.samples > 0);  // the load kept the servers busy while they were profiled
    CHECK(p.duration_nanos >= 900'000'000);
    CHECK_FALSE(PortAllocator::is_listening(port_of(p.url)));  // servers are stopped
  }
  CHECK(urls.size() == 2);
  CHECK(r.load_runs >= 3);  // 1 s capture, 300 ms load runs
  CHECK(r.warnings.empty());
  // Concurrent fetches: two 1 s captures take about 1 s, not 2 s (plus start-up).
  CHECK(took < 10s);
  CHECK(fs::exists(m.dir / "logs" / "api-load.log"));
  CHECK(fs::exists(m.dir / "logs" / "api-server-2.log"));
}

TEST_CASE("collect http: a failing load is an error and an early end a warning",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  HttpCollection w = http_workload(tool);
  w.load_command = {"{binary}", "load", "-d", "1s", "http://127.0.0.1:1"};  // refused
  CHECK_THAT(problem_of([&] { collector.collect(w); }),
             Catch::Contains("the load command failed (exit status 1)") &&
                 Catch::Contains("connection refused"));

  // Without restarts a load shorter than the capture is a warning, not an error.
  w = http_workload(tool);
  w.load_command = {"{binary}", "load", "-d", "100ms", "{urls}"};
  w.restart_load = false;
  w.load_lead = 200ms;
  CollectionResult r = collector.collect(w);
  CHECK(r.load_runs == 1);
  // (Idle servers may also get a "no samples" warning.)
  REQUIRE_FALSE(r.warnings.empty());
  CHECK_THAT(r.warnings[0], Catch::Contains("the load command ended before the 1 s capture did"));
}

TEST_CASE("collect http: an instance that never becomes ready",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  HttpCollection w = http_workload(tool);
  w.ready_path = "/not-there";
  w.ready_timeout = 1500ms;
  CHECK_THAT(problem_of([&] { collector.collect(w); }),
             Catch::Contains("server instance 1 of 2 was not ready after 1.5 s") &&
                 Catch::Contains("HTTP 404") && Catch::Contains("listening on 127.0.0.1:"));

  // A server that dies at start-up is reported at once, with its own message.
  w = http_workload(tool);
  w.server_command = {"{binary}", "serve", "-addr", "256.0.0.1:{port}"};
  auto start = std::chrono::steady_clock::now();
  CHECK_THAT(problem_of([&] { collector.collect(w); }),
             Catch::Contains("exited before it was ready (exit status 1)"));
  CHECK(std::chrono::steady_clock::now() - start < 10s);
}

TEST_CASE("collect http: a profile fetch that hangs times out",
          "[profile_collector][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  HttpCollection w = http_workload(tool);
  w.server_command = {"{binary}", "serve", "-hang-profile", "-addr", "127.0.0.1:{port}"};
  w.fetch_timeout = 1500ms;
  w.fetch_attempts = 2;
  auto start = std::chrono::steady_clock::now();
  std::string problem = problem_of([&] { collector.collect(w); });
  CHECK_THAT(problem, Catch::Contains("fetching http://127.0.0.1:") &&
                          Catch::Contains("timed out") && Catch::Contains("2 attempts"));
  CHECK(std::chrono::steady_clock::now() - start < 15s);
  // A profile that never came back is the workload's fault (run exit 4), not the profile's.
  try {
    collector.collect(w);
    FAIL("a hanging profile fetch must fail");
  } catch (const pgo::Error& e) {
    CHECK(e.kind() == pgo::ErrorKind::kProfileMissing);
  }
  // The servers are gone: nothing listens on the port the error names.
  std::string after = problem.substr(problem.find("http://127.0.0.1:"));
  std::uint16_t port = static_cast<std::uint16_t>(std::stoi(after.substr(17)));
  CHECK_FALSE(PortAllocator::is_listening(port));
}

TEST_CASE("collect gotest: benchmarks with -test.cpuprofile", "[profile_collector][integration]") {
  GoTestModule m;
  std::string test_binary = m.build_test_binary();
  ProfileCollector collector((m.dir / "profiles").string(), (m.dir / "logs").string());
  GotestCollection w;
  w.workload = "bench";
  w.test_binary = test_binary;
  w.working_directory = m.module.string();
  w.bench = "BenchmarkWork";
  w.benchtime = "100x";
  w.instances = 2;
  CollectionResult r = collector.collect(w);
  REQUIRE(r.profiles.size() == 2);
  for (const CollectedProfile& p : r.profiles) {
    REQUIRE(p.benchmarks.size() == 1);
    CHECK(p.benchmarks[0].base_name == "BenchmarkWork");
    CHECK(p.benchmarks[0].iterations == 100);
    CHECK(p.benchmarks[0].value("ns/op").value_or(0) > 500'000);  // work(1ms) per op
    CHECK(p.samples > 0);
  }

  w.bench = "BenchmarkNothingLikeThis";
  CHECK_THAT(problem_of([&] { collector.collect(w); }),
             Catch::Contains("no benchmark matched -test.bench=BenchmarkNothingLikeThis"));
}
