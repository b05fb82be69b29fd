// Risk guarded against: a run directory whose layout or paths drift (report paths that are
// absolute, so a moved run cannot resume; names from scenarios escaping their folder), a
// resume that trusts a changed artifact, or a non-atomic write leaving half a file.
#include "run/run_directory.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/sha256.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace pgo::harness;

namespace {

struct Scratch : pgo::testing::TempDir {
  Scratch() : TempDir("pgo_rundir") {}
};

}  // namespace

TEST_CASE("RunDirectory creates the layout and names every artifact") {
  Scratch s;
  RunDirectory d((s.dir / "run").string());
  for (const char* sub : {"builds", "profiles", "logs", "work"}) {
    CHECK(fs::is_directory(s.dir / "run" / sub));
  }
  CHECK(d.report_json() == (s.dir / "run" / "report.json").string());
  CHECK(d.relative(d.build_binary("v1", "app")) == "builds/v1/app");
  CHECK(d.relative(d.tool_binary("loadgen")) == "builds/tools/loadgen");
  CHECK(d.relative(d.profile_dir(2)) == "profiles/iter-2");
  CHECK(d.relative(d.merged_profile(2)) == "profiles/iter-2.pgo");
  CHECK(d.relative(d.build_log("v0")) == "logs/build-v0.log");
  CHECK(d.relative(d.log_dir(1)) == "logs/iter-1");
  CHECK(d.relative(workload_log(d.trial_log_dir(), "api", "v2")) == "logs/trials/api-v2.log");
  CHECK(d.relative(d.workdir("api")) == "work/api");
}

TEST_CASE("RunDirectory keeps scenario names inside their folder") {
  Scratch s;
  RunDirectory d((s.dir / "run").string());
  CHECK(d.relative(d.workdir("../evil")) == "work/.._evil");
  CHECK(d.relative(d.workdir("..")) == "work/_..");
  CHECK(d.relative(d.build_binary("v0", "a/b")) == "builds/v0/a_b");
}

TEST_CASE("portable_file_stem keeps ASCII names and replaces everything else") {
  CHECK(portable_file_stem("api-v2_fast.1") == "api-v2_fast.1");
  CHECK(portable_file_stem("a/b c") == "a_b_c");
  CHECK(portable_file_stem("caf\xc3\xa9") == "caf__");  // not locale-dependent: bytes
  CHECK(portable_file_stem("") == "_");
  CHECK(portable_file_stem(".") == "_.");
  CHECK(portable_file_stem("..") == "_..");
  CHECK(workload_log("/r/logs/iter-1", "grpc api", "v1") == "/r/logs/iter-1/grpc_api-v1.log");
}

TEST_CASE("relative and absolute round-trip, and outside paths stay absolute") {
  Scratch s;
  RunDirectory d((s.dir / "run").string());
  std::string p = d.merged_profile(1);
  CHECK(d.absolute(d.relative(p)) == p);
  CHECK(d.relative("/etc/hosts") == "/etc/hosts");
  CHECK(d.absolute("/etc/hosts") == "/etc/hosts");
}

TEST_CASE("a moved run directory resolves its relative paths in the new place") {
  Scratch s;
  std::string rel;
  {
    RunDirectory d((s.dir / "a").string());
    rel = d.relative(d.merged_profile(1));
  }
  fs::rename(s.dir / "a", s.dir / "b");
  RunDirectory moved((s.dir / "b").string());
  CHECK(moved.absolute(rel) == (s.dir / "b" / "profiles" / "iter-1.pgo").string());
}

TEST_CASE("artifact_matches checks existence and content") {
  Scratch s;
  RunDirectory d((s.dir / "run").string());
  std::string path = d.merged_profile(1);
  RunDirectory::write_atomically(path, "profile bytes");
  std::string sha = pgo::sha256_hex(std::string_view("profile bytes"));
  CHECK(artifact_matches(d, "profiles/iter-1.pgo", sha));
  CHECK(artifact_matches(d, path, sha));
  RunDirectory::write_atomically(path, "changed");
  CHECK_FALSE(artifact_matches(d, "profiles/iter-1.pgo", sha));
  CHECK_FALSE(artifact_matches(d, "profiles/missing.pgo", sha));
  CHECK_FALSE(artifact_matches(d, "", sha));
}

TEST_CASE("write_atomically replaces the whole file and leaves no temporary behind") {
  Scratch s;
  RunDirectory d((s.dir / "run").string());
  std::string path = d.report_json();
  RunDirectory::write_atomically(path, std::string(100000, 'x'));
  RunDirectory::write_atomically(path, "{}\n");
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "{}\n");
  int files = 0;
  for (const auto& e : fs::directory_iterator(s.dir / "run")) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("a run directory path that is a file is refused") {
  Scratch s;
  fs::create_directories(s.dir);
  std::ofstream(s.dir / "file") << "x";
  CHECK_THROWS_AS(RunDirectory((s.dir / "file").string()), pgo::Error);
}

TEST_CASE("default run directory and timestamps are UTC and sortable") {
  auto t = std::chrono::system_clock::from_time_t(1795496400);  // 2026-11-24T05:00:00Z
  CHECK(default_run_directory("mdbatch", t) == "runs/mdbatch-20261124-050000");
  CHECK(iso8601_utc(t) == "2026-11-24T05:00:00Z");
}
