// The command layer: the only code that sees argv and prints. Each command file adds its
// options to a CLI11 app and, when that app is the one parsed, leaves its runner behind.
//
//   CLI::App app{"pgo-merge"};
//   pgo::cli::CommandRunner runner;
//   pgo::cli::configure_merge_command(app, runner);
//   return pgo::cli::run_app(app, argc, argv, runner);
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <stdexcept>

namespace pgo::cli {

// Runs the selected command and returns its exit code.
using CommandRunner = std::function<int()>;

// Exit codes shared by every command; commands may define more above these.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // bad input, failed stage
inline constexpr int kExitUsage = 2;    // bad command line

// A command-line mistake found after parsing (a bad value, options that conflict). run_app
// prints "PROGRAM: error: MESSAGE (see PROGRAM [COMMAND] --help)" and exits kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses argv into app, runs the runner, and turns every error into one line on stderr
// and a documented exit code. The program name prefixes every message.
int run_app(CLI::App& app, int argc, char** argv, CommandRunner& runner);

// Adds the options of `pgo-merge` to app (the root app of pgo-merge, or the `merge`
// subcommand of pgo-harness).
void configure_merge_command(CLI::App& app, CommandRunner& runner);

// Adds the options of `pgo-merge inspect PROFILE...` (PGO statistics without merging).
void configure_inspect_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness report RUN`: report.md and report.html from a run's report.json.
void configure_report_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness compare BASE NEW`: the regression gate (exit 0 / 1 regression / 2 input).
void configure_compare_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness history REPORT...`: trends over a series of run reports.
void configure_history_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness run SCENARIO`: the PGO loop, writing a run directory (exit codes in
// cli/run_command.cpp and README.md).
void configure_run_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness collect TARGET...`: CPU profiles from live instances merged into one PGO
// profile (exit codes in cli/collect_command.cpp and README.md).
void configure_collect_command(CLI::App& app, CommandRunner& runner);

// `pgo-harness refresh SCENARIO --committed FILE`: replace a committed PGO profile with a
// candidate only when it is not significantly slower (cli/refresh_command.cpp).
void configure_refresh_command(CLI::App& app, CommandRunner& runner);

}  // namespace pgo::cli
