#include "process/process.h"

// Boost.Process 1.74 decides whether vfork exists from the X/Open feature macros of a
// pre-2008 POSIX, which glibc no longer matches under _GNU_SOURCE, although it still
// provides vfork(2). Declaring it here enables Boost's vfork path (see "Choices" below).
#define BOOST_POSIX_HAS_VFORK 1

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <boost/process/search_path.hpp>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "base/error.h"
#include "process/open_file_limit.h"
#include "process/process_tree.h"

// Choices, and why:
// - Boost.Process does the spawning (path search, argv/env marshalling, start directory,
//   reporting an exec failure back to the parent). It is asked to vfork: the parent's
//   page tables are not copied, so a spawn costs what posix_spawn costs (measured: same
//   median for /usr/bin/true), and hyperfine -N, which uses posix_spawn, is no faster. For
//   a command like `true` the spawn is most of what is measured. Under vfork the child
//   shares our memory until exec, so ChildSetup below makes system calls only.
// - Boost.Process only reports an exit code, so the child is detached right after the
//   spawn and reaped here with wait4(2): that gives the rusage of this child alone (plus the
//   descendants it waited for), not RUSAGE_CHILDREN's mix of every child ever reaped.
// - Timeouts and output capture wait on a pidfd (pidfd_open, Linux 5.3+) together with the
//   capture pipes in one poll(2) loop: no watchdog thread, no SIGCHLD handler, and the
//   timeout is exact. Where pidfd_open is missing the loop polls waitid(WNOHANG) instead.
// - Each child leads its own process group, so a timeout or the harness's exit kills
//   everything it started. The live groups sit in a fixed lock-free table
//   (process/process_tree.cpp) so kill_all_children is async-signal-safe.
// - A run ends with its whole process tree: its exit is seen with waitid(WNOWAIT), so the
//   child stays a zombie (its pid and group id cannot be reused) while
//   process_tree::end_tree ends its group and the orphans it left (the harness is a child
//   subreaper, so they are re-parented to us); only then is the child reaped with wait4.

namespace pgo::harness {
namespace {

namespace bp = boost::process;

// How long what a finished run left behind gets between SIGTERM and SIGKILL.
constexpr std::chrono::milliseconds kLeftoverGrace{500};

// ---- file descriptors -----------------------------------------------------------------

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string errno_text(int err) { return std::strerror(err); }

Fd open_or_throw(const std::string& path, int flags, const std::string& what) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw Error("spawn", path, "cannot open " + what + ": " + errno_text(errno),
                "check that the path exists and is accessible");
  }
  return Fd(fd);
}

// One /dev/null for every child, opened on first use and never closed: the child dup2s it
// onto 0, 1 or 2, so sharing it costs nothing, and it saves an open and a close per
// stream per spawn (a benchmark of `true` spawns thousands of times).
int shared_dev_null() {
  static const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    throw Error("spawn", "/dev/null", "cannot open /dev/null: " + errno_text(errno),
                "is /dev populated?");
  }
  return fd;
}

// The parent's ends of the capture pipes and the fds the child gets as 0, 1, 2.
struct ChildStreams {
  Fd child_in, child_out, child_err;         // owned fds for the child (files, pipe ends)
  int in_fd = -1, out_fd = -1, err_fd = -1;  // dup2'ed onto 0/1/2 in the child; -1: inherit
  Fd capture_out, capture_err;               // read ends kept by the parent
};

void make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error("spawn", "", "pipe(2) failed: " + errno_text(errno), "too many open files?");
  }
  read_end = Fd(fds[0]);
  write_end = Fd(fds[1]);
}

ChildStreams open_streams(const ProcessSpec& spec) {
  ChildStreams s;
  switch (spec.stdin_mode) {
    case StreamMode::kInherit:
      break;
    case StreamMode::kNull:
      s.in_fd = shared_dev_null();
      break;
    case StreamMode::kFile:
      s.child_in = open_or_throw(spec.stdin_path, O_RDONLY, "input file");
      s.in_fd = s.child_in.get();
      break;
    case StreamMode::kCapture:
      throw Error("spawn", "", "standard input cannot be captured",
                  "use kNull, kInherit or kFile for stdin");
  }
  const int out_flags = O_WRONLY | O_CREAT | (spec.append_output ? O_APPEND : O_TRUNC);
  auto open_output = [&](StreamMode mode, const std::string& path, Fd& child, Fd& capture) {
    switch (mode) {
      case StreamMode::kInherit:
        return -1;
      case StreamMode::kNull:
        return shared_dev_null();
      case StreamMode::kFile:
        child = open_or_throw(path, out_flags, "output file");
        return child.get();
      case StreamMode::kCapture:
        make_pipe(capture, child);
        return child.get();
    }
    return -1;
  };
  s.out_fd = open_output(spec.stdout_mode, spec.stdout_path, s.child_out, s.capture_out);
  // Both streams to one file must share one file description, or they overwrite each other.
  if (spec.stdout_mode == StreamMode::kFile && spec.stderr_mode == StreamMode::kFile &&
      spec.stdout_path == spec.stderr_path) {
    s.err_fd = s.out_fd;
  } else {
    s.err_fd = open_output(spec.stderr_mode, spec.stderr_path, s.child_err, s.capture_err);
  }
  return s;
}

// ---- the Boost.Process extension run in the child between fork and exec ----------------

// How the child failed before exec; written by the child, read by the parent.
struct ChildFailure {
  int what = -1;  // a ChildSetup::Failure, -1: none
  int error = 0;  // errno
};

// Only async-signal-safe system calls here: this runs in the child of a process that may
// have other threads.
struct ChildSetup : bp::extend::handler {
  int in_fd = -1, out_fd = -1, err_fd = -1;
  const cpu_set_t* cpus = nullptr;
  const char* directory = nullptr;
  char** envp = nullptr;  // prepared environment; nullptr: the harness's own
  // Failures are reported through memory, not a pipe: the child is spawned with vfork
  // (bp::posix::use_vfork, always), so it shares the parent's memory and the parent only
  // resumes once the child has exec'ed or exited, exactly as glibc's posix_spawn reports
  // its errors. This saves a pipe(2), two close(2)s and a read(2) per spawn. (Boost's own
  // error pipe is not used on its vfork path, and its error would be reported too late:
  // the child exits here first.)
  ChildFailure* failure = nullptr;

  template <class Executor>
  void on_setup(Executor& exec) const {
    if (envp != nullptr) exec.env = envp;
  }
  template <class Executor>
  void on_exec_setup(Executor& /*exec*/) const {
    ::setpgid(0, 0);
    // The open-file limit the harness started with, should it have raised its own
    // (process/open_file_limit.h): the program runs as it would without the harness.
    if (const rlimit* limit = open_file_limit_for_children()) ::setrlimit(RLIMIT_NOFILE, limit);
    if (directory != nullptr && ::chdir(directory) != 0) fail(kCannotEnterDirectory);
    if ((in_fd >= 0 && ::dup2(in_fd, 0) < 0) || (out_fd >= 0 && ::dup2(out_fd, 1) < 0) ||
        (err_fd >= 0 && ::dup2(err_fd, 2) < 0)) {
      fail(kCannotConnectStreams);
    }
    if (cpus != nullptr && ::sched_setaffinity(0, sizeof(cpu_set_t), cpus) != 0) {
      fail(kCannotSetAffinity);
    }
  }
  template <class Executor>
  void on_exec_error(Executor& /*exec*/, const std::error_code& /*ec*/) const {
    fail(kCannotExecute);
  }

  enum Failure : int {
    kCannotEnterDirectory,
    kCannotConnectStreams,
    kCannotSetAffinity,
    kCannotExecute
  };
  void fail(Failure what) const {
    failure->error = errno;
    failure->what = what;
    ::_exit(127);
  }
};

const char* failure_text(int what) {
  switch (what) {
    case ChildSetup::kCannotEnterDirectory:
      return "cannot enter the working directory";
    case ChildSetup::kCannotConnectStreams:
      return "cannot connect the standard streams";
    case ChildSetup::kCannotSetAffinity:
      return "cannot set the CPU affinity";
    default:
      return "cannot execute";
  }
}

void wait4_retry_early(pid_t pid, int* status) {
  while (::waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

// ---- what is computed once per ProcessSpec ----------------------------------------------

namespace detail {
struct PreparedSpawn {
  ProcessSpec spec;
  std::string program;                // argv[0], looked up in PATH if it has no slash
  std::vector<std::string> args;      // argv[1..]
  std::vector<std::string> env_text;  // "K=V": the harness's, the spec's, the tree token
  std::vector<char*> envp;            // into env_text, null-terminated
  std::string tree_token;             // process_tree::kTreeVariable of every run of it
  cpu_set_t cpus;
};
}  // namespace detail

namespace {

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  boost::filesystem::path found = bp::search_path(name);
  if (found.empty()) {
    throw Error("spawn", name, "executable not found in PATH",
                "check the command's spelling, or give a path to the program");
  }
  return found.string();
}

std::shared_ptr<const detail::PreparedSpawn> prepare(ProcessSpec spec) {
  if (spec.argv.empty()) throw Error("spawn", "", "empty command", "give a program to run");
  auto p = std::make_shared<detail::PreparedSpawn>();
  p->program = resolve_program(spec.argv.front());
  p->args.assign(spec.argv.begin() + 1, spec.argv.end());
  CPU_ZERO(&p->cpus);
  for (int cpu : spec.cpu_affinity) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
      throw Error("spawn", p->program, "CPU " + std::to_string(cpu) + " is out of range",
                  "list CPUs between 0 and " + std::to_string(CPU_SETSIZE - 1));
    }
    CPU_SET(cpu, &p->cpus);
  }
  // Every run's processes carry its tree token, so that the orphans it leaves are known
  // as its own (process/process_tree.h).
  process_tree::become_subreaper();
  p->tree_token = process_tree::new_tree_token();
  std::map<std::string, std::string> env;
  for (char** e = ::environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  for (const auto& name : spec.env_removals) env.erase(name);
  for (const auto& [name, value] : spec.env_overrides) env[name] = value;
  env[process_tree::kTreeVariable] = p->tree_token;
  p->env_text.reserve(env.size());
  for (const auto& [name, value] : env) p->env_text.push_back(name + "=" + value);
  for (std::string& kv : p->env_text) p->envp.push_back(kv.data());
  p->envp.push_back(nullptr);
  p->spec = std::move(spec);
  return p;
}

struct Spawned {
  pid_t pid = -1;
  std::string tree_token;
  ChildStreams streams;
  std::chrono::steady_clock::time_point start;
};

Spawned spawn(const detail::PreparedSpawn& prepared) {
  const ProcessSpec& spec = prepared.spec;
  const std::string& program = prepared.program;
  Spawned out;
  out.streams = open_streams(spec);

  ChildSetup setup;
  setup.in_fd = out.streams.in_fd;
  setup.out_fd = out.streams.out_fd;
  setup.err_fd = out.streams.err_fd;
  setup.cpus = spec.cpu_affinity.empty() ? nullptr : &prepared.cpus;
  if (!spec.working_directory.empty()) setup.directory = spec.working_directory.c_str();
  if (!prepared.envp.empty()) setup.envp = const_cast<char**>(prepared.envp.data());
  ChildFailure failure;
  setup.failure = &failure;

  out.tree_token = prepared.tree_token;
  // Until the child is tracked, no sweep may look at the harness's children: it could
  // take this child for an orphan and reap it.
  std::shared_lock spawning(process_tree::spawn_lock());
  bp::child child;
  try {
    out.start = std::chrono::steady_clock::now();
    child = bp::child(bp::exe = program, bp::args = prepared.args, setup, bp::posix::use_vfork);
  } catch (const bp::process_error& e) {
    std::string hint = "check that the program is executable";
    if (!spec.working_directory.empty()) hint += " and that " + spec.working_directory + " exists";
    throw Error("spawn", program, std::string("cannot start: ") + e.what(), hint);
  }
  if (failure.what < 0 && !child.valid()) throw Error("spawn", program, "cannot start", "");
  out.pid = child.id();
  // We reap the child ourselves (wait4): Boost must neither wait for nor kill it.
  child.detach();
  if (failure.what >= 0) {
    int status = 0;
    wait4_retry_early(out.pid, &status);
    std::string hint = "check that the program exists and is executable";
    if (!spec.working_directory.empty()) hint += ", and that " + spec.working_directory + " exists";
    throw Error("spawn", program,
                std::string("cannot start: ") + failure_text(failure.what) + ": " +
                    errno_text(failure.error),
                hint);
  }
  // No setpgid(pid, pid) here to close the race with the child's own: under vfork the
  // parent resumes only after the child's setpgid(0, 0) and exec.
  process_tree::track_run(out.pid);
  spawning.unlock();
  // The child holds its own copies now; keep only the capture read ends.
  out.streams.child_in.reset();
  out.streams.child_out.reset();
  out.streams.child_err.reset();
  return out;
}

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

void fill_from_wait(ProcessResult& r, int status, const struct rusage& ru) {
  r.user_seconds = static_cast<double>(ru.ru_utime.tv_sec) + ru.ru_utime.tv_usec / 1e6;
  r.system_seconds = static_cast<double>(ru.ru_stime.tv_sec) + ru.ru_stime.tv_usec / 1e6;
  r.max_rss_bytes = static_cast<std::int64_t>(ru.ru_maxrss) * 1024;  // Linux: KiB
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.term_signal = WTERMSIG(status);
  }
}

// Reads what is available; returns false at EOF or error.
bool read_some(int fd, std::string& into) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < sizeof buf) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

pid_t wait4_retry(pid_t pid, int* status, int options, struct rusage* ru) {
  for (;;) {
    pid_t got = ::wait4(pid, status, options, ru);
    if (got < 0 && errno == EINTR) continue;
    return got;
  }
}

// Whether `pid` has exited, without reaping it: it stays a zombie, so its pid and process
// group id stay reserved while what it left behind is ended.
bool has_exited(pid_t pid, bool block) {
  for (;;) {
    siginfo_t info{};
    int rc =
        ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return true;  // ECHILD: nothing left to wait for
    return info.si_pid == pid;
  }
}

// Waits for `child` to exit (not reaping it), reading capture pipes and enforcing the
// deadline; `exited` is false when the deadline came first.
struct WaitOutcome {
  bool exited = false;
  std::chrono::steady_clock::time_point end;
};

// How a run ended, from wait4 on its child.
struct Reaped {
  int status = 0;
  struct rusage ru {};
};

WaitOutcome wait_child(pid_t pid, Fd& capture_out, Fd& capture_err, std::string& out_text,
                       std::string& err_text,
                       std::optional<std::chrono::steady_clock::time_point> deadline) {
  WaitOutcome w;
  // Fast path: nothing to read, no deadline: a plain blocking wait.
  if (!capture_out.valid() && !capture_err.valid() && !deadline) {
    w.exited = has_exited(pid, /*block=*/true);
    w.end = std::chrono::steady_clock::now();
    return w;
  }
  Fd pidfd(open_pidfd(pid));
  for (;;) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    int pid_index = -1, out_index = -1, err_index = -1;
    if (pidfd.valid()) {
      pid_index = static_cast<int>(n);
      fds[n++] = {pidfd.get(), POLLIN, 0};
    }
    if (capture_out.valid()) {
      out_index = static_cast<int>(n);
      fds[n++] = {capture_out.get(), POLLIN, 0};
    }
    if (capture_err.valid()) {
      err_index = static_cast<int>(n);
      fds[n++] = {capture_err.get(), POLLIN, 0};
    }
    int timeout_ms = -1;
    if (!pidfd.valid()) timeout_ms = 5;  // no pidfd: poll wait4 every few milliseconds
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      int left_ms = static_cast<int>(std::max<std::int64_t>(0, left.count() + 1));
      timeout_ms = timeout_ms < 0 ? left_ms : std::min(timeout_ms, left_ms);
    }
    int ready = ::poll(fds.data(), n, timeout_ms);
    if (ready < 0 && errno != EINTR) break;
    if (out_index >= 0 && (fds[out_index].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!read_some(capture_out.get(), out_text)) capture_out.reset();
    }
    if (err_index >= 0 && (fds[err_index].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (!read_some(capture_err.get(), err_text)) capture_err.reset();
    }
    bool maybe_exited = pid_index < 0 || (fds[pid_index].revents & POLLIN);
    if (maybe_exited && has_exited(pid, /*block=*/false)) {
      w.end = std::chrono::steady_clock::now();
      w.exited = true;
      return w;
    }
    if (deadline && std::chrono::steady_clock::now() >= *deadline) {
      w.end = std::chrono::steady_clock::now();
      return w;
    }
  }
  w.end = std::chrono::steady_clock::now();
  return w;
}

// After the child is gone, read what its pipes still hold. Descendants that outlive it
// may keep a pipe open; give them a short grace period, then stop reading.
void drain(Fd& capture, std::string& text) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (capture.valid()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{capture.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    if (!read_some(capture.get(), text)) capture.reset();
  }
  capture.reset();
}

void kill_group(pid_t pgid, int sig) {
  if (::kill(-pgid, sig) != 0 && errno == ESRCH) ::kill(pgid, sig);
}

// REQUIRES: the child has exited (has_exited) and is not reaped. Ends what its run left
// (SIGTERM, SIGKILL after `grace`), then reaps the child itself for its own rusage.
Reaped end_run(const Spawned& child, std::chrono::nanoseconds grace) {
  process_tree::end_tree(child.pid, child.tree_token, grace);
  Reaped r;
  wait4_retry(child.pid, &r.status, 0, &r.ru);
  process_tree::untrack_run(child.pid);
  return r;
}

}  // namespace

std::string ProcessResult::describe_status() const {
  if (timed_out) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %.1f s",
                  std::chrono::duration<double>(wall_time).count());
    return buf;
  }
  if (term_signal != 0) {
    const char* abbrev = ::sigabbrev_np(term_signal);
    return "killed by signal " + std::to_string(term_signal) +
           (abbrev ? " (SIG" + std::string(abbrev) + ")" : std::string());
  }
  return "exit status " + std::to_string(exit_code);
}

PreparedProcess::PreparedProcess(ProcessSpec spec) : prepared_(prepare(std::move(spec))) {}

const ProcessSpec& PreparedProcess::spec() const { return prepared_->spec; }

const std::string& PreparedProcess::program() const { return prepared_->program; }

ProcessResult run_process(const ProcessSpec& spec) { return PreparedProcess(spec).run(); }

ProcessResult PreparedProcess::run() const {
  const ProcessSpec& spec = prepared_->spec;
  Spawned child = spawn(*prepared_);
  ProcessResult result;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (spec.timeout) deadline = child.start + *spec.timeout;
  WaitOutcome w = wait_child(child.pid, child.streams.capture_out, child.streams.capture_err,
                             result.captured_stdout, result.captured_stderr, deadline);
  if (!w.exited) {
    kill_group(child.pid, SIGKILL);
    result.timed_out = true;
    has_exited(child.pid, /*block=*/true);
    w.end = std::chrono::steady_clock::now();
  }
  result.wall_time = w.end - child.start;
  Reaped r = end_run(child, result.timed_out ? std::chrono::nanoseconds(0) : kLeftoverGrace);
  fill_from_wait(result, r.status, r.ru);
  if (result.timed_out) result.term_signal = SIGKILL;
  drain(child.streams.capture_out, result.captured_stdout);
  drain(child.streams.capture_err, result.captured_stderr);
  return result;
}

// ---- BackgroundProcess ----------------------------------------------------------------

struct BackgroundProcess::State {
  Spawned child;
  std::optional<ProcessResult> final_result;  // set once reaped
  std::mutex mu;                              // guards the captured text
  std::string out_text, err_text;
  std::thread reader;  // reads capture pipes so the child never blocks on a full pipe
  Fd wake_read, wake_write;

  void start_reader() {
    if (!child.streams.capture_out.valid() && !child.streams.capture_err.valid()) return;
    make_pipe(wake_read, wake_write);
    reader = std::thread([this] {
      Fd& out = child.streams.capture_out;
      Fd& err = child.streams.capture_err;
      while (out.valid() || err.valid()) {
        std::array<pollfd, 3> fds{};
        nfds_t n = 0;
        fds[n++] = {wake_read.get(), POLLIN, 0};
        int oi = -1, ei = -1;
        if (out.valid()) {
          oi = static_cast<int>(n);
          fds[n++] = {out.get(), POLLIN, 0};
        }
        if (err.valid()) {
          ei = static_cast<int>(n);
          fds[n++] = {err.get(), POLLIN, 0};
        }
        if (::poll(fds.data(), n, -1) < 0) {
          if (errno == EINTR) continue;
          break;
        }
        if (fds[0].revents) break;
        std::lock_guard<std::mutex> lock(mu);
        if (oi >= 0 && fds[oi].revents && !read_some(out.get(), out_text)) out.reset();
        if (ei >= 0 && fds[ei].revents && !read_some(err.get(), err_text)) err.reset();
      }
    });
  }

  // Stops the reader: after a grace period for descendants that still hold the pipes.
  void finish_reader() {
    if (!reader.joinable()) return;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!child.streams.capture_out.valid() && !child.streams.capture_err.valid()) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    char byte = 1;
    [[maybe_unused]] ssize_t ignored = ::write(wake_write.get(), &byte, 1);
    reader.join();
  }

  // REQUIRES: the child has exited and is not reaped.
  ProcessResult finish(std::chrono::steady_clock::time_point end, std::chrono::nanoseconds grace) {
    Reaped reaped = end_run(child, grace);
    ProcessResult r;
    r.wall_time = end - child.start;
    fill_from_wait(r, reaped.status, reaped.ru);
    finish_reader();
    {
      std::lock_guard<std::mutex> lock(mu);
      r.captured_stdout = out_text;
      r.captured_stderr = err_text;
    }
    final_result = r;
    return r;
  }
};

BackgroundProcess::BackgroundProcess(const ProcessSpec& spec) : state_(new State) {
  try {
    state_->child = spawn(*prepare(spec));
    state_->start_reader();
  } catch (...) {
    delete state_;
    throw;
  }
}

BackgroundProcess::~BackgroundProcess() {
  if (!state_->final_result) {
    try {
      stop();
    } catch (...) {
      // A destructor must not throw; the group has been signalled in any case.
    }
  }
  if (state_->reader.joinable()) state_->finish_reader();
  delete state_;
}

pid_t BackgroundProcess::pid() const { return state_->child.pid; }

bool BackgroundProcess::running() {
  if (state_->final_result) return false;
  if (has_exited(state_->child.pid, /*block=*/false)) {
    state_->finish(std::chrono::steady_clock::now(), kLeftoverGrace);
    return false;
  }
  return true;
}

std::optional<ProcessResult> BackgroundProcess::wait_for(std::chrono::nanoseconds timeout) {
  if (state_->final_result) return state_->final_result;
  Fd no_out, no_err;
  std::string ignored_out, ignored_err;
  WaitOutcome w = wait_child(state_->child.pid, no_out, no_err, ignored_out, ignored_err,
                             std::chrono::steady_clock::now() + timeout);
  if (!w.exited) return std::nullopt;
  return state_->finish(w.end, kLeftoverGrace);
}

ProcessResult BackgroundProcess::stop(std::chrono::nanoseconds grace) {
  if (state_->final_result) return *state_->final_result;
  kill_group(state_->child.pid, SIGTERM);
  // On exit within the grace period, wait_for ends what is left of the tree: descendants
  // that ignored SIGTERM get their own grace period, then SIGKILL.
  if (auto done = wait_for(grace)) return *done;
  kill_group(state_->child.pid, SIGKILL);
  has_exited(state_->child.pid, /*block=*/true);
  return state_->finish(std::chrono::steady_clock::now(), std::chrono::nanoseconds(0));
}

void kill_all_children() { process_tree::kill_all_runs(); }

}  // namespace pgo::harness
