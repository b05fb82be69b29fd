// Scaling pprof profiles: the PGO sample type, per-input weights and normalization.
//
// A weight multiplies every value of one input before it is folded into the merge;
// normalization picks, per input, the factor that brings its total of the PGO sample type
// to a common target. Values are rounded like pprof's ScaleN (to nearest, halves away
// from zero), and samples that become all zero are dropped by the merger.
//
//   auto index = pgo::merge::pgo_sample_index(profile);         // e.g. 0 for samples/count
//   double f = pgo::merge::normalization_factor(sample_total(profile, *index), target);
//   std::int64_t v = pgo::merge::scale_value(7, 0.5);            // 4
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/profile.pb.h"

namespace pgo::merge {

// The index of the sample type the Go compiler reads: the first one that is
// samples/count or cpu/nanoseconds (cmd/internal/pgo). nullopt when there is none.
// REQUIRES: profile passed validate_profile.
std::optional<int> pgo_sample_index(const perftools::profiles::Profile& profile);

// Sum of values[index] over all samples. Throws pgo::Error (stage "scale") on overflow.
// REQUIRES: profile passed validate_profile, 0 <= index < sample_type_size().
std::int64_t sample_total(const perftools::profiles::Profile& profile, int index);

// The factor that scales `total` to `target`: target / total, or 0 when total is 0
// (nothing to scale; pprof's Normalize does the same).
double normalization_factor(std::int64_t total, std::int64_t target);

// round(value * factor), halves away from zero (Go's math.Round). A factor of exactly 1
// returns value unchanged. nullopt when the result does not fit in int64.
std::optional<std::int64_t> scale_value(std::int64_t value, double factor);

// Parses a weight written as a non-negative decimal number ("2", "0.5", ".25", "1e3" is
// rejected). nullopt for anything else, including negative numbers, NaN and infinity.
std::optional<double> parse_weight(std::string_view text);

}  // namespace pgo::merge
