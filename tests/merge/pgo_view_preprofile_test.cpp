// Integration (needs Go): guards against the PGO view and the trimmer disagreeing with the
// real toolchain. For hand-built corner profiles, GOROOT's default.pgo, large.cpu.pb.gz
// (with and without start lines) and a fresh profile of the current Go, our preprofile
// text must equal `go tool preprofile -i FILE` byte for byte (or both must reject the
// profile); the trimmed profile must give the same text; `go build -pgo=TRIMMED` must work.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "base/error.h"
#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "merge/profile_trimmer.h"
#include "merge/profile_writer.h"
#include "tests/merge/pgo_corner_profiles.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::merge::PgoView;

namespace {

std::string quote(const std::string& s) { return "'" + s + "'"; }

// What Go says: the preprofile text, or "error" + which check failed.
std::string go_preprofile(const fs::path& file) {
  auto r = pgo::testing::run_shell("go tool preprofile -i " + quote(file.string()) + " 2>&1");
  if (r.status == 0) return r.out;
  if (r.out.find("start_line") != std::string::npos) return "error: start_line";
  if (r.out.find("sample index") != std::string::npos) return "error: sample type";
  return "error: other: " + r.out;
}

std::string our_preprofile(const perftools::profiles::Profile& p) {
  try {
    return PgoView::from_profile(p, "p").to_preprofile_text();
  } catch (const pgo::Error& e) {
    if (e.problem().find("start_line") != std::string::npos) return "error: start_line";
    if (e.problem().find("samples/count") != std::string::npos) return "error: sample type";
    return "error: other: " + e.problem();
  }
}

// Checks view and trimmed view against Go; returns the trimmed file.
fs::path check_against_go(const perftools::profiles::Profile& p, const fs::path& file,
                          const fs::path& dir) {
  const std::string go = go_preprofile(file);
  CHECK(our_preprofile(p) == go);
  const auto trimmed = pgo::merge::trim_profile(p);
  const fs::path trimmed_file = dir / (file.stem().string() + ".trimmed.pgo");
  pgo::merge::write_profile_file(trimmed, trimmed_file.string());
  CHECK(go_preprofile(trimmed_file) == go);
  CHECK(our_preprofile(trimmed) == go);
  return trimmed_file;
}

std::string goroot() {
  auto r = pgo::testing::run_shell("go env GOROOT");
  REQUIRE(r.status == 0);
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

}  // namespace

TEST_CASE("corner profiles: same preprofile text as go tool preprofile", "[integration]") {
  pgo::testing::TempDir dir("pgo_view_preprofile");
  for (const auto& [name, profile] : pgo::merge::testing::corner_profiles()) {
    INFO(name);
    const fs::path file = dir.dir / (name + ".pb.gz");
    pgo::merge::write_profile_file(profile, file.string());
    check_against_go(profile, file, dir.dir);
  }
}

TEST_CASE("GOROOT default.pgo: edge for edge, and trimmed", "[integration]") {
  pgo::testing::TempDir dir("pgo_view_preprofile");
  const fs::path file = fs::path(goroot()) / "src/cmd/compile/default.pgo";
  const auto profile = pgo::merge::read_profile_file(file.string());
  const std::string go = go_preprofile(file);
  REQUIRE(go.rfind("GO PREPROFILE V1\n", 0) == 0);
  REQUIRE(go.size() > 100000);  // thousands of edges, not an empty view
  const auto trimmed = check_against_go(profile, file, dir.dir);
  CHECK(fs::file_size(trimmed) < fs::file_size(file));
}

TEST_CASE("large.cpu.pb.gz: rejected like Go, and edge for edge once start lines exist",
          "[integration]") {
  pgo::testing::TempDir dir("pgo_view_preprofile");
  const fs::path file = fs::path(PGO_SHARED_TESTDATA) / "pprof/large.cpu.pb.gz";
  auto profile = pgo::merge::read_profile_file(file.string());
  // Recorded before Go 1.20: no start lines, so Go rejects it; so must we, trimmed or not.
  CHECK(go_preprofile(file) == "error: start_line");
  check_against_go(profile, file, dir.dir);

  // Give every function a start line just above its lowest sampled line, and compare the
  // ~20,000-stack graph edge for edge.
  std::map<std::uint64_t, std::int64_t> lowest;
  for (const auto& l : profile.location()) {
    for (const auto& line : l.line()) {
      auto [it, inserted] = lowest.emplace(line.function_id(), line.line());
      if (!inserted) it->second = std::min(it->second, line.line());
    }
  }
  for (auto& f : *profile.mutable_function()) {
    auto it = lowest.find(f.id());
    f.set_start_line(it == lowest.end() ? 1 : std::max<std::int64_t>(1, it->second - 3));
  }
  const fs::path with_lines = dir.dir / "large-with-start-lines.pb.gz";
  pgo::merge::write_profile_file(profile, with_lines.string());
  const std::string go = go_preprofile(with_lines);
  REQUIRE(go.size() > 10000);
  check_against_go(profile, with_lines, dir.dir);
}

TEST_CASE("fresh profile of the current Go: edge for edge, trimmed, go build -pgo=TRIMMED",
          "[integration]") {
  pgo::testing::TempDir dir("pgo_view_preprofile");
  const std::string workload = std::string(PGO_TESTS_DIR) + "/merge/testdata/pgo_workload";
  const fs::path bin = dir.dir / "workload";
  const fs::path prof = dir.dir / "fresh.pprof";
  REQUIRE(pgo::testing::run_shell("go build -C " + quote(workload) + " -o " + quote(bin.string()) +
                                  " . 2>&1")
              .status == 0);
  REQUIRE(pgo::testing::run_shell(quote(bin.string()) + " -duration 1s -cpuprofile " +
                                  quote(prof.string()))
              .status == 0);
  const auto profile = pgo::merge::read_profile_file(prof.string());
  REQUIRE(go_preprofile(prof).find("main.work") != std::string::npos);
  const fs::path trimmed = check_against_go(profile, prof, dir.dir);

  const fs::path pgo_bin = dir.dir / "workload-pgo";
  const auto build = pgo::testing::run_shell("go build -C " + quote(workload) +
                                             " -pgo=" + quote(trimmed.string()) + " -o " +
                                             quote(pgo_bin.string()) + " . 2>&1");
  INFO(build.out);
  REQUIRE(build.status == 0);
  const auto info = pgo::testing::run_shell("go version -m " + quote(pgo_bin.string()));
  CHECK(info.out.find("-pgo=" + trimmed.string()) != std::string::npos);
}
