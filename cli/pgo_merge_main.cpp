// pgo-merge: a deterministic merger of pprof CPU profiles (see README.md).
#include <string_view>

#include "cli/command.h"

int main(int argc, char** argv) {
  // `pgo-merge inspect ...` is dispatched before the merge options are parsed, because the
  // merge command takes free-form inputs (name a file called "inspect" as ./inspect).
  if (argc > 1 && std::string_view(argv[1]) == "inspect") {
    CLI::App inspect{"Print the PGO statistics of profiles without merging.", "pgo-merge inspect"};
    pgo::cli::CommandRunner runner;
    pgo::cli::configure_inspect_command(inspect, runner);
    return pgo::cli::run_app(inspect, argc - 1, argv + 1, runner);
  }
  CLI::App app{"Merge pprof CPU profiles into one deterministic PGO profile.", "pgo-merge"};
  pgo::cli::CommandRunner runner;
  pgo::cli::configure_merge_command(app, runner);
  return pgo::cli::run_app(app, argc, argv, runner);
}
