// How well one profile's hot set stands for a merged profile: the share of the merged
// profile's hot-edge weight that falls on edges also hot in the one profile, and which of
// several instances are far from the others (the single-instance bias of a PGO profile
// collected from one unusual instance).
//
//   double c = hot_weight_coverage(merged_view, instance_view);  // 0.87
//   auto flags = flag_coverage_outliers({0.88, 0.91, 0.38}, 0.20);  // {false, false, true}
#pragma once

#include <vector>

#include "merge/pgo_view.h"

namespace pgo::merge {

// Sum of w_merged(e) over e in H(merged) ∩ H(instance), divided by the sum of w_merged(e)
// over H(merged); edges keyed by (caller, callee, offset). 1 when merged has no hot weight.
double hot_weight_coverage(const PgoView& merged, const PgoView& instance);

// An instance is an outlier when its coverage is more than `max_gap` (a fraction, e.g.
// 0.20 = 20 percentage points) below the median of the other instances' coverage. Fewer
// than two instances: no outliers.
std::vector<bool> flag_coverage_outliers(const std::vector<double>& coverage, double max_gap);

}  // namespace pgo::merge
