#include "base/error.h"

#include <utility>

namespace pgo {

std::string format_error(const std::string& stage, const std::string& file,
                         const std::string& problem, const std::string& hint) {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!stage.empty()) out += stage + ": ";
  out += problem;
  if (!hint.empty()) out += " (" + hint + ")";
  return out;
}

Error::Error(std::string stage, std::string file, std::string problem, std::string hint)
    : std::runtime_error(format_error(stage, file, problem, hint)),
      stage_(std::move(stage)),
      file_(std::move(file)),
      problem_(std::move(problem)),
      hint_(std::move(hint)) {}

}  // namespace pgo
