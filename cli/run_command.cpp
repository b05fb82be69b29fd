// `pgo-harness run`: the PGO loop for one scenario (run/pgo_loop.h), with progress on
// stderr, report.json written after every phase, and the summary table at the end.
//
// Exit codes (README.md, "pgo-harness run"):
//   0 the run is complete (whatever the verdict; `compare` is the regression gate)
//   1 bad scenario or run directory, or another failure outside the phases below
//   2 wrong command line
//   3 a build failed (go mod download, a tool, v0..vN)
//   4 a workload failed: crashed, timed out, wrote or served no profile, server never ready
//   5 a profile is unusable: empty, invalid, or without a CPU sample type
//   130 / 143 interrupted by SIGINT / SIGTERM (the report says "interrupted"; --resume)
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/file_io.h"
#include "cli/command.h"
#include "cli/run_exit_codes.h"
#include "cli/signal_guard.h"
#include "process/process.h"
#include "reports/bench_terminal_format.h"
#include "reports/benchfmt_export.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/run_report_json.h"
#include "reports/run_summary_text.h"
#include "reports/text_format.h"
#include "run/pgo_loop.h"
#include "run/run_directory.h"
#include "scenario/scenario.h"

namespace pgo::cli {
namespace {

using namespace pgo::harness;
namespace fs = std::filesystem;

struct RunArgs {
  std::string scenario;
  std::string out;
  std::optional<int> iterations;
  std::string profile;
  std::string emit_default_pgo;
  std::string resume;
  bool quick = false;
  std::optional<int> runs, min_runs, max_runs, warmup;
  std::optional<double> target_precision;  // percent
  std::optional<double> max_time;
  std::optional<std::uint64_t> seed;
  std::string build_cache;
  bool quiet = false;
};

// The signal that asked the run to stop (0: none). Set from the handler, read by the loop.
volatile sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig) {
  if (g_stop_signal == 0) g_stop_signal = sig;
  kill_all_children();  // async-signal-safe; the loop then sees its child fail and stops
}

class ConsoleObserver : public LoopObserver {
 public:
  ConsoleObserver(std::string report_path, bool quiet)
      : report_path_(std::move(report_path)), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}

  void phase_started(const Phase& phase, std::size_t index, std::size_t count) override {
    if (quiet_) return;
    clear_bar();
    std::fprintf(stderr, "[%zu/%zu] %s ...\n", index + 1, count, phase.name().c_str());
  }
  void phase_skipped(const Phase& phase) override {
    if (!quiet_) std::fprintf(stderr, "  %s: done before, kept\n", phase.name().c_str());
  }
  void notice(const std::string& text) override {  // printed even with -q: it is a warning
    clear_bar();
    std::fprintf(stderr, "pgo-harness: warning: %s\n", text.c_str());
  }
  void phase_finished(const PhaseRecord& p) override {
    if (quiet_) return;
    clear_bar();
    std::fprintf(stderr, "  %s %s in %s (children %s)\n", p.name.c_str(),
                 to_string(p.status).c_str(), reports::format_seconds(p.wall_seconds).c_str(),
                 reports::format_seconds(p.child_seconds).c_str());
  }
  void trial_progress(const SchedulerProgress& p, const std::string& command) override {
    if (quiet_ || !tty_) return;
    std::string line = reports::format_progress_bar(
        p.phase == SchedulerProgress::Phase::kWarmup ? "Warming up" : "Timing", p.total_runs_done,
        p.total_runs_planned, p.eta_seconds, 30);
    std::fprintf(stderr, "\r%s  %s\x1b[K", line.c_str(), command.c_str());
    std::fflush(stderr);
    bar_ = true;
  }
  void checkpoint(const RunReport& report) override {
    reports::write_run_report(report, report_path_);
  }
  bool stop_requested() override { return g_stop_signal != 0; }

 private:
  void clear_bar() {
    if (bar_) std::fprintf(stderr, "\r\x1b[K");
    bar_ = false;
  }
  std::string report_path_;
  bool quiet_;
  bool tty_;
  bool bar_ = false;
};

void render_views(const RunReport& report, const RunDirectory& dir) {
  try {
    pgo::write_file_atomically(dir.root() + "/report.md", reports::render_markdown_report(report));
    pgo::write_file_atomically(dir.root() + "/report.html", reports::render_html_report(report));
    pgo::write_file_atomically(dir.root() + "/report.bench.txt",
                               reports::run_report_to_benchfmt(report));
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "pgo-harness: warning: could not render report.md/report.html/report.bench.txt: "
                 "%s\n",
                 e.what());
  }
}

std::string absolute(const std::string& path) {
  return fs::absolute(path).lexically_normal().string();
}

int run_run(const RunArgs& a) {
  // ---- options ------------------------------------------------------------------------
  const bool resuming = !a.resume.empty();
  const bool trial_overrides =
      a.runs || a.min_runs || a.max_runs || a.warmup || a.target_precision || a.max_time || a.seed;
  if (resuming) {
    if (a.iterations || !a.profile.empty() || !a.emit_default_pgo.empty() || a.quick ||
        trial_overrides || !a.out.empty() || !a.build_cache.empty()) {
      throw UsageError(
          "--resume continues a run with the options it was started with; give no "
          "other run option");
    }
  } else if (a.scenario.empty()) {
    throw UsageError("give a SCENARIO (scenarios/NAME/scenario.json), or --resume RUNDIR");
  }
  RunOptions options;
  RunReport previous;
  std::string scenario_path = a.scenario;
  std::string run_dir = a.out;
  if (resuming) {
    previous = reports::read_run_report(a.resume);
    if (previous.options) options = previous.options->given;
    if (scenario_path.empty()) scenario_path = previous.scenario_path;
    run_dir = fs::is_directory(a.resume) ? a.resume : fs::path(a.resume).parent_path().string();
  } else {
    options.iterations = a.iterations;
    if (a.iterations && (*a.iterations < 1 || *a.iterations > 10)) {
      throw UsageError("--iterations must be between 1 and 10");
    }
    if (!a.profile.empty()) {
      if (a.iterations && *a.iterations != 1) {
        throw UsageError("--profile evaluates one given profile: --iterations does not apply");
      }
      if (!fs::is_regular_file(a.profile)) {
        throw Error("options", a.profile, "the --profile file does not exist",
                    "give the path of a pprof CPU profile, e.g. default.pgo");
      }
      options.profile = absolute(a.profile);
    }
    if (!a.emit_default_pgo.empty()) options.emit_default_pgo = absolute(a.emit_default_pgo);
    options.quick = a.quick;
    if (a.runs && *a.runs < 1) throw UsageError("--runs must be at least 1");
    if (a.runs && (a.min_runs || a.max_runs || a.target_precision)) {
      throw UsageError(
          "--runs cannot be combined with --min-runs, --max-runs or --target-precision");
    }
    if (a.min_runs && *a.min_runs < 1) throw UsageError("--min-runs must be at least 1");
    if (a.max_runs && *a.max_runs < 1) throw UsageError("--max-runs must be at least 1");
    if (a.min_runs && a.max_runs && *a.min_runs > *a.max_runs) {
      throw UsageError("--min-runs must not exceed --max-runs");
    }
    if (a.warmup && *a.warmup < 0) throw UsageError("--warmup must not be negative");
    if (a.target_precision && *a.target_precision < 0) {
      throw UsageError("--target-precision must not be negative");
    }
    if (a.max_time && *a.max_time <= 0) throw UsageError("--max-time must be positive");
    options.trials.runs = a.runs;
    options.trials.min_runs = a.min_runs;
    options.trials.max_runs = a.max_runs;
    options.trials.warmup = a.warmup;
    if (a.target_precision) options.trials.target_precision = *a.target_precision / 100;
    options.trials.max_time_seconds = a.max_time;
    options.trials.seed = a.seed;
    if (!a.build_cache.empty()) {
      auto cache = build_cache_from_string(a.build_cache);
      if (!cache) throw UsageError("--build-cache must be fresh, run or go");
      options.build_cache = *cache;
    } else if (a.quick) {
      options.build_cache = BuildCache::kGo;
    }
  }

  Scenario scenario = load_scenario(scenario_path);
  if (!resuming && !options.profile && scenario.profile == "auto") {
    // As `go build -pgo=auto`: the main package's default.pgo.
    const fs::path committed = fs::path(scenario.package_path()) / "default.pgo";
    if (!fs::is_regular_file(committed)) {
      throw Error("scenario", scenario_path,
                  "\"profile\": \"auto\" but " + committed.string() + " does not exist",
                  "commit a default.pgo there, or leave \"profile\" out to collect profiles");
    }
    if (a.iterations && *a.iterations != 1) {
      throw UsageError("the scenario evaluates its default.pgo: --iterations does not apply");
    }
    options.profile = absolute(committed.string());
  }
  if (run_dir.empty()) {
    run_dir = default_run_directory(scenario.name, std::chrono::system_clock::now());
  }
  if (!resuming && fs::exists(fs::path(run_dir) / "report.json")) {
    throw Error("rundir", run_dir, "already holds a run (report.json)",
                "use --resume " + run_dir + " to continue it, or another --out");
  }
  RunDirectory dir(run_dir);
  ConsoleObserver observer(dir.report_json(), a.quiet);
  if (!a.quiet) {
    std::fprintf(stderr, "pgo-harness run: scenario %s, run directory %s\n", scenario.name.c_str(),
                 dir.root().c_str());
  }

  // ---- run ----------------------------------------------------------------------------
  SignalGuard signals(on_stop_signal);
  std::optional<RunReport> report;
  int code = kExitOk;
  try {
    PgoLoop loop(std::move(scenario), options, dir, observer, PGO_HARNESS_VERSION);
    report = resuming ? loop.resume(std::move(previous)) : loop.run();
  } catch (const RunFailure& f) {
    kill_all_children();
    code = run_failure_exit_code(f.kind(), static_cast<int>(g_stop_signal));
    // An interruption's own words already say "interrupted by a signal during PHASE".
    if (f.kind() == FailureKind::kInterrupted) {
      std::fprintf(stderr, "pgo-harness: %s\n",
                   format_error("", f.file(), f.problem(), f.hint()).c_str());
    } else {
      std::fprintf(stderr, "pgo-harness: error: %s\n", f.what());
    }
    if (fs::exists(dir.report_json())) {
      try {
        render_views(reports::read_run_report(dir.report_json()), dir);
      } catch (const std::exception&) {
        // The report itself is what matters; a view that cannot be rendered is not fatal.
      }
      std::fprintf(stderr, "pgo-harness: report: %s%s\n", dir.report_json().c_str(),
                   f.kind() == FailureKind::kInterrupted
                       ? (" (continue with: pgo-harness run --resume " + dir.root() + ")").c_str()
                       : "");
    }
    return code;
  }
  kill_all_children();
  render_views(*report, dir);
  std::cout << "\n" << reports::render_run_summary(*report, dir.root()) << std::flush;
  return code;
}

}  // namespace

void configure_run_command(CLI::App& app, CommandRunner& runner) {
  auto a = std::make_shared<RunArgs>();
  app.add_option("scenario", a->scenario, "The scenario file (scenarios/NAME/scenario.json)");
  app.add_option("--out,-o", a->out, "Run directory (default: runs/NAME-YYYYMMDD-HHMMSS)");
  app.add_option("--iterations,-n", a->iterations, "PGO iterations (overrides the scenario)");
  app.add_option("--profile", a->profile,
                 "Evaluate this profile against -pgo=off (one iteration, no collection)");
  app.add_option("--emit-default-pgo", a->emit_default_pgo,
                 "Write the final merged profile here (atomically), e.g. cmd/app/default.pgo");
  app.add_option("--resume", a->resume, "Continue an interrupted or failed run (its directory)");
  app.add_flag("--quick", a->quick,
               "Smoke setting: 2 iterations, 6 runs, no warm-up, the go build cache");
  app.add_option("--runs", a->runs, "Exact timed runs per build and workload");
  app.add_option("--min-runs", a->min_runs, "Adaptive stopping: at least this many runs");
  app.add_option("--max-runs", a->max_runs, "Adaptive stopping: at most this many runs");
  app.add_option("--target-precision", a->target_precision,
                 "Stop when every median is known within ±PCT percent (0: run --max-runs)");
  app.add_option("--warmup", a->warmup, "Untimed runs per build and workload");
  app.add_option("--max-time", a->max_time, "Trial time budget per workload, seconds");
  app.add_option("--seed", a->seed, "Seed of the run order shuffle and the bootstraps");
  app.add_option("--build-cache", a->build_cache,
                 "fresh (default: a cold cache per build, comparable build times), run (one "
                 "cache for the run, cold at the start: build times compare too) or go (your go "
                 "build cache; --quick's default; build times then not comparable)");
  app.add_flag("--quiet,-q", a->quiet, "No progress on stderr");
  app.callback([a, &runner] { runner = [a] { return run_run(*a); }; });
}

}  // namespace pgo::cli
