#include "merge/profile_stats.h"

#include <algorithm>

#include "base/error.h"
#include "merge/profile_scaling.h"

namespace pgo::merge {

namespace {

// Fills the fields that do not depend on the edge graph.
ProfileStats base_stats(const perftools::profiles::Profile& profile, const std::string& name) {
  ProfileStats s;
  s.name = name;
  s.samples = static_cast<std::uint64_t>(profile.sample_size());
  if (const auto index = pgo_sample_index(profile)) {
    const auto& vt = profile.sample_type(*index);
    s.pgo_sample_type = profile.string_table(static_cast<int>(vt.type())) + "/" +
                        profile.string_table(static_cast<int>(vt.unit()));
    s.total_pgo_weight = sample_total(profile, *index);
  }
  return s;
}

double fraction(std::int64_t value, std::int64_t total) {
  return total == 0 ? 0.0 : static_cast<double>(value) / static_cast<double>(total);
}

}  // namespace

ProfileStats compute_profile_stats(const perftools::profiles::Profile& profile, const PgoView& view,
                                   const std::string& name, std::size_t top_n) {
  ProfileStats s = base_stats(profile, name);
  s.call_edges = view.edges().size();
  s.total_edge_weight = view.total_weight();
  s.hot_edges = view.hot_edges().size();
  s.hot_callees = view.hot_callee_count();
  const std::size_t n = std::min(top_n, view.hot_edges().size());
  double cum = 0;  // a double cannot overflow on hostile inputs
  for (std::size_t i = 0; i < n; ++i) {
    const CallEdge& e = view.hot_edges()[i];
    cum += static_cast<double>(e.weight);
    const double share = fraction(e.weight, view.total_weight());
    s.top_hot_edges.push_back(
        HotEdgeShare{e, share, share * 100, cum / static_cast<double>(view.total_weight()) * 100});
  }
  return s;
}

ProfileStats compute_profile_stats(const perftools::profiles::Profile& profile,
                                   const std::string& name, std::size_t top_n) {
  try {
    return compute_profile_stats(profile, PgoView::from_profile(profile, name), name, top_n);
  } catch (const pgo::Error& e) {
    if (e.stage() != "pgo") throw;
    ProfileStats s = base_stats(profile, name);
    s.pgo_problem = e.problem();
    return s;
  }
}

}  // namespace pgo::merge
