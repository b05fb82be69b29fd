// Risk guarded against: non-deterministic output bytes (gzip mtime/name, serialization
// order), a half-written or clobbered output file when writing fails, and temporary files
// left behind.
#include "merge/profile_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "merge/profile_reader.h"
#include "tests/support/profile_builder.h"

namespace fs = std::filesystem;
using pgo::merge::testing::ProfileBuilder;

namespace {

perftools::profiles::Profile sample_profile() {
  ProfileBuilder b;
  auto f = b.function("main.main", "main.go", 3);
  b.sample({b.location(0x401000, {{f, 4}})}, {1, 10'000'000});
  return b.build();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("pgo-writer-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(path);
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("encoding is deterministic gzip with no name and zero mtime", "[writer]") {
  const auto a = pgo::merge::encode_profile(sample_profile());
  const auto b = pgo::merge::encode_profile(sample_profile());
  CHECK(a == b);
  REQUIRE(a.size() > 10);
  CHECK(a[0] == 0x1f);
  CHECK(a[1] == 0x8b);
  CHECK(a[3] == 0);  // FLG: no FNAME, FCOMMENT, FEXTRA
  CHECK(a[4] == 0);  // MTIME = 0
  CHECK(a[5] == 0);
  CHECK(a[6] == 0);
  CHECK(a[7] == 0);
  const auto back = pgo::merge::decode_profile(a, "roundtrip");
  CHECK(back.SerializeAsString() == sample_profile().SerializeAsString());
}

TEST_CASE("atomic write creates, replaces and leaves no temporary files", "[writer]") {
  TempDir dir;
  const auto out = (dir.path / "out.pgo").string();
  pgo::write_file_atomically(out, std::vector<std::uint8_t>{1, 2, 3});
  CHECK(slurp(out) == std::string("\x01\x02\x03", 3));
  pgo::write_file_atomically(out, std::vector<std::uint8_t>{4, 5});
  CHECK(slurp(out) == std::string("\x04\x05", 2));
  CHECK(dir.entries() == 1);
  // Permissions follow the umask like a plain create, not mkstemp's 0600.
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((st.st_mode & 0777) == (0666 & ~mask));
}

TEST_CASE("a failed write leaves the existing output untouched", "[writer]") {
  if (::geteuid() == 0) {
    // root ignores directory permissions; use a path whose directory does not exist.
    TempDir dir;
    const auto out = (dir.path / "missing-dir" / "out.pgo").string();
    CHECK_THROWS_AS(pgo::write_file_atomically(out, std::vector<std::uint8_t>{1}), pgo::Error);
    CHECK(dir.entries() == 0);
  }
  TempDir dir;
  const auto out = (dir.path / "out.pgo").string();
  pgo::write_file_atomically(out, std::vector<std::uint8_t>{9, 9, 9});
  // Renaming a file over a directory fails after the temporary file was fully written:
  // the temporary must be removed and the directory left as it was.
  const auto blocker = (dir.path / "blocker").string();
  fs::create_directories(fs::path(blocker) / "child");
  try {
    pgo::write_file_atomically(blocker, std::vector<std::uint8_t>{1, 2});
    FAIL("rename over a non-empty directory succeeded");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "write");
    CHECK(e.file() == blocker);
  }
  CHECK(fs::is_directory(blocker));
  CHECK(slurp(out) == std::string("\x09\x09\x09", 3));
  CHECK(dir.entries() == 2);  // out.pgo and blocker, no temporary
}

TEST_CASE("write_profile_file round-trips through the reader", "[writer]") {
  TempDir dir;
  const auto out = (dir.path / "p.pgo").string();
  pgo::merge::write_profile_file(sample_profile(), out);
  CHECK(pgo::merge::read_profile_file(out).SerializeAsString() ==
        sample_profile().SerializeAsString());
}
