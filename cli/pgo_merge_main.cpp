// pgo-merge: a deterministic merger of pprof CPU profiles (see README.md).
#include "cli/command.h"

int main(int argc, char** argv) {
  CLI::App app{"Merge pprof CPU profiles into one deterministic PGO profile.", "pgo-merge"};
  pgo::cli::CommandRunner runner;
  pgo::cli::configure_merge_command(app, runner);
  return pgo::cli::run_app(app, argc, argv, runner);
}
