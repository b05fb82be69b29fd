// How stale a PGO profile is for a build: the share of the compiler's call-edge weight
// (merge/pgo_view.h) whose caller or callee no longer exists in the binary, in total and
// among the hot edges, and the hottest missing functions. A profile collected before a
// refactor renamed or removed hot functions still builds, but its weight on the old
// names guides nothing.
//
//   auto s = profile_staleness(view, binary_function_names, 5);
//   if (s.hot_share > kStaleHotShareWarning) warn(...s.hottest_missing[0].name...);
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "merge/pgo_view.h"

namespace pgo::merge {

// Above this share of hot-edge weight on missing functions, `inspect --binary` and run
// reports warn that the profile is stale (5%: beyond noise between two builds of the
// same source, which is 0%).
inline constexpr double kStaleHotShareWarning = 0.05;

struct MissingFunction {
  std::string name;
  std::int64_t weight = 0;  // edge weight of the edges it is caller or callee of
};

struct ProfileStaleness {
  double total_share = 0;  // of total edge weight on edges with a missing end, in [0, 1]
  double hot_share = 0;    // the same among hot edges
  std::int64_t missing_weight = 0;
  std::size_t missing_functions = 0;             // distinct names in the edges, missing
  std::vector<MissingFunction> hottest_missing;  // top_n by weight, then name
};

// `functions` are the names the binary holds. Names compare with generic type arguments
// written "[...]", as both the Go runtime and pprof write them.
ProfileStaleness profile_staleness(const PgoView& view, const std::set<std::string>& functions,
                                   std::size_t top_n);

}  // namespace pgo::merge
