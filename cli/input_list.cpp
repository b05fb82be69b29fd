#include "cli/input_list.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "base/error.h"

namespace pgo::cli {

std::vector<std::string> parse_input_list(std::istream& in, const std::string& source) {
  std::vector<std::string> inputs;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find('\0') != std::string::npos) {
      throw Error("read", source,
                  "line " + std::to_string(number) + " of the input list holds a NUL byte",
                  "--files-from takes names one per line: not a profile, not "
                  "`find -print0` output");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    inputs.push_back(std::move(line));
  }
  if (in.bad()) throw Error("read", source, "cannot read the input list");
  return inputs;
}

std::vector<std::string> read_input_list(const std::string& file) {
  if (file == "-") return parse_input_list(std::cin, "<stdin>");
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw Error("read", file, "is a directory, not an input list",
                "pass the directory itself as an INPUT, or a file naming the inputs");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error("read", file, std::string("cannot open the input list: ") + std::strerror(errno),
                "check the --files-from path");
  }
  return parse_input_list(in, file);
}

}  // namespace pgo::cli
