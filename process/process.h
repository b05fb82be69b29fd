// Running child processes: the one place that spawns, times and kills them.
//
// Spawning goes through Boost.Process; the child's own resource usage (user and system
// CPU time, peak RSS) comes from wait4(2) on its pid, because Boost.Process only exposes
// the exit code and RUSAGE_CHILDREN would mix every child's high-water mark.
// Every child is put in its own process group so that a timeout, Ctrl-C or the harness's
// exit can end the child and everything it started, and every run ends with its whole
// process tree: what the child left behind (background jobs, daemons, grandchildren that
// ignore SIGTERM) is ended before run_process returns (see process/process_tree.h). Waiting with a timeout or with
// captured output uses a pidfd in a poll(2) loop (no watchdog thread, no SIGCHLD handler);
// see process.cpp for the reasons behind each choice.
//
//   pgo::harness::ProcessSpec spec;
//   spec.argv = {"go", "version"};
//   spec.stdout_mode = pgo::harness::StreamMode::kCapture;
//   pgo::harness::ProcessResult r = pgo::harness::run_process(spec);
//   if (r.succeeded()) use(r.captured_stdout);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgo::harness {

// What a child's standard stream is connected to.
enum class StreamMode {
  kInherit,  // the harness's own stream
  kNull,     // /dev/null
  kCapture,  // read into ProcessResult::captured_stdout / captured_stderr
  kFile,     // the path in ProcessSpec::stdin_path / stdout_path / stderr_path
};

struct ProcessSpec {
  // REQUIRES: non-empty. argv[0] is looked up in PATH when it has no slash.
  std::vector<std::string> argv;
  std::string working_directory;                     // empty: the harness's own
  std::map<std::string, std::string> env_overrides;  // set on top of the harness's env
  std::vector<std::string> env_removals;             // unset in the child
  StreamMode stdin_mode = StreamMode::kNull;         // kCapture is not allowed for stdin
  StreamMode stdout_mode = StreamMode::kNull;
  StreamMode stderr_mode = StreamMode::kNull;
  std::string stdin_path, stdout_path, stderr_path;  // for StreamMode::kFile
  bool append_output = false;                        // kFile outputs: append, not truncate
  std::optional<std::chrono::nanoseconds> timeout;   // SIGKILL the process group after this
  std::vector<int> cpu_affinity;                     // CPUs the child may run on; empty: any
};

struct ProcessResult {
  std::chrono::nanoseconds wall_time{0};  // spawn to reaped, steady clock
  double user_seconds = 0;
  double system_seconds = 0;
  std::int64_t max_rss_bytes = 0;  // of this child (and descendants it waited for), wait4
  int exit_code = -1;              // valid when term_signal == 0
  int term_signal = 0;             // non-zero when killed by a signal
  bool timed_out = false;          // killed by the harness after ProcessSpec::timeout
  std::string captured_stdout;
  std::string captured_stderr;

  bool succeeded() const { return !timed_out && term_signal == 0 && exit_code == 0; }
  // "exit status 3", "killed by signal 9 (SIGKILL)", "timed out after 2.0 s".
  std::string describe_status() const;
};

// Runs a child to completion. Throws pgo::Error (stage "spawn") when it cannot be
// started (e.g. executable not found, unreadable input file), naming it and a hint.
// A relative argv[0] with a slash is resolved in working_directory, as a shell's
// `cd DIR && ./prog` would; a bare name is looked up in the harness's PATH.
ProcessResult run_process(const ProcessSpec& spec);

namespace detail {
struct PreparedSpawn;
}

// A ProcessSpec made ready to run many times: argv[0] is looked up in PATH and the
// child's environment is built once, here, instead of at every spawn. For a benchmark of
// a short command that work would otherwise be part of every run's overhead. Copies share
// the prepared state.
//
//   pgo::harness::PreparedProcess p(spec);  // throws pgo::Error if the program is missing
//   for (int i = 0; i < 1000; ++i) record(p.run());
class PreparedProcess {
 public:
  // Throws pgo::Error (stage "spawn") when argv[0] is not found in PATH or a CPU is out
  // of range. The PATH lookup happens now: a program that appears in PATH later is not
  // seen by this object.
  explicit PreparedProcess(ProcessSpec spec);
  const ProcessSpec& spec() const;
  const std::string& program() const;  // the resolved argv[0]
  // Same as run_process(spec()).
  ProcessResult run() const;

 private:
  std::shared_ptr<const detail::PreparedSpawn> prepared_;
};

// A child that runs in the background (servers, load generators) until stopped.
// The destructor stops it (SIGTERM to its group, SIGKILL after a grace period).
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const ProcessSpec& spec);  // throws pgo::Error like run_process
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const;
  bool running();  // reaps the child if it has exited
  // Waits up to `timeout` for the child to exit by itself; nullopt if still running.
  std::optional<ProcessResult> wait_for(std::chrono::nanoseconds timeout);
  // SIGTERM to the process group, SIGKILL after `grace`; returns the final result.
  ProcessResult stop(std::chrono::nanoseconds grace = std::chrono::seconds(2));

 private:
  struct State;
  State* state_;
};

// Sends SIGKILL to every process group the harness started that is still alive, and to
// every live child of the harness (orphans it adopted as a subreaper) and its group.
// Async-signal-safe (a fixed lock-free table): call it from a SIGINT/SIGTERM handler or
// at exit.
void kill_all_children();

}  // namespace pgo::harness
