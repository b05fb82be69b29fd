#include "run/refresh_gate.h"

#include <cstdio>

#include "base/error.h"
#include "base/percent.h"

namespace pgo::harness {
namespace {

}  // namespace

RefreshDecision decide_refresh(const RunReport& report, const RefreshThresholds& thresholds,
                               bool identical) {
  RefreshDecision d;
  std::size_t compared = 0;
  std::string worst;
  for (const WorkloadAnalysis& w : report.analysis.workloads) {
    for (const IterationAnalysis& it : w.iterations) {
      if (it.iteration != 2 || !it.vs_previous) continue;
      ++compared;
      const Comparison& c = *it.vs_previous;
      if (c.verdict == Verdict::kSlower && c.time_ratio &&
          *c.time_ratio > 1 + thresholds.max_slowdown) {
        d.worse_workloads.push_back(w.workload);
        if (worst.empty()) {
          worst = w.workload + " " + format_percent(*c.time_ratio - 1) + " slower";
          if (c.p_value) {
            char p[32];
            std::snprintf(p, sizeof p, ", p = %.3g", *c.p_value);
            worst += p;
          }
        }
      }
    }
  }
  if (compared == 0) {
    throw Error("refresh", "",
                "the run has no comparison of the candidate with the committed profile",
                "see the run's report.json for the phase that failed");
  }
  if (identical) {
    d.reason = "kept: the candidate is byte-identical to the committed profile";
  } else if (!d.worse_workloads.empty()) {
    d.reason = "kept: the candidate is significantly slower than the committed profile (" + worst +
               "; tolerance " + format_percent(thresholds.max_slowdown) + ")";
  } else {
    d.replace = true;
    d.reason =
        "updated: the candidate is not significantly slower than the committed profile on "
        "any workload (tolerance " +
        format_percent(thresholds.max_slowdown) + ")";
  }
  return d;
}

}  // namespace pgo::harness
