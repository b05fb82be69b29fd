// Rendering of `pgo-merge --stats` / `pgo-merge inspect` results: a text report for people
// and versioned JSON for machines. Pure functions from merge::MergeStats to text; the
// command files decide where the text goes.
//
//   merge::MergeStats stats = ...;
//   std::cerr << pgo::cli::render_stats_text(stats);
//   write_file_atomically("stats.json", to_bytes(pgo::cli::render_stats_json(stats)));
//
// JSON shape (schema "pgo-merge-stats/1"; absent parts are null):
//   {"schema": "pgo-merge-stats/1", "top_n": 10,
//    "inputs": [PROFILE...], "output": PROFILE | null,
//    "trim": {"bytes_before": N, "bytes_after": N, "reduction_percent": X} | null}
//   PROFILE = {"name", "samples", "pgo_sample_type", "total_pgo_weight", "call_edges",
//              "total_edge_weight", "hot_edges", "hot_callees", "bytes" (or null),
//              "pgo_problem" (or null),
//              "top_hot_edges": [{"caller", "callee", "offset", "weight",
//                                 "share_percent", "cumulative_percent"}]}
#pragma once

#include <string>

#include "merge/profile_stats.h"

namespace pgo::cli {

inline constexpr const char* kStatsSchema = "pgo-merge-stats/1";

std::string render_stats_text(const merge::MergeStats& stats);
std::string render_stats_json(const merge::MergeStats& stats);

}  // namespace pgo::cli
