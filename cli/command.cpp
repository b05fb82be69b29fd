#include "cli/command.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>

#include "base/error.h"

namespace pgo::cli {
namespace {

// Flushes standard output and says whether everything written to it arrived: a full disk
// or /dev/full only shows up here, at the last flush, or as the stream's sticky error.
// Returns the problem in words, or "" when stdout is fine.
std::string stdout_write_problem() {
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::ferror(stdout) && !std::cout.fail()) return "";
  std::string problem = "cannot write to standard output";
  if (error != 0) problem.append(": ").append(std::strerror(error));
  return problem;
}

// A command's exit code, turned into a failure when its output to stdout was lost. A
// command that already failed keeps its own code (e.g. compare's 1 for a regression).
int finish(const std::string& program, int code) {
  const std::string problem = stdout_write_problem();
  if (problem.empty()) return code;
  std::cerr << program << ": error: <stdout>: write: " << problem
            << " (the output is incomplete)\n";
  return code == kExitOk ? kExitFailure : code;
}

// "pgo-harness bench": the program and the subcommand that was parsed, for help hints.
std::string selected_command(const CLI::App& app) {
  std::string name = app.get_name();
  const CLI::App* selected = &app;
  while (!selected->get_subcommands().empty()) {
    selected = selected->get_subcommands().front();
    name += " " + selected->get_name();
  }
  return name;
}

}  // namespace

int run_app(CLI::App& app, int argc, char** argv, CommandRunner& runner) {
  const std::string program = app.get_name();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return finish(program, app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return finish(program, app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return finish(program, app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": error: " << e.what() << " (see " << program << " --help)\n";
    return kExitUsage;
  }
  if (!runner) {
    std::cerr << program << ": error: no command given (see " << program << " --help)\n";
    return kExitUsage;
  }
  try {
    return finish(program, runner());
  } catch (const UsageError& e) {
    std::cerr << program << ": error: " << e.what() << " (see " << selected_command(app)
              << " --help)\n";
    return kExitUsage;
  } catch (const pgo::Error& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << program << ": internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace pgo::cli
