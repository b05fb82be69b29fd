// Risk guarded against: a machine without a PMU (this project's VMs: ENOENT) giving a
// cryptic errno, a silent zero count, or leaked descriptors; counter values read in the
// wrong order. The system calls are faked; one case also tries the real ones.
#include "trials/hardware_counters.h"

#include <linux/perf_event.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "base/error.h"

namespace h = pgo::harness;

TEST_CASE("no PMU: one line saying so and what to use instead", "[hardware_counters]") {
  int opened = 0, closed = 0;
  h::PerfSyscalls sys;
  sys.open_counter = [&](std::uint64_t config) {
    if (config == PERF_COUNT_HW_INSTRUCTIONS) return 100 + opened++;  // the first opens
    errno = ENOENT;
    return -1;
  };
  sys.enable = [](int, bool) { return 0; };
  sys.read = [](int, void*, unsigned long) { return 0L; };
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
  sys.open_counter = [&](std::uint64_t) {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    REQUIRE(::write(p[1], &values[next++], sizeof(std::uint64_t)) == sizeof(std::uint64_t));
    ::close(p[1]);
    ends.push_back(p[0]);
    return p[0];
  };
  std::vector<std::pair<int, bool>> toggles;
  sys.enable = [&](int fd, bool on) { return toggles.emplace_back(fd, on), 0; };
  sys.read = [](int fd, void* buffer, unsigned long size) {
    return static_cast<long>(::read(fd, buffer, size));
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
