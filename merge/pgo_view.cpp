#include "merge/pgo_view.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "base/error.h"
#include "merge/profile_scaling.h"

namespace pgo::merge {

namespace {

using perftools::profiles::Location;
using perftools::profiles::Profile;

// Go's int64 arithmetic wraps; C++ signed overflow is undefined, so sums go through
// uint64 (fuzzed inputs do overflow).
std::int64_t wrapping_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}
std::int64_t wrapping_sub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

// internal/profile.NodeInfo: a graph node is a (function name, address, start line, line)
// tuple, so one function at two addresses gives two nodes.
struct NodeKey {
  std::string_view name;
  std::uint64_t address = 0;
  std::int64_t start_line = 0;
  std::int64_t line = 0;
  bool operator==(const NodeKey&) const = default;
};

struct NodeKeyHash {
  std::size_t operator()(const NodeKey& k) const {
    std::size_t h = std::hash<std::string_view>{}(k.name);
    for (std::uint64_t v : {k.address, static_cast<std::uint64_t>(k.start_line),
                            static_cast<std::uint64_t>(k.line)}) {
      h ^= std::hash<std::uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
  }
};

struct Node {
  NodeKey key;
  std::int64_t cum = 0;
  std::int64_t flat = 0;
};

// Named edge key; ordered map keeps the build deterministic before the final sort.
using NamedKey = std::tuple<std::string_view, std::string_view, std::int64_t>;

class GraphBuilder {
 public:
  explicit GraphBuilder(const Profile& p) : p_(p) {
    for (const auto& l : p.location()) locations_.emplace(l.id(), &l);
    for (const auto& f : p.function()) functions_.emplace(f.id(), &f);
  }

  // internal/profile.NewGraph restricted to what FromPProf reads.
  void add_samples(std::size_t value_index) {
    std::vector<std::uint32_t> seen_nodes;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> seen_edges;
    for (const auto& s : p_.sample()) {
      const std::int64_t w = s.value(static_cast<int>(value_index));
      if (w == 0) continue;
      seen_nodes.clear();
      seen_edges.clear();
      constexpr std::uint32_t kNone = UINT32_MAX;
      std::uint32_t parent = kNone;
      // The walk starts at the second location (the leaf's caller) and goes down to the
      // leaf, each location from its outermost frame to its innermost inline frame.
      int i = std::min(1, s.location_id_size() - 1);
      for (; i >= 0; --i) {
        const std::vector<std::uint32_t>& nodes = location_nodes(s.location_id(i));
        for (std::size_t ni = nodes.size(); ni-- > 0;) {
          const std::uint32_t n = nodes[ni];
          const bool saw = std::find(seen_nodes.begin(), seen_nodes.end(), n) != seen_nodes.end();
          if (!saw) {
            seen_nodes.push_back(n);
            nodes_[n].cum = wrapping_add(nodes_[n].cum, w);
          }
          // Go's seenEdge is keyed {node, parent}; an edge counts once per sample and a
          // frame calling an identical frame (same node) is no edge at all.
          const std::pair<std::uint32_t, std::uint32_t> pair{n, parent};
          if (parent != kNone && n != parent &&
              std::find(seen_edges.begin(), seen_edges.end(), pair) == seen_edges.end()) {
            seen_edges.push_back(pair);
            auto& e = edges_[(static_cast<std::uint64_t>(parent) << 32) | n];
            e = wrapping_add(e, w);
          }
          parent = n;
        }
      }
      if (parent != kNone) nodes_[parent].flat = wrapping_add(nodes_[parent].flat, w);
    }
  }

  // Go keeps only nodes with non-zero cum or flat (selectNodesForGraph), and needs a
  // start line on at least one of them.
  bool selected(std::uint32_t n) const { return nodes_[n].cum != 0 || nodes_[n].flat != 0; }

  bool seen_start_line() const {
    for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
      if (selected(n) && nodes_[n].key.start_line != 0) return true;
    }
    return false;
  }

  // cmd/internal/pgo.createNamedEdgeMap: sums edge weights by (caller, callee, offset).
  std::map<NamedKey, std::int64_t> named_edges(std::int64_t& total) const {
    std::map<NamedKey, std::int64_t> named;
    total = 0;
    for (const auto& [key, w] : edges_) {
      const auto src = static_cast<std::uint32_t>(key >> 32);
      const auto dst = static_cast<std::uint32_t>(key & 0xffffffffu);
      if (!selected(src)) continue;
      const NodeKey& s = nodes_[src].key;
      total = wrapping_add(total, w);
      auto& sum = named[NamedKey{s.name, nodes_[dst].key.name, wrapping_sub(s.line, s.start_line)}];
      sum = wrapping_add(sum, w);
    }
    return named;
  }

 private:
  const std::vector<std::uint32_t>& location_nodes(std::uint64_t location_id) {
    auto it = location_nodes_.find(location_id);
    if (it != location_nodes_.end()) return it->second;
    std::vector<std::uint32_t> nodes;
    const Location& l = *locations_.at(location_id);
    if (l.line_size() == 0) {
      nodes.push_back(intern(NodeKey{{}, l.address(), 0, 0}));
    }
    for (const auto& line : l.line()) {
      // A line without a function is a bare address node (internal/profile.nodeInfo).
      if (line.function_id() == 0) {
        nodes.push_back(intern(NodeKey{{}, l.address(), 0, 0}));
        continue;
      }
      const auto& f = *functions_.at(line.function_id());
      nodes.push_back(intern(NodeKey{p_.string_table(static_cast<int>(f.name())), l.address(),
                                     f.start_line(), line.line()}));
    }
    return location_nodes_.emplace(location_id, std::move(nodes)).first->second;
  }

  std::uint32_t intern(const NodeKey& key) {
    auto [it, inserted] = node_index_.emplace(key, static_cast<std::uint32_t>(nodes_.size()));
    if (inserted) nodes_.push_back(Node{key});
    return it->second;
  }

  const Profile& p_;
  std::unordered_map<std::uint64_t, const Location*> locations_;
  std::unordered_map<std::uint64_t, const perftools::profiles::Function*> functions_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> location_nodes_;
  std::unordered_map<NodeKey, std::uint32_t, NodeKeyHash> node_index_;
  std::vector<Node> nodes_;
  std::unordered_map<std::uint64_t, std::int64_t> edges_;  // (src << 32 | dst) -> weight
};

// pgo.WeightInPercentage, with the same floating-point operations in the same order.
double weight_in_percentage(std::int64_t value, std::int64_t total) {
  return (static_cast<double>(value) / static_cast<double>(total)) * 100;
}

}  // namespace

PgoView PgoView::from_profile(const Profile& profile, const std::string& name, double cdf_percent) {
  PgoView view;
  // Go checks in this order: no samples is accepted before the sample type is looked at.
  if (profile.sample_size() == 0) return view;
  const std::optional<int> index = pgo_sample_index(profile);
  if (!index) {
    throw pgo::Error("pgo", name,
                     "profile has no \"samples/count\" or \"cpu/nanoseconds\" sample type, "
                     "which the Go compiler needs",
                     "use a CPU profile");
  }
  GraphBuilder graph(profile);
  graph.add_samples(static_cast<std::size_t>(*index));
  if (!graph.seen_start_line()) {
    throw pgo::Error("pgo", name, "profile missing Function.start_line data",
                     "profile with Go 1.20 or newer; go build -pgo rejects this profile");
  }
  std::int64_t total = 0;
  const auto named = graph.named_edges(total);
  if (total == 0) return view;

  view.total_weight_ = total;
  view.edges_.reserve(named.size());
  for (const auto& [key, w] : named) {
    view.edges_.push_back(CallEdge{std::string(std::get<0>(key)), std::string(std::get<1>(key)),
                                   std::get<2>(key), w});
  }
  // cmd/internal/pgo.sortByWeight; keys are unique so the order is total.
  std::sort(view.edges_.begin(), view.edges_.end(), [](const CallEdge& a, const CallEdge& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.caller != b.caller) return a.caller < b.caller;
    if (a.callee != b.callee) return a.callee < b.callee;
    return a.offset < b.offset;
  });

  // inline.hotNodesFromCDF: the first edge whose cumulative share exceeds the threshold
  // closes the hot prefix; when none does, every edge is hot.
  view.hot_count_ = view.edges_.size();
  std::int64_t cum = 0;
  for (std::size_t i = 0; i < view.edges_.size(); ++i) {
    cum = wrapping_add(cum, view.edges_[i].weight);
    if (weight_in_percentage(cum, total) > cdf_percent) {
      view.hot_count_ = i + 1;
      view.hot_threshold_percent_ = weight_in_percentage(view.edges_[i].weight, total);
      break;
    }
  }
  std::unordered_set<std::string_view> callees;
  for (const auto& e : view.hot_edges()) callees.insert(e.callee);
  view.hot_callee_count_ = callees.size();
  return view;
}

std::string PgoView::to_preprofile_text() const {
  std::string out = "GO PREPROFILE V1\n";
  for (const auto& e : edges_) {
    out += e.caller;
    out += '\n';
    out += e.callee;
    out += '\n';
    out += std::to_string(e.offset);
    out += ' ';
    out += std::to_string(e.weight);
    out += '\n';
  }
  return out;
}

ViewOverlap overlap(const PgoView& a, const PgoView& b) {
  using Key = std::tuple<std::string_view, std::string_view, std::int64_t>;
  auto key = [](const CallEdge& e) { return Key{e.caller, e.callee, e.offset}; };

  ViewOverlap o;
  std::map<Key, std::int64_t> b_weight;
  for (const auto& e : b.edges()) b_weight.emplace(key(e), e.weight);
  std::set<Key> b_hot;
  for (const auto& e : b.hot_edges()) b_hot.insert(key(e));

  std::size_t common = 0;
  for (const auto& e : a.hot_edges()) common += b_hot.count(key(e));
  const std::size_t a_hot = a.hot_edges().size();
  const std::size_t union_size = a_hot + b_hot.size() - common;
  o.hot_coverage = a_hot == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(a_hot);
  o.hot_jaccard =
      union_size == 0 ? 1.0 : static_cast<double>(common) / static_cast<double>(union_size);

  if (a.total_weight() == 0 || b.total_weight() == 0) {
    o.weighted_overlap = (a.total_weight() == 0 && b.total_weight() == 0) ? 1.0 : 0.0;
  } else {
    // Edges missing from either side contribute min(x, 0) = 0, so only a's edges matter.
    double sum = 0;
    for (const auto& e : a.edges()) {
      auto it = b_weight.find(key(e));
      if (it == b_weight.end()) continue;
      sum += std::min(static_cast<double>(e.weight) / static_cast<double>(a.total_weight()),
                      static_cast<double>(it->second) / static_cast<double>(b.total_weight()));
    }
    o.weighted_overlap = std::min(1.0, sum);  // rounding may overshoot by an ulp
  }
  return o;
}

}  // namespace pgo::merge
