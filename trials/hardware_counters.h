// HardwareCounters: the CPU's own performance counters through perf_event_open(2), no
// `perf` binary: instructions and cycles in user space (instructions:u, cycles:u), branch
// misses and cache misses, of the calling process and every child it starts while they are
// enabled (inherit). Where the machine has no PMU (most VMs: the open fails with ENOENT)
// the constructor throws one clear error saying so and what to use instead: the
// cachegrind-based metrics (trials/cachegrind.h). Nothing falls back silently.
//
//   HardwareCounters counters;        // throws pgo::Error (stage "counting") without a PMU
//   counters.start();
//   run_child_and_wait();
//   HardwareCounts c = counters.stop();   // c.instructions, c.cycles, ...
//
// The counts include the harness's own user-space work between start() and stop()
// (spawning and reaping the child: tens of thousands of instructions), the same for every
// build.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pgo::harness {

struct HardwareCounts {
  std::int64_t instructions = 0;
  std::int64_t cycles = 0;
  std::int64_t branch_misses = 0;
  std::int64_t cache_misses = 0;
};

// The system calls, replaceable in tests. open_counter(config) opens one
// PERF_TYPE_HARDWARE counter (PERF_COUNT_HW_* config) on the calling process, disabled,
// inherited, user space only; returns an fd or -1 with errno set.
struct PerfSyscalls {
  std::function<int(std::uint64_t config)> open_counter;
  std::function<int(int fd, bool enable)> enable;  // ioctl reset + enable, or disable
  std::function<long(int fd, void* buffer, unsigned long size)> read;
  std::function<int(int fd)> close;
};
PerfSyscalls real_perf_syscalls();

// One line on why counters cannot be opened, for errno `error`, naming what to use instead.
std::string hardware_counter_problem(int error);

class HardwareCounters {
 public:
  explicit HardwareCounters(PerfSyscalls syscalls = real_perf_syscalls());
  ~HardwareCounters();
  HardwareCounters(const HardwareCounters&) = delete;
  HardwareCounters& operator=(const HardwareCounters&) = delete;

  void start();
  HardwareCounts stop();

 private:
  PerfSyscalls sys_;
  std::vector<int> fds_;  // instructions, cycles, branch misses, cache misses
};

}  // namespace pgo::harness
