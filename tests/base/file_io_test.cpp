// Risk guarded against: an "atomic" output replacing what it should write through (a
// device such as /dev/null, a FIFO, a symlink, which as root destroys them), a write
// error on such an output (ENOSPC on /dev/full) passing as success, a replaced file
// losing its permissions, check_writable letting a hopeless path through (or changing
// anything), and errno meanings lost in messages (a symlink loop called "no such file").
//
// Devices are only ever reached through symlinks in a temporary directory, so a
// regression replaces the symlink, never the real /dev/null.
#include "base/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>

#include "base/error.h"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("pgo-file-io-test-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {}));
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void put(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("a symlink output replaces its target file and keeps the link", "[file_io]") {
  TempDir dir;
  put(dir / "target", "old");
  fs::permissions(dir / "target", fs::perms(0640));
  fs::create_symlink("target", dir / "link");
  pgo::write_file_atomically(dir / "link", std::string_view("new"));
  CHECK(fs::is_symlink(dir / "link"));
  CHECK(slurp(dir / "target") == "new");
  // The replaced file keeps its permission bits.
  CHECK((fs::status(dir / "target").permissions() & fs::perms::all) == fs::perms(0640));
  CHECK(dir.entries() == 2);  // no temporary file left

  // A dangling link creates the file it points to.
  fs::create_symlink("created", dir / "dangling");
  pgo::write_file_atomically(dir / "dangling", std::string_view("x"));
  CHECK(fs::is_symlink(dir / "dangling"));
  CHECK(slurp(dir / "created") == "x");
}

TEST_CASE("a device output is written through, never replaced", "[file_io]") {
  TempDir dir;
  fs::create_symlink("/dev/null", dir / "null");
  pgo::write_file_atomically(dir / "null", std::string_view("discarded"));
  CHECK(fs::is_symlink(dir / "null"));
  CHECK(fs::is_character_file("/dev/null"));
  CHECK(dir.entries() == 1);
}

TEST_CASE("a full device is a write error", "[file_io]") {
  TempDir dir;
  fs::create_symlink("/dev/full", dir / "full");
  try {
    pgo::write_file_atomically(dir / "full", std::string_view("lost"));
    FAIL("writing to /dev/full succeeded");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "write");
    CHECK(e.file() == dir / "full");
    CHECK_THAT(e.problem(), Catch::Contains("No space left on device"));
  }
  CHECK(fs::is_symlink(dir / "full"));
  CHECK(dir.entries() == 1);
}

TEST_CASE("a FIFO output is written through to its reader", "[file_io]") {
  TempDir dir;
  REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto reader = std::async(std::launch::async, [&] { return slurp(dir / "fifo"); });
  pgo::write_file_atomically(dir / "fifo", std::string_view("through the pipe"));
  CHECK(reader.get() == "through the pipe");
  CHECK(fs::is_fifo(dir / "fifo"));
}

TEST_CASE("a directory or a symlink loop as output is refused with its reason", "[file_io]") {
  TempDir dir;
  fs::create_directory(dir / "sub");
  CHECK_THROWS_WITH(pgo::write_file_atomically(dir / "sub", std::string_view("x")),
                    Catch::Contains("is a directory"));
  fs::create_symlink("loop", dir / "loop");
  CHECK_THROWS_WITH(pgo::write_file_atomically(dir / "loop", std::string_view("x")),
                    Catch::Contains("too many levels of symbolic links"));
  CHECK(fs::is_symlink(dir / "loop"));
}

TEST_CASE("check_writable refuses hopeless paths and changes nothing", "[file_io]") {
  TempDir dir;
  put(dir / "existing", "keep");
  pgo::check_writable(dir / "existing");
  pgo::check_writable(dir / "new");
  CHECK(slurp(dir / "existing") == "keep");
  CHECK_FALSE(fs::exists(dir / "new"));
  CHECK(dir.entries() == 1);
  CHECK_THROWS_WITH(pgo::check_writable(dir / "missing-dir/x.json"),
                    Catch::Contains("missing-dir/x.json: write: cannot create a file"));
  CHECK_THROWS_WITH(pgo::check_writable(dir.path.string()),
                    Catch::Contains("is a directory"));
  fs::create_symlink("/dev/null", dir / "null");
  pgo::check_writable(dir / "null");
}

TEST_CASE("path errors keep their errno meaning", "[file_io]") {
  CHECK(pgo::describe_path_error(ELOOP) == "too many levels of symbolic links");
  CHECK(pgo::describe_path_error(ENOENT) == "no such file or directory");
  TempDir dir;
  fs::create_symlink("loop", dir / "loop");
  CHECK_THROWS_WITH(pgo::read_text_file(dir / "loop"),
                    Catch::Contains("too many levels of symbolic links"));
}
