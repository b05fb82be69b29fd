// `pgo-merge inspect` and `pgo-harness inspect`: the PGO statistics of profiles, without
// merging anything. The same figures as `pgo-merge --stats`, on standard output.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/command.h"
#include "cli/merge_stats_output.h"
#include "go/go_binary_functions.h"
#include "merge/profile_reader.h"
#include "merge/profile_staleness.h"
#include "merge/profile_stats.h"

namespace pgo::cli {

namespace {

struct InspectOptions {
  std::vector<std::string> inputs;
  std::size_t top_n = merge::kDefaultTopEdges;
  bool json = false;
  std::string binary;  // --binary: staleness of each profile against this Go binary
};

constexpr const char* kInspectFooter =
    R"(For each PROFILE (a pprof file, or a directory standing for the files in it): samples,
the sample type the Go compiler reads and its total, the compiler's call edges
(exactly `go tool preprofile`'s), hot edges at its 99% cumulative threshold, hot callees,
and the top hot edges with their share of the edge weight. A profile that
`go build -pgo` would reject is reported as such.

With --binary BIN (pgo-harness inspect), also each profile's staleness for that build:
the share of its total and hot edge weight whose caller or callee no longer exists in
BIN (names read from BIN's Go pclntab, or its symbol table), and the hottest missing
functions; a warning above 5% of the hot weight.

Examples:
  pgo-merge inspect default.pgo
  pgo-merge inspect --top 20 --json prof/ > stats.json
  pgo-harness inspect --binary ./app cmd/app/default.pgo

Exit codes: 0 ok, 1 unreadable profile or binary, 2 bad command line.)";

std::string staleness_text(const merge::ProfileStaleness& s, const std::string& profile,
                           const std::string& binary, const std::string& source) {
  std::string out = fmt::format("== staleness of {} against {} (function names from {})\n", profile,
                                binary, source);
  out += fmt::format("  missing functions  {}\n", s.missing_functions);
  out += fmt::format("  edge weight        {:.1f}% on missing functions\n", s.total_share * 100);
  out += fmt::format("  hot edge weight    {:.1f}% on missing functions\n", s.hot_share * 100);
  for (const auto& m : s.hottest_missing) out += fmt::format("    {:>12}  {}\n", m.weight, m.name);
  if (s.hot_share > merge::kStaleHotShareWarning) {
    out += fmt::format(
        "  warning: stale profile: {:.1f}% of its hot edge weight is on functions {} no longer "
        "has (refresh the profile)\n",
        s.hot_share * 100, binary);
  }
  return out;
}

nlohmann::ordered_json staleness_json(const merge::ProfileStaleness& s, const std::string& binary,
                                      const std::string& source) {
  auto missing = nlohmann::ordered_json::array();
  for (const auto& m : s.hottest_missing)
    missing.push_back({{"name", m.name}, {"weight", m.weight}});
  return {{"binary", binary},
          {"function_names_from", source},
          {"missing_functions", s.missing_functions},
          {"total_share", s.total_share},
          {"hot_share", s.hot_share},
          {"stale", s.hot_share > merge::kStaleHotShareWarning},
          {"hottest_missing", std::move(missing)}};
}

int run_inspect(const InspectOptions& o) {
  merge::MergeStats stats;
  stats.top_n = o.top_n;
  std::optional<harness::GoBinaryFunctions> functions;
  if (!o.binary.empty()) functions = harness::read_go_binary_functions(o.binary);
  std::vector<merge::ProfileStaleness> staleness;
  for (const auto& path : merge::expand_inputs(o.inputs)) {
    const auto file = merge::read_file_bytes(path);
    const auto profile = merge::decode_profile(file, path);
    auto s = merge::compute_profile_stats(profile, path, o.top_n);
    s.encoded_bytes = file.size();
    if (functions) {
      staleness.push_back(merge::profile_staleness(merge::PgoView::from_profile(profile, path),
                                                   functions->names, o.top_n));
    }
    stats.inputs.push_back(std::move(s));
  }
  if (!functions) {
    std::cout << (o.json ? render_stats_json(stats) : render_stats_text(stats)) << std::flush;
    return kExitOk;
  }
  if (o.json) {
    auto doc = nlohmann::ordered_json::parse(render_stats_json(stats));
    for (std::size_t i = 0; i < staleness.size(); ++i) {
      doc["inputs"][i]["staleness"] = staleness_json(staleness[i], o.binary, functions->source);
    }
    std::cout << doc.dump(2) << "\n" << std::flush;
    return kExitOk;
  }
  std::string out = render_stats_text(stats);
  for (std::size_t i = 0; i < staleness.size(); ++i) {
    out += staleness_text(staleness[i], stats.inputs[i].name, o.binary, functions->source);
  }
  std::cout << out << std::flush;
  return kExitOk;
}

}  // namespace

void configure_inspect_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<InspectOptions>();
  app.footer(kInspectFooter);
  app.add_option("PROFILE", o->inputs, "Profiles or directories of profiles")
      ->required()
      ->type_name("PROFILE...");
  app.add_option("--top", o->top_n, "Number of hot edges listed per profile")
      ->type_name("N")
      ->default_val(merge::kDefaultTopEdges)
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
  app.add_flag("--json", o->json, "Print JSON (schema pgo-merge-stats/1) instead of text");
  app.add_option("--binary", o->binary,
                 "Also report how stale each profile is for this Go binary: weight on "
                 "functions it no longer has")
      ->type_name("BIN");
  app.callback([o, &runner] { runner = [o] { return run_inspect(*o); }; });
}

}  // namespace pgo::cli
