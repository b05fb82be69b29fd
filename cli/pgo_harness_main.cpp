// pgo-harness: benchmarking and regression harness for Go PGO (see README.md).
#include "cli/bench_command.h"
#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{"Benchmark and regression harness for Go profile-guided optimization.",
               "pgo-harness"};
  app.set_version_flag("--version", std::string("pgo-harness ") + PGO_HARNESS_VERSION);
  app.require_subcommand(1);
  pgo::cli::CommandRunner runner;

  CLI::App* merge = app.add_subcommand("merge", "Merge pprof profiles (same as pgo-merge).");
  pgo::cli::configure_merge_command(*merge, runner);

  CLI::App* inspect =
      app.add_subcommand("inspect", "PGO statistics of profiles (same as pgo-merge inspect).");
  pgo::cli::configure_inspect_command(*inspect, runner);

  CLI::App* run = app.add_subcommand(
      "run", "The PGO loop for one scenario: build, profile, merge, rebuild, time, analyse.");
  pgo::cli::configure_run_command(*run, runner);

  CLI::App* collect = app.add_subcommand(
      "collect", "Collect CPU profiles from live instances and merge them into a PGO profile.");
  pgo::cli::configure_collect_command(*collect, runner);

  CLI::App* refresh = app.add_subcommand(
      "refresh", "Refresh a committed default.pgo only when the candidate is not slower.");
  pgo::cli::configure_refresh_command(*refresh, runner);

  CLI::App* bench = app.add_subcommand(
      "bench", "Benchmark commands: interleaved trials, confidence intervals, comparisons.");
  pgo::cli::configure_bench_command(*bench, runner);

  CLI::App* report = app.add_subcommand(
      "report", "Render report.md, report.html and report.bench.txt from a run's report.json.");
  pgo::cli::configure_report_command(*report, runner);

  CLI::App* compare = app.add_subcommand(
      "compare",
      "Regression gate: compare two run reports, bench exports or go test -bench files.");
  pgo::cli::configure_compare_command(*compare, runner);

  CLI::App* history =
      app.add_subcommand("history", "Trend over a series of run reports or go test -bench files.");
  pgo::cli::configure_history_command(*history, runner);

  return pgo::cli::run_app(app, argc, argv, runner);
}
