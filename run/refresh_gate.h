// The gate of `pgo-harness refresh`: whether a candidate PGO profile may replace the
// committed one, decided from a run that timed -pgo=off (v0), the committed profile (v1)
// and the candidate (v2) in interleaved rounds (run/pgo_loop.h with
// RunOptions::candidate_profile).
//
// Rule: the candidate replaces the committed profile unless, on some workload, v2 is
// significantly slower than v1 (the U test's verdict at the scenario's alpha) by more
// than max_slowdown. "Not significantly worse" rather than "significantly better": a
// weekly refresh keeps the profile in step with the code (see the staleness check), and
// a candidate that merely ties is still the fresher one. A byte-identical candidate is
// kept (nothing to commit).
//
//   RefreshDecision d = decide_refresh(report, RefreshThresholds{}, identical);
//   if (d.replace) write_file_atomically(committed, candidate_bytes);
#pragma once

#include <string>
#include <vector>

#include "run/run_report.h"

namespace pgo::harness {

struct RefreshThresholds {
  double max_slowdown = 0.01;  // fraction: a significant slowdown up to 1% is tolerated
};

struct RefreshDecision {
  bool replace = false;
  std::string reason;  // one sentence for the summary
  std::vector<std::string> worse_workloads;
};

// Throws pgo::Error (stage "refresh") when the report has no v2-against-v1 comparison
// (the run did not get to its analysis).
RefreshDecision decide_refresh(const RunReport& report, const RefreshThresholds& thresholds,
                               bool identical);

}  // namespace pgo::harness
