// Risk guarded against: a machine without a PMU (this project's VMs: ENOENT) giving a
// cryptic errno, a silent zero count, or leaked descriptors; counter values read in the
// wrong order; attached counters (http servers) missing or double-counting threads. The
// system calls are faked; two cases use the real ones (the attach one with the kernel's
// software events, which every machine has).
#include "trials/hardware_counters.h"

#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "base/error.h"

namespace h = pgo::harness;

TEST_CASE("no PMU: one line saying so and what to use instead", "[hardware_counters]") {
  int opened = 0, closed = 0;
  h::PerfSyscalls sys;
  sys.open_counter = [&](std::uint64_t config, pid_t) {
    if (config == PERF_COUNT_HW_INSTRUCTIONS) return 100 + opened++;  // the first opens
    errno = ENOENT;
    return -1;
  };
  sys.enable = [](int, bool) { return 0; };
  sys.read = [](int, h::CounterReading&) { return false; };
  sys.close = [&](int) { return ++closed, 0; };
  try {
    h::HardwareCounters counters(sys);
    FAIL("opened counters without a PMU");
  } catch (const pgo::Error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("this machine has no hardware performance counters"));
    CHECK_THAT(what, Catch::Contains("No such file or directory"));
    CHECK_THAT(what, Catch::Contains("instructions, cycles_estimate"));
  }
  CHECK(closed == opened);  // nothing leaked
  CHECK_THAT(h::hardware_counter_problem(EACCES), Catch::Contains("perf_event_paranoid"));
}

TEST_CASE("counter values are read per event, in order", "[hardware_counters]") {
  // Each "counter" is a pipe holding the value it will read.
  std::vector<int> ends;
  const std::uint64_t values[] = {5000, 7000, 11, 13};
  std::size_t next = 0;
  h::PerfSyscalls sys;
  sys.open_counter = [&](std::uint64_t, pid_t) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], &values[next++], sizeof(std::uint64_t)) == sizeof(std::uint64_t));
    ::close(p[1]);
    ends.push_back(p[0]);
    return p[0];
  };
  std::vector<std::pair<int, bool>> toggles;
  sys.enable = [&](int fd, bool on) { return toggles.emplace_back(fd, on), 0; };
  sys.read = [](int fd, h::CounterReading& r) {
    r.time_enabled = r.time_running = 1000;  // never multiplexed
    return ::read(fd, &r.value, sizeof r.value) == static_cast<ssize_t>(sizeof r.value);
  };
  sys.close = [](int fd) { return ::close(fd); };
  h::HardwareCounters counters(sys);
  counters.start();
  h::HardwareCounts c = counters.stop();
  CHECK(c.instructions == 5000);
  CHECK(c.cycles == 7000);
  CHECK(c.branch_misses == 11);
  CHECK(c.cache_misses == 13);
  REQUIRE(toggles.size() == 8);
  CHECK(toggles[0] == std::make_pair(ends[0], true));
  CHECK(toggles[7] == std::make_pair(ends[3], false));
}

TEST_CASE("the real perf_event_open either counts or says why not", "[hardware_counters]") {
  try {
    h::HardwareCounters counters;
    counters.start();
    volatile std::uint64_t x = 0;
    for (int i = 0; i < 1000000; ++i) x = x + static_cast<std::uint64_t>(i);
    h::HardwareCounts c = counters.stop();
    CHECK(c.instructions > 1000000);
  } catch (const pgo::Error& e) {
    // This project's VMs: ENOENT, no PMU.
    CHECK_THAT(std::string(e.what()), Catch::Contains("hardware performance counters"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("cycles_estimate"));
  }
}

namespace {

// Fake counters for attaching: each open records (config, thread) and gets a new fd whose
// value is `value_of(thread, config)`.
struct FakePerf {
  std::vector<std::pair<std::uint64_t, pid_t>> opened;
  std::vector<int> closed;
  std::function<std::vector<pid_t>(pid_t)> threads_of;
  std::function<int(pid_t)> fail_open;  // errno to fail with, 0 to open

  h::PerfSyscalls syscalls() {
    h::PerfSyscalls sys;
    sys.open_counter = [this](std::uint64_t config, pid_t thread) {
      if (fail_open) {
        if (int e = fail_open(thread)) {
          errno = e;
          return -1;
        }
      }
      opened.emplace_back(config, thread);
      return static_cast<int>(opened.size()) - 1;
    };
    sys.enable = [](int, bool) { return 0; };
    sys.read = [this](int fd, h::CounterReading& r) {
      // thread * 100 + config: which thread and which event each sum came from.
      const auto& [config, thread] = opened[static_cast<std::size_t>(fd)];
      r.value = static_cast<std::uint64_t>(thread) * 100 + config;
      r.time_enabled = r.time_running = 1000;
      return true;
    };
    sys.close = [this](int fd) { return closed.push_back(fd), 0; };
    sys.threads_of = [this](pid_t p) { return threads_of(p); };
    return sys;
  }
};

}  // namespace

TEST_CASE("attaching counts every thread of every process, summed per event",
          "[hardware_counters]") {
  // Risk: only a server's main thread counted (Go serves requests on other threads), one
  // instance of several, or the sums mixing events.
  FakePerf fake;
  fake.threads_of = [](pid_t p) {
    return p == 10 ? std::vector<pid_t>{10, 11, 12} : std::vector<pid_t>{20, 21};
  };
  {
    h::HardwareCounters counters(std::vector<pid_t>{10, 20}, fake.syscalls());
    CHECK(counters.threads() == 5);
    counters.start();
    h::HardwareCounts c = counters.stop();
    const std::int64_t threads = 10 + 11 + 12 + 20 + 21;
    CHECK(c.instructions == threads * 100 + PERF_COUNT_HW_INSTRUCTIONS * 5);
    CHECK(c.cycles == threads * 100 + PERF_COUNT_HW_CPU_CYCLES * 5);
    CHECK(c.branch_misses == threads * 100 + PERF_COUNT_HW_BRANCH_MISSES * 5);
    CHECK(c.cache_misses == threads * 100 + PERF_COUNT_HW_CACHE_MISSES * 5);
  }
  CHECK(fake.opened.size() == 20);
  CHECK(fake.closed.size() == 20);  // the destructor closes every counter
}

TEST_CASE("multiplexed counters are scaled up and say so", "[hardware_counters]") {
  // Risk: counts from part of a run (the kernel rotated the counters because the PMU had
  // too few) passing for whole counts, or a counter that never ran dividing by zero.
  std::vector<h::CounterReading> readings = {
      {1000, 2000, 1000},  // instructions: counted half the time -> 2000
      {5000, 4000, 4000},  // cycles: all the time -> 5000
      {30, 3000, 1000},    // branch misses: a third -> 90
      {7, 1000, 0},        // cache misses: never on the PMU -> missing
  };
  h::PerfSyscalls sys;
  int next = 0;
  sys.open_counter = [&](std::uint64_t, pid_t) { return next++; };
  sys.enable = [](int, bool) { return 0; };
  sys.read = [&](int fd, h::CounterReading& r) {
    r = readings[static_cast<std::size_t>(fd)];
    return true;
  };
  sys.close = [](int) { return 0; };
  h::HardwareCounters counters(sys);
  counters.start();
  h::HardwareCounts c = counters.stop();
  CHECK(c.instructions == 2000);
  CHECK(c.cycles == 5000);
  CHECK(c.branch_misses == 90);
  CHECK(c.cache_misses == 0);
  CHECK(c.running_fraction == 0);

  readings[3] = {7, 1000, 1000};
  c = counters.stop();
  CHECK(c.cache_misses == 7);
  CHECK(c.running_fraction == Approx(1.0 / 3));
  for (auto& r : readings) r.time_running = r.time_enabled;
  CHECK(counters.stop().running_fraction == 1);
}

TEST_CASE("attaching again while the threads change, and giving up when they never rest",
          "[hardware_counters]") {
  // Risk: a thread started while the counters open going uncounted, or counted twice (its
  // own counter and the one inherited from the thread that started it).
  FakePerf fake;
  int listings = 0;
  fake.threads_of = [&](pid_t) {
    ++listings;  // the 1st and 2nd listings differ (a thread started), then 3rd == 4th
    return listings == 1 ? std::vector<pid_t>{10} : std::vector<pid_t>{10, 11};
  };
  {
    h::HardwareCounters counters(std::vector<pid_t>{10}, fake.syscalls());
    CHECK(counters.threads() == 2);
  }
  CHECK(listings == 4);
  CHECK(fake.closed.size() == fake.opened.size());  // the first try's counters too

  // A thread that exits between listing and opening (ESRCH) is another change.
  FakePerf gone;
  int tries = 0;
  gone.threads_of = [&](pid_t) { return std::vector<pid_t>{10, 11}; };
  gone.fail_open = [&](pid_t t) { return t == 11 && tries++ == 0 ? ESRCH : 0; };
  {
    h::HardwareCounters counters(std::vector<pid_t>{10}, gone.syscalls());
    CHECK(counters.threads() == 2);
  }

  FakePerf restless;
  pid_t next = 100;
  restless.threads_of = [&](pid_t) { return std::vector<pid_t>{10, next++}; };
  try {
    h::HardwareCounters counters(std::vector<pid_t>{10}, restless.syscalls());
    FAIL("attached to threads that never rest");
  } catch (const pgo::Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("kept changing"));
  }
  CHECK(restless.closed.size() == restless.opened.size());

  FakePerf ended;
  ended.threads_of = [](pid_t) { return std::vector<pid_t>{}; };
  try {
    h::HardwareCounters counters(std::vector<pid_t>{42}, ended.syscalls());
    FAIL("attached to a process that is gone");
  } catch (const pgo::Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("process 42: it is not running"));
  }

  FakePerf no_pmu;
  no_pmu.threads_of = [](pid_t) { return std::vector<pid_t>{10}; };
  no_pmu.fail_open = [](pid_t) { return ENOENT; };
  try {
    h::HardwareCounters counters(std::vector<pid_t>{10}, no_pmu.syscalls());
    FAIL("attached without a PMU");
  } catch (const pgo::Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("no hardware performance counters"));
  }
}

namespace {

// Burns about `seconds` of this thread's CPU time.
void burn_cpu(double seconds) {
  timespec t{};
  volatile std::uint64_t x = 0;
  do {
    for (int i = 0; i < 100000; ++i) x = x + static_cast<std::uint64_t>(i);
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  } while (static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9 < seconds);
}

}  // namespace

TEST_CASE("attaching to a running process counts all its threads, also those started later",
          "[hardware_counters]") {
  // Risk: the real kernel interface counting less than the whole process: threads that
  // existed before the attach, or threads started after it (the inherited counters), left
  // out. Without a PMU the same attach is checked with the kernel's software events
  // (task-clock in place of instructions): CPU nanoseconds, comparable with the child's
  // own CPU time.
  int go[2];
  REQUIRE(::pipe(go) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Two threads wait for the go; one of them starts a third after it. Each burns 0.2 s.
    ::close(go[1]);
    auto worker = [&](bool starts_another) {
      char byte;
      if (starts_another) {
        if (::read(go[0], &byte, 1) != 1) ::_exit(2);
        burn_cpu(0.2);
        std::thread later([] { burn_cpu(0.2); });
        later.join();
      } else {
        if (::read(go[0], &byte, 1) != 1) ::_exit(2);
        burn_cpu(0.2);
      }
    };
    std::thread a(worker, true), b(worker, false);
    a.join();
    b.join();
    ::_exit(0);
  }
  ::close(go[0]);
  // The child's two threads exist once its /proc task list shows three.
  for (int i = 0; i < 500 && h::threads_of_process_tree(child).size() < 3; ++i) ::usleep(2000);
  REQUIRE(h::threads_of_process_tree(child).size() == 3);

  const h::PerfSyscalls software = h::real_perf_syscalls(PERF_TYPE_SOFTWARE);
  std::optional<h::HardwareCounters> counters;
  try {
    counters.emplace(std::vector<pid_t>{child}, software);
  } catch (const pgo::Error& e) {
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    FAIL("software events cannot be attached here: " << e.what());
  }
  CHECK(counters->threads() == 3);
  counters->start();
  REQUIRE(::write(go[1], "gg", 2) == 2);
  ::close(go[1]);
  int status = 0;
  rusage usage{};
  REQUIRE(::wait4(child, &status, 0, &usage) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const h::HardwareCounts c = counters->stop();
  const double child_cpu =
      static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  const double counted = static_cast<double>(c.instructions) * 1e-9;  // task-clock, ns
  INFO("counted " << counted << " s of task-clock; the child used " << child_cpu << " s");
  CHECK(child_cpu >= 0.55);                   // three threads, 0.2 s each
  CHECK(counted >= 0.9 * child_cpu - 0.02);   // a missed thread would miss a third
  CHECK(counted <= 1.05 * child_cpu + 0.02);  // a thread counted twice would add a third
}
