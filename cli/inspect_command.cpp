// `pgo-merge inspect` and `pgo-harness inspect`: the PGO statistics of profiles, without
// merging anything. The same figures as `pgo-merge --stats`, on standard output.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/merge_stats_output.h"
#include "merge/profile_reader.h"
#include "merge/profile_stats.h"

namespace pgo::cli {

namespace {

struct InspectOptions {
  std::vector<std::string> inputs;
  std::size_t top_n = merge::kDefaultTopEdges;
  bool json = false;
};

constexpr const char* kInspectFooter =
    R"(For each PROFILE (a pprof file, or a directory standing for the files in it): samples,
the sample type the Go compiler reads and its total, the compiler's call edges
(exactly `go tool preprofile`'s), hot edges at its 99% cumulative threshold, hot callees,
and the top hot edges with their share of the edge weight. A profile that
`go build -pgo` would reject is reported as such.

Examples:
  pgo-merge inspect default.pgo
  pgo-merge inspect --top 20 --json prof/ > stats.json

Exit codes: 0 ok, 1 unreadable profile, 2 bad command line.)";

int run_inspect(const InspectOptions& o) {
  merge::MergeStats stats;
  stats.top_n = o.top_n;
  for (const auto& path : merge::expand_inputs(o.inputs)) {
    const auto file = merge::read_file_bytes(path);
    auto s = merge::compute_profile_stats(merge::decode_profile(file, path), path, o.top_n);
    s.encoded_bytes = file.size();
    stats.inputs.push_back(std::move(s));
  }
  std::cout << (o.json ? render_stats_json(stats) : render_stats_text(stats)) << std::flush;
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
  app.callback([o, &runner] { runner = [o] { return run_inspect(*o); }; });
}

}  // namespace pgo::cli
