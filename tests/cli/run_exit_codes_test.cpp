// Risk guarded against: the README documents one exit code per failure class of `run`;
// a class mapped to another code would break the scripts that branch on it. Which failure
// gives which class is tested without Go in tests/run/pgo_loop_test.cpp.
#include "cli/run_exit_codes.h"

#include <catch2/catch.hpp>
#include <csignal>

using pgo::cli::run_failure_exit_code;
using pgo::harness::FailureKind;

TEST_CASE("each failure class of a run has its documented exit code", "[run]") {
  CHECK(run_failure_exit_code(FailureKind::kSetup, 0) == 1);
  CHECK(run_failure_exit_code(FailureKind::kBuild, 0) == 3);
  CHECK(run_failure_exit_code(FailureKind::kWorkload, 0) == 4);
  CHECK(run_failure_exit_code(FailureKind::kProfile, 0) == 5);
  CHECK(run_failure_exit_code(FailureKind::kInterrupted, SIGINT) == 130);
  CHECK(run_failure_exit_code(FailureKind::kInterrupted, SIGTERM) == 143);
  CHECK(run_failure_exit_code(FailureKind::kInterrupted, 0) == 130);  // no signal recorded
  // The signal only matters for an interruption.
  CHECK(run_failure_exit_code(FailureKind::kBuild, SIGTERM) == 3);
}
