// Risk guarded against: a run killed with SIGKILL (no chance to mark its report) resumed
// as if nothing had happened, and a resume that silently redoes finished phases because a
// kept artifact changed, without saying which file failed its check.
// Runs the built pgo-harness on tests/cli/testdata/pgoloop with the real Go toolchain
// (label: integration).
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::harness::BackgroundProcess;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const fs::path kTestdata = fs::path(PGO_TESTS_DIR) / "cli" / "testdata";

ProcessSpec harness_spec(std::vector<std::string> args) {
  args.insert(args.begin(), {kHarness, "run"});
  return pgo::testing::tool_spec(std::move(args), std::chrono::minutes(10));
}

}  // namespace

TEST_CASE(
    "reliability: resume after kill -9 says the run was killed and names the artifact "
    "that failed its sha256 check",
    "[run][integration]") {
  const fs::path dir =
      fs::temp_directory_path() / ("pgo_resume_after_kill_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(kTestdata / "pgoloop", dir / "pgoloop", fs::copy_options::recursive);
  json scenario = {
      {"name", "killed"},
      {"workloads",
       json::array({{{"name", "spin"},
                     {"command", {"{binary}", "-d", "50ms"}},
                     {"profile_command", {"{binary}", "-d", "3s", "-cpuprofile={profile}"}},
                     {"metric", "cpu"},
                     {"timeout_seconds", 120}}})},
      {"profiling", {{"instances", 1}}},
      {"iterations", 1},
      {"trials", {{"runs", 2}, {"warmup", 0}, {"seed", 1}}}};
  const fs::path scenario_path = dir / "pgoloop" / "scenario.json";
  std::ofstream(scenario_path) << scenario.dump(2);
  const fs::path run = dir / "run";

  // Kill the harness with SIGKILL while the profiled run is in progress.
  auto harness = std::make_unique<BackgroundProcess>(
      harness_spec({scenario_path.string(), "--out", run.string(), "--build-cache", "go"}));
  const fs::path profiled_log = run / "logs" / "iter-1" / "spin-1.log";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!fs::exists(profiled_log) && std::chrono::steady_clock::now() < deadline &&
         harness->running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(fs::exists(profiled_log));
  REQUIRE(::kill(harness->pid(), SIGKILL) == 0);
  REQUIRE(harness->wait_for(std::chrono::seconds(30)));
  json killed = json::parse(read_file(run / "report.json"));
  REQUIRE(killed["status"] == "running");

  // Damage the kept v0 binary: the resume must rebuild it and say why.
  const fs::path binary = run / killed["builds"][0]["binary"].get<std::string>();
  const auto size = fs::file_size(binary);
  std::ofstream(binary, std::ios::app) << "x";
  REQUIRE(fs::file_size(binary) == size + 1);  // nothing of the killed run still runs it

  ProcessResult resumed = pgo::harness::run_process(harness_spec({"--resume", run.string()}));
  INFO(resumed.captured_stderr);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.captured_stderr.find("the previous harness was killed during profile v1") !=
        std::string::npos);
  CHECK(resumed.captured_stderr.find("redoing build v0 and what follows: " + binary.string() +
                                     " failed its sha256 check") != std::string::npos);
  json r = json::parse(read_file(run / "report.json"));
  CHECK(r["status"] == "complete");
  std::string warnings;
  for (const json& w : r["warnings"]) warnings += w.get<std::string>() + "\n";
  CHECK(warnings.find("killed during profile v1") != std::string::npos);
  CHECK(warnings.find(binary.string() + " failed its sha256 check") != std::string::npos);
  fs::remove_all(dir);
}
