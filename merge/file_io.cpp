#include "merge/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "merge/error.h"

namespace pgo::merge {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes) {
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_name = ".";
  temp_name.append(target.filename().string()).append(".tmp-XXXXXX");
  std::string temp = (dir / temp_name).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw Error("write", path, "cannot create a temporary file: " + errno_text(),
                "check that the output directory exists and is writable");
  }
  // Everything after this point removes the temporary file on failure.
  auto fail = [&](const std::string& problem) {
    const std::string reason = problem + ": " + errno_text();
    ::close(fd);
    ::unlink(temp.c_str());
    throw Error("write", path, reason, "the existing output, if any, was left untouched");
  };
  // mkstemp creates 0600; give the result the permissions a plain create would.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0) fail("cannot set permissions");
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write failed");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync failed");
  if (::close(fd) != 0) {
    const std::string reason = "close failed: " + errno_text();
    ::unlink(temp.c_str());
    throw Error("write", path, reason, "the existing output, if any, was left untouched");
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = "cannot rename into place: " + errno_text();
    ::unlink(temp.c_str());
    throw Error("write", path, reason, "the existing output, if any, was left untouched");
  }
  // Make the rename itself durable; failure here does not undo a complete write.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path, std::span<const std::uint8_t>(
                                  reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
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

}  // namespace pgo::merge
