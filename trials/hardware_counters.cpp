#include "trials/hardware_counters.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"

namespace pgo::harness {

namespace fs = std::filesystem;

namespace {

// The numeric entries of a /proc directory (thread or process ids).
std::vector<pid_t> numeric_entries(const fs::path& dir) {
  std::vector<pid_t> ids;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      ids.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  return ids;
}

}  // namespace

std::vector<pid_t> threads_of_process_tree(pid_t process) {
  std::vector<pid_t> threads, processes{process};
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const fs::path tasks = fs::path("/proc") / std::to_string(processes[i]) / "task";
    for (pid_t tid : numeric_entries(tasks)) {
      threads.push_back(tid);
      // The processes this thread started (Linux 3.5 and later, CONFIG_PROC_CHILDREN).
      std::ifstream children(tasks / std::to_string(tid) / "children");
      for (pid_t child; children >> child;) processes.push_back(child);
    }
  }
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  return threads;
}

PerfSyscalls real_perf_syscalls(std::uint32_t event_type) {
  PerfSyscalls s;
  s.open_counter = [event_type](std::uint64_t config, pid_t thread) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = event_type;
    attr.config = config;
    attr.disabled = 1;
    attr.inherit = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    return static_cast<int>(
        ::syscall(SYS_perf_event_open, &attr, thread, -1, -1, PERF_FLAG_FD_CLOEXEC));
  };
  s.enable = [](int fd, bool enable) {
    if (enable && ::ioctl(fd, PERF_EVENT_IOC_RESET, 0) != 0) return -1;
    return ::ioctl(fd, enable ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
  };
  s.read = [](int fd, CounterReading& reading) {
    std::uint64_t values[3] = {0, 0, 0};  // in the order of read_format's fields
    if (::read(fd, values, sizeof values) != static_cast<ssize_t>(sizeof values)) return false;
    reading = CounterReading{values[0], values[1], values[2]};
    return true;
  };
  s.close = [](int fd) { return ::close(fd); };
  s.threads_of = threads_of_process_tree;
  return s;
}

std::string hardware_counter_problem(int error) {
  const std::string instead =
      "; count with the cachegrind metrics instead (instructions, cycles_estimate)";
  if (error == ENOENT || error == EOPNOTSUPP || error == ENODEV) {
    return "this machine has no hardware performance counters (perf_event_open: " +
           std::string(std::strerror(error)) + "; no PMU, as on most VMs)" + instead;
  }
  if (error == EACCES || error == EPERM) {
    return "hardware performance counters are not allowed here (perf_event_open: " +
           std::string(std::strerror(error)) +
           "; lower /proc/sys/kernel/perf_event_paranoid to 2 or less)" + instead;
  }
  return "cannot open hardware performance counters (perf_event_open: " +
         std::string(std::strerror(error)) + ")" + instead;
}

bool HardwareCounters::open_thread(pid_t thread) {
  for (std::uint64_t config : {PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CPU_CYCLES,
                               PERF_COUNT_HW_BRANCH_MISSES, PERF_COUNT_HW_CACHE_MISSES}) {
    errno = 0;
    int fd = sys_.open_counter(config, thread);
    if (fd < 0) {
      const int error = errno;
      close_all();
      if (error == ESRCH && thread != 0) return false;
      throw Error("counting", "perf_event_open", hardware_counter_problem(error));
    }
    fds_.push_back(fd);
  }
  return true;
}

void HardwareCounters::close_all() {
  for (int fd : fds_) sys_.close(fd);
  fds_.clear();
}

HardwareCounters::HardwareCounters(PerfSyscalls syscalls) : sys_(std::move(syscalls)) {
  open_thread(0);
}

HardwareCounters::HardwareCounters(const std::vector<pid_t>& processes, PerfSyscalls syscalls)
    : sys_(std::move(syscalls)) {
  auto list_threads = [&] {
    std::vector<pid_t> threads;
    for (pid_t p : processes) {
      std::vector<pid_t> of = sys_.threads_of(p);
      if (of.empty()) {
        close_all();
        throw Error("counting", "perf_event_open",
                    "cannot count process " + std::to_string(p) + ": it is not running");
      }
      threads.insert(threads.end(), of.begin(), of.end());
    }
    std::sort(threads.begin(), threads.end());
    threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
    return threads;
  };
  // A thread created, or gone, while the counters open makes the list differ afterwards;
  // a program that starts threads all the time would need many tries, none does at rest.
  constexpr int kTries = 20;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    const std::vector<pid_t> threads = list_threads();
    bool all_open = true;
    for (pid_t t : threads) {
      if (!open_thread(t)) {
        all_open = false;
        break;
      }
    }
    if (all_open && list_threads() == threads) return;
    close_all();
  }
  throw Error("counting", "perf_event_open",
              "the threads of the counted processes kept changing while their counters were "
              "opened (" +
                  std::to_string(kTries) + " tries)",
              "count them when they are at rest, e.g. after their ready check answered");
}

HardwareCounters::~HardwareCounters() { close_all(); }

void HardwareCounters::start() {
  for (int fd : fds_) {
    if (sys_.enable(fd, true) != 0) {
      throw Error("counting", "perf_event_open",
                  "cannot enable a hardware counter: " + std::string(std::strerror(errno)));
    }
  }
}

HardwareCounts HardwareCounters::stop() {
  double values[kEvents] = {0, 0, 0, 0};
  double running_fraction = 1;
  for (int fd : fds_) sys_.enable(fd, false);  // every thread stops before any is read
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    CounterReading r;
    if (!sys_.read(fds_[i], r)) {
      throw Error("counting", "perf_event_open", "cannot read a hardware counter");
    }
    double value = static_cast<double>(r.value);
    if (r.time_running < r.time_enabled) {
      // Multiplexed: scale up by the share of time counted. A counter that never got on
      // the PMU (a thread that ran only while it was rotated out) adds nothing, and its
      // share, 0, says that this count is incomplete.
      const double share =
          static_cast<double>(r.time_running) / static_cast<double>(r.time_enabled);
      value = share > 0 ? value / share : 0;
      running_fraction = std::min(running_fraction, share);
    }
    values[i % kEvents] += value;
  }
  auto count = [](double v) { return static_cast<std::int64_t>(std::llround(v)); };
  return {count(values[0]), count(values[1]), count(values[2]), count(values[3]), running_fraction};
}

}  // namespace pgo::harness
