#include "cli/command.h"

#include <exception>
#include <iostream>

#include "merge/error.h"

namespace pgo::cli {

int run_app(CLI::App& app, int argc, char** argv, CommandRunner& runner) {
  const std::string program = app.get_name();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << program << ": error: " << e.what() << " (see " << program << " --help)\n";
    return kExitUsage;
  }
  if (!runner) {
    std::cerr << program << ": error: no command given (see " << program << " --help)\n";
    return kExitUsage;
  }
  try {
    return runner();
  } catch (const pgo::Error& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << program << ": internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace pgo::cli
