// Guards against lists of names (pgo-merge --files-from, --targets-file) read wrongly:
// names trimmed or split where they should be taken as written (spaces, '#' inside a
// name), comments or blank lines taken as names, CRLF lists naming files with a '\r', and
// a binary file (a profile given by mistake, `find -print0` output) read as names instead
// of refused with a clear error.
#include "base/name_list.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

using pgo::parse_name_list;
using pgo::read_name_list;
using Strings = std::vector<std::string>;

TEST_CASE("name list: one input per line, as written") {
  std::istringstream in(
      "prof/a.pb.gz\n"
      "\n"
      "# a comment\n"
      "prof dir/with space.pb.gz\n"
      "  leading-space.pb.gz\n"
      "name#with-hash.pb.gz\r\n"
      "http://prod1:6060\n"
      "prof/\n"
      "last-without-newline");
  CHECK(parse_name_list(in, "list.txt", "read") ==
        Strings{"prof/a.pb.gz", "prof dir/with space.pb.gz", "  leading-space.pb.gz",
                "name#with-hash.pb.gz", "http://prod1:6060", "prof/", "last-without-newline"});
}

TEST_CASE("name list: empty, blank and comment-only lists name nothing") {
  std::istringstream empty("");
  CHECK(parse_name_list(empty, "x", "read").empty());
  std::istringstream blank("\n\r\n# only a comment\n");
  CHECK(parse_name_list(blank, "x", "read").empty());
}

TEST_CASE("name list: a NUL byte is refused with the line it is on") {
  std::istringstream in(std::string("a.pb.gz\nb.pb.gz\0c.pb.gz\n", 24));
  try {
    parse_name_list(in, "list.txt", "read");
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "read");
    CHECK(e.file() == "list.txt");
    CHECK_THAT(e.problem(), Catch::Contains("line 2"));
  }
}

TEST_CASE("name list: files that cannot be read are errors naming them") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("pgo_name_list_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "list.txt") << "x.pb.gz\ny.pb.gz\n";
  CHECK(read_name_list((dir / "list.txt").string(), "read") == Strings{"x.pb.gz", "y.pb.gz"});
  for (const fs::path& bad : {dir / "missing.txt", dir}) {
    try {
      read_name_list(bad.string(), "targets");
      FAIL("no error for " << bad);
    } catch (const pgo::Error& e) {
      CHECK(e.stage() == "targets");
      CHECK(e.file() == bad.string());
    }
  }
  fs::remove_all(dir);
}
