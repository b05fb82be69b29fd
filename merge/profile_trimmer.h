// Trimming a profile to what the Go compiler reads (`pgo-merge --trim`).
//
// The compiler's view (PgoView) depends only on each sample's two leaf locations (with
// their inline frames) and on the value of the PGO sample type. trim_profile drops the
// rest, so `go tool preprofile` output (and therefore every PGO decision) is unchanged
// while the file shrinks:
//   - each sample keeps its first two location IDs; labels are dropped;
//   - only the sample types the compiler may pick are kept (`samples/count` and
//     `cpu/nanoseconds`, in their original order, so the one it picks is the same); a
//     profile with neither keeps all its sample types (Go rejects it either way);
//   - samples with equal remaining locations are re-merged (values summed); samples whose
//     values are all zero are kept (merged like the others), because Go rejects a profile
//     whose samples all weigh zero but accepts one without samples; a sample with a
//     negative kept value (diff profiles only) is
//     never merged, because Go keeps an edge whose weights cancel out and a merged sample
//     would lose it;
//   - locations, functions, mappings and strings nothing refers to any more are dropped,
//     and IDs are renumbered from 1 in their original order.
// Header fields (period, times, comments, drop/keep frames...) are kept.
//
//   perftools::profiles::Profile small = pgo::merge::trim_profile(merged);
#pragma once

#include "proto/profile.pb.h"

namespace pgo::merge {

// REQUIRES: profile passed validate_profile. The result passes it too, and is a pure
// function of the input (deterministic).
perftools::profiles::Profile trim_profile(const perftools::profiles::Profile& profile);

}  // namespace pgo::merge
