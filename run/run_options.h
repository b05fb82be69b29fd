// RunOptions: what `run` and `refresh` ask of the PGO loop on top of the scenario
// (iterations, trial overrides, an imported profile, the build cache), and what they make
// of a scenario. report.json records them (reports/run_report_json.h writes the JSON).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scenario/scenario.h"

namespace pgo::harness {

// Trial settings given on the command line, applied over the scenario's.
struct TrialOverrides {
  std::optional<int> warmup;
  std::optional<int> runs;
  std::optional<int> min_runs;
  std::optional<int> max_runs;
  std::optional<double> target_precision;  // fraction (0.01 = 1%)
  std::optional<double> max_time_seconds;
  std::optional<std::uint64_t> seed;
};

// Which Go build cache the run uses (go/go_toolchain.h, GoCacheMode).
enum class BuildCache {
  kFresh,  // "fresh": an empty cache per build in RUNDIR/gocache: comparable build times
  kRun,    // "run": one cache for the run in RUNDIR/gocache
  kGo,     // "go": the user's own cache (`go env GOCACHE`): fastest, quick runs and tests
};
std::string to_string(BuildCache cache);
std::optional<BuildCache> build_cache_from_string(const std::string& word);

struct RunOptions {
  std::optional<int> iterations;  // overrides Scenario::iterations
  TrialOverrides trials;
  std::optional<std::string> profile;            // evaluate this profile (absolute path)
  std::optional<std::string> candidate_profile;  // with profile: also this one, as v2
  std::optional<std::string> emit_default_pgo;   // write the final profile here (absolute)
  bool quick = false;  // 2 iterations, 6 runs, no warm-up (the CLI adds BuildCache::kGo)
  BuildCache build_cache = BuildCache::kFresh;

  // What the run does with `scenario`: iterations and trial settings after --quick and the
  // overrides, and the seed (drawn when neither gives one).
  int effective_iterations(const Scenario& scenario) const;
  Trials effective_trials(const Scenario& scenario) const;
};

}  // namespace pgo::harness
