// Risks: the documented exit codes of `compare`, `report` and `history` drifting (CI jobs
// branch on them): a slowed run must exit 1, an unchanged one 0, and unreadable input or
// different scenarios 2, not the generic 1 that means "regression".
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../reports/sample_run_report.h"
#include "reports/run_report_json.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::reports::testing::make_sample_report;
using pgo::reports::testing::SampleOptions;
using pgo::testing::read_file;

namespace {

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Result harness(const fs::path& dir, const std::string& args) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string command = std::string(PGO_BIN_DIR) + "/pgo-harness " + args + " > " +
                              out.string() + " 2> " + err.string();
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

// A temporary directory holding base.json, same.json (same distribution), slow.json (5%
// slower everywhere) and other.json (another scenario).
struct Fixture {
  // One directory per test process: CTest runs these cases in parallel.
  fs::path dir = fs::temp_directory_path() / ("pgo_cli_compare_test-" + std::to_string(::getpid()));
  Fixture() {
    fs::remove_all(dir);
    fs::create_directories(dir / "run");
    SampleOptions same, slow, other;
    same.noise_rotation = 5;
    slow.noise_rotation = 5;
    slow.time_scale = 1.05;
    other.scenario_name = "httpserver";
    pgo::reports::write_run_report(make_sample_report(), (dir / "base.json").string());
    pgo::reports::write_run_report(make_sample_report(), (dir / "run" / "report.json").string());
    pgo::reports::write_run_report(make_sample_report(same), (dir / "same.json").string());
    pgo::reports::write_run_report(make_sample_report(slow), (dir / "slow.json").string());
    pgo::reports::write_run_report(make_sample_report(other), (dir / "other.json").string());
  }
  ~Fixture() { fs::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

}  // namespace

TEST_CASE("compare exits 1 on a slowed run and 0 on an unchanged one", "[compare_command]") {
  Fixture f;
  const Result slow = harness(f.dir, "compare " + (f / "base.json") + " " + (f / "slow.json"));
  CHECK(slow.exit_code == 1);
  CHECK_THAT(slow.out, Catch::Contains("result: REGRESSION"));
  const Result same = harness(f.dir, "compare " + (f / "run") + " " + (f / "same.json"));
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Catch::Contains("result: no regression"));
  // A 10% threshold tolerates the 5% slowdown.
  CHECK(harness(f.dir,
                "compare --fail-on-regression 10% " + (f / "base.json") + " " + (f / "slow.json"))
            .exit_code == 0);
}

TEST_CASE("compare writes Markdown and JSON", "[compare_command]") {
  Fixture f;
  const Result r = harness(f.dir, "compare --format markdown --json " + (f / "cmp.json") + " " +
                                      (f / "base.json") + " " + (f / "slow.json"));
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("## pgo-harness compare: regression"));
  const auto j = nlohmann::json::parse(read_file(f.dir / "cmp.json"));
  CHECK(j["result"] == "regression");
}

TEST_CASE("compare input and usage errors exit 2", "[compare_command]") {
  Fixture f;
  const Result other = harness(f.dir, "compare " + (f / "base.json") + " " + (f / "other.json"));
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("different scenarios"));
  CHECK(harness(f.dir, "compare " + (f / "base.json") + " " + (f / "missing.json")).exit_code == 2);
  std::ofstream(f.dir / "broken.json") << "{\"schema_version\": 1";
  CHECK(harness(f.dir, "compare " + (f / "base.json") + " " + (f / "broken.json")).exit_code == 2);
  CHECK(harness(f.dir,
                "compare --fail-on-regression lots " + (f / "base.json") + " " + (f / "slow.json"))
            .exit_code == 2);
  CHECK(harness(f.dir, "compare " + (f / "base.json")).exit_code == 2);
  CHECK(harness(f.dir, "compare --allow-different-scenarios " + (f / "base.json") + " " +
                           (f / "other.json"))
            .exit_code == 0);
}

TEST_CASE("report writes report.md and report.html beside report.json", "[report_command]") {
  Fixture f;
  const Result r = harness(f.dir, "report " + (f / "run"));
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(f.dir / "run" / "report.md"));
  CHECK(fs::exists(f.dir / "run" / "report.html"));
  CHECK_THAT(read_file(f.dir / "run" / "report.md"), Catch::StartsWith("# PGO report: interp"));
  CHECK(harness(f.dir, "report " + (f / "missing")).exit_code == 1);
}

TEST_CASE("history flags the slowed night and fails with --fail-on-regression",
          "[history_command]") {
  Fixture f;
  std::string args, reversed;
  for (int night = 0; night < 4; ++night) {
    SampleOptions o;
    o.noise_rotation = night;
    o.started_at = "2026-11-1" + std::to_string(night) + "T05:00:00Z";
    if (night == 3) o.time_scale = 1.10;
    const std::string path = f / ("night" + std::to_string(night) + ".json");
    pgo::reports::write_run_report(make_sample_report(o), path);
    args += " " + path;
    reversed = " " + path + reversed;
  }
  const Result plain = harness(f.dir, "history --html " + (f / "h.html") + args);
  CHECK(plain.exit_code == 0);
  CHECK_THAT(plain.out, Catch::Contains("flagged: time parse v0 at 2026-11-13T05:00: regression"));
  CHECK(fs::exists(f.dir / "h.html"));
  CHECK(harness(f.dir, "history --fail-on-regression" + args).exit_code == 1);
  CHECK(harness(f.dir, "history " + (f / "missing.json")).exit_code == 2);
  // Given newest first (or in any order), the reports are sorted by start time.
  const Result sorted = harness(f.dir, "history" + reversed);
  CHECK(sorted.exit_code == 0);
  CHECK_THAT(sorted.out, Catch::Contains("flagged: time parse v0 at 2026-11-13T05:00: regression"));
  // Another scenario's report is refused unless allowed.
  const Result mixed = harness(f.dir, "history" + args + " " + (f / "other.json"));
  CHECK(mixed.exit_code == 2);
  CHECK_THAT(mixed.err, Catch::Contains("--allow-different-scenarios"));
  CHECK(harness(f.dir, "history --allow-different-scenarios" + args + " " + (f / "other.json"))
            .exit_code == 0);
}

TEST_CASE("history of go test -bench files: the gate, JSON, and no mixing with reports",
          "[history_command]") {
  Fixture f;
  std::string args;
  for (int night = 0; night < 5; ++night) {
    std::ofstream out(f / ("bench" + std::to_string(night) + ".txt"));
    out << "pkg: example.com/x\n";
    for (int run = 0; run < 8; ++run) {
      const int ns = (night == 4 ? 1100 : 1000) + (run * 7 + night * 3) % 5;
      out << "BenchmarkParse-2 \t100\t" << ns << " ns/op\n";
    }
    args += " " + (f / ("bench" + std::to_string(night) + ".txt"));
  }
  const Result gate = harness(f.dir, "history --fail-on-regression --format json" + args);
  CHECK(gate.exit_code == 1);
  CHECK_THAT(gate.out, Catch::Contains("\"latest_regressed\": true"));
  CHECK(harness(f.dir, "history" + args).exit_code == 0);
  const Result mixed = harness(f.dir, "history" + args + " " + (f / "base.json"));
  CHECK(mixed.exit_code == 2);
  CHECK_THAT(mixed.err, Catch::Contains("a run report among Go benchmark-format files"));
}
