#include "merge/profile_staleness.h"

#include <algorithm>
#include <map>

namespace pgo::merge {
namespace {

// "pkg.F[go.shape.int]" -> "pkg.F[...]": symbol tables spell out shapes, pprof does not.
std::string generic_form(const std::string& name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[') {
      if (depth++ == 0) out += "[...]";
    } else if (c == ']') {
      if (depth > 0) --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace

ProfileStaleness profile_staleness(const PgoView& view, const std::set<std::string>& functions,
                                   std::size_t top_n) {
  std::set<std::string> present;
  for (const std::string& f : functions) present.insert(generic_form(f));
  std::map<std::string, bool> known;  // name -> present
  auto missing = [&](const std::string& name) {
    auto it = known.find(name);
    if (it == known.end()) it = known.emplace(name, present.count(generic_form(name)) != 0).first;
    return !it->second;
  };
  ProfileStaleness s;
  std::map<std::string, std::int64_t> weight_of_missing;
  double hot_total = 0, hot_missing = 0;
  const std::size_t hot_count = view.hot_edges().size();
  for (std::size_t i = 0; i < view.edges().size(); ++i) {
    const CallEdge& e = view.edges()[i];
    const bool caller_gone = missing(e.caller), callee_gone = missing(e.callee);
    if (i < hot_count) hot_total += static_cast<double>(e.weight);
    if (!caller_gone && !callee_gone) continue;
    s.missing_weight += e.weight;
    if (i < hot_count) hot_missing += static_cast<double>(e.weight);
    if (caller_gone) weight_of_missing[e.caller] += e.weight;
    if (callee_gone && e.callee != e.caller) weight_of_missing[e.callee] += e.weight;
  }
  if (view.total_weight() > 0) {
    s.total_share =
        static_cast<double>(s.missing_weight) / static_cast<double>(view.total_weight());
  }
  if (hot_total > 0) s.hot_share = hot_missing / hot_total;
  s.missing_functions = weight_of_missing.size();
  for (const auto& [name, w] : weight_of_missing) s.hottest_missing.push_back({name, w});
  std::sort(s.hottest_missing.begin(), s.hottest_missing.end(),
            [](const MissingFunction& a, const MissingFunction& b) {
              return a.weight != b.weight ? a.weight > b.weight : a.name < b.name;
            });
  if (s.hottest_missing.size() > top_n) s.hottest_missing.resize(top_n);
  return s;
}

}  // namespace pgo::merge
