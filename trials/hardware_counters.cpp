#include "trials/hardware_counters.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/error.h"

namespace pgo::harness {

PerfSyscalls real_perf_syscalls() {
  PerfSyscalls s;
  s.open_counter = [](std::uint64_t config) {
    perf_event_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = config;
    attr.disabled = 1;
    attr.inherit = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    return static_cast<int>(::syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC));
  };
  s.enable = [](int fd, bool enable) {
    if (enable && ::ioctl(fd, PERF_EVENT_IOC_RESET, 0) != 0) return -1;
    return ::ioctl(fd, enable ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
  };
  s.read = [](int fd, void* buffer, unsigned long size) {
    return static_cast<long>(::read(fd, buffer, size));
  };
  s.close = [](int fd) { return ::close(fd); };
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

HardwareCounters::HardwareCounters(PerfSyscalls syscalls) : sys_(std::move(syscalls)) {
  for (std::uint64_t config : {PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CPU_CYCLES,
                               PERF_COUNT_HW_BRANCH_MISSES, PERF_COUNT_HW_CACHE_MISSES}) {
    errno = 0;
    int fd = sys_.open_counter(config);
    if (fd < 0) {
      const int error = errno;
      for (int open : fds_) sys_.close(open);
      fds_.clear();
      throw Error("counting", "perf_event_open", hardware_counter_problem(error));
    }
    fds_.push_back(fd);
  }
}

HardwareCounters::~HardwareCounters() {
  for (int fd : fds_) sys_.close(fd);
}

void HardwareCounters::start() {
  for (int fd : fds_) {
    if (sys_.enable(fd, true) != 0) {
      throw Error("counting", "perf_event_open",
                  "cannot enable a hardware counter: " + std::string(std::strerror(errno)));
    }
  }
}

HardwareCounts HardwareCounters::stop() {
  std::int64_t values[4] = {0, 0, 0, 0};
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    sys_.enable(fds_[i], false);
    std::uint64_t v = 0;
    if (sys_.read(fds_[i], &v, sizeof v) != static_cast<long>(sizeof v)) {
      throw Error("counting", "perf_event_open", "cannot read a hardware counter");
    }
    values[i] = static_cast<std::int64_t>(v);
  }
  return {values[0], values[1], values[2], values[3]};
}

}  // namespace pgo::harness
