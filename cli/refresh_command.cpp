// `pgo-harness refresh`: the weekly default.pgo job with a gate. Builds -pgo=off (v0), the
// committed profile (v1) and a candidate (v2: a file, or collected from live TARGETs) with
// the scenario's settings, times them in interleaved rounds (the `run` loop,
// run/pgo_loop.h), and replaces the committed file atomically only when the candidate
// is not significantly slower (run/refresh_gate.h). Prints a Markdown summary fit for
// a pull-request body.
//
// Exit codes (README.md, "pgo-harness refresh"):
//   0 updated: the committed profile was replaced by the candidate
//   3 kept: the candidate was significantly slower, or identical; nothing written
//   1 failed: bad scenario or profile, too few instances, a build or workload failed
//   2 wrong command line
//   130 / 143 interrupted by SIGINT / SIGTERM (the committed profile is untouched)
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "base/file_io.h"
#include "base/sha256.h"
#include "cli/command.h"
#include "cli/fetch_options.h"
#include "cli/signal_guard.h"
#include "merge/profile_reader.h"
#include "process/process.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/report_summary.h"
#include "reports/run_report_json.h"
#include "reports/text_format.h"
#include "run/live_collection.h"
#include "run/pgo_loop.h"
#include "run/profile_target.h"
#include "run/refresh_gate.h"
#include "run/run_directory.h"
#include "scenario/scenario.h"

namespace pgo::cli {
namespace {

namespace fs = std::filesystem;
using namespace pgo::harness;

constexpr int kExitKept = 3;

struct RefreshArgs {
  std::string scenario;
  std::string committed;
  std::string candidate;
  TargetCliOptions live;
  FetchCliOptions fetch;
  std::string out;
  double max_slowdown_percent = 1.0;
  std::optional<int> runs, warmup;
  std::optional<std::uint64_t> seed;
  std::string build_cache = "run";
  std::string summary;
  bool quiet = false;
};

std::atomic<bool> g_cancel{false};
volatile sig_atomic_t g_signal = 0;

extern "C" void on_refresh_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  g_cancel.store(true);
  kill_all_children();  // async-signal-safe; the loop then sees its child fail and stops
}

class RefreshObserver : public LoopObserver {
 public:
  RefreshObserver(std::string report_path, bool quiet)
      : report_path_(std::move(report_path)), quiet_(quiet) {}
  void phase_started(const Phase& phase, std::size_t index, std::size_t count) override {
    if (!quiet_) std::fprintf(stderr, "[%zu/%zu] %s ...\n", index + 1, count, phase.name().c_str());
  }
  void checkpoint(const RunReport& report) override {
    reports::write_run_report(report, report_path_);
  }
  bool stop_requested() override { return g_signal != 0; }

 private:
  std::string report_path_;
  bool quiet_;
};

std::string absolute(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

const GeomeanSpeedup* geomean_of(const RunReport& r, const std::string& build) {
  for (const GeomeanSpeedup& g : r.analysis.geomean) {
    if (g.build == build) return &g;
  }
  return nullptr;
}

const BuildRecord* build_of(const RunReport& r, const std::string& label) {
  for (const BuildRecord& b : r.builds) {
    if (b.label == label) return &b;
  }
  return nullptr;
}

std::string render_summary(const RunReport& r, const RefreshDecision& d, const RefreshArgs& a,
                           const std::string& candidate_origin, const std::string& run_dir) {
  std::string out = fmt::format("## PGO profile refresh: {}\n\n**{}**\n\n", r.scenario_name,
                                reports::markdown_cell(d.reason));
  out +=
      "| Build | Profile | sha256 | Speedup vs -pgo=off (geomean) | 95% CI |\n"
      "|---|---|---|---:|---|\n";
  for (const auto& [label, role] : {std::pair<std::string, std::string>{"v1", "committed"},
                                    std::pair<std::string, std::string>{"v2", "candidate"}}) {
    const GeomeanSpeedup* g = geomean_of(r, label);
    const BuildRecord* b = build_of(r, label);
    out += fmt::format("| {} ({}) | `{}` | `{}` | {} | {} |\n", label, role,
                       role == "committed" ? a.committed : candidate_origin,
                       b ? b->profile_sha256.substr(0, 16) : "-",
                       g ? reports::format_speedup(g->speedup) : "-",
                       g ? reports::format_speedup_interval(g->ci_lower, g->ci_upper) : "-");
  }
  out +=
      "\n### Candidate vs committed\n\n| Workload | Time ratio | 95% CI | p | Test | Verdict |\n"
      "|---|---:|---|---:|---|---|\n";
  for (const WorkloadAnalysis& w : r.analysis.workloads) {
    for (const IterationAnalysis& it : w.iterations) {
      if (it.iteration != 2 || !it.vs_previous) continue;
      const Comparison& c = *it.vs_previous;
      out +=
          fmt::format("| {} | {} | {} | {} | {} | {} |\n", reports::markdown_cell(w.workload),
                      c.time_ratio ? fmt::format("{:.3f}", *c.time_ratio) : "-",
                      reports::format_change_interval(c.time_ratio_ci_lower, c.time_ratio_ci_upper),
                      reports::format_p_value(c.p_value), reports::format_method(c),
                      harness::to_string(c.verdict));
    }
  }
  for (const IterationProfile& p : r.profiles) {
    if (p.iteration == 2 && p.overlap_with_previous) {
      out += fmt::format(
          "\nHot-edge overlap of the candidate with the committed profile: weighted {}, hot "
          "coverage {}, Jaccard {}.\n",
          reports::format_percent(p.overlap_with_previous->weighted_overlap),
          reports::format_percent(p.overlap_with_previous->hot_coverage),
          reports::format_percent(p.overlap_with_previous->hot_jaccard));
    }
  }
  if (const BuildRecord* b = build_of(r, "v1"); b && b->staleness) {
    std::string names;
    for (const auto& m : b->staleness->hottest_missing)
      names += (names.empty() ? "" : ", ") + ("`" + m.name + "`");
    out += fmt::format(
        "\nStaleness of the committed profile: {} of its hot edge weight ({} of all) is on "
        "functions the current build no longer has{}.\n",
        reports::format_percent(b->staleness->hot_share),
        reports::format_percent(b->staleness->total_share),
        names.empty() ? std::string() : " (" + names + ")");
  }
  for (const std::string& w : r.warnings) out += "\n- warning: " + reports::markdown_cell(w);
  if (!r.warnings.empty()) out += "\n";
  out += fmt::format("\nRun: `{}/report.json` (max tolerated slowdown {:.1f}%).\n", run_dir,
                     a.max_slowdown_percent);
  return out;
}

// Collects the candidate from live targets into RUNDIR/candidate.pgo (raw profiles and
// their manifest kept in RUNDIR/candidate-raw for provenance).
std::string collect_candidate(const RefreshArgs& a, const RunDirectory& dir, std::string& origin) {
  const std::vector<std::string> specs = all_targets(a.live);
  LiveCollectionRequest req;
  for (const std::string& s : specs)
    req.targets.push_back(parse_profile_target(s, a.fetch.seconds));
  req.http = make_http_options(a.fetch);
  req.http.cancel = &g_cancel;
  req.min_instances = min_instances_of(a.live, specs.size());
  req.raw_dir = dir.root() + "/candidate-raw";
  if (!a.quiet)
    req.progress = [](const std::string& l) { std::fprintf(stderr, "%s\n", l.c_str()); };
  LiveCollection c = collect_live_profiles(req);
  pgo::write_file_atomically(req.raw_dir + "/manifest.json",
                             render_raw_manifest(c, a.fetch.seconds));
  for (const InstanceResult& inst : c.instances) {
    for (const FetchedProfile& f : inst.fetches) {
      if (!f.ok()) {
        std::cerr << "pgo-harness refresh: instance " << inst.target.name
                  << " failed: " << to_string(f.failure) << ": " << f.reason << "\n";
      }
    }
  }
  for (const std::string& w : c.warnings)
    std::cerr << "pgo-harness refresh: warning: " << w << "\n";
  if (!c.enough_instances) {
    throw Error("collect", "",
                fmt::format("{} of {} instance(s) gave a usable profile, at least {} needed",
                            c.succeeded_instances, c.instances.size(), c.min_instances));
  }
  const std::string path = dir.root() + "/candidate.pgo";
  write_pgo_profile(c.merged, path);
  origin = fmt::format("collected from {} of {} target(s)", c.succeeded_instances, specs.size());
  return path;
}

int run_refresh(const RefreshArgs& a) {
  g_cancel.store(false);
  g_signal = 0;
  const bool from_targets = a.live.given();
  if (a.candidate.empty() == !from_targets) {
    std::cerr << "pgo-harness refresh: error: give the candidate as --candidate FILE or as "
                 "TARGET URLs to collect from (not both)\n";
    return kExitUsage;
  }
  auto cache = build_cache_from_string(a.build_cache);
  if (!cache) {
    std::cerr << "pgo-harness refresh: error: --build-cache must be fresh, run or go\n";
    return kExitUsage;
  }
  if (!fs::is_regular_file(a.committed)) {
    throw Error("refresh", a.committed, "the committed profile does not exist",
                "give the profile the build uses, e.g. cmd/app/default.pgo");
  }
  check_pgo_usable(merge::read_profile_file(a.committed), a.committed);
  Scenario scenario = load_scenario(a.scenario);
  std::string run_dir = a.out.empty() ? default_run_directory(scenario.name + "-refresh",
                                                              std::chrono::system_clock::now())
                                      : a.out;
  if (fs::exists(fs::path(run_dir) / "report.json")) {
    throw Error("rundir", run_dir, "already holds a run (report.json)", "use another --out");
  }
  RunDirectory dir(run_dir);
  SignalGuard signals(on_refresh_signal);
  std::string candidate, origin;
  try {
    if (from_targets) {
      candidate = collect_candidate(a, dir, origin);
    } else {
      candidate = absolute(a.candidate);
      origin = a.candidate;
      check_pgo_usable(merge::read_profile_file(candidate), a.candidate);
    }
  } catch (const Error&) {
    if (g_signal == 0) throw;
    std::cerr << "pgo-harness refresh: interrupted; " << a.committed << " left untouched\n";
    return 128 + static_cast<int>(g_signal);
  }
  const auto committed_bytes = merge::read_file_bytes(a.committed);
  const auto candidate_bytes = merge::read_file_bytes(candidate);
  const bool identical = committed_bytes == candidate_bytes;

  RunOptions options;
  options.profile = absolute(a.committed);
  options.candidate_profile = candidate;
  options.build_cache = *cache;
  options.trials.runs = a.runs;
  options.trials.warmup = a.warmup;
  options.trials.seed = a.seed;
  RefreshObserver observer(dir.report_json(), a.quiet);
  RunReport report;
  try {
    PgoLoop loop(std::move(scenario), options, dir, observer, PGO_HARNESS_VERSION);
    report = loop.run();
  } catch (const RunFailure& f) {
    kill_all_children();
    if (f.kind() == FailureKind::kInterrupted) {
      std::cerr << "pgo-harness refresh: interrupted: " << f.what() << "; " << a.committed
                << " left untouched\n";
      return 128 + static_cast<int>(g_signal != 0 ? g_signal : SIGINT);
    }
    std::cerr << "pgo-harness refresh: error: " << f.what() << " (" << a.committed
              << " left untouched; report: " << dir.report_json() << ")\n";
    return kExitFailure;
  }
  kill_all_children();
  try {
    pgo::write_file_atomically(dir.root() + "/report.md", reports::render_markdown_report(report));
    pgo::write_file_atomically(dir.root() + "/report.html", reports::render_html_report(report));
  } catch (const std::exception& e) {
    std::cerr << "pgo-harness refresh: warning: could not render report.md/html: " << e.what()
              << "\n";
  }
  RefreshThresholds thresholds;
  thresholds.max_slowdown = a.max_slowdown_percent / 100;
  const RefreshDecision decision = decide_refresh(report, thresholds, identical);
  if (g_signal != 0) {
    std::cerr << "pgo-harness refresh: interrupted; " << a.committed << " left untouched\n";
    return 128 + static_cast<int>(g_signal);
  }
  if (decision.replace) pgo::write_file_atomically(a.committed, candidate_bytes);
  const std::string summary = render_summary(report, decision, a, origin, dir.root());
  if (!a.summary.empty()) pgo::write_file_atomically(a.summary, summary);
  std::cout << summary << std::flush;
  return decision.replace ? kExitOk : kExitKept;
}

}  // namespace

void configure_refresh_command(CLI::App& app, CommandRunner& runner) {
  auto a = std::make_shared<RefreshArgs>();
  app.footer(R"(The candidate is --candidate FILE, or collected from live TARGETs as `collect` does
(base URL or full profile URL; --targets-file, --seconds, --token-env, --cacert, ...).
Builds -pgo=off (v0), the committed profile (v1) and the candidate (v2), times them in
interleaved rounds, and replaces COMMITTED atomically unless the candidate is
significantly slower than it on some workload by more than --max-slowdown (or identical).

Examples:
  pgo-harness refresh scenarios/app/scenario.json --committed cmd/app/default.pgo \
      http://prod1:6060 http://prod2:6060 http://prod3:6060 --summary pr-body.md
  pgo-harness refresh scenario.json --committed default.pgo --candidate new.pgo --runs 20

Exit codes: 0 updated, 3 kept (candidate slower or identical), 1 failed (committed file
untouched), 2 bad command line, 130/143 interrupted (committed file untouched).)");
  app.add_option("scenario", a->scenario, "The scenario file (scenarios/NAME/scenario.json)")
      ->required();
  app.add_option("--committed", a->committed,
                 "The committed profile, replaced when the gate passes")
      ->required()
      ->type_name("FILE");
  app.add_option("--candidate", a->candidate, "The candidate profile (instead of TARGETs)")
      ->type_name("FILE");
  add_target_options(app, a->live, "Collect the candidate from these live instances",
                     "With TARGETs: instances that must succeed (default: a majority)");
  add_fetch_options(app, a->fetch, "With TARGETs: capture window of each CPU profile, in seconds");
  app.add_option("--out,-o", a->out, "Run directory (default: runs/NAME-refresh-YYYYMMDD-HHMMSS)");
  app.add_option("--max-slowdown", a->max_slowdown_percent,
                 "Keep the committed profile when the candidate is significantly slower by more "
                 "than PCT percent on a workload")
      ->type_name("PCT")
      ->default_val(1.0)
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--runs", a->runs, "Exact timed runs per build and workload")
      ->check(CLI::Range(1, 100000));
  app.add_option("--warmup", a->warmup, "Untimed runs per build and workload")
      ->check(CLI::Range(0, 1000));
  app.add_option("--seed", a->seed, "Seed of the run order shuffle and the bootstraps");
  app.add_option("--build-cache", a->build_cache, "fresh, run (default) or go, as for `run`")
      ->default_val("run");
  app.add_option("--summary", a->summary, "Also write the Markdown summary to FILE (atomically)")
      ->type_name("FILE");
  app.add_flag("--quiet,-q", a->quiet, "No progress on stderr");
  app.callback([a, &runner] { runner = [a] { return run_refresh(*a); }; });
}

}  // namespace pgo::cli
