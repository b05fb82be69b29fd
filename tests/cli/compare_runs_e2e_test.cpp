// Risk guarded against: `run`, `report` and `compare` each passing their own tests on
// constructed reports while the chain a user runs (run, then report, then compare) is
// broken: a real run's report.json that `report` cannot render or `compare` cannot read, a
// genuinely slower build that the gate lets through (exit 0), a run compared with itself
// failing the gate, or shared-Go-cache build times presented as a PGO build cost.
// Runs the built pgo-harness on a copy of tests/cli/testdata/pgoloop with the real Go
// toolchain (label: integration): two runs of the same scenario with `--profile` (no
// collection, one PGO build) on the user's Go build cache, the second after making the
// hot loop do 30% more work. The metric is CPU time of a fixed amount of work (-rounds),
// so load on the machine changes wall time but hardly the measured values.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "process/process.h"
#include "reports/json_schema.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::harness::ProcessResult;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const fs::path kTestdata = fs::path(PGO_TESTS_DIR) / "cli" / "testdata";

ProcessResult harness(std::vector<std::string> args) {
  args.insert(args.begin(), kHarness);
  return pgo::testing::run_tool(std::move(args), std::chrono::minutes(10));
}

// The comparison row (kind, workload, build) of `compare --json` output.
const json* row(const json& comparison, const std::string& kind, const std::string& workload,
                const std::string& build) {
  for (const json& r : comparison["rows"]) {
    if (r["kind"] == kind && r["workload"] == workload && r["build"] == build) return &r;
  }
  return nullptr;
}

double median_of(const json& report, const std::string& build) {
  for (const json& t : report["trials"]) {
    if (t["build"] == build) return t["median"].get<double>();
  }
  FAIL("no trials for " + build);
  return 0;
}

}  // namespace

TEST_CASE("run, report and compare: a deliberately slowed build fails the gate", "[compare][e2e]") {
  const fs::path dir =
      fs::temp_directory_path() / ("pgo_compare_e2e_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path module = dir / "pgoloop";
  fs::create_directories(dir);
  fs::copy(kTestdata / "pgoloop", module, fs::copy_options::recursive);
  // About 0.16 s of CPU per run on these machines.
  const json scenario = {
      {"name", "compare-e2e"},
      {"workloads",
       {{{"name", "spin"},
         {"command", {"{binary}", "-rounds", "500"}},
         {"profile_command", {"{binary}", "-rounds", "500", "-cpuprofile={profile}"}},
         {"metric", "cpu"},
         {"timeout_seconds", 120}}}},
      {"trials", {{"warmup", 0}, {"seed", 1}}}};
  std::ofstream(module / "scenario.json") << scenario.dump(2);
  const std::string scenario_path = (module / "scenario.json").string();
  const std::string base = (dir / "base").string();
  const std::string slow = (dir / "slow").string();
  const std::string profile = (kTestdata / "pgoloop.pgo").string();
  auto run_into = [&](const std::string& out) {
    ProcessResult r = harness({"run", scenario_path, "--out", out, "--profile", profile,
                               "--build-cache", "go", "--runs", "8", "-q"});
    INFO(r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    return r;
  };

  // Plain blocks, not SECTIONs: Catch2 would rerun both runs for every section.
  ProcessResult first = run_into(base);
  // The slowdown: 30% more calls per round of the hot loop, same scenario.json.
  std::string source = read_file(module / "main.go");
  const std::string from = "const roundSize = 100000\n";
  const auto at = source.find(from);
  REQUIRE(at != std::string::npos);
  source.replace(at, from.size(), "const roundSize = 130000\n");
  std::ofstream(module / "main.go") << source;
  run_into(slow);

  const json base_report = json::parse(read_file(base + "/report.json"));
  const json slow_report = json::parse(read_file(slow + "/report.json"));
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_TESTS_DIR) +
                                                     "/../reports/run_report.schema.json");
  CHECK(schema.validate(base_report) == std::vector<std::string>{});
  CHECK(schema.validate(slow_report) == std::vector<std::string>{});
  // The slowdown is real in the measurements themselves (CPU time: load barely matters).
  for (const char* build : {"v0", "v1"}) {
    INFO(build);
    CHECK(median_of(slow_report, build) > 1.15 * median_of(base_report, build));
  }

  {  // shared-cache build times are flagged, not shown as PGO's build cost
    CHECK(base_report["analysis"]["build_times_comparable"] == false);
    bool warned = false;
    for (const json& w : base_report["warnings"]) {
      warned = warned ||
               w.get<std::string>().find("build times are not comparable") != std::string::npos;
    }
    CHECK(warned);
    CHECK_THAT(first.captured_stdout,
               Catch::Contains("time not comparable (shared Go build cache)"));
    CHECK_THAT(read_file(base + "/report.md"),
               Catch::Contains("not comparable (shared Go build cache)"));
  }

  {  // report re-renders report.md and report.html from a real run
    fs::remove(base + "/report.md");
    fs::remove(base + "/report.html");
    ProcessResult r = harness({"report", base});
    INFO(r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    const std::string md = read_file(base + "/report.md");
    const std::string html = read_file(base + "/report.html");
    const std::string kind = base_report["analysis"]["verdict"]["kind"];
    CHECK(kind != "incomplete");
    CHECK_THAT(md, Catch::StartsWith("# PGO report: compare-e2e\n\n**Verdict: "));
    CHECK_THAT(
        md, Catch::Contains(base_report["analysis"]["verdict"]["explanation"].get<std::string>()));
    CHECK_THAT(html, Catch::Contains("class=\"verdict verdict-" + kind + "\""));
    CHECK_THAT(html, Catch::Contains("</html>"));
  }

  {  // compare BASE SLOW is a regression (exit 1) on the absolute times
    const std::string out = (dir / "cmp.json").string();
    ProcessResult r = harness({"compare", base, slow, "--fail-on-regression", "5%", "--json", out});
    INFO(r.captured_stdout << r.captured_stderr);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.captured_stdout, Catch::Contains("result: REGRESSION"));
    const json c = json::parse(read_file(out));
    for (const char* build : {"v0", "v1"}) {
      INFO(build);
      const json* t = row(c, "time", "spin", build);
      REQUIRE(t);
      CHECK((*t)["verdict"] == "regression");
      CHECK((*t)["ratio"].get<double>() > 1.15);
      CHECK((*t)["p_value"].get<double>() < 0.05);
    }
    // The text table shows the regression row, and no build-time row from the shared cache.
    bool shown = false;
    std::istringstream lines(r.captured_stdout);
    for (std::string line; std::getline(lines, line);) {
      shown = shown || (line.rfind("time ", 0) == 0 && line.find("spin") != std::string::npos &&
                        line.find("regression") != std::string::npos);
    }
    CHECK(shown);
    CHECK_FALSE(row(c, "build_time", "", "v0"));
    CHECK_THAT(r.captured_stdout, Catch::Contains("build times not compared"));
  }

  {  // compare of a run with itself passes (exit 0); SLOW to BASE is an improvement
    ProcessResult same = harness({"compare", base, base, "--fail-on-regression", "5%"});
    INFO(same.captured_stdout << same.captured_stderr);
    CHECK(same.exit_code == 0);
    CHECK_THAT(same.captured_stdout, Catch::Contains("result: no regression"));
    CHECK_THAT(same.captured_stdout, !Catch::Contains("improvement\n"));

    const std::string out = (dir / "back.json").string();
    ProcessResult back =
        harness({"compare", slow, base, "--fail-on-regression", "5%", "--json", out});
    INFO(back.captured_stdout << back.captured_stderr);
    CHECK(back.exit_code == 0);
    const json c = json::parse(read_file(out));
    const json* t = row(c, "time", "spin", "v0");
    REQUIRE(t);
    CHECK((*t)["verdict"] == "improvement");
  }
  fs::remove_all(dir);
}
