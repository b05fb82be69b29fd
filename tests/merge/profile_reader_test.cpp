// Risk guarded against: a bad input (missing, empty, truncated or corrupt gzip, corrupt
// protobuf, legacy format, broken string table or IDs, wrong value count, concatenated
// profiles) being accepted silently or crashing, instead of one clear error naming the
// file, the stage and the problem; and valid inputs (gzip or raw) being rejected.
#include "merge/profile_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "merge/profile_writer.h"
#include "tests/support/profile_builder.h"

namespace fs = std::filesystem;
using pgo::merge::decode_profile;
using pgo::merge::testing::concat;
using pgo::merge::testing::ProfileBuilder;
using pgo::merge::testing::raw_bytes;
using pgo::merge::testing::wire_varint;

namespace {

ProfileBuilder small_profile() {
  ProfileBuilder b;
  auto f = b.function("main.main", "main.go", 10);
  auto g = b.function("main.work", "main.go", 20);
  auto l1 = b.location(0x401000, {{g, 22}});
  auto l2 = b.location(0x402000, {{f, 12}});
  b.sample({l1, l2}, {3, 30'000'000});
  return b;
}

// Expects decode_profile to throw a pgo::Error whose stage and problem match.
void expect_rejected(const std::vector<std::uint8_t>& bytes, const std::string& stage,
                     const std::string& problem_part) {
  try {
    decode_profile(bytes, "input.pprof");
    FAIL("accepted a bad profile; expected: " << problem_part);
  } catch (const pgo::Error& e) {
    CHECK(e.file() == "input.pprof");
    CHECK(e.stage() == stage);
    CHECK_THAT(e.problem(), Catch::Contains(problem_part));
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
}

void expect_invalid(const perftools::profiles::Profile& p, const std::string& problem_part) {
  expect_rejected(raw_bytes(p), "validate", problem_part);
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("pgo-reader-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    std::ofstream out(path / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return (path / name).string();
  }
};

}  // namespace

TEST_CASE("valid raw and gzip profiles decode to the same message", "[reader]") {
  const auto p = small_profile().build();
  const auto raw = raw_bytes(p);
  const auto gz = pgo::merge::encode_profile(p);
  REQUIRE(gz[0] == 0x1f);
  REQUIRE(gz[1] == 0x8b);
  const auto a = decode_profile(raw, "raw");
  const auto b = decode_profile(gz, "gz");
  CHECK(a.SerializeAsString() == p.SerializeAsString());
  CHECK(b.SerializeAsString() == p.SerializeAsString());
}

TEST_CASE("missing and empty files are rejected at the read stage", "[reader]") {
  TempDir dir;
  try {
    pgo::merge::read_file_bytes((dir.path / "nope.pprof").string());
    FAIL("missing file accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "read");
    CHECK_THAT(e.problem(), Catch::Contains("no such file"));
  }
  const auto empty = dir.write("empty.pprof", {});
  try {
    pgo::merge::read_profile_file(empty);
    FAIL("empty file accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "read");
    CHECK(e.file() == empty);
    CHECK_THAT(e.problem(), Catch::Contains("empty file"));
  }
}

TEST_CASE("a symlink loop as profile input is named as such, not as a missing file", "[reader]") {
  TempDir dir;
  const std::string loop = (dir.path / "loop").string();
  fs::create_symlink("loop", loop);
  CHECK_THROWS_WITH(pgo::merge::read_file_bytes(loop),
                    Catch::Contains("too many levels of symbolic links"));
  CHECK_THROWS_WITH(pgo::merge::expand_inputs({loop}),
                    Catch::Contains("too many levels of symbolic links"));
}

TEST_CASE("truncated and corrupt gzip are rejected at the gunzip stage", "[reader]") {
  const auto gz = pgo::merge::encode_profile(small_profile().build());
  auto truncated = gz;
  truncated.resize(gz.size() / 2);
  expect_rejected(truncated, "gunzip", "truncated");

  auto no_trailer = gz;
  no_trailer.resize(gz.size() - 4);  // deflate data complete, CRC/size trailer cut
  expect_rejected(no_trailer, "gunzip", "truncated");

  auto corrupt = gz;
  for (std::size_t i = 12; i < corrupt.size() - 8; ++i) corrupt[i] ^= 0x5a;
  expect_rejected(corrupt, "gunzip", "corrupt gzip");

  auto bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 0xff;
  expect_rejected(bad_crc, "gunzip", "corrupt gzip");

  auto trailing = gz;
  trailing.push_back('x');
  expect_rejected(trailing, "gunzip", "trailing garbage");
}

TEST_CASE("corrupt protobuf is rejected at the decode stage", "[reader]") {
  auto raw = raw_bytes(small_profile().build());
  auto truncated = raw;
  truncated.resize(raw.size() - 3);
  expect_rejected(truncated, "decode", "corrupt protobuf");
  expect_rejected({0x0a, 0xff, 0xff}, "decode", "corrupt protobuf");  // length past the end
  expect_rejected({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "decode",
                  "corrupt protobuf");
}

TEST_CASE("the legacy gperftools CPU profile gets a conversion hint", "[reader]") {
  const std::string legacy = std::string(PGO_SHARED_TESTDATA) + "/pprof/legacy-cppbench.cpu";
  try {
    pgo::merge::read_profile_file(legacy);
    FAIL("legacy profile accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "decode");
    CHECK(e.problem() == "legacy gperftools CPU profile, not pprof protobuf");
    CHECK_THAT(e.hint(), Catch::Contains("go tool pprof -proto"));
  }
}

TEST_CASE("concatenated profiles are detected by their second time_nanos", "[reader]") {
  auto raw = raw_bytes(small_profile().build());
  auto twice = raw;
  twice.insert(twice.end(), raw.begin(), raw.end());
  expect_rejected(twice, "decode", "concatenated profiles");
  // The same through gzip: two members back to back.
  const auto gz = pgo::merge::encode_profile(small_profile().build());
  auto gz_twice = gz;
  gz_twice.insert(gz_twice.end(), gz.begin(), gz.end());
  expect_rejected(gz_twice, "decode", "concatenated profiles");
}

TEST_CASE("string table problems are rejected", "[reader]") {
  auto b = small_profile();
  b.profile().set_string_table(0, "not empty");
  expect_invalid(b.build(), "string_table[0]");

  auto c = small_profile();
  c.profile().mutable_function(0)->set_name(999);
  expect_invalid(c.build(), "function.name refers to string 999");

  auto d = small_profile();
  d.profile().mutable_sample(0)->add_label()->set_key(-1);
  expect_invalid(d.build(), "label.key refers to string -1");

  auto e = small_profile();
  e.profile().mutable_sample_type(0)->set_unit(1000);
  expect_invalid(e.build(), "sample_type.unit");
}

TEST_CASE("zero, duplicate and dangling IDs are rejected", "[reader]") {
  auto zero = small_profile();
  zero.profile().mutable_location(0)->set_id(0);
  expect_invalid(zero.build(), "location with id 0");

  auto dup = small_profile();
  dup.profile().mutable_function(1)->set_id(1);
  expect_invalid(dup.build(), "duplicate function id 1");

  auto dup_map = small_profile();
  dup_map.mapping(0x1000, 0x2000, "x", "");
  dup_map.profile().mutable_mapping(1)->set_id(1);
  expect_invalid(dup_map.build(), "duplicate mapping id 1");

  auto dangling_loc = small_profile();
  dangling_loc.profile().mutable_sample(0)->add_location_id(77);
  expect_invalid(dangling_loc.build(), "undefined location 77");

  auto dangling_fn = small_profile();
  dangling_fn.profile().mutable_location(0)->mutable_line(0)->set_function_id(55);
  expect_invalid(dangling_fn.build(), "undefined function 55");

  auto dangling_map = small_profile();
  dangling_map.profile().mutable_location(0)->set_mapping_id(9);
  expect_invalid(dangling_map.build(), "undefined mapping 9");
}

TEST_CASE("a value count that does not match the sample types is rejected", "[reader]") {
  auto b = small_profile();
  b.profile().mutable_sample(0)->add_value(5);
  expect_invalid(b.build(), "has 3 values but the profile has 2 sample types");
}

TEST_CASE("sparse IDs and unpacked repeated fields are accepted", "[reader]") {
  auto b = small_profile();
  b.profile().mutable_location(0)->set_id(1'000'000'007);
  b.profile().mutable_sample(0)->set_location_id(0, 1'000'000'007);
  CHECK_NOTHROW(decode_profile(raw_bytes(b.build()), "sparse"));

  // location_id = 1 written unpacked (tag 0x08 varint) instead of packed.
  perftools::profiles::Profile p = small_profile().build();
  p.mutable_sample(0)->clear_location_id();
  std::string sample = p.sample(0).SerializeAsString() + std::string("\x08\x01\x08\x02", 4);
  p.clear_sample();
  std::string bytes = p.SerializeAsString();
  REQUIRE(sample.size() < 128);  // one-byte length prefix below
  bytes += '\x12';
  bytes += static_cast<char>(sample.size());
  bytes += sample;
  const auto decoded =
      decode_profile(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), "unpacked");
  REQUIRE(decoded.sample_size() == 1);
  CHECK(decoded.sample(0).location_id_size() == 2);
}

TEST_CASE("expand_inputs lists a directory's regular files sorted, skipping hidden ones",
          "[reader]") {
  TempDir dir;
  const auto raw = raw_bytes(small_profile().build());
  dir.write("b.pprof", raw);
  dir.write("a.pprof", raw);
  dir.write(".hidden", raw);
  fs::create_directories(dir.path / "sub");
  const auto files = pgo::merge::expand_inputs({dir.path.string()});
  REQUIRE(files.size() == 2);
  CHECK(fs::path(files[0]).filename() == "a.pprof");
  CHECK(fs::path(files[1]).filename() == "b.pprof");

  const auto single = dir.write("c.pprof", raw);
  CHECK(pgo::merge::expand_inputs({single}) == std::vector<std::string>{single});
  CHECK_THROWS_AS(pgo::merge::expand_inputs({(dir.path / "missing").string()}), pgo::Error);
  CHECK_THROWS_WITH(pgo::merge::expand_inputs({(dir.path / "sub").string()}),
                    Catch::Contains("no profiles"));
}

namespace {

// gzip of `raw` with zlib's defaults (for inputs encode_profile cannot make).
std::vector<std::uint8_t> gzip_of(const std::vector<std::uint8_t>& raw) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::vector<std::uint8_t> out(deflateBound(&zs, raw.size()));
  zs.next_in = const_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace

TEST_CASE("varints beyond 64 bits and group fields are rejected as pprof does", "[reader]") {
  const auto valid = raw_bytes(small_profile().build());
  // period (field 12) as a ten-byte varint whose last byte carries bits 64 and up.
  const std::vector<std::uint8_t> overflow = {0x60, 0xff, 0xff, 0xff, 0xff, 0xff,
                                              0xff, 0xff, 0xff, 0xff, 0x7f};
  expect_rejected(concat({valid, overflow}), "decode", "varint overflows 64 bits");
  // Eleven bytes: longer than any 64-bit varint.
  const std::vector<std::uint8_t> too_long = {0x60, 0x80, 0x80, 0x80, 0x80, 0x80,
                                              0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  expect_rejected(concat({valid, too_long}), "decode", "varint overflows 64 bits");
  // The largest valid varint (2^64 - 1, last byte 0x01) is accepted.
  const std::vector<std::uint8_t> max = {0x60, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0x01};
  CHECK(decode_profile(concat({valid, max}), "max").period() == -1);

  // Deeply nested groups in an unknown field of a sample: protobuf would accept them.
  std::vector<std::uint8_t> groups = {0x10, 0x01, 0x10, 0x01};  // two values: otherwise valid
  for (int i = 0; i < 90; ++i) groups.push_back(0x7b);          // start group, field 15
  for (int i = 0; i < 90; ++i) groups.push_back(0x7c);          // end group, field 15
  const auto sample = concat({{0x12}, wire_varint(groups.size()), groups});
  expect_rejected(concat({valid, sample}), "decode", "group");
  // A top-level group too, and a known field with the wrong wire type.
  expect_rejected(concat({valid, {0xa3, 0x01, 0xa4, 0x01}}), "decode", "group");
  expect_rejected(concat({valid, {0x62, 0x01, 0x00}}), "decode", "wire type 2, expected 0");
}

TEST_CASE("an input that inflates beyond the limit is refused without holding it", "[reader]") {
  // A small profile followed by 4 MiB of an unknown field: highly compressible padding.
  auto raw = raw_bytes(small_profile().build());
  const std::vector<std::uint8_t> padding(4u << 20, 0);
  const auto padded = concat({raw, {0xfa, 0x07}, wire_varint(padding.size()), padding});
  const auto gz = gzip_of(padded);
  REQUIRE(gz.size() < 64 * 1024);
  // Within the limit: accepted; beyond it: refused at the gunzip stage, whatever route the
  // inflate takes (honest size trailer, or a second member hiding the size).
  CHECK_NOTHROW(pgo::merge::decode_wire_input(gz, "bomb", 8u << 20));
  try {
    pgo::merge::decode_wire_input(gz, "bomb", 1u << 20);
    FAIL("a gzip bomb was accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "gunzip");
    CHECK_THAT(e.problem(), Catch::Contains("inflates to more than 1048576 bytes"));
    CHECK_THAT(e.hint(), Catch::Contains("--max-input-size"));
  }
  const auto two_members = concat({gz, gzip_of({})});  // last member's size: 0
  CHECK_THROWS_WITH(pgo::merge::decode_wire_input(two_members, "bomb2", 1u << 20),
                    Catch::Contains("inflates to more than"));
  // Raw input: the limit applies to its size.
  CHECK_THROWS_WITH(pgo::merge::decode_wire_input(padded, "raw", 1u << 20),
                    Catch::Contains("inflates to more than"));
  // A truncated stream with a garbage size trailer is still reported as truncated.
  auto truncated = gz;
  truncated.resize(gz.size() / 2);
  CHECK_THROWS_WITH(pgo::merge::decode_wire_input(truncated, "cut", 8u << 20),
                    Catch::Contains("truncated"));
}

TEST_CASE("reused buffers read and decode each input as fresh ones would", "[reader]") {
  TempDir dir;
  // A: mapping, header fields, comments, labels; B: smaller, none of those, sparse IDs.
  auto a_builder = small_profile();
  a_builder.profile().set_period(10'000'000);
  a_builder.profile().add_comment(a_builder.profile().string_table_size());
  a_builder.profile().add_string_table("a comment");
  a_builder.profile().set_time_nanos(1234);
  const auto a = a_builder.build();
  ProfileBuilder b_builder;
  auto f = b_builder.function("main.b", "b.go", 1);
  b_builder.sample({b_builder.location(0x1000, {{f, 2}})}, {1, 10});
  b_builder.profile().mutable_location(0)->set_id(1'000'000'007);
  b_builder.profile().mutable_sample(0)->set_location_id(0, 1'000'000'007);
  b_builder.profile().clear_mapping();
  b_builder.profile().mutable_location(0)->set_mapping_id(0);
  b_builder.profile().clear_period_type();
  const auto b = b_builder.build();
  const std::string path_a = dir.write("a.pb.gz", pgo::merge::encode_profile(a));
  const std::string path_b = dir.write("b.pb", raw_bytes(b));

  std::vector<std::uint8_t> file;
  pgo::merge::WireProfile reused;
  for (const auto& path : {path_a, path_b, path_a, path_b}) {
    INFO(path);
    pgo::merge::read_file_into(path, file);
    CHECK(file == pgo::merge::read_file_bytes(path));
    pgo::merge::decode_wire_input_into(file, path, pgo::merge::kDefaultMaxInputBytes, true, reused);
    const auto fresh = pgo::merge::decode_wire_input(pgo::merge::read_file_bytes(path), path);
    CHECK(pgo::merge::to_profile(reused).SerializeAsString() ==
          pgo::merge::to_profile(fresh).SerializeAsString());
    CHECK(reused.has_period_type == fresh.has_period_type);
  }

  // A file whose size is not known up front (procfs reports 0) is read to its end.
  pgo::merge::read_file_into("/proc/self/status", file);
  const std::string status(file.begin(), file.end());
  CHECK_THAT(status, Catch::Contains("Name:"));
  CHECK_THAT(status, Catch::Contains("VmRSS:"));
}
