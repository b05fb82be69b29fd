#include "process/process_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

// Everything that may run in a signal handler (kill_all_runs and what it calls) uses only
// open/read/close/getdents64/kill/getpgrp/nanosleep on fixed buffers: no allocation, no
// stdio, no locks.

namespace pgo::harness::process_tree {
namespace {

// ---- the table of runs whose child is not reaped yet ------------------------------------

constexpr std::size_t kMaxTrackedRuns = 256;
std::array<std::atomic<pid_t>, kMaxTrackedRuns> g_runs{};

// ---- raw /proc reading (async-signal-safe) ---------------------------------------------

// A fixed-size path builder: "/proc/" + number + suffix.
class ProcPath {
 public:
  ProcPath& add(const char* text) {
    while (*text != '\0' && len_ + 1 < sizeof buf_) buf_[len_++] = *text++;
    buf_[len_] = '\0';
    return *this;
  }
  ProcPath& add(long number) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + number % 10);
      number /= 10;
    } while (number > 0 && n < 23);
    while (n > 0 && len_ + 1 < sizeof buf_) buf_[len_++] = digits[--n];
    buf_[len_] = '\0';
    return *this;
  }
  const char* c_str() const { return buf_; }

 private:
  char buf_[96] = {};
  std::size_t len_ = 0;
};

// Reads up to cap - 1 bytes of a /proc file into buf (NUL-terminated); returns the length,
// or -1 if it cannot be opened.
long read_small(const char* path, char* buf, std::size_t cap) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  std::size_t len = 0;
  while (len + 1 < cap) {
    ssize_t n = ::read(fd, buf + len, cap - 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len += static_cast<std::size_t>(n);
  }
  ::close(fd);
  buf[len] = '\0';
  return static_cast<long>(len);
}

struct ProcStat {
  bool exists = false;
  char state = '?';  // R, S, D, Z, ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
  // Clock ticks after boot when the process started: with the pid, it names one process
  // even if the pid is later reused.
  unsigned long long start_time = 0;
  bool dead() const { return state == 'Z' || state == 'X' || state == 'x'; }
};

// From /proc/PID/stat: "PID (COMM) STATE PPID PGRP ... STARTTIME ..." (STARTTIME is the
// 22nd field); COMM may itself hold ')'.
ProcStat read_stat(pid_t pid) {
  ProcStat s;
  ProcPath path;
  path.add("/proc/").add(static_cast<long>(pid)).add("/stat");
  char buf[512];
  long len = read_small(path.c_str(), buf, sizeof buf);
  if (len <= 0) return s;
  const char* close = nullptr;
  for (long i = len - 1; i >= 0; --i) {
    if (buf[i] == ')') {
      close = buf + i;
      break;
    }
  }
  if (close == nullptr || close[1] != ' ' || close[2] == '\0') return s;
  s.exists = true;
  s.state = close[2];
  const char* p = close + 3;
  for (int field = 4; field <= 22 && *p != '\0'; ++field) {  // from PPID to STARTTIME
    while (*p == ' ') ++p;
    if (*p == '-') ++p;  // PRIORITY and NICE may be negative; only PPID, PGRP, STARTTIME are kept
    unsigned long long value = 0;
    while (*p >= '0' && *p <= '9') value = value * 10 + static_cast<unsigned>(*p++ - '0');
    if (field == 4) s.ppid = static_cast<pid_t>(value);
    if (field == 5) s.pgrp = static_cast<pid_t>(value);
    if (field == 22) s.start_time = value;
  }
  return s;
}

// Calls f(name) for every entry of the directory whose name is a decimal number (a pid or
// a tid under /proc), with getdents64 on a stack buffer: no allocation, so a signal
// handler may call it.
template <class F>
void for_each_numeric_entry(const char* directory, F&& f) {
  int dir = ::open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  alignas(8) char entries[4096];
  for (;;) {
    ssize_t n = ::getdents64(dir, entries, sizeof entries);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const struct dirent64*>(entries + off);
      off += e->d_reclen;
      const char* c = e->d_name;
      while (*c >= '0' && *c <= '9') ++c;
      if (c != e->d_name && *c == '\0') f(static_cast<const char*>(e->d_name));
    }
  }
  ::close(dir);
}

// Calls f(pid) for every process whose parent is the harness, found by reading every
// /proc/PID/stat: the slow way, for kernels without /proc/self/task/TID/children.
template <class F>
void for_each_child_by_scan(F&& f) {
  const pid_t self = ::getpid();
  for_each_numeric_entry("/proc", [&](const char* name) {
    long pid = 0;
    for (const char* c = name; *c != '\0'; ++c) pid = pid * 10 + (*c - '0');
    if (pid > 0 && read_stat(static_cast<pid_t>(pid)).ppid == self) f(static_cast<pid_t>(pid));
  });
}

// Calls f(pid) for every child of every thread of the harness, from
// /proc/self/task/TID/children (a subreaper's adopted orphans are children of one of its
// threads).
template <class F>
void for_each_child(F&& f) {
  bool no_children_files = false;
  for_each_numeric_entry("/proc/self/task", [&](const char* tid) {
    ProcPath path;
    path.add("/proc/self/task/").add(tid).add("/children");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) no_children_files = true;  // a kernel without CONFIG_PROC_CHILDREN
      return;
    }
    char chunk[1024];
    long pid = 0;
    bool in_number = false;
    for (;;) {
      ssize_t got = ::read(fd, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      for (ssize_t i = 0; i < got; ++i) {
        char c = chunk[i];
        if (c >= '0' && c <= '9') {
          pid = pid * 10 + (c - '0');
          in_number = true;
        } else if (in_number) {
          f(static_cast<pid_t>(pid));
          pid = 0;
          in_number = false;
        }
      }
    }
    if (in_number) f(static_cast<pid_t>(pid));
    ::close(fd);
  });
  if (no_children_files) for_each_child_by_scan(f);
}

// A process group the harness may signal: not its own (it may share one with a shell) and
// not the kernel's.
bool signalable_group(pid_t pgrp) { return pgrp > 1 && pgrp != ::getpgrp(); }

void nap(long nanoseconds) {
  struct timespec ts {
    0, nanoseconds
  };
  while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

// Which run the process `pid` belongs to, from its environment at exec. kUnreadable: no
// environment could be read, as happens for a moment while the process execs or exits
// (its memory gone: ESRCH), or for a process started with an empty one.
enum class Owner { kThisRun, kOtherRun, kUnknown, kUnreadable };

Owner owner_of(pid_t pid, const std::string& token) {
  ProcPath path;
  path.add("/proc/").add(static_cast<long>(pid)).add("/environ");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ESRCH ? Owner::kUnreadable : Owner::kUnknown;
  std::string env;
  char chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    env.append(chunk, static_cast<std::size_t>(n));
    if (env.size() > (std::size_t{4} << 20)) break;  // environments are far smaller
  }
  ::close(fd);
  if (env.empty()) return Owner::kUnreadable;
  const std::string prefix = std::string(kTreeVariable) + "=";
  std::size_t at = 0;
  while (at < env.size()) {
    std::size_t end = env.find('\0', at);
    if (end == std::string::npos) end = env.size();
    std::string_view entry(env.data() + at, end - at);
    if (entry.substr(0, prefix.size()) == prefix) {
      // The run's own token, or one a nested harness extended from it.
      std::string_view value = entry.substr(prefix.size());
      bool ours =
          value == token || (value.size() > token.size() &&
                             value.substr(0, token.size()) == token && value[token.size()] == '/');
      return ours ? Owner::kThisRun : Owner::kOtherRun;
    }
    at = end + 1;
  }
  return Owner::kUnknown;
}

}  // namespace

void become_subreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); });
}

std::string new_tree_token() {
  static std::atomic<unsigned long> serial{0};
  // Under another harness (a harness run by a harness), extend its token: what this
  // harness leaves behind when killed is then still known as the outer run's.
  static const std::string outer = [] {
    const char* inherited = std::getenv(kTreeVariable);
    return inherited != nullptr && *inherited != '\0' ? std::string(inherited) + "/"
                                                      : std::string();
  }();
  return outer + std::to_string(::getpid()) + "-" + std::to_string(++serial);
}

std::shared_mutex& spawn_lock() {
  static std::shared_mutex lock;
  return lock;
}

void track_run(pid_t leader) {
  for (auto& slot : g_runs) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, leader)) return;
  }
  // Table full: the run is still waited for and ended, only not killed from a handler.
}

void untrack_run(pid_t leader) {
  for (auto& slot : g_runs) {
    pid_t expected = leader;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

bool is_tracked_run(pid_t pid) {
  for (const auto& slot : g_runs) {
    if (slot.load() == pid) return true;
  }
  return false;
}

bool any_other_tracked_run(pid_t leader) {
  for (const auto& slot : g_runs) {
    pid_t p = slot.load();
    if (p > 0 && p != leader) return true;
  }
  return false;
}

std::vector<pid_t> list_children() {
  std::vector<pid_t> out;
  for_each_child([&](pid_t pid) { out.push_back(pid); });
  return out;
}

std::vector<pid_t> list_children_by_scan() {
  std::vector<pid_t> out;
  for_each_child_by_scan([&](pid_t pid) { out.push_back(pid); });
  return out;
}

int end_tree(pid_t leader, const std::string& token, std::chrono::nanoseconds grace) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto escalate_at = start + grace;
  // A tree that keeps forking under SIGKILL is left to kill_all_runs at exit.
  const auto give_up_at = escalate_at + std::chrono::seconds(10);
  struct Member {
    pid_t pid;
    pid_t pgrp;
  };
  // Orphans already known as the run's, by pid and start time: one that is exiting can no
  // longer show its environment, and is still waited for until it is a zombie and reaped.
  std::vector<std::pair<pid_t, unsigned long long>> known_ours;
  std::vector<pid_t> sent_term;
  bool group_sent_term = false;
  int alive_at_start = -1;
  long pause_ns = 200'000;
  for (;;) {
    std::vector<Member> alive;
    // A dead orphan was seen: its children were re-parented to the harness when it exited,
    // possibly after the list below was read, so they show only in the next pass (and a
    // multi-threaded zombie may still be exiting).
    bool look_again = false;
    {
      std::unique_lock lock(spawn_lock());
      const bool others_running = any_other_tracked_run(leader);
      for (pid_t pid : list_children()) {
        if (pid == leader || is_tracked_run(pid)) continue;
        ProcStat st = read_stat(pid);
        if (!st.exists) continue;
        if (st.dead()) {
          // An orphan that has exited (of any run: it is not a tracked run's child, so
          // nobody waits for its rusage). Reaped by pid, never with waitpid(-1). A
          // multi-threaded process shows 'Z' as soon as its main thread has exited, but
          // can be reaped (and its executable is released) only when all threads have.
          int status = 0;
          ::waitpid(pid, &status, WNOHANG);
          look_again = true;
          continue;
        }
        const std::pair<pid_t, unsigned long long> identity{pid, st.start_time};
        const bool known =
            std::find(known_ours.begin(), known_ours.end(), identity) != known_ours.end();
        Owner owner = known ? Owner::kThisRun : owner_of(pid, token);
        if (owner == Owner::kThisRun && !known) known_ours.push_back(identity);
        if (owner == Owner::kOtherRun) continue;
        if (owner == Owner::kUnreadable && others_running && st.pgrp != leader &&
            Clock::now() < escalate_at) {
          look_again = true;  // mid-exec (its environment shows in a moment) or exiting
          continue;
        }
        if (owner != Owner::kThisRun && others_running && st.pgrp != leader) continue;
        alive.push_back({pid, st.pgrp});
      }
    }
    if (alive_at_start < 0) alive_at_start = static_cast<int>(alive.size());
    if (alive.empty() && !look_again) break;
    const auto now = Clock::now();
    if (now >= give_up_at) break;
    if (now < escalate_at) {
      // The leader is a zombie, not reaped: its process group id cannot be reused yet.
      if (!group_sent_term) ::kill(-leader, SIGTERM);
      group_sent_term = true;
      for (const Member& m : alive) {
        if (std::find(sent_term.begin(), sent_term.end(), m.pid) != sent_term.end()) continue;
        sent_term.push_back(m.pid);
        ::kill(m.pid, SIGTERM);
        // m is alive and in m.pgrp, so that group exists and its id is not reused.
        if (m.pgrp != leader && signalable_group(m.pgrp)) ::kill(-m.pgrp, SIGTERM);
      }
    } else {
      ::kill(-leader, SIGKILL);
      for (const Member& m : alive) {
        ::kill(m.pid, SIGKILL);
        if (m.pgrp != leader && signalable_group(m.pgrp)) ::kill(-m.pgrp, SIGKILL);
      }
    }
    nap(pause_ns);
    pause_ns = std::min<long>(pause_ns * 2, 10'000'000);
  }
  return alive_at_start;
}

void kill_all_runs() noexcept {
  for (auto& slot : g_runs) {
    pid_t pgid = slot.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
  // Orphans adopted by the harness (double-forked daemons, background jobs of finished
  // runs); killing one re-parents its own children to the harness, hence the passes.
  for (int pass = 0; pass < 50; ++pass) {
    bool any_alive = false;
    for_each_child([&](pid_t pid) {
      ProcStat st = read_stat(pid);
      if (!st.exists || st.dead()) return;
      any_alive = true;
      ::kill(pid, SIGKILL);
      if (signalable_group(st.pgrp)) ::kill(-st.pgrp, SIGKILL);
    });
    if (!any_alive) return;
    nap(2'000'000);
  }
}

}  // namespace pgo::harness::process_tree
