// PgoView: a profile as the Go compiler sees it for profile-guided optimization.
//
// The Go toolchain (Go 1.21+, `go tool preprofile` since 1.23) reduces a pprof CPU profile
// to a weighted call-edge graph: from each sample's two leaf locations (with their inline
// frames) it takes caller->callee pairs keyed by (caller name, callee name, call-site
// offset = caller line - caller start_line), sums their weights, sorts them hottest first
// and calls "hot" the hottest edges that make up 99% of the total edge weight. PgoView
// reproduces that computation exactly (cmd/internal/pgo and internal/profile.NewGraph of
// Go 1.26), so the harness can compare what two profiles tell the compiler.
//
//   auto view = pgo::merge::PgoView::from_profile(profile, "iter-1.pgo");
//   for (const auto& e : view.hot_edges()) use(e.caller, e.callee, e.offset, e.weight);
//   std::string text = view.to_preprofile_text();  // == `go tool preprofile -i iter-1.pgo`
//   auto o = pgo::merge::overlap(view, other_view);  // how similar the hot sets are
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "proto/profile.pb.h"

namespace pgo::merge {

// The compiler's default cumulative threshold (inline.inlineCDFHotCallSiteThresholdPercent).
inline constexpr double kHotCallSiteCdfPercent = 99.0;

// One named call edge of the compiler's graph (cmd/internal/pgo.NamedCallEdge + weight).
struct CallEdge {
  std::string caller;
  std::string callee;
  std::int64_t offset = 0;  // caller line - caller Function.start_line
  std::int64_t weight = 0;  // summed value of the PGO sample type

  friend bool operator==(const CallEdge&, const CallEdge&) = default;
};

class PgoView {
 public:
  // An empty view: what Go makes of a profile without samples or without edge weight.
  PgoView() = default;

  // Builds the compiler's view of a profile. Throws pgo::Error (stage "pgo", file `name`)
  // exactly where the Go toolchain rejects the profile: samples present but no
  // samples/count or cpu/nanoseconds sample type, or no Function.start_line on any
  // sampled frame. `cdf_percent` is the hot threshold (Go's -d=pgoinlinecdfthreshold).
  // REQUIRES: profile passed validate_profile; 0 <= cdf_percent <= 100.
  static PgoView from_profile(const perftools::profiles::Profile& profile, const std::string& name,
                              double cdf_percent = kHotCallSiteCdfPercent);

  // All edges, hottest first; ties by caller, then callee (byte order), then offset.
  const std::vector<CallEdge>& edges() const { return edges_; }
  // The hot edges: the prefix of edges() whose cumulative weight first exceeds
  // cdf_percent of total_weight() (the edge crossing the threshold included).
  std::span<const CallEdge> hot_edges() const {
    return std::span<const CallEdge>(edges_).first(hot_count_);
  }
  // Sum of all edge weights (cmd/internal/pgo.Profile.TotalWeight).
  std::int64_t total_weight() const { return total_weight_; }
  // Weight of the last hot edge in percent of total_weight(), 0 when every edge is hot
  // (what the compiler prints as hot-callsite-thres-from-CDF).
  double hot_threshold_percent() const { return hot_threshold_percent_; }
  // Distinct callee names among the hot edges: the functions that get the larger inlining
  // budget (the compiler further restricts them to functions of the package it compiles).
  std::size_t hot_callee_count() const { return hot_callee_count_; }

  // The text `go tool preprofile -i FILE` writes for the profile, byte for byte.
  std::string to_preprofile_text() const;

 private:
  std::vector<CallEdge> edges_;
  std::size_t hot_count_ = 0;
  std::int64_t total_weight_ = 0;
  double hot_threshold_percent_ = 0;
  std::size_t hot_callee_count_ = 0;
};

// How similar two views are; every field is in [0, 1] and 1 means "the same".
// Edges are identified by (caller, callee, offset); H(x) is x's hot edge set.
struct ViewOverlap {
  // |H(a) ∩ H(b)| / |H(a)|: share of a's hot edges that are still hot in b
  // (1 when a has no hot edges).
  double hot_coverage = 1;
  // sum over all edges e of min(w_a(e) / W_a, w_b(e) / W_b), W = total weight: the mass
  // the two normalized edge distributions share (1 when both are empty, 0 when only one
  // is). Meaningful for non-negative weights, which every CPU profile has.
  double weighted_overlap = 1;
  // |H(a) ∩ H(b)| / |H(a) ∪ H(b)| (1 when both hot sets are empty).
  double hot_jaccard = 1;
};

ViewOverlap overlap(const PgoView& a, const PgoView& b);

}  // namespace pgo::merge
