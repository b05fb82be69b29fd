// The exit code of `pgo-harness run` for a run that stopped early, by why it stopped
// (README.md, "pgo-harness run"; the list is in cli/run_command.cpp).
//
//   return run_failure_exit_code(failure.kind(), stop_signal);   // e.g. 3 for a failed build
#pragma once

#include <csignal>

#include "cli/command.h"
#include "run/pgo_loop.h"

namespace pgo::cli {

inline constexpr int kExitBuild = 3;     // go mod download, a tool or a build failed
inline constexpr int kExitWorkload = 4;  // a workload crashed, timed out, wrote no profile...
inline constexpr int kExitProfile = 5;   // a profile is empty, invalid, or not a CPU profile

// stop_signal: the signal that stopped the run; 0 (none recorded) counts as SIGINT.
inline int run_failure_exit_code(harness::FailureKind kind, int stop_signal) {
  switch (kind) {
    case harness::FailureKind::kSetup:
      return kExitFailure;
    case harness::FailureKind::kBuild:
      return kExitBuild;
    case harness::FailureKind::kWorkload:
      return kExitWorkload;
    case harness::FailureKind::kProfile:
      return kExitProfile;
    case harness::FailureKind::kInterrupted:
      return 128 + (stop_signal != 0 ? stop_signal : SIGINT);
  }
  return kExitFailure;
}

}  // namespace pgo::cli
