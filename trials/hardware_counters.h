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
//
// Processes already running (the servers of an http workload) are counted by attaching:
//
//   HardwareCounters counters(server_pids);   // every thread of each, and their children
//   counters.start();
//   run_load_and_wait();
//   HardwareCounts c = counters.stop();       // what the servers did during the load
//
// Attaching opens the counters on every thread of every process (and of the processes
// they started) and lets each counter inherit to the threads and processes created after
// it; ioctl reset/enable/disable on a counter reach its inherited copies, and a read sums
// them. A thread created while the counters are being opened could be missed (or counted
// twice), so the threads are listed again after opening: while the list changed, the
// counters are closed and opened again.
#pragma once

#include <sys/types.h>

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
  // The smallest share of its enabled time that any counter was on the PMU. Below 1 the
  // kernel multiplexed the counters (more events than free hardware counters, e.g. with
  // the NMI watchdog holding one): each count is then scaled up by enabled / running time,
  // the perf convention, and is an estimate rather than a count; 0 when some counter
  // never got on the PMU (its count is missing).
  double running_fraction = 1;
};

// One counter's read(2) with PERF_FORMAT_TOTAL_TIME_ENABLED | _RUNNING: its value and how
// long it was enabled and actually on the PMU (nanoseconds; equal unless multiplexed).
struct CounterReading {
  std::uint64_t value = 0;
  std::uint64_t time_enabled = 0;
  std::uint64_t time_running = 0;
};

// The system calls, replaceable in tests. open_counter(config, thread) opens one counter
// (a PERF_COUNT_HW_* config) on `thread`, 0 meaning the calling thread, disabled,
// inherited, user space only; returns an fd or -1 with errno set. threads_of(process)
// lists the thread ids of `process` and of every process descending from it; an empty
// list when the process is gone.
struct PerfSyscalls {
  std::function<int(std::uint64_t config, pid_t thread)> open_counter;
  std::function<int(int fd, bool enable)> enable;             // ioctl reset + enable, or disable
  std::function<bool(int fd, CounterReading& reading)> read;  // false when it fails
  std::function<int(int fd)> close;
  std::function<std::vector<pid_t>(pid_t process)> threads_of;
};
// The real ones. `event_type` PERF_TYPE_HARDWARE (the default) counts what this file is
// for; PERF_TYPE_SOFTWARE opens the same configs as the kernel's software events (0
// cpu-clock, 1 task-clock, 3 context switches, 5 minor page faults), which every Linux
// machine has: tests use it to check attaching and inheritance where there is no PMU.
PerfSyscalls real_perf_syscalls(std::uint32_t event_type = 0 /* PERF_TYPE_HARDWARE */);

// The threads of `process` and of its descendants, from /proc (PerfSyscalls::threads_of).
std::vector<pid_t> threads_of_process_tree(pid_t process);

// One line on why counters cannot be opened, for errno `error`, naming what to use instead.
std::string hardware_counter_problem(int error);

class HardwareCounters {
 public:
  // Counts the calling thread and what it starts while enabled.
  explicit HardwareCounters(PerfSyscalls syscalls = real_perf_syscalls());
  // Counts `processes` (REQUIRES: non-empty, running, and open to this user's perf
  // permissions, as the harness's own children are): every thread of each, and every
  // thread and process they start. Throws pgo::Error (stage "counting") as the constructor
  // above, or when a process is gone or its threads keep changing while counters open.
  HardwareCounters(const std::vector<pid_t>& processes,
                   PerfSyscalls syscalls = real_perf_syscalls());
  ~HardwareCounters();
  HardwareCounters(const HardwareCounters&) = delete;
  HardwareCounters& operator=(const HardwareCounters&) = delete;

  void start();
  HardwareCounts stop();  // the sums over every counted thread

  // How many threads the counters were opened on (1 for the calling thread).
  std::size_t threads() const { return fds_.size() / kEvents; }

 private:
  static constexpr std::size_t kEvents = 4;
  // Opens the four counters on `thread`; false when it is gone (ESRCH), throws otherwise.
  bool open_thread(pid_t thread);
  void close_all();

  PerfSyscalls sys_;
  // Four per thread: instructions, cycles, branch misses, cache misses.
  std::vector<int> fds_;
};

}  // namespace pgo::harness
