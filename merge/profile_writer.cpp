#include "merge/profile_writer.h"

#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "merge/error.h"

namespace pgo::merge {
namespace {

namespace fs = std::filesystem;

// Level 6 is zlib's default and what Go's gzip writer uses: the output is deterministic
// for a given zlib build because level, strategy and header fields are all fixed here.
constexpr int kGzipLevel = 6;

std::vector<std::uint8_t> gzip_bytes(const std::string& raw) {
  z_stream zs{};
  // windowBits 16+15 asks zlib for a gzip wrapper with mtime 0, no name, OS "unix".
  if (deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error("encode", "", "zlib initialization failed");
  }
  std::vector<std::uint8_t> out(deflateBound(&zs, raw.size()));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const std::size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error("encode", "", "gzip compression failed");
  out.resize(written);
  return out;
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::vector<std::uint8_t> encode_profile(const perftools::profiles::Profile& profile) {
  std::string raw;
  {
    google::protobuf::io::StringOutputStream stream(&raw);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!profile.SerializeToCodedStream(&coded)) {
      throw Error("encode", "", "protobuf serialization failed");
    }
  }
  return gzip_bytes(raw);
}

void write_file_atomically(const std::string& path, const std::vector<std::uint8_t>& bytes) {
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

void write_profile_file(const perftools::profiles::Profile& profile, const std::string& path) {
  write_file_atomically(path, encode_profile(profile));
}

}  // namespace pgo::merge
