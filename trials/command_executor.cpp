#include "trials/command_executor.h"

#include <utility>

#include "base/elapsed.h"
#include "process/process.h"

namespace pgo::harness {

const char* to_string(RunKind kind) {
  switch (kind) {
    case RunKind::kShellCalibration:
      return "shell-calibration";
    case RunKind::kSetup:
      return "setup";
    case RunKind::kWarmup:
      return "warmup";
    case RunKind::kPrepare:
      return "prepare";
    case RunKind::kTimed:
      return "timed";
    case RunKind::kConclude:
      return "conclude";
    case RunKind::kCleanup:
      return "cleanup";
  }
  return "unknown";
}

RealExecutor::RealExecutor(RealExecutorOptions options)
    : options_(std::move(options)), start_(std::chrono::steady_clock::now()) {}

double RealExecutor::now_seconds() { return seconds_since(start_); }

ProcessSpec RealExecutor::spec_for(const BenchCommand& command, bool measured) const {
  ProcessSpec spec;
  spec.argv = command.argv;
  spec.working_directory = command.working_directory;
  spec.env_overrides = command.env;
  spec.cpu_affinity = options_.cpu_affinity;
  // Only the measured command (and its warmups) sees --output, --input and --timeout;
  // hooks run quietly, like hyperfine's.
  if (measured) {
    if (!options_.input.empty()) {
      spec.stdin_mode = StreamMode::kFile;
      spec.stdin_path = options_.input;
    }
    const std::string& out = options_.output;
    if (out == "inherit") {
      spec.stdout_mode = spec.stderr_mode = StreamMode::kInherit;
    } else if (out == "pipe") {
      // Read through a pipe and dropped: the command pays for writing to a real reader.
      spec.stdout_mode = spec.stderr_mode = StreamMode::kCapture;
    } else if (out != "null") {
      spec.stdout_mode = spec.stderr_mode = StreamMode::kFile;
      spec.stdout_path = spec.stderr_path = out;
      spec.append_output = true;
    }
    if (options_.timeout_seconds) {
      spec.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double>(*options_.timeout_seconds));
    }
  }
  return spec;
}

TrialMeasurement RealExecutor::run(const BenchCommand& command, RunKind kind) {
  const bool measured = kind == RunKind::kTimed || kind == RunKind::kWarmup;
  const auto key = std::make_pair(&command, measured);
  auto it = prepared_.find(key);
  if (it != prepared_.end()) {
    const ProcessSpec& s = it->second.spec();
    if (s.argv != command.argv || s.working_directory != command.working_directory ||
        s.env_overrides != command.env) {
      prepared_.erase(it);
      it = prepared_.end();
    }
  }
  if (it == prepared_.end()) {
    it = prepared_.emplace(key, PreparedProcess(spec_for(command, measured))).first;
  }
  ProcessResult r = it->second.run();
  TrialMeasurement m;
  m.wall_seconds = std::chrono::duration<double>(r.wall_time).count();
  m.user_seconds = r.user_seconds;
  m.system_seconds = r.system_seconds;
  m.max_rss_bytes = r.max_rss_bytes;
  m.exit_code = r.exit_code;
  m.term_signal = r.timed_out ? 0 : r.term_signal;
  m.timed_out = r.timed_out;
  return m;
}

ScriptedExecutor::ScriptedExecutor(Script script) : script_(std::move(script)) {}

TrialMeasurement ScriptedExecutor::run(const BenchCommand& command, RunKind kind) {
  ScriptedCall call{&command, kind, log_.size(), clock_};
  TrialMeasurement m = script_(call);
  clock_ += m.wall_seconds;
  log_.push_back({command.name, kind, m.wall_seconds});
  return m;
}

std::vector<std::string> ScriptedExecutor::names_of(RunKind kind) const {
  std::vector<std::string> out;
  for (const auto& e : log_) {
    if (e.kind == kind) out.push_back(e.command);
  }
  return out;
}

}  // namespace pgo::harness
