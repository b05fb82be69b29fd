// Risk guarded against: `pgo-harness refresh` replacing the committed default.pgo when it
// should not (identical candidate, failed run, unusable candidate), not replacing it when
// the candidate ties, a summary missing what a pull-request reviewer needs (gains of each
// against -pgo=off, candidate vs committed, hot-edge overlap, staleness), or a candidate
// collected from live instances not working end to end. Real `go build` of
// tests/cli/testdata/pgoloop and real servers (tests/cli/testdata/pprofserver); label
// integration.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "pprof_test_server.h"
#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::cli::testing::PprofServer;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::StreamMode;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const std::string kMerge = std::string(PGO_BIN_DIR) + "/pgo-merge";
const fs::path kTestdata = fs::path(PGO_TESTS_DIR) / "cli" / "testdata";

// A copy of the pgoloop module, its scenario, and a committed profile beside it.
struct Module {
  fs::path dir, module, committed;
  std::string scenario;
  Module() {
    static int counter = 0;
    dir = fs::temp_directory_path() /
          ("pgo_refresh_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir);
    module = dir / "pgoloop";
    fs::create_directories(dir);
    fs::copy(kTestdata / "pgoloop", module, fs::copy_options::recursive);
    committed = module / "default.pgo";
    fs::copy_file(kTestdata / "pgoloop.pgo", committed);
    json s = {
        {"name", "refresh-test"},
        {"workloads",
         json::array({{{"name", "spin"},
                       {"command", {"{binary}", "-d", "100ms"}},
                       {"profile_command", {"{binary}", "-d", "300ms", "-cpuprofile={profile}"}},
                       {"metric", "cpu"},
                       {"timeout_seconds", 120}}})},
        {"trials", {{"runs", 5}, {"warmup", 0}, {"seed", 1}}}};
    std::ofstream(module / "scenario.json") << s.dump(2);
    scenario = (module / "scenario.json").string();
  }
  ~Module() { fs::remove_all(dir); }
};

ProcessResult harness(std::vector<std::string> args) {
  args.insert(args.begin(), kHarness);
  return pgo::testing::run_tool(std::move(args), std::chrono::minutes(10));
}

}  // namespace

TEST_CASE("refresh replaces the committed profile with a candidate that is not slower") {
  Module m;
  // The candidate: the committed profile's edges at another scale (other bytes, same hot
  // set), so the gate has no reason to refuse it.
  const fs::path candidate = m.dir / "candidate.pgo";
  ProcessSpec merge;
  merge.argv = {kMerge,
                "-q",
                "--weight",
                m.committed.string() + "=3",
                "-o",
                candidate.string(),
                m.committed.string()};
  REQUIRE(pgo::harness::run_process(merge).succeeded());
  const std::string before = read_file(m.committed);
  REQUIRE(read_file(candidate) != before);
  const fs::path summary = m.dir / "summary.md";
  auto r = harness({"refresh", m.scenario, "--committed", m.committed.string(), "--candidate",
                    candidate.string(), "--out", (m.dir / "run").string(), "--build-cache", "go",
                    "--max-slowdown", "100", "--summary", summary.string(), "-q"});
  INFO(r.captured_stderr);
  INFO(r.captured_stdout);
  REQUIRE(r.exit_code == 0);
  CHECK(read_file(m.committed) == read_file(candidate));
  const std::string md = read_file(summary);
  CHECK(md == r.captured_stdout);
  CHECK_THAT(md, Catch::Contains("**updated: "));
  CHECK_THAT(md, Catch::Contains("| v1 (committed) |"));
  CHECK_THAT(md, Catch::Contains("| v2 (candidate) |"));
  CHECK_THAT(md, Catch::Contains("### Candidate vs committed"));
  CHECK_THAT(md, Catch::Contains("| spin |"));
  CHECK_THAT(md, Catch::Contains("Hot-edge overlap of the candidate with the committed profile"));
  CHECK_THAT(md, Catch::Contains("Staleness of the committed profile: 0.0%"));
  json report = json::parse(read_file(m.dir / "run" / "report.json"));
  REQUIRE(report["builds"].size() == 3);
  CHECK(report["builds"][2]["pgo_build_setting"].get<std::string>().find("iter-2.pgo") !=
        std::string::npos);
}

TEST_CASE("refresh keeps the committed profile for an identical candidate, exit 3") {
  Module m;
  const std::string before = read_file(m.committed);
  auto r = harness({"refresh", m.scenario, "--committed", m.committed.string(), "--candidate",
                    (kTestdata / "pgoloop.pgo").string(), "--out", (m.dir / "run").string(),
                    "--build-cache", "go", "--runs", "4", "-q"});
  INFO(r.captured_stderr);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.captured_stdout, Catch::Contains("**kept: the candidate is byte-identical"));
  CHECK(read_file(m.committed) == before);
}

TEST_CASE("refresh: a candidate collected from live instances, bad input leaves the file") {
  Module m;
  const std::string before = read_file(m.committed);
  // No candidate at all, and an unusable candidate file: one line, committed untouched.
  auto none = harness({"refresh", m.scenario, "--committed", m.committed.string()});
  CHECK(none.exit_code == 2);
  std::ofstream(m.dir / "junk.pgo") << "<html>nope</html>";
  auto junk = harness({"refresh", m.scenario, "--committed", m.committed.string(), "--candidate",
                       (m.dir / "junk.pgo").string(), "--out", (m.dir / "junk-run").string()});
  CHECK(junk.exit_code == 1);
  CHECK_THAT(junk.captured_stderr, Catch::Contains("junk.pgo"));
  CHECK(read_file(m.committed) == before);

  // Live instances of another program: the candidate's functions are not the module's, so
  // the run still completes and the summary says where the candidate came from.
  PprofServer a(m.dir, {}), b(m.dir, {"-variant", "b"});
  auto r = harness({"refresh", m.scenario, "--committed", m.committed.string(), "--seconds", "1",
                    "--out", (m.dir / "live-run").string(), "--build-cache", "go", "--runs", "4",
                    "-q", a.base_url(), b.base_url()});
  INFO(r.captured_stderr);
  CHECK((r.exit_code == 0 || r.exit_code == 3));
  CHECK_THAT(r.captured_stdout, Catch::Contains("collected from 2 of 2 target(s)"));
  CHECK(fs::exists(m.dir / "live-run" / "candidate.pgo"));
  CHECK(json::parse(read_file(m.dir / "live-run" / "candidate-raw" / "manifest.json"))["profiles"]
            .size() == 2);
}

TEST_CASE("run with \"profile\": \"auto\" evaluates the package's default.pgo") {
  Module m;
  json s = json::parse(read_file(m.scenario));
  s["profile"] = "auto";
  std::ofstream(m.scenario, std::ios::trunc) << s.dump(2);
  auto r = harness({"run", m.scenario, "--out", (m.dir / "run").string(), "--build-cache", "go",
                    "--runs", "3", "-q"});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  json report = json::parse(read_file(m.dir / "run" / "report.json"));
  REQUIRE(report["builds"].size() == 2);
  CHECK(report["profiles"][0]["inputs"][0]["path"] ==
        fs::absolute(m.committed).lexically_normal().string());
  // Without the file: one clear line.
  fs::remove(m.committed);
  auto missing = harness({"run", m.scenario, "--out", (m.dir / "run2").string(), "-q"});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.captured_stderr, Catch::Contains("\"profile\": \"auto\" but"));
}

TEST_CASE("interrupting refresh leaves the committed profile untouched and no child behind") {
  Module m;
  const fs::path candidate = m.dir / "candidate.pgo";
  ProcessSpec merge;
  merge.argv = {kMerge,
                "-q",
                "--weight",
                m.committed.string() + "=5",
                "-o",
                candidate.string(),
                m.committed.string()};
  REQUIRE(pgo::harness::run_process(merge).succeeded());
  const std::string before = read_file(m.committed);
  const fs::path run_dir = m.dir / "interrupted-run";
  ProcessSpec spec;
  spec.argv = {kHarness,
               "refresh",
               m.scenario,
               "--committed",
               m.committed.string(),
               "--candidate",
               candidate.string(),
               "--out",
               run_dir.string(),
               "--runs",
               "50",
               "-q"};
  spec.stderr_mode = StreamMode::kFile;
  spec.stderr_path = (m.dir / "stderr").string();
  pgo::harness::BackgroundProcess p(spec);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(::kill(p.pid(), SIGTERM) == 0);
  auto result = p.wait_for(std::chrono::seconds(60));
  REQUIRE(result);
  INFO(read_file(m.dir / "stderr"));
  CHECK(result->exit_code == 143);
  CHECK_THAT(read_file(m.dir / "stderr"), Catch::Contains("left untouched"));
  CHECK(read_file(m.committed) == before);
  // Nothing it started (go build, the workload) still runs.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(e.path() / "cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    CHECK(cmdline.find(run_dir.string()) == std::string::npos);
  }
}
