#include "reports/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "merge/error.h"

namespace pgo::reports {

void write_file_atomically(const std::string& path, std::string_view content) {
  // The pid keeps two processes writing the same report from sharing a temporary file.
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      throw Error("write", path, std::string("cannot create file: ") + std::strerror(errno),
                  "check that the directory exists and is writable");
    }
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      throw Error("write", path, "write failed", "check free disk space");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw Error("write", path, "cannot rename temporary file into place: " + reason);
  }
}

std::string read_text_file(const std::string& path, const std::string& stage) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(stage, path, std::string("cannot open file: ") + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace pgo::reports
