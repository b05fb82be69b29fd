// Risk guarded against: `pgo-harness run` working in unit tests but not end to end: a
// phase skipped or out of order, a report missing what the issue promises (builds with
// the -pgo read back, profiles and merged sha256, trials, analysis, verdict), a fault
// (broken Go code, crashing workload, missing or empty profile, server never ready,
// timeout) passing silently or with the wrong exit code, a SIGTERM leaving children behind
// or an unusable report, and --resume redoing or losing finished work.
// Runs the built pgo-harness on tests/cli/testdata/pgoloop with the real Go toolchain
// (label: integration). Builds use the user's go build cache (--build-cache go); each PGO
// build still recompiles the runtime, so the program imports as little as possible.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "base/sha256.h"
#include "process/process.h"
#include "reports/json_schema.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::harness::BackgroundProcess;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::StreamMode;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const fs::path kTestdata = fs::path(PGO_TESTS_DIR) / "cli" / "testdata";

// A copy of the pgoloop module with a scenario written next to it.
struct Loop {
  fs::path dir;
  fs::path module;
  Loop() {
    static int counter = 0;
    dir = fs::temp_directory_path() /
          ("pgo_run_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir);
    module = dir / "pgoloop";
    fs::create_directories(dir);
    fs::copy(kTestdata / "pgoloop", module, fs::copy_options::recursive);
  }
  ~Loop() { fs::remove_all(dir); }

  // `workload` is the first workload object; `extra` is merged into the scenario.
  std::string scenario(const json& workload, const json& extra = json::object()) const {
    json s = {{"name", "loop-test"},
              {"workloads", json::array({workload})},
              {"profiling", {{"instances", 2}}},
              {"iterations", 2},
              {"trials", {{"runs", 5}, {"warmup", 0}, {"seed", 1}}}};
    s.merge_patch(extra);
    std::ofstream(module / "scenario.json") << s.dump(2);
    return (module / "scenario.json").string();
  }
  std::string out() const { return (dir / "run").string(); }
  json report() const { return json::parse(read_file(dir / "run" / "report.json")); }
};

ProcessSpec harness_spec(std::vector<std::string> args) {
  args.insert(args.begin(), {kHarness, "run"});
  return pgo::testing::tool_spec(std::move(args), std::chrono::minutes(15));
}

ProcessResult run(const std::vector<std::string>& args) {
  return pgo::harness::run_process(harness_spec(args));
}

const json* phase(const json& report, const std::string& name) {
  for (const json& p : report["phases"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

// Processes whose command line mentions `needle` (the run directory): none may survive.
std::vector<std::string> processes_mentioning(const std::string& needle) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = read_file(e.path() / "cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(needle) != std::string::npos) found.push_back(pid + ": " + cmdline);
  }
  return found;
}

// "v1"; built by append because GCC 12 at -O3 warns falsely (-Wrestrict) on "v" + string.
std::string label(int i) {
  std::string s(1, 'v');
  s += std::to_string(i);
  return s;
}

json spin(const std::string& duration = "150ms") {
  return {{"name", "spin"},
          {"command", {"{binary}", "-d", duration}},
          {"profile_command", {"{binary}", "-d", "400ms", "-cpuprofile={profile}"}},
          {"metric", "cpu"},
          {"timeout_seconds", 120}};
}

}  // namespace

TEST_CASE("run: SIGTERM mid-run leaves an interrupted report and no child, --resume completes it",
          "[run]") {
  Loop loop;
  json w = spin();
  // Long profiled runs so the signal lands while a workload is running.
  w["profile_command"] = {"{binary}", "-d", "3s", "-cpuprofile={profile}"};
  std::string scenario = loop.scenario(w);

  ProcessSpec spec = harness_spec({scenario, "--out", loop.out(), "--build-cache", "go"});
  spec.stdout_mode = StreamMode::kFile;
  spec.stderr_mode = StreamMode::kFile;
  spec.stdout_path = (loop.dir / "first.out").string();
  spec.stderr_path = (loop.dir / "first.err").string();
  auto harness = std::make_unique<BackgroundProcess>(spec);
  // Wait until the first profiled run has started (its log exists), then stop the run.
  const fs::path first_log = loop.dir / "run" / "logs" / "iter-1" / "spin-1.log";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (!fs::exists(first_log) && std::chrono::steady_clock::now() < deadline &&
         harness->running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(fs::exists(first_log));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(::kill(harness->pid(), SIGTERM) == 0);
  std::optional<ProcessResult> ended = harness->wait_for(std::chrono::seconds(30));
  REQUIRE(ended);
  INFO(read_file(loop.dir / "first.err"));
  CHECK(ended->exit_code == 143);
  CHECK(processes_mentioning(loop.out()).empty());

  json interrupted = loop.report();
  CHECK(interrupted["status"] == "interrupted");
  REQUIRE(phase(interrupted, "build v0"));
  CHECK((*phase(interrupted, "build v0"))["status"] == "done");
  REQUIRE(phase(interrupted, "profile v1"));
  CHECK((*phase(interrupted, "profile v1"))["status"] == "interrupted");
  CHECK(read_file(loop.dir / "first.err").find("--resume") != std::string::npos);
  // Said once: "pgo-harness: interrupted by a signal during ...", not "interrupted: interrupted:".
  CHECK(read_file(loop.dir / "first.err").find("pgo-harness: interrupted by a signal") !=
        std::string::npos);
  CHECK(read_file(loop.dir / "first.err").find("interrupted: interrupted") == std::string::npos);
  const std::string v0_sha = interrupted["builds"][0]["binary_sha256"];

  ProcessResult resumed = run({"--resume", loop.out()});
  INFO(resumed.captured_stderr);
  REQUIRE(resumed.exit_code == 0);
  CHECK(processes_mentioning(loop.out()).empty());
  CHECK(resumed.captured_stderr.find("build v0: done before, kept") != std::string::npos);

  json r = loop.report();
  CHECK(r["status"] == "complete");
  CHECK(r["schema_version"] == 1);
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_TESTS_DIR) +
                                                     "/../reports/run_report.schema.json");
  CHECK(schema.validate(r) == std::vector<std::string>{});
  CHECK(schema.validate(interrupted) == std::vector<std::string>{});
  CHECK(r["scenario_name"] == "loop-test");
  CHECK(r["scenario_hash"].get<std::string>().size() == 64);
  CHECK(r["go_version"].get<std::string>().rfind("go1.", 0) == 0);

  // Phases: every one done exactly once, in order.
  std::vector<std::string> names;
  for (const json& p : r["phases"]) {
    CHECK(p["status"] == "done");
    CHECK(p["wall_seconds"].get<double>() >= p["child_seconds"].get<double>());
    names.push_back(p["name"]);
  }
  CHECK(names == std::vector<std::string>{"prepare", "build v0", "profile v1", "merge v1",
                                          "build v1", "profile v2", "merge v2", "build v2",
                                          "trials", "analysis"});

  // Builds: v0 kept from the first attempt; -pgo read back from each binary.
  REQUIRE(r["builds"].size() == 3);
  CHECK(r["builds"][0]["binary_sha256"] == v0_sha);
  CHECK(r["builds"][0]["pgo"] == "off");
  CHECK(r["builds"][0]["pgo_build_setting"] == "off");
  for (int i = 1; i <= 2; ++i) {
    const json& b = r["builds"][i];
    CHECK(b["label"] == label(i));
    CHECK(b["pgo"] == "profiles/iter-" + std::to_string(i) + ".pgo");
    CHECK(b["pgo_build_setting"] == (fs::path(loop.out()) / b["pgo"].get<std::string>()).string());
    CHECK(b["binary_size_bytes"].get<std::int64_t>() > 0);
    CHECK(pgo::sha256_file_hex(loop.out() + "/" + b["binary"].get<std::string>()) ==
          b["binary_sha256"]);
    CHECK(b["profile_sha256"] == r["profiles"][i - 1]["merged_sha256"]);
  }

  // Profiles: K = 2 inputs per iteration, merged file matches its hash, overlap from v2 on.
  REQUIRE(r["profiles"].size() == 2);
  for (int i = 0; i < 2; ++i) {
    const json& p = r["profiles"][i];
    CHECK(p["iteration"] == i + 1);
    CHECK(p["collected_from"] == label(i));
    CHECK(p["inputs"].size() == 2);
    for (const json& in : p["inputs"])
      CHECK(fs::exists(loop.out() + "/" + in["path"].get<std::string>()));
    CHECK(pgo::sha256_file_hex(loop.out() + "/" + p["merged_path"].get<std::string>()) ==
          p["merged_sha256"]);
    CHECK(p["view"]["samples"].get<std::int64_t>() > 0);
  }
  CHECK(r["profiles"][0]["overlap_with_previous"].is_null());
  CHECK(r["profiles"][1]["overlap_with_previous"].is_object());

  // Trials: every build x workload, 5 runs, the metric recorded.
  REQUIRE(r["trials"].size() == 3);
  for (const json& t : r["trials"]) {
    CHECK(t["workload"] == "spin");
    CHECK(t["metric"] == "cpu");
    CHECK(t["values"].size() == 5);
    CHECK(t["wall_seconds"].size() == 5);
    // Seconds of CPU for a 150 ms spin: a wrong unit (ms, ns) lands far outside; a loaded
    // machine can preempt the spin to well under its wall time, so no tight lower bound.
    CHECK(t["median"].get<double>() > 0.005);
    CHECK(t["median"].get<double>() < 2.0);
  }

  // Analysis: comparisons, geomean, overhead and a verdict.
  const json& a = r["analysis"];
  REQUIRE(a["workloads"].size() == 1);
  REQUIRE(a["workloads"][0]["iterations"].size() == 2);
  CHECK(a["workloads"][0]["iterations"][0]["vs_off"]["against"] == "v0");
  CHECK(a["workloads"][0]["iterations"][1]["vs_previous"]["against"] == "v1");
  CHECK(a["geomean"].size() == 2);
  CHECK(a["overhead"].size() == 2);
  std::string kind = a["verdict"]["kind"];
  CHECK(kind != "incomplete");
  CHECK_FALSE(a["verdict"]["explanation"].get<std::string>().empty());

  CHECK(fs::exists(loop.out() + "/report.md"));
  CHECK(fs::exists(loop.out() + "/report.html"));
  CHECK(resumed.captured_stdout.find("speedup vs v0") != std::string::npos);
  CHECK(resumed.captured_stdout.find("report: ") != std::string::npos);
}

TEST_CASE("run --profile evaluates a given profile and --emit-default-pgo writes it", "[run]") {
  Loop loop;
  std::string scenario = loop.scenario(spin());
  const fs::path given = kTestdata / "pgoloop.pgo";
  const std::string emitted = (loop.dir / "emitted" / "default.pgo").string();
  fs::create_directories(loop.dir / "emitted");
  ProcessResult r = run({scenario, "--out", loop.out(), "--build-cache", "go", "--profile",
                         given.string(), "--emit-default-pgo", emitted, "--runs", "4"});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  json report = loop.report();
  CHECK(report["status"] == "complete");
  REQUIRE(report["builds"].size() == 2);
  REQUIRE(phase(report, "import v1"));
  CHECK_FALSE(phase(report, "profile v1"));
  CHECK(report["profiles"][0]["inputs"][0]["path"] ==
        fs::absolute(given).lexically_normal().string());
  CHECK(read_file(loop.out() + "/profiles/iter-1.pgo") == read_file(given));
  CHECK(read_file(emitted) == read_file(given));
  CHECK(report["trials"][0]["values"].size() == 4);
  // The given profile comes from this very source: nothing in it is stale.
  REQUIRE(report["builds"][1].contains("staleness"));
  CHECK(report["builds"][1]["staleness"]["hot_share"] == 0.0);
}

TEST_CASE("run: every fault gives its exit code, a one-line message and a failed report", "[run]") {
  Loop loop;
  struct Fault {
    const char* name;
    json workload;
    int exit_code;
    const char* failed_phase;
    const char* message;
  };
  json failing = spin();
  failing["command"] = {"{binary}", "-fail"};
  failing["profile_command"] = {"{binary}", "-fail", "-cpuprofile={profile}"};
  json no_profile = spin();
  no_profile["profile_command"] = {"{binary}", "-ignore={profile}"};
  json empty_profile = spin();
  empty_profile["profile_command"] = {"{binary}", "-emptyprofile={profile}"};
  json slow = spin();
  slow["profile_command"] = {"{binary}", "-d", "30s", "-cpuprofile={profile}"};
  slow["timeout_seconds"] = 1;
  std::vector<Fault> faults = {
      {"workload exits 1", failing, 4, "profile v1", "exit status 1"},
      {"workload writes no profile", no_profile, 4, "profile v1", "wrote no profile"},
      {"workload writes an empty profile", empty_profile, 5, "profile v1", "empty profile"},
      {"workload times out", slow, 4, "profile v1", "timed out"},
  };
  for (const Fault& f : faults) {
    DYNAMIC_SECTION(f.name) {
      std::string scenario = loop.scenario(f.workload);
      ProcessResult r = run({scenario, "--out", loop.out(), "--build-cache", "go", "-q"});
      INFO(r.captured_stderr);
      CHECK(r.exit_code == f.exit_code);
      CHECK(r.captured_stderr.find(f.message) != std::string::npos);
      json report = loop.report();
      CHECK(report["status"] == "failed");
      CHECK(report["error"].get<std::string>().find(f.message) != std::string::npos);
      REQUIRE(phase(report, f.failed_phase));
      CHECK((*phase(report, f.failed_phase))["status"] == "failed");
      CHECK((*phase(report, "build v0"))["status"] == "done");
      CHECK(processes_mentioning(loop.out()).empty());
      fs::remove_all(loop.out());
    }
  }
  SECTION("broken Go code fails build v0 with the compiler's message") {
    std::ofstream(loop.module / "broken.go")
        << "package main\n\nfunc broken() { undefinedThing() }\n";
    std::string scenario = loop.scenario(spin());
    ProcessResult r = run({scenario, "--out", loop.out(), "--build-cache", "go", "-q"});
    INFO(r.captured_stderr);
    CHECK(r.exit_code == 3);
    CHECK(r.captured_stderr.find("undefinedThing") != std::string::npos);
    json report = loop.report();
    CHECK(report["status"] == "failed");
    CHECK((*phase(report, "build v0"))["status"] == "failed");
    CHECK(report["builds"].empty());
  }
  SECTION("an existing run directory is refused, a missing scenario is a usage error") {
    std::string scenario = loop.scenario(spin());
    fs::create_directories(loop.out());
    std::ofstream(loop.out() + "/report.json") << "{}";
    CHECK(run({scenario, "--out", loop.out()}).exit_code == 1);
    CHECK(run({}).exit_code == 2);
    CHECK(run({"--resume", loop.out(), "--runs", "3"}).exit_code == 2);
  }
}

TEST_CASE("run: a gotest workload reports every benchmark with all its units", "[run]") {
  // tests/support/testdata/gotool's BenchmarkUnits (B/op, allocs/op, widgets/op) and
  // BenchmarkCount, one PGO build from the given profile the --profile test uses too (its
  // PGO-compiled standard library is then in the shared Go cache): seconds, not minutes.
  fs::path dir = fs::temp_directory_path() / ("pgo_run_gotest_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(fs::path(PGO_TESTS_DIR) / "support" / "testdata" / "gotool", dir / "gotool",
           fs::copy_options::recursive);
  json s = {{"name", "units"},
            {"workloads",
             {{{"name", "units"},
               {"kind", "gotest"},
               {"gotest",
                {{"bench", "^Benchmark(Units|Count)$"},
                 {"benchtime", "200x"},
                 {"count", 2},
                 {"args", {"-test.benchmem"}}}}}}},
            {"iterations", 1},
            {"trials", {{"runs", 4}, {"warmup", 0}, {"seed", 1}}}};
  std::ofstream(dir / "gotool" / "scenario.json") << s.dump(2);
  const std::string out = (dir / "run").string();
  ProcessResult r = run({(dir / "gotool" / "scenario.json").string(), "--out", out, "--build-cache",
                         "go", "--profile", (kTestdata / "pgoloop.pgo").string(), "-q"});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  json report = json::parse(read_file(dir / "run" / "report.json"));
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_TESTS_DIR) +
                                                     "/../reports/run_report.schema.json");
  CHECK(schema.validate(report) == std::vector<std::string>{});
  REQUIRE(report["trials"].size() == 2);
  for (const json& t : report["trials"]) {
    const json& units = t["benchmarks"]["BenchmarkUnits"];
    CHECK(units["ns/op"].size() == 4);  // one value per run
    CHECK(units["allocs/op"][0] == 1.0);
    CHECK(units["widgets/op"][0] == 3.0);
    CHECK(t["benchmarks"]["BenchmarkCount"]["ns/op"].size() == 4);
    CHECK(t["values"].size() == 4);
  }
  const json& benchmarks = report["analysis"]["workloads"][0]["benchmarks"];
  REQUIRE(benchmarks.size() == 2);
  CHECK(benchmarks[1]["benchmark"] == "BenchmarkUnits");
  CHECK(benchmarks[1]["iterations"][0]["vs_off"]["against"] == "v0");
  CHECK(benchmarks[1]["iterations"][0]["unit_ratios_vs_off"]["allocs/op"] == 1.0);
  const std::string md = read_file(dir / "run" / "report.md");
  CHECK(md.find("| units | BenchmarkUnits | v1 |") != std::string::npos);
  const std::string bench = read_file(dir / "run" / "report.bench.txt");
  CHECK(bench.find("BenchmarkUnits/Units 1 ") != std::string::npos);
  CHECK(bench.find(" widgets/op") != std::string::npos);
  CHECK(processes_mentioning(out).empty());
  fs::remove_all(dir);
}

TEST_CASE("run: an HTTP server that never gets ready fails the run cleanly", "[run]") {
  // tests/support/testdata/gotool has a net/http server; its -pgo=off build is cached.
  fs::path dir = fs::temp_directory_path() / ("pgo_run_http_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(fs::path(PGO_TESTS_DIR) / "support" / "testdata" / "gotool", dir / "gotool",
           fs::copy_options::recursive);
  json s = {{"name", "never-ready"},
            {"workloads",
             {{{"name", "api"},
               {"kind", "http"},
               {"http",
                {{"server_command", {"{binary}", "serve", "-addr", "127.0.0.1:{port}"}},
                 {"ready_path", "/no-such-page"},
                 {"ready_timeout_seconds", 2},
                 {"load_command", {"{binary}", "load", "-d", "1s", "{urls}"}},
                 {"profile_seconds", 1}}}}}},
            {"profiling", {{"instances", 2}}},
            {"iterations", 1},
            {"trials", {{"runs", 3}, {"warmup", 0}}}};
  std::ofstream(dir / "gotool" / "scenario.json") << s.dump(2);
  const std::string out = (dir / "run").string();
  ProcessResult r =
      run({(dir / "gotool" / "scenario.json").string(), "--out", out, "--build-cache", "go", "-q"});
  INFO(r.captured_stderr);
  CHECK(r.exit_code == 4);
  CHECK(r.captured_stderr.find("ready") != std::string::npos);
  json report = json::parse(read_file(dir / "run" / "report.json"));
  CHECK(report["status"] == "failed");
  CHECK((*phase(report, "profile v1"))["status"] == "failed");
  CHECK(processes_mentioning(out).empty());
  fs::remove_all(dir);
}

TEST_CASE("run: hw_instructions counts natively where there is a PMU, else stops before building",
          "[run][counting]") {
  // Risk: a machine without counters building everything before failing, exiting with the
  // wrong code, or quietly timing or valgrind-counting instead.
  Loop loop;
  const std::string scenario =
      loop.scenario({{"name", "count"},
                     {"command", {"{binary}", "-rounds", "20"}},
                     {"profile_command", {"{binary}", "-d", "400ms", "-cpuprofile={profile}"}},
                     {"metric", "hw_instructions"},
                     {"timeout_seconds", 120}},
                    {{"iterations", 1}});
  ProcessResult r = run({scenario, "--out", loop.out(), "--build-cache", "go", "-q"});
  INFO(r.captured_stderr);
  if (r.exit_code == 1) {  // no PMU (this project's VMs) or counters not allowed
    CHECK(r.captured_stderr.find("workload 'count' (metric hw_instructions): ") !=
          std::string::npos);
    CHECK(r.captured_stderr.find("count with the cachegrind metrics instead (instructions, "
                                 "cycles_estimate)") != std::string::npos);
    std::error_code ec;
    CHECK(fs::is_empty(fs::path(loop.out()) / "builds", ec));
    CHECK_FALSE(fs::exists(fs::path(loop.out()) / "report.json"));
    return;
  }
  REQUIRE(r.exit_code == 0);
  const json report = loop.report();
  REQUIRE(report["trials"].size() == 2);
  for (const json& t : report["trials"]) {
    CHECK(t["metric"] == "hw_instructions");
    CHECK(t["unit"] == "instructions");
    CHECK(t["run_settings"]["GOGC"] == "off");
    CHECK(t["counts"]["hw_instructions"].size() == t["values"].size());
    CHECK(t["counts"]["hw_instructions"][0].get<double>() > 2e7);
    CHECK_FALSE(t["counts"].contains("l1_misses"));  // not counted under cachegrind
  }
  CHECK(report["analysis"]["workloads"][0]["iterations"][0]["vs_off"]["method"] == "count-spread");
}

TEST_CASE("run: a counting workload is counted under cachegrind and judged by the spread rule",
          "[run][counting]") {
  // Risk: a counting metric that is silently timed, counted without the deterministic
  // runtime settings, not recorded in the report, or judged by the rank test (which can
  // never decide with 2-4 runs).
  Loop loop;
  const std::string scenario =
      loop.scenario({{"name", "count"},
                     {"command", {"{binary}", "-rounds", "20"}},
                     {"profile_command", {"{binary}", "-d", "400ms", "-cpuprofile={profile}"}},
                     {"metric", "cycles_estimate"},
                     {"timeout_seconds", 120}},
                    {{"iterations", 1}});
  ProcessResult r = run({scenario, "--out", loop.out(), "--build-cache", "go", "-q"});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  const json report = loop.report();
  REQUIRE(report["trials"].size() == 2);
  for (const json& t : report["trials"]) {
    CHECK(t["metric"] == "cycles_estimate");
    CHECK(t["unit"] == "cycles");
    CHECK(t["values"].size() >= 2);
    CHECK(t["values"].size() <= 4);
    CHECK(t["run_settings"]["GOMAXPROCS"] == "1");
    CHECK(t["run_settings"]["GOGC"] == "off");
    CHECK(t["run_settings"]["GOMEMLIMIT"] == "1GiB");
    CHECK(t["run_settings"]["GODEBUG"] == "asyncpreemptoff=1");
    CHECK(t["counts"]["instructions"].size() == t["values"].size());
    // 20 rounds of 100,000 interface calls: tens of millions of instructions.
    CHECK(t["counts"]["instructions"][0].get<double>() > 2e7);
    CHECK(t["spread"].get<double>() < 0.01);
  }
  const json& vs_off = report["analysis"]["workloads"][0]["iterations"][0]["vs_off"];
  CHECK(vs_off["method"] == "count-spread");
  CHECK(vs_off["p_value"].is_null());
  CHECK(vs_off["verdict"] != "not enough data");
  CHECK(report["analysis"]["verdict"]["kind"] != "incomplete");
  CHECK(r.captured_stdout.find("cycles") != std::string::npos);
}
