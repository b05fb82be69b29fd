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

std::string to_string(PhaseStatus status) {
  switch (status) {
    case PhaseStatus::kDone:
      return "done";
    case PhaseStatus::kFailed:
      return "failed";
    case PhaseStatus::kInterrupted:
      return "interrupted";
  }
  return "done";
}

std::optional<PhaseStatus> phase_status_from_string(const std::string& word) {
  for (PhaseStatus s : {PhaseStatus::kDone, PhaseStatus::kFailed, PhaseStatus::kInterrupted}) {
    if (word == to_string(s)) return s;
  }
  return std::nullopt;
}

std::string to_string(ConvergenceKind kind) {
  switch (kind) {
    case ConvergenceKind::kConverged:
      return "converged";
    case ConvergenceKind::kStillImproving:
      return "still_improving";
    case ConvergenceKind::kOscillating:
      return "oscillating";
    case ConvergenceKind::kNoSignificantGain:
      return "no_significant_gain";
    case ConvergenceKind::kRegressed:
      return "regressed";
    case ConvergenceKind::kIncomplete:
      return "incomplete";
  }
  return "incomplete";
}

std::optional<ConvergenceKind> convergence_kind_from_string(const std::string& word) {
  for (ConvergenceKind k : {ConvergenceKind::kConverged, ConvergenceKind::kStillImproving,
                            ConvergenceKind::kOscillating, ConvergenceKind::kNoSignificantGain,
                            ConvergenceKind::kRegressed, ConvergenceKind::kIncomplete}) {
    if (word == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace pgo::harness
