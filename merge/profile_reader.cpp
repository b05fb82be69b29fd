#include "merge/profile_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_set>

#include "merge/error.h"
#include "merge/file_io.h"

namespace pgo::merge {
namespace {

namespace fs = std::filesystem;
using perftools::profiles::Profile;

constexpr const char* kConvertHint = "convert it with `go tool pprof -proto FILE > FILE.pb.gz`";

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::uint64_t load_word(std::span<const std::uint8_t> bytes, std::size_t offset, std::size_t width,
                        bool little_endian) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t byte = little_endian ? offset + width - 1 - i : offset + i;
    v = (v << 8) | bytes[byte];
  }
  return v;
}

// gperftools' binary CPU profile starts with the header words {0, 3, 0, period, 0} in
// the machine's word size and byte order; protobuf never starts with a zero byte (field 0
// does not exist), so this cannot misfire on a real profile.
bool looks_like_legacy_cpu_profile(std::span<const std::uint8_t> bytes) {
  for (std::size_t width : {std::size_t{4}, std::size_t{8}}) {
    if (bytes.size() < 5 * width) continue;
    for (bool le : {true, false}) {
      if (load_word(bytes, 0, width, le) == 0 && load_word(bytes, width, width, le) == 3 &&
          load_word(bytes, 2 * width, width, le) == 0) {
        return true;
      }
    }
  }
  return false;
}

bool looks_like_legacy_text_profile(std::span<const std::uint8_t> bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()),
                              std::min<std::size_t>(bytes.size(), 64));
  for (std::string_view prefix : {"heap profile:", "heap_v2/", "--- contention", "--- mutex",
                                  "--- heapz", "--- threadz", "thread profile:"}) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

// Walks the top-level fields without decoding them. A second time_nanos (field 9) means
// two serialized profiles were concatenated; protobuf parsing would silently merge them,
// so this is the only place the mistake can be seen (pprof rejects it the same way).
void scan_top_level_fields(std::span<const std::uint8_t> data, const std::string& name) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(data.data(), static_cast<int>(data.size()));
  in.SetTotalBytesLimit(std::numeric_limits<int>::max());
  int time_nanos_fields = 0;
  while (true) {
    const std::uint32_t tag = in.ReadTag();
    if (tag == 0) {
      if (in.CurrentPosition() != static_cast<int>(data.size())) {
        throw Error("decode", name, "corrupt protobuf: invalid field tag",
                    "the file is damaged or not a pprof profile");
      }
      break;
    }
    if (WireFormatLite::GetTagFieldNumber(tag) == 9) ++time_nanos_fields;
    if (!WireFormatLite::SkipField(&in, tag)) {
      throw Error("decode", name, "corrupt protobuf: truncated or malformed field",
                  "the file is damaged or not a pprof profile");
    }
  }
  if (time_nanos_fields > 1) {
    throw Error("decode", name,
                "concatenated profiles: " + std::to_string(time_nanos_fields) +
                    " time_nanos fields in one message",
                "pass each profile as a separate input instead of concatenating files");
  }
}

// Throws a validation error in one place so every message has the same shape.
[[noreturn]] void invalid(const std::string& name, const std::string& problem) {
  throw Error("validate", name, problem, "the profile is malformed; regenerate it");
}

// Set of IDs seen so far: a bitmap for the usual dense numbering 1..n, a hash set beyond.
class IdSet {
 public:
  explicit IdSet(std::size_t expected) : dense_(expected + 1, false) {}
  bool insert(std::uint64_t id) {
    if (id < dense_.size()) {
      if (dense_[id]) return false;
      dense_[id] = true;
      return true;
    }
    return sparse_.insert(id).second;
  }
  bool contains(std::uint64_t id) const {
    return id < dense_.size() ? static_cast<bool>(dense_[id]) : sparse_.contains(id);
  }

 private:
  std::vector<bool> dense_;
  std::unordered_set<std::uint64_t> sparse_;
};

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw Error("read", path, ec ? describe_path_error(ec.value()) : "no such file",
                "check the path");
  }
  if (fs::is_directory(status)) {
    throw Error("read", path, "is a directory",
                "pass the directory as an input to merge its files");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("read", path, std::string("cannot open: ") + std::strerror(errno),
                "check the file's permissions");
  }
  std::vector<std::uint8_t> bytes;
  const auto size = fs::is_regular_file(status) ? fs::file_size(path, ec) : 0;
  if (!ec && size > 0) bytes.reserve(size);
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.insert(bytes.end(), buffer, buffer + in.gcount());
  }
  if (in.bad()) {
    throw Error("read", path, "read error", "check the file system");
  }
  if (bytes.empty()) {
    throw Error("read", path, "empty file", "the profile was not written; capture it again");
  }
  return bytes;
}

namespace {

// zlib's streaming inflate: slower than libdeflate but tells a truncated stream from a
// corrupt one, so it produces the error message whenever the fast path fails.
std::vector<std::uint8_t> gunzip_with_zlib(std::span<const std::uint8_t> bytes,
                                           const std::string& name) {
  std::vector<std::uint8_t> out;
  // The gzip trailer holds the uncompressed size mod 2^32: a good first guess.
  std::size_t guess = bytes.size() * 4;
  if (bytes.size() >= 18) {
    const std::size_t isize = load_word(bytes, bytes.size() - 4, 4, true);
    if (isize > 0 && isize / 1100 < bytes.size()) guess = isize;
  }
  out.resize(std::max<std::size_t>(guess, 1024));

  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    throw Error("gunzip", name, "zlib initialization failed");
  }
  struct Closer {
    z_stream* zs;
    ~Closer() { inflateEnd(zs); }
  } closer{&zs};

  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  while (true) {
    if (out_pos == out.size()) out.resize(out.size() * 2);
    const std::size_t in_chunk = std::min<std::size_t>(bytes.size() - in_pos, 1u << 30);
    const std::size_t out_chunk = std::min<std::size_t>(out.size() - out_pos, 1u << 30);
    zs.next_in = const_cast<Bytef*>(bytes.data() + in_pos);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = out.data() + out_pos;
    zs.avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_chunk - zs.avail_in;
    out_pos += out_chunk - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // gzip allows several members back to back (like Go's reader); anything else after
      // a member is garbage.
      if (in_pos == bytes.size()) break;
      if (!is_gzip(bytes.subspan(in_pos))) {
        throw Error("gunzip", name, "trailing garbage after the gzip stream",
                    "the file is damaged; re-fetch the profile");
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_out == 0) continue;  // output full: grow and retry
    if (rc == Z_BUF_ERROR) {
      throw Error("gunzip", name, "truncated gzip stream",
                  "the file was cut short; re-fetch or re-capture the profile");
    }
    throw Error("gunzip", name,
                std::string("corrupt gzip data: ") + (zs.msg ? zs.msg : "inflate failed"),
                "the file is damaged; re-fetch the profile");
  }
  out.resize(out_pos);
  return out;
}

// libdeflate inflates whole buffers about twice as fast as zlib; gunzip is a large share
// of a merge's time (FACTS: 0.37 s of pprof's 3 s on 100 x default.pgo).
bool gunzip_with_libdeflate(std::span<const std::uint8_t> bytes, std::vector<std::uint8_t>& out) {
  struct Decompressor {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Decompressor() { libdeflate_free_decompressor(d); }
  };
  thread_local Decompressor decompressor;
  if (decompressor.d == nullptr) return false;
  // The trailer's ISIZE (size mod 2^32 of the last member) is exact for the usual
  // single-member file; beyond that the buffer doubles.
  std::size_t guess = bytes.size() * 4;
  const std::size_t isize = load_word(bytes, bytes.size() - 4, 4, true);
  if (isize > 0 && isize / 1100 < bytes.size()) guess = isize;
  out.resize(std::max<std::size_t>(guess, 1024));
  std::size_t in_pos = 0, out_pos = 0;
  while (in_pos < bytes.size()) {
    if (!is_gzip(bytes.subspan(in_pos))) return false;  // trailing garbage: zlib reports it
    std::size_t used_in = 0, used_out = 0;
    const auto rc = libdeflate_gzip_decompress_ex(decompressor.d, bytes.data() + in_pos,
                                                  bytes.size() - in_pos, out.data() + out_pos,
                                                  out.size() - out_pos, &used_in, &used_out);
    if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
      out.resize(out.size() * 2);
      continue;
    }
    if (rc != LIBDEFLATE_SUCCESS) return false;
    in_pos += used_in;
    out_pos += used_out;
  }
  out.resize(out_pos);
  return true;
}

}  // namespace

std::vector<std::uint8_t> maybe_gunzip(std::span<const std::uint8_t> bytes,
                                       const std::string& name) {
  if (!is_gzip(bytes)) return {bytes.begin(), bytes.end()};
  std::vector<std::uint8_t> out;
  if (bytes.size() >= 18 && gunzip_with_libdeflate(bytes, out)) return out;
  return gunzip_with_zlib(bytes, name);
}

void decode_profile_into(std::span<const std::uint8_t> bytes, const std::string& name,
                         Profile& out) {
  if (bytes.empty()) {
    throw Error("decode", name, "empty input", "the profile was not written; capture it again");
  }
  std::vector<std::uint8_t> inflated;
  std::span<const std::uint8_t> data = bytes;
  if (is_gzip(bytes)) {
    inflated = maybe_gunzip(bytes, name);
    data = inflated;
    if (data.empty()) {
      throw Error("decode", name, "empty profile inside gzip", "capture the profile again");
    }
  }
  if (looks_like_legacy_cpu_profile(data)) {
    throw Error("decode", name, "legacy gperftools CPU profile, not pprof protobuf", kConvertHint);
  }
  if (looks_like_legacy_text_profile(data)) {
    throw Error("decode", name, "legacy text profile, not pprof protobuf", kConvertHint);
  }
  if (data.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error("decode", name, "profile larger than 2 GiB", "split the capture");
  }
  scan_top_level_fields(data, name);
  if (!out.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
    throw Error("decode", name, "corrupt protobuf: not a valid pprof Profile message",
                "the file is damaged or not a pprof profile");
  }
  validate_profile(out, name);
}

Profile decode_profile(std::span<const std::uint8_t> bytes, const std::string& name) {
  Profile profile;
  decode_profile_into(bytes, name, profile);
  return profile;
}

Profile read_profile_file(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  return decode_profile(bytes, path);
}

void validate_profile(const Profile& p, const std::string& name) {
  const auto strings = static_cast<std::int64_t>(p.string_table_size());
  if (strings == 0) invalid(name, "empty string table (string_table[0] must be \"\")");
  if (!p.string_table(0).empty()) invalid(name, "string_table[0] is not the empty string");

  auto check_string = [&](std::int64_t index, const char* what) {
    if (index < 0 || index >= strings) {
      invalid(name, std::string(what) + " refers to string " + std::to_string(index) +
                        ", outside the string table (size " + std::to_string(strings) + ")");
    }
  };

  for (const auto& st : p.sample_type()) {
    check_string(st.type(), "sample_type.type");
    check_string(st.unit(), "sample_type.unit");
  }
  check_string(p.period_type().type(), "period_type.type");
  check_string(p.period_type().unit(), "period_type.unit");
  check_string(p.drop_frames(), "drop_frames");
  check_string(p.keep_frames(), "keep_frames");
  check_string(p.default_sample_type(), "default_sample_type");
  check_string(p.doc_url(), "doc_url");
  for (std::int64_t c : p.comment()) check_string(c, "comment");

  IdSet mappings(static_cast<std::size_t>(p.mapping_size()));
  for (const auto& m : p.mapping()) {
    if (m.id() == 0) invalid(name, "mapping with id 0 (IDs must be non-zero)");
    if (!mappings.insert(m.id())) invalid(name, "duplicate mapping id " + std::to_string(m.id()));
    check_string(m.filename(), "mapping.filename");
    check_string(m.build_id(), "mapping.build_id");
  }
  IdSet functions(static_cast<std::size_t>(p.function_size()));
  for (const auto& f : p.function()) {
    if (f.id() == 0) invalid(name, "function with id 0 (IDs must be non-zero)");
    if (!functions.insert(f.id())) {
      invalid(name, "duplicate function id " + std::to_string(f.id()));
    }
    check_string(f.name(), "function.name");
    check_string(f.system_name(), "function.system_name");
    check_string(f.filename(), "function.filename");
  }
  IdSet locations(static_cast<std::size_t>(p.location_size()));
  for (const auto& l : p.location()) {
    if (l.id() == 0) invalid(name, "location with id 0 (IDs must be non-zero)");
    if (!locations.insert(l.id())) {
      invalid(name, "duplicate location id " + std::to_string(l.id()));
    }
    if (l.mapping_id() != 0 && !mappings.contains(l.mapping_id())) {
      invalid(name, "location " + std::to_string(l.id()) + " refers to undefined mapping " +
                        std::to_string(l.mapping_id()));
    }
    for (const auto& line : l.line()) {
      // function_id 0 means "no function" in pprof; any other ID must exist.
      if (line.function_id() != 0 && !functions.contains(line.function_id())) {
        invalid(name, "location " + std::to_string(l.id()) + " refers to undefined function " +
                          std::to_string(line.function_id()));
      }
    }
  }
  const int types = p.sample_type_size();
  for (int i = 0; i < p.sample_size(); ++i) {
    const auto& s = p.sample(i);
    if (s.value_size() != types) {
      invalid(name, "sample " + std::to_string(i) + " has " + std::to_string(s.value_size()) +
                        " values but the profile has " + std::to_string(types) + " sample types");
    }
    for (std::uint64_t id : s.location_id()) {
      if (id == 0 || !locations.contains(id)) {
        invalid(name, "sample " + std::to_string(i) + " refers to undefined location " +
                          std::to_string(id));
      }
    }
    for (const auto& label : s.label()) {
      check_string(label.key(), "label.key");
      check_string(label.str(), "label.str");
      check_string(label.num_unit(), "label.num_unit");
    }
  }
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      throw Error("read", path, ec ? describe_path_error(ec.value()) : "no such file or directory");
    }
    if (!fs::is_directory(status)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string file_name = entry.path().filename().string();
      if (file_name.starts_with(".")) continue;
      std::error_code entry_ec;
      if (!entry.is_regular_file(entry_ec)) continue;
      files.push_back((fs::path(path) / file_name).string());
    }
    if (ec) throw Error("read", path, "cannot list directory: " + ec.message());
    if (files.empty()) {
      throw Error("read", path, "directory contains no profiles", "check the directory");
    }
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

}  // namespace pgo::merge
