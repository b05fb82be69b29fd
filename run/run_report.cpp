#include "run/run_report.h"

namespace pgo::harness {

double RunReport::harness_seconds() const {
  double seconds = 0;
  for (const PhaseRecord& phase : phases) {
    if (phase.wall_seconds > phase.child_seconds)
      seconds += phase.wall_seconds - phase.child_seconds;
  }
  return seconds;
}

double RunReport::harness_share() const {
  double total = 0;
  for (const PhaseRecord& phase : phases) total += phase.wall_seconds;
  return total > 0 ? harness_seconds() / total : 0;
}

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kComplete:
      return "complete";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kInterrupted:
      return "interrupted";
  }
  return "running";
}

std::optional<RunStatus> run_status_from_string(const std::string& word) {
  if (word == "running") return RunStatus::kRunning;
  if (word == "complete") return RunStatus::kComplete;
  if (word == "failed") return RunStatus::kFailed;
  if (word == "interrupted") return RunStatus::kInterrupted;
  return std::nullopt;
}

}  // namespace pgo::harness
