#include "base/name_list.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "base/error.h"
#include "base/file_io.h"

namespace pgo {

std::vector<std::string> parse_name_list(std::istream& in, const std::string& source,
                                         const std::string& stage) {
  std::vector<std::string> names;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find('\0') != std::string::npos) {
      throw Error(stage, source, "line " + std::to_string(number) + " of the list holds a NUL byte",
                  "a list names one file or URL per line: not a profile, not `find -print0` "
                  "output");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    names.push_back(std::move(line));
  }
  if (in.bad()) throw Error(stage, source, "cannot read the list");
  return names;
}

std::vector<std::string> read_name_list(const std::string& path, const std::string& stage) {
  if (path == "-") return parse_name_list(std::cin, "<stdin>", stage);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(stage, path, "is a directory, not a list", "name a file that lists one per line");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(stage, path, "cannot open the list: " + describe_path_error(errno),
                "check the path");
  }
  return parse_name_list(in, path, stage);
}

}  // namespace pgo
