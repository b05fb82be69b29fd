#include "merge/hot_weight_coverage.h"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

namespace pgo::merge {
namespace {

using EdgeKey = std::tuple<std::string, std::string, std::int64_t>;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

double hot_weight_coverage(const PgoView& merged, const PgoView& instance) {
  std::set<EdgeKey> own;
  for (const CallEdge& e : instance.hot_edges()) own.emplace(e.caller, e.callee, e.offset);
  double total = 0, covered = 0;
  for (const CallEdge& e : merged.hot_edges()) {
    total += static_cast<double>(e.weight);
    if (own.count(EdgeKey(e.caller, e.callee, e.offset)) != 0)
      covered += static_cast<double>(e.weight);
  }
  return total > 0 ? covered / total : 1.0;
}

std::vector<bool> flag_coverage_outliers(const std::vector<double>& coverage, double max_gap) {
  std::vector<bool> flags(coverage.size(), false);
  if (coverage.size() < 2) return flags;
  for (std::size_t i = 0; i < coverage.size(); ++i) {
    std::vector<double> others;
    for (std::size_t j = 0; j < coverage.size(); ++j) {
      if (j != i) others.push_back(coverage[j]);
    }
    flags[i] = coverage[i] < median(others) - max_gap;
  }
  return flags;
}

}  // namespace pgo::merge
