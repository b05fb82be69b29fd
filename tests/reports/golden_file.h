// Golden-file comparison for the reports tests. Set PGO_UPDATE_GOLDEN=1 to rewrite the
// files from the current output (then review the diff before committing it).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace pgo::reports::testing {

inline std::string golden_path(const std::string& name) {
  return std::string(PGO_TESTS_DIR) + "/reports/golden/" + name;
}

// Returns the golden file's content, first rewriting it when PGO_UPDATE_GOLDEN is set.
inline std::string golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_path(name);
  if (std::getenv("PGO_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace pgo::reports::testing
