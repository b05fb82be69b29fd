#include "merge/profile_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <zlib.h>

#include "base/error.h"
#include "base/file_io.h"

namespace pgo::merge {
namespace {

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

void write_profile_file(const perftools::profiles::Profile& profile, const std::string& path) {
  write_file_atomically(path, encode_profile(profile));
}

}  // namespace pgo::merge
