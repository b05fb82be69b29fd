#include "run/run_options.h"

#include <algorithm>

namespace pgo::harness {

std::string to_string(BuildCache cache) {
  switch (cache) {
    case BuildCache::kFresh:
      return "fresh";
    case BuildCache::kRun:
      return "run";
    case BuildCache::kGo:
      return "go";
  }
  return "fresh";
}

std::optional<BuildCache> build_cache_from_string(const std::string& word) {
  if (word == "fresh") return BuildCache::kFresh;
  if (word == "run") return BuildCache::kRun;
  if (word == "go") return BuildCache::kGo;
  return std::nullopt;
}

int RunOptions::effective_iterations(const Scenario& scenario) const {
  if (profile) return candidate_profile ? 2 : 1;
  if (iterations) return *iterations;
  return quick ? std::min(2, scenario.iterations) : scenario.iterations;
}

Trials RunOptions::effective_trials(const Scenario& scenario) const {
  Trials t = scenario.trials;
  if (quick) {
    t.runs = 6;
    t.warmup = 0;
  }
  if (trials.warmup) t.warmup = *trials.warmup;
  if (trials.min_runs || trials.max_runs || trials.target_precision) t.runs.reset();
  if (trials.min_runs) t.min_runs = *trials.min_runs;
  if (trials.max_runs) t.max_runs = *trials.max_runs;
  if (t.min_runs > t.max_runs) t.min_runs = t.max_runs;
  if (trials.target_precision) t.target_precision = *trials.target_precision;
  if (trials.runs) t.runs = *trials.runs;
  if (trials.max_time_seconds) t.max_time_seconds = *trials.max_time_seconds;
  if (trials.seed) t.seed = *trials.seed;
  return t;
}

}  // namespace pgo::harness
