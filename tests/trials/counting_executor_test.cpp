// Risk guarded against: `bench --metric` running the command without cachegrind or
// without the deterministic Go settings, overriding the user's own --env, reporting a
// time instead of the count, or running hooks under valgrind. The inner executor is a
// fake that writes the cachegrind output file the wrapped command names.
#include "trials/counting_executor.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"

namespace h = pgo::harness;
namespace fs = std::filesystem;

namespace {

class FakeCachegrind : public h::CommandExecutor {
 public:
  h::TrialMeasurement run(const h::BenchCommand& command, h::RunKind kind) override {
    seen.push_back(command);
    kinds.push_back(kind);
    for (const std::string& arg : command.argv) {
      const std::string flag = "--cachegrind-out-file=";
      if (arg.rfind(flag, 0) == 0 && write_output) {
        std::ofstream(arg.substr(flag.size()))
            << "events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim\n"
               "summary: 1000 1 0 0 2 1 0 0 0 0 3 0 1\n";
      }
    }
    h::TrialMeasurement m;
    m.wall_seconds = 0.25;
    return m;
  }
  double now_seconds() override { return 0; }
  std::vector<h::BenchCommand> seen;
  std::vector<h::RunKind> kinds;
  bool write_output = true;
};

}  // namespace

TEST_CASE("counted runs go through cachegrind with the counting environment",
          "[counting_executor]") {
  const fs::path dir = fs::temp_directory_path() / ("pgo-count-exec-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  FakeCachegrind fake;
  h::BenchCommand c;
  c.name = "app";
  c.argv = {"/bin/app", "-n", "3"};
  c.env = {{"GOGC", "50"}};

  h::CountingExecutor instructions(fake, h::CountedMetric::kInstructions, "/usr/bin/valgrind",
                                   dir.string());
  h::TrialMeasurement m = instructions.run(c, h::RunKind::kTimed);
  CHECK(m.wall_seconds == 1000);
  REQUIRE(fake.seen.size() == 1);
  const h::BenchCommand& w = fake.seen[0];
  CHECK(w.argv.front() == "/usr/bin/valgrind");
  CHECK(std::find(w.argv.begin(), w.argv.end(), "--tool=cachegrind") != w.argv.end());
  CHECK(std::vector<std::string>(w.argv.end() - 3, w.argv.end()) == c.argv);
  CHECK(w.env.at("GOMAXPROCS") == "1");
  CHECK(w.env.at("GOGC") == "50");  // the user's --env wins
  CHECK(w.env.at("GODEBUG") == "asyncpreemptoff=1");

  // Ir 1000 + 10 x (1 + 2) L1 + 100 x 1 LL + 15 x (3 + 1) mispredicts.
  h::CountingExecutor cycles(fake, h::CountedMetric::kCyclesEstimate, "/usr/bin/valgrind",
                             dir.string());
  CHECK(cycles.run(c, h::RunKind::kWarmup).wall_seconds == 1000 + 30 + 100 + 60);

  // Hooks run as they are.
  h::BenchCommand hook;
  hook.argv = {"/bin/true"};
  cycles.run(hook, h::RunKind::kPrepare);
  CHECK(fake.seen.back().argv == hook.argv);

  // No output file: an error naming the command, never a zero count.
  fake.write_output = false;
  CHECK_THROWS_WITH(instructions.run(c, h::RunKind::kTimed),
                    Catch::Contains("cachegrind wrote no output for 'app'"));
  fs::remove_all(dir);
}

namespace {

h::BenchCommand app_command() {
  h::BenchCommand c;
  c.name = "app";
  c.argv = {"/bin/app"};
  return c;
}

}  // namespace

TEST_CASE("hardware-counted runs report the counter read around the run", "[counting_executor]") {
  // Fake counters: pipes holding instructions 4242 and cycles 9000 (then misses).
  const std::uint64_t values[] = {4242, 9000, 1, 2};
  std::size_t next = 0;
  h::PerfSyscalls sys;
  sys.open_counter = [&](std::uint64_t, pid_t) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], &values[next++], sizeof(std::uint64_t)) == sizeof(std::uint64_t));
    ::close(p[1]);
    return p[0];
  };
  int enabled = 0;
  sys.enable = [&](int, bool on) { return enabled += on ? 1 : -1, 0; };
  sys.read = [](int fd, h::CounterReading& r) {
    r.time_enabled = r.time_running = 1000;  // never multiplexed
    return ::read(fd, &r.value, sizeof r.value) == static_cast<ssize_t>(sizeof r.value);
  };
  sys.close = [](int fd) { return ::close(fd); };
  h::HardwareCounters counters(sys);
  FakeCachegrind inner;
  inner.write_output = false;
  h::HardwareCountingExecutor cycles(inner, counters, h::HardwareMetric::kCycles);
  const h::BenchCommand c = app_command();
  CHECK(cycles.run(c, h::RunKind::kTimed).wall_seconds == 9000);
  CHECK(enabled == 0);                      // enabled around the run, disabled after
  CHECK(inner.seen.back().argv == c.argv);  // run natively, not under valgrind
  CHECK(cycles.running_fraction() == 1);
}

TEST_CASE("hardware-counted runs remember that the counters were multiplexed",
          "[counting_executor]") {
  // Risk: bench printing scaled estimates as exact counts without a word.
  h::PerfSyscalls sys;
  int next = 0;
  sys.open_counter = [&](std::uint64_t, pid_t) { return next++; };
  sys.enable = [](int, bool) { return 0; };
  sys.read = [](int fd, h::CounterReading& r) {
    r = fd == 1 ? h::CounterReading{3000, 4000, 1000} : h::CounterReading{10, 4000, 4000};
    return true;
  };
  sys.close = [](int) { return 0; };
  h::HardwareCounters counters(sys);
  FakeCachegrind inner;
  inner.write_output = false;
  h::HardwareCountingExecutor cycles(inner, counters, h::HardwareMetric::kCycles);
  const h::BenchCommand c = app_command();
  CHECK(cycles.run(c, h::RunKind::kTimed).wall_seconds == 12000);  // a quarter, scaled up
  CHECK(cycles.running_fraction() == Approx(0.25));
}
