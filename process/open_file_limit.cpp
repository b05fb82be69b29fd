#include "process/open_file_limit.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <limits>
#include <mutex>
#include <system_error>

namespace pgo::harness {
namespace {

std::mutex g_raise_mutex;
rlimit g_original{};                // written once, before g_raised is set
std::atomic<bool> g_raised{false};  // release/acquire: g_original is complete when true

}  // namespace

std::uint64_t open_file_count() {
  std::uint64_t n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  return n;  // counts the descriptor of the listing itself: one too many, which is safe
}

std::uint64_t raise_open_file_limit(std::uint64_t wanted) {
  std::lock_guard lock(g_raise_mutex);
  rlimit now{};
  if (::getrlimit(RLIMIT_NOFILE, &now) != 0) return std::numeric_limits<std::uint64_t>::max();
  if (now.rlim_cur == RLIM_INFINITY || now.rlim_cur >= wanted) return now.rlim_cur;
  rlimit raised = now;
  raised.rlim_cur = now.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, now.rlim_max);
  if (raised.rlim_cur <= now.rlim_cur) return now.rlim_cur;
  if (!g_raised.load(std::memory_order_acquire)) g_original = now;
  if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) return now.rlim_cur;
  g_raised.store(true, std::memory_order_release);
  return raised.rlim_cur;
}

const rlimit* open_file_limit_for_children() {
  return g_raised.load(std::memory_order_acquire) ? &g_original : nullptr;
}

}  // namespace pgo::harness
