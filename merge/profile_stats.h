// ProfileStats: what a profile holds for the Go compiler, as data for `--stats` / `inspect`.
//
// Per profile: samples, the PGO sample type and its total, and from the PgoView the
// number of call edges, hot edges (99% cumulative threshold), hot callees and the top hot
// edges with their share of the edge weight. Pure data; the CLI renders it as a table or
// JSON (cli/merge_stats_output.h). A profile the compiler would reject gets its reason in
// `pgo_problem` instead of an exception, so stats of the other inputs still come out.
//
//   auto s = pgo::merge::compute_profile_stats(profile, "a.pprof", 10);
//   if (s.pgo_problem.empty()) use(s.hot_edges, s.top_hot_edges[0].share_percent);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "merge/pgo_view.h"
#include "proto/profile.pb.h"

namespace pgo::merge {

inline constexpr std::size_t kDefaultTopEdges = 10;

struct HotEdgeShare {
  CallEdge edge;
  double share = 0;               // edge.weight / total edge weight (a fraction: report.json)
  double share_percent = 0;       // the same * 100 (`--stats` tables and JSON)
  double cumulative_percent = 0;  // the same for this edge and all hotter ones
};

struct ProfileStats {
  std::string name;
  std::uint64_t samples = 0;
  std::string pgo_sample_type;        // "samples/count" or "cpu/nanoseconds"; "" if none
  std::int64_t total_pgo_weight = 0;  // sum of that sample type over all samples
  std::uint64_t call_edges = 0;
  std::int64_t total_edge_weight = 0;
  std::uint64_t hot_edges = 0;
  std::uint64_t hot_callees = 0;
  std::vector<HotEdgeShare> top_hot_edges;  // the hottest min(top_n, hot_edges) edges
  std::string pgo_problem;  // why `go build -pgo` would reject the profile; "" when fine
  std::optional<std::uint64_t> encoded_bytes;  // size of the file, when the caller knows it
};

// Size of the merged profile before and after --trim (gzip-encoded bytes).
struct TrimSize {
  std::uint64_t bytes_before = 0;
  std::uint64_t bytes_after = 0;
};

// Everything `pgo-merge --stats` reports.
struct MergeStats {
  std::size_t top_n = kDefaultTopEdges;
  std::vector<ProfileStats> inputs;
  std::optional<ProfileStats> output;
  std::optional<TrimSize> trim;
};

// REQUIRES: profile passed validate_profile. Throws pgo::Error only when a sum overflows.
ProfileStats compute_profile_stats(const perftools::profiles::Profile& profile,
                                   const std::string& name, std::size_t top_n);

// The same from a view already built for this profile (saves building it twice).
ProfileStats compute_profile_stats(const perftools::profiles::Profile& profile, const PgoView& view,
                                   const std::string& name, std::size_t top_n);

}  // namespace pgo::merge
