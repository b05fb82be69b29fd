// `pgo-harness collect`: CPU profiles from live service instances merged into one PGO
// profile (run/live_collection.h), with the per-instance outcome and
// representativeness on stdout (or as JSON), progress on stderr.
//
// Exit codes (README.md, "pgo-harness collect"):
//   0 the profile was written
//   1 fewer than --min-instances instances gave a usable profile, a bad target, an
//     unusable merged profile or another failure (the output file is untouched)
//   2 wrong command line (also: no target at all)
//   130 / 143 interrupted by SIGINT / SIGTERM (the output file is untouched)
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/file_io.h"
#include "base/percent.h"
#include "base/sha256.h"
#include "base/text_table.h"
#include "cli/command.h"
#include "cli/fetch_options.h"
#include "cli/signal_guard.h"
#include "merge/profile_writer.h"
#include "reports/text_format.h"
#include "run/live_collection.h"
#include "run/profile_target.h"

namespace pgo::cli {
namespace {

namespace fs = std::filesystem;
using namespace pgo::harness;

struct CollectOptions {
  TargetCliOptions live;
  std::string output = "default.pgo";
  int rounds = 1;
  std::string every = "0s";
  std::string keep_raw;
  bool no_normalize = false;
  double outlier_gap_percent = kDefaultOutlierGap * 100;
  bool json = false;
  bool quiet = false;
  FetchCliOptions fetch;
};

constexpr const char* kCollectFooter =
    R"(Each TARGET is a service's base URL (http://HOST:PORT: /debug/pprof/profile?seconds=S is
added) or a full profile URL fetched as given. All targets are fetched at the same time,
--rounds times, --every apart; the usable CPU profiles are merged in process (normalized
unless --no-normalize) and OUTPUT is replaced atomically, only after checking that
`go build -pgo` can use it. A failed instance (down, timeout, HTTP status, not a CPU
profile) is reported by name; the command fails when fewer than --min-instances
(default: a majority of the targets) succeeded. Each instance's share of the merged hot
edge weight that its own hot set covers is shown; an instance more than --outlier-gap
points below the others is flagged.

Examples:
  pgo-harness collect -o cmd/app/default.pgo http://prod1:6060 http://prod2:6060 http://prod3:6060
  pgo-harness collect --seconds 60 --rounds 4 --every 15m --keep-raw raw/ --targets-file fleet.txt
  API_TOKEN=... pgo-harness collect --token-env API_TOKEN --cacert ca.pem https://prod1:8443

Exit codes: 0 written, 1 too few instances or another failure (output untouched),
2 bad command line, 130/143 interrupted (output untouched).)";

// Set from the SIGINT/SIGTERM handler; HttpClient polls it during transfers and waits.
std::atomic<bool> g_cancel{false};
volatile sig_atomic_t g_signal = 0;
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler stores into it");

extern "C" void on_collect_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  g_cancel.store(true);
}

// A private temporary directory for the raw profiles, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pgo-collect-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw Error("collect", pattern, "cannot create a temporary directory");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "90s", "15m", "2h", "1.5s", "500ms", "0" -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t end = 0;
  double value = 0;
  try {
    value = std::stod(text, &end);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string unit = text.substr(end);
  double ms = 0;
  if (unit == "ms") {
    ms = value;
  } else if (unit == "s" || (unit.empty() && value == 0)) {
    ms = value * 1e3;
  } else if (unit == "m") {
    ms = value * 60e3;
  } else if (unit == "h") {
    ms = value * 3600e3;
  } else {
    return std::nullopt;
  }
  if (!(ms >= 0) || ms > 30.0 * 24 * 3600e3) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

nlohmann::json to_json(const LiveCollection& c, const CollectOptions& o, bool written,
                       const std::string& output_sha256) {
  nlohmann::json instances = nlohmann::json::array();
  for (const InstanceResult& inst : c.instances) {
    nlohmann::json fetches = nlohmann::json::array();
    for (std::size_t r = 0; r < inst.fetches.size(); ++r) {
      const FetchedProfile& f = inst.fetches[r];
      nlohmann::json j = {{"round", r + 1},
                          {"outcome", f.ok() ? std::string("ok") : to_string(f.failure)},
                          {"http_status", f.http_status},
                          {"attempts", f.attempts},
                          {"window_start", f.window_start},
                          {"window_end", f.window_end},
                          {"seconds", f.elapsed_seconds}};
      if (f.ok()) {
        j["sha256"] = f.sha256;
        j["bytes"] = f.bytes;
        j["samples"] = f.samples;
      } else {
        j["reason"] = f.reason;
      }
      fetches.push_back(std::move(j));
    }
    instances.push_back({
        {"name", inst.target.name},
        {"url", inst.target.url},
        {"succeeded", inst.succeeded()},
        {"usable_rounds", inst.usable_rounds},
        {"samples", inst.samples},
        {"duration_seconds", static_cast<double>(inst.duration_nanos) / 1e9},
        {"hot_weight_coverage", inst.hot_weight_coverage ? nlohmann::json(*inst.hot_weight_coverage)
                                                         : nlohmann::json(nullptr)},
        {"outlier", inst.outlier},
        {"outlier_note", inst.outlier_note},
        {"fetches", std::move(fetches)},
    });
  }
  nlohmann::json merged = nullptr;
  if (c.enough_instances) {
    merged = {{"samples", c.merged_samples}, {"hot_edges", c.merged_hot_edges}};
    if (written) merged["sha256"] = output_sha256;
  }
  return {{"format", "pgo-harness-collect/1"},
          {"output", o.output},
          {"written", written},
          {"seconds", o.fetch.seconds},
          {"rounds", o.rounds},
          {"every", o.every},
          {"normalized", !o.no_normalize},
          {"min_instances", c.min_instances},
          {"succeeded_instances", c.succeeded_instances},
          {"instances", std::move(instances)},
          {"merged", std::move(merged)},
          {"warnings", c.warnings}};
}

std::string render_text(const LiveCollection& c) {
  // Fixed widths (one blank more when a cell overflows), as the run summary's.
  TextTable table({{"instance", TextColumn::kLeft, 27, false},
                   {"rounds", TextColumn::kLeft, 7, false},
                   {"samples", TextColumn::kLeft, 9, false},
                   {"duration", TextColumn::kLeft, 9, false},
                   {"hot weight covered"}},
                  " ");
  for (const InstanceResult& inst : c.instances) {
    table.add_row({inst.target.name, fmt::format("{}/{}", inst.usable_rounds, inst.fetches.size()),
                   std::to_string(inst.samples),
                   fmt::format("{:.1f} s", static_cast<double>(inst.duration_nanos) / 1e9),
                   (inst.hot_weight_coverage ? format_percent(*inst.hot_weight_coverage, 0)
                                             : std::string("-")) +
                       (inst.outlier ? "  OUTLIER" : "")});
  }
  return table.render();
}

int run_collect(CollectOptions o) {
  g_cancel.store(false);
  g_signal = 0;
  const std::vector<std::string> targets = all_targets(o.live);
  if (targets.empty()) {
    std::cerr << "pgo-harness collect: error: no targets given (name at least one TARGET URL, "
                 "or --targets-file)\n";
    return kExitUsage;
  }
  const auto every = parse_duration(o.every);
  if (!every) {
    std::cerr << "pgo-harness collect: error: --every " << o.every
              << ": expected a duration such as 90s, 15m or 1h\n";
    return kExitUsage;
  }
  LiveCollectionRequest req;
  for (const std::string& spec : targets)
    req.targets.push_back(parse_profile_target(spec, o.fetch.seconds));
  req.http = make_http_options(o.fetch);
  req.http.cancel = &g_cancel;
  req.rounds = o.rounds;
  req.every = *every;
  req.normalize = !o.no_normalize;
  req.min_instances = min_instances_of(o.live, req.targets.size());
  if (req.min_instances > static_cast<int>(req.targets.size())) {
    std::cerr << "pgo-harness collect: error: --min-instances " << req.min_instances << " but only "
              << req.targets.size() << " target(s)\n";
    return kExitUsage;
  }
  req.outlier_gap = o.outlier_gap_percent / 100;
  if (!o.quiet)
    req.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  // Fail on an unwritable output before spending minutes collecting.
  const fs::path out_dir = fs::absolute(o.output).parent_path();
  if (!fs::is_directory(out_dir)) {
    throw Error("write", o.output, "the output's directory does not exist");
  }
  std::optional<TempDir> temp;
  if (o.keep_raw.empty()) {
    temp.emplace();
    req.raw_dir = temp->path();
  } else {
    req.raw_dir = o.keep_raw;
  }

  SignalGuard guard(on_collect_signal, false);
  LiveCollection c;
  try {
    c = collect_live_profiles(req);
  } catch (const Error& e) {
    if (g_signal == 0) throw;
    std::cerr << "pgo-harness collect: interrupted by "
              << (g_signal == SIGTERM ? "SIGTERM" : "SIGINT") << "; " << o.output
              << " left untouched\n";
    return 128 + static_cast<int>(g_signal);
  }
  if (!o.keep_raw.empty()) {
    pgo::write_file_atomically(o.keep_raw + "/manifest.json",
                               render_raw_manifest(c, o.fetch.seconds));
  }
  const bool single = c.instances.size() == 1;
  if (!single) {
    for (const InstanceResult& inst : c.instances) {
      for (std::size_t r = 0; r < inst.fetches.size(); ++r) {
        const FetchedProfile& f = inst.fetches[r];
        if (f.ok()) continue;
        std::cerr << "pgo-harness collect: instance " << inst.target.name
                  << (inst.fetches.size() > 1 ? fmt::format(" round {}", r + 1) : std::string())
                  << " failed: " << to_string(f.failure) << ": " << f.reason << "\n";
      }
    }
  }
  for (const std::string& w : c.warnings)
    std::cerr << "pgo-harness collect: warning: " << w << "\n";

  bool written = false;
  std::string sha;
  std::string failure;
  if (!c.enough_instances) {
    failure = fmt::format("{} of {} instance(s) gave a usable profile, at least {} needed",
                          c.succeeded_instances, c.instances.size(), c.min_instances);
    if (single && !c.instances[0].fetches.empty()) {
      const FetchedProfile& f = c.instances[0].fetches.back();
      failure = c.instances[0].target.name + ": " + to_string(f.failure) + ": " + f.reason;
    }
  } else if (g_cancel.load()) {
    std::cerr << "pgo-harness collect: interrupted; " << o.output << " left untouched\n";
    return 128 + static_cast<int>(g_signal != 0 ? g_signal : SIGINT);
  } else {
    write_pgo_profile(c.merged, o.output);
    written = true;
    sha = sha256_file_hex(o.output);
  }
  if (o.json) {
    std::cout << to_json(c, o, written, sha).dump(2) << "\n";
  } else {
    std::cout << render_text(c);
    if (written) {
      std::cout << fmt::format("wrote {} ({} samples, {} hot edges, from {} of {} instances)\n",
                               o.output, c.merged_samples, c.merged_hot_edges,
                               c.succeeded_instances, c.instances.size());
    }
  }
  std::cout << std::flush;
  if (!written) {
    std::cerr << "pgo-harness collect: error: " << failure << " (" << o.output
              << " left untouched)\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void configure_collect_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<CollectOptions>();
  app.footer(kCollectFooter);
  add_target_options(app, o->live, "Base URL (http://HOST:PORT) or full profile URL",
                     "Fail unless this many instances gave a usable profile (default: a "
                     "majority, floor(N/2)+1)");
  app.add_option("-o,--output", o->output, "The merged PGO profile, replaced atomically")
      ->type_name("FILE")
      ->default_val("default.pgo");
  add_fetch_options(app, o->fetch, "Capture window of each CPU profile, in seconds");
  app.add_option("--rounds", o->rounds, "Collection rounds (windows over time)")
      ->type_name("N")
      ->default_val(1)
      ->check(CLI::Range(1, 1000));
  app.add_option("--every", o->every,
                 "Time between round starts: 90s, 15m, 1h (default 0: back to back)")
      ->type_name("D");
  app.add_option(
         "--keep-raw", o->keep_raw,
         "Keep the raw profiles in DIR with manifest.json (URL, window, HTTP status, sha256)")
      ->type_name("DIR");
  app.add_flag("--no-normalize", o->no_normalize,
               "Merge raw sample values instead of scaling each profile to the same total");
  app.add_option("--outlier-gap", o->outlier_gap_percent,
                 "Flag an instance whose coverage of the merged hot weight is this many points "
                 "below the others' median")
      ->type_name("PCT")
      ->default_val(kDefaultOutlierGap * 100)
      ->check(CLI::Range(0.0, 100.0));
  app.add_flag("--json", o->json, "Print the outcome as JSON (pgo-harness-collect/1) on stdout");
  app.add_flag("-q,--quiet", o->quiet, "No progress on stderr");
  app.callback([o, &runner] { runner = [o] { return run_collect(*o); }; });
}

}  // namespace pgo::cli
