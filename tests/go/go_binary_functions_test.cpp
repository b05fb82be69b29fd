// Risk guarded against: reading function names from the wrong place of a binary (or
// crashing on a file that is not one), or a stripped binary giving an empty list (and so
// "everything is stale") instead of a clear error.
#include "go/go_binary_functions.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"

TEST_CASE("an ELF binary without a Go pclntab: function names from its symbol table") {
  // This test executable: a C++ ELF binary with a .symtab (tests are not stripped).
  auto f = pgo::harness::read_go_binary_functions("/proc/self/exe");
  CHECK(f.source == "symtab");
  CHECK(f.names.count("main") == 1);
}

TEST_CASE("a file that is not an ELF binary is refused with one clear error") {
  auto path = std::filesystem::temp_directory_path() / "pgo_not_elf_test.txt";
  std::ofstream(path) << "#!/bin/sh\necho hi\n";
  try {
    pgo::harness::read_go_binary_functions(path.string());
    FAIL("accepted a shell script");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "binary");
    CHECK(e.problem() == "not an ELF file");
  }
  std::filesystem::remove(path);
}

TEST_CASE("a stripped binary without a Go pclntab is refused, not read as empty") {
  const char* stripped = "/usr/bin/true";  // Debian strips its binaries
  REQUIRE(std::filesystem::exists(stripped));
  try {
    pgo::harness::read_go_binary_functions(stripped);
    FAIL("read function names from a stripped binary");
  } catch (const pgo::Error& e) {
    CHECK_THAT(e.problem(), Catch::Contains("no Go pclntab and no symbol table"));
  }
}
