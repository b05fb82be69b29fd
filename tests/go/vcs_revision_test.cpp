// Risk guarded against: a report claiming a revision for a source that is not under git,
// or calling a tree with uncommitted changes clean (a regression would then point at a
// commit that does not contain the code that was measured).
#include "go/vcs_revision.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "process/process.h"

namespace fs = std::filesystem;

namespace {

void git(const fs::path& dir, std::vector<std::string> args) {
  pgo::harness::ProcessSpec spec;
  spec.argv = {"git", "-C", dir.string(), "-c", "user.email=t@example.com", "-c", "user.name=t"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  REQUIRE(pgo::harness::run_process(spec).succeeded());
}

}  // namespace

TEST_CASE("git revision and dirty flag of a module directory") {
  const fs::path dir = fs::temp_directory_path() / ("pgo_vcs_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "mod");
  CHECK_FALSE(pgo::harness::read_git_revision((dir / "mod").string()));  // not a repository

  git(dir, {"init", "-q"});
  std::ofstream(dir / "mod" / "main.go") << "package main\n";
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "-m", "first"});
  auto clean = pgo::harness::read_git_revision((dir / "mod").string());
  REQUIRE(clean);
  CHECK(clean->revision.size() == 40);
  CHECK_FALSE(clean->dirty);

  // A change elsewhere in the repository does not make the module dirty; one inside does.
  std::ofstream(dir / "other.txt") << "x\n";
  CHECK_FALSE(pgo::harness::read_git_revision((dir / "mod").string())->dirty);
  std::ofstream(dir / "mod" / "main.go", std::ios::app) << "// edited\n";
  auto dirty = pgo::harness::read_git_revision((dir / "mod").string());
  REQUIRE(dirty);
  CHECK(dirty->dirty);
  CHECK(dirty->revision == clean->revision);
  fs::remove_all(dir);
}
