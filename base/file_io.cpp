#include "base/file_io.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/error.h"

namespace pgo {
namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

constexpr const char* kUntouched = "the existing output, if any, was left untouched";

// Writes every byte to fd, retrying short writes and EINTR; false with errno set on error.
bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The regular file `target` replaced atomically. `mode`: permission bits to give the new
// file, or nullopt for those a plain create would give. `name` is what errors call it.
void replace_regular_file(const std::string& name, const fs::path& target,
                          std::span<const std::uint8_t> bytes, std::optional<mode_t> mode) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp_name = ".";
  temp_name.append(target.filename().string()).append(".tmp-XXXXXX");
  std::string temp = (dir / temp_name).string();
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    throw Error("write", name, "cannot create a temporary file: " + errno_text(),
                "check that the output directory exists and is writable");
  }
  // Everything after this point removes the temporary file on failure.
  auto fail = [&](const std::string& problem) {
    const std::string reason = problem + ": " + errno_text();
    ::close(fd);
    ::unlink(temp.c_str());
    throw Error("write", name, reason, kUntouched);
  };
  // mkstemp creates 0600; give the result the permissions a plain create would, or those
  // of the file it replaces.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, mode.value_or(0666 & ~mask)) != 0) fail("cannot set permissions");
  if (!write_all(fd, bytes)) fail("write failed");
  if (::fsync(fd) != 0) fail("fsync failed");
  if (::close(fd) != 0) {
    const std::string reason = "close failed: " + errno_text();
    ::unlink(temp.c_str());
    throw Error("write", name, reason, kUntouched);
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = "cannot rename into place: " + errno_text();
    ::unlink(temp.c_str());
    throw Error("write", name, reason, kUntouched);
  }
  // Make the rename itself durable; failure here does not undo a complete write.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

// A device, FIFO or terminal: written in place (opening it as the shell's `>` would), so
// that /dev/null stays a device. Nothing can be made atomic here; errors still count.
void write_through(const std::string& path, std::span<const std::uint8_t> bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    throw Error("write", path, "cannot open for writing: " + errno_text(),
                "the output is not a regular file, so it is written in place");
  }
  if (!write_all(fd, bytes)) {
    const std::string reason = "write failed: " + errno_text();
    ::close(fd);
    throw Error("write", path, reason, "the output is not a regular file; it was written in place");
  }
  if (::close(fd) != 0) {
    throw Error("write", path, "close failed: " + errno_text(),
                "the output is not a regular file; it was written in place");
  }
}

// Where a dangling symlink chain ends: the file a plain open(O_CREAT) would create.
fs::path dangling_link_target(const std::string& path) {
  fs::path current(path);
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::error_code ec;
    const fs::path next = fs::read_symlink(current, ec);
    if (ec) return current;
    current = next.is_absolute() ? next : current.parent_path() / next;
  }
  errno = ELOOP;
  throw Error("write", path, "cannot resolve the output path: " + errno_text(),
              "the symlink points (through other links) back to itself");
}

}  // namespace

std::string describe_path_error(int error) {
  std::string text = std::strerror(error);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes) {
  struct stat followed;
  if (::stat(path.c_str(), &followed) != 0) {
    if (errno != ENOENT) {
      throw Error("write", path, "cannot use the output path: " + describe_path_error(errno),
                  "check the path and the symlinks on it");
    }
    // Nothing there yet (or a dangling symlink): create the file the path leads to.
    replace_regular_file(path, dangling_link_target(path), bytes, std::nullopt);
    return;
  }
  if (S_ISDIR(followed.st_mode)) {
    throw Error("write", path, "is a directory", "name a file inside it");
  }
  if (!S_ISREG(followed.st_mode)) {
    write_through(path, bytes);
    return;
  }
  struct stat own;
  fs::path target(path);
  if (::lstat(path.c_str(), &own) == 0 && S_ISLNK(own.st_mode)) {
    // Replace the file the link points to, keeping the link.
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) {
      throw Error("write", path, "cannot resolve the symlink: " + errno_text());
    }
    target = resolved;
  }
  replace_regular_file(path, target, bytes, followed.st_mode & 07777);
}

void check_writable(const std::string& path) {
  struct stat followed;
  fs::path target(path);
  if (::stat(path.c_str(), &followed) != 0) {
    if (errno != ENOENT) {
      throw Error("write", path, "cannot use the output path: " + describe_path_error(errno),
                  "check the path and the symlinks on it");
    }
    target = dangling_link_target(path);
  } else if (S_ISDIR(followed.st_mode)) {
    throw Error("write", path, "is a directory", "name a file inside it");
  } else if (S_ISFIFO(followed.st_mode)) {
    return;  // opening a FIFO waits for its reader: it is written at the end
  } else if (!S_ISREG(followed.st_mode)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw Error("write", path, "cannot open for writing: " + errno_text());
    ::close(fd);
    return;
  } else {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) != nullptr) target = resolved;
  }
  // The atomic write creates a temporary file next to the target: try exactly that.
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string probe = (dir / ".pgo-write-check-XXXXXX").string();
  const int fd = mkstemp(probe.data());
  if (fd < 0) {
    throw Error("write", path, "cannot create a file in its directory: " + errno_text(),
                "check that the output directory exists and is writable");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

void write_file_atomically(const std::string& path, std::string_view text) {
  write_file_atomically(path, std::span<const std::uint8_t>(
                                  reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string read_text_file(const std::string& path, const std::string& stage) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(stage, path, "cannot open file: " + describe_path_error(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace pgo
