// pgo-harness: benchmarking and regression harness for Go PGO (see README.md).
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

  return pgo::cli::run_app(app, argc, argv, runner);
}
