#include "cli/merge_stats_output.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace pgo::cli {

namespace {

double reduction_percent(const merge::TrimSize& t) {
  if (t.bytes_before == 0) return 0;
  return (1.0 - static_cast<double>(t.bytes_after) / static_cast<double>(t.bytes_before)) * 100;
}

void append_profile_text(std::string& out, const std::string& role, const merge::ProfileStats& s,
                         std::size_t top_n) {
  out += fmt::format("== {} {}\n", role, s.name);
  out += fmt::format("  samples            {}\n", s.samples);
  out += fmt::format("  pgo sample type    {}\n",
                     s.pgo_sample_type.empty() ? "(none)" : s.pgo_sample_type);
  out += fmt::format("  total pgo weight   {}\n", s.total_pgo_weight);
  if (s.encoded_bytes) out += fmt::format("  size               {} bytes\n", *s.encoded_bytes);
  if (!s.pgo_problem.empty()) {
    out += fmt::format("  go build -pgo      would fail: {}\n", s.pgo_problem);
    return;
  }
  out +=
      fmt::format("  call edges         {} (total weight {})\n", s.call_edges, s.total_edge_weight);
  out += fmt::format("  hot edges (99%)    {}\n", s.hot_edges);
  out += fmt::format("  hot callees        {}\n", s.hot_callees);
  if (s.top_hot_edges.empty()) return;
  out += fmt::format("  top {} hot edges:\n", std::min(top_n, s.top_hot_edges.size()));
  out += fmt::format("    {:>7} {:>7} {:>12}  {}\n", "share", "cum", "weight",
                     "caller -> callee (+line offset)");
  for (const auto& h : s.top_hot_edges) {
    out += fmt::format("    {:>6.2f}% {:>6.2f}% {:>12}  {} -> {} (+{})\n", h.share_percent,
                       h.cumulative_percent, h.edge.weight, h.edge.caller, h.edge.callee,
                       h.edge.offset);
  }
}

nlohmann::ordered_json profile_json(const merge::ProfileStats& s) {
  nlohmann::ordered_json j;
  j["name"] = s.name;
  j["samples"] = s.samples;
  j["pgo_sample_type"] = s.pgo_sample_type;
  j["total_pgo_weight"] = s.total_pgo_weight;
  j["call_edges"] = s.call_edges;
  j["total_edge_weight"] = s.total_edge_weight;
  j["hot_edges"] = s.hot_edges;
  j["hot_callees"] = s.hot_callees;
  j["bytes"] = s.encoded_bytes ? nlohmann::ordered_json(*s.encoded_bytes) : nullptr;
  j["pgo_problem"] = s.pgo_problem.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(s.pgo_problem);
  auto edges = nlohmann::ordered_json::array();
  for (const auto& h : s.top_hot_edges) {
    edges.push_back({{"caller", h.edge.caller},
                     {"callee", h.edge.callee},
                     {"offset", h.edge.offset},
                     {"weight", h.edge.weight},
                     {"share_percent", h.share_percent},
                     {"cumulative_percent", h.cumulative_percent}});
  }
  j["top_hot_edges"] = std::move(edges);
  return j;
}

}  // namespace

std::string render_stats_text(const merge::MergeStats& stats) {
  std::string out;
  for (const auto& s : stats.inputs) append_profile_text(out, "input", s, stats.top_n);
  if (stats.output) append_profile_text(out, "output", *stats.output, stats.top_n);
  if (stats.trim) {
    out += fmt::format("== trim: {} -> {} bytes ({:.1f}% smaller)\n", stats.trim->bytes_before,
                       stats.trim->bytes_after, reduction_percent(*stats.trim));
  }
  return out;
}

std::string render_stats_json(const merge::MergeStats& stats) {
  nlohmann::ordered_json j;
  j["schema"] = kStatsSchema;
  j["top_n"] = stats.top_n;
  auto inputs = nlohmann::ordered_json::array();
  for (const auto& s : stats.inputs) inputs.push_back(profile_json(s));
  j["inputs"] = std::move(inputs);
  j["output"] = stats.output ? profile_json(*stats.output) : nlohmann::ordered_json(nullptr);
  if (stats.trim) {
    j["trim"] = {{"bytes_before", stats.trim->bytes_before},
                 {"bytes_after", stats.trim->bytes_after},
                 {"reduction_percent", reduction_percent(*stats.trim)}};
  } else {
    j["trim"] = nullptr;
  }
  return j.dump(2) + "\n";
}

}  // namespace pgo::cli
