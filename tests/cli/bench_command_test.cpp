// Risk guarded against: `pgo-harness bench` behaving differently for real commands than the
// scheduler's unit tests promise: wrong run counts, hooks out of order, failures and
// timeouts not failing the run (or failing it despite --ignore-failure), per-run CPU and
// memory mixed between children, exports that do not parse back or miss hyperfine's
// fields, a bad export path discovered only after the benchmark, wrong exit codes.
// Runs the built pgo-harness on tests/cli/bench_helper (label: integration).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::harness::BackgroundProcess;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::StreamMode;
using pgo::testing::read_file;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";
const std::string kHelper = std::string(PGO_BIN_DIR) + "/bench_helper";

struct Scratch : pgo::testing::TempDir {
  Scratch() : TempDir("pgo_bench_cli") {}
};

ProcessResult bench(std::vector<std::string> args) {
  args.insert(args.begin(), {kHarness, "bench", "--style", "basic"});
  return pgo::testing::run_tool(std::move(args), std::chrono::seconds(60));
}

std::vector<std::string> lines(const std::string& path) { return pgo::testing::read_lines(path); }

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

std::string helper(const std::string& rest) { return kHelper + " " + rest; }

}  // namespace

TEST_CASE("bench: run counts and warmups", "[bench][integration]") {
  Scratch s;
  const std::string log = s.path("log"), json = s.path("r.json");
  ProcessResult r = bench(
      {"--runs", "3", "--warmup", "2", "--export-json", json, helper("append " + log + " run")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK(lines(log).size() == 5);
  auto j = read_json(json);
  CHECK(j["results"][0]["times"].size() == 3);
  CHECK(j["results"][0]["warmup_runs"] == 2);
  CHECK(r.captured_stdout.find("Benchmark 1: " + helper("append " + log + " run")) !=
        std::string::npos);

  SECTION("--max-runs bounds hyperfine's 3-second rule") {
    ProcessResult m =
        bench({"--min-runs", "2", "--max-runs", "4", "--export-json", json, helper("exit 0")});
    REQUIRE(m.exit_code == 0);
    CHECK(read_json(json)["results"][0]["times"].size() == 4);
    CHECK(read_json(json)["results"][0]["stop_reason"] == "max-runs");
  }
}

TEST_CASE("bench: hooks run in order around every run", "[bench][integration]") {
  Scratch s;
  const std::string log = s.path("log");
  auto hook = [&](const char* what) { return helper("append " + log + " " + what); };
  ProcessResult r = bench({"--runs", "2", "--warmup", "1", "--order", "sequential", "--setup",
                           hook("setup"), "--prepare", hook("prepare"), "--conclude",
                           hook("conclude"), "--cleanup", hook("cleanup"), hook("run")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK(lines(log) == std::vector<std::string>{"setup", "prepare", "run", "conclude", "prepare",
                                               "run", "conclude", "prepare", "run", "conclude",
                                               "cleanup"});
}

TEST_CASE("bench: failures fail the run unless ignored", "[bench][integration]") {
  Scratch s;
  const std::string json = s.path("r.json");
  ProcessResult r = bench({"--runs", "2", helper("exit 3")});
  CHECK(r.exit_code == 1);
  CHECK(r.captured_stderr.find("failed: exit status 3") != std::string::npos);
  CHECK(r.captured_stderr.find("--ignore-failure") != std::string::npos);

  r = bench({"--runs", "2", "--ignore-failure", "--export-json", json, helper("exit 3")});
  INFO(r.captured_stderr);
  CHECK(r.exit_code == 0);
  auto j = read_json(json);
  CHECK(j["results"][0]["exit_codes"] == nlohmann::json::array({3, 3}));
  CHECK(j["results"][0]["failed_runs"] == 2);
  CHECK(r.captured_stdout.find("2 of 2 runs failed") != std::string::npos);
}

TEST_CASE("bench: a run that exceeds --timeout is killed and fails", "[bench][integration]") {
  Scratch s;
  const std::string json = s.path("r.json");
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = bench({"--runs", "1", "--timeout", "0.2", helper("sleep 5000")});
  CHECK(r.exit_code == 1);
  CHECK(r.captured_stderr.find("timed out") != std::string::npos);
  r = bench({"--runs", "2", "--timeout", "0.2", "--ignore-failure", "--export-json", json,
             helper("sleep 5000")});
  CHECK(r.exit_code == 0);
  auto j = read_json(json);
  CHECK(j["results"][0]["timed_out"] == nlohmann::json::array({true, true}));
  CHECK(j["results"][0]["exit_codes"] == nlohmann::json::array({nullptr, nullptr}));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
}

TEST_CASE("bench: per-run CPU time and memory belong to that child alone", "[bench][integration]") {
  Scratch s;
  const std::string json = s.path("r.json");
  ProcessResult r = bench({"--runs", "3", "--export-json", json, helper("alloc 64"),
                           helper("spin 60"), helper("exit 0")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  auto j = read_json(json);
  for (auto bytes : j["results"][0]["memory_usage_byte"]) CHECK(bytes >= 64 << 20);
  for (auto bytes : j["results"][2]["memory_usage_byte"]) CHECK(bytes < 32 << 20);
  CHECK(j["results"][1]["user"].get<double>() + j["results"][1]["system"].get<double>() >= 0.04);
  CHECK(j["results"][1]["median"].get<double>() >= 0.06);
  CHECK(j["results"][2]["user"].get<double>() < 0.02);
}

TEST_CASE("bench: exports parse back with hyperfine's fields and ours", "[bench][integration]") {
  Scratch s;
  const std::string json = s.path("r.json"), csv = s.path("r.csv"), md = s.path("r.md");
  ProcessResult r = bench({"--runs", "6", "--seed", "7", "-L", "ms", "1,3", "-n", "sleep {ms}",
                           "--export-json", json, "--export-csv", csv, "--export-markdown", md,
                           "--reference", "sleep 3", helper("sleep {ms}")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  auto j = read_json(json);
  REQUIRE(j["results"].size() == 2);
  for (const char* field : {"command", "mean", "stddev", "median", "user", "system", "min", "max",
                            "times", "memory_usage_byte", "exit_codes", "parameters"}) {
    CHECK(j["results"][0].contains(field));
  }
  CHECK(j["results"][0]["command"] == "sleep 1");
  CHECK(j["results"][1]["parameters"]["ms"] == "3");
  CHECK(j["results"][0]["median_ci"]["confidence"].get<double>() >= 0.95);
  CHECK(j["seed"] == 7);
  CHECK(j["reference"] == "sleep 3");
  REQUIRE(j["comparisons"].size() == 1);
  CHECK(j["comparisons"][0]["candidate"] == "sleep 1");
  CHECK(j["comparisons"][0]["verdict"].is_string());
  CHECK(j["environment"]["logical_cores"].get<int>() >= 1);
  CHECK(j["options"]["order"] == "interleaved");
  CHECK(j["format"] == "pgo-harness-bench/1");

  auto csv_lines = lines(csv);
  REQUIRE(csv_lines.size() == 3);
  CHECK(csv_lines[0] ==
        "command,mean,stddev,median,user,system,min,max,parameter_ms,runs,median_ci_lower,"
        "median_ci_upper,failed_runs");
  CHECK(csv_lines[1].rfind("sleep 1,", 0) == 0);
  auto md_lines = lines(md);
  REQUIRE(md_lines.size() == 4);
  CHECK(md_lines[0].rfind("| Command | Mean [ms]", 0) == 0);
  CHECK(md_lines[3].find("reference") != std::string::npos);
}

TEST_CASE("bench: a bad export path fails before anything runs", "[bench][integration]") {
  Scratch s;
  const std::string log = s.path("log");
  ProcessResult r = bench({"--runs", "2", "--export-json", s.path("missing/dir/r.json"),
                           helper("append " + log + " run")});
  CHECK(r.exit_code == 1);
  CHECK(r.captured_stderr.find("missing/dir/r.json") != std::string::npos);
  CHECK_FALSE(fs::exists(log));
}

TEST_CASE("bench: command-line mistakes exit 2", "[bench][integration]") {
  CHECK(bench({"--runs", "0", "true"}).exit_code == 2);
  CHECK(bench({"--runs", "3", "--max-runs", "5", "true"}).exit_code == 2);
  CHECK(bench({"--order", "random", "true"}).exit_code == 2);
  CHECK(bench({"--reference", "nope", "true", "false"}).exit_code == 2);
  CHECK(bench({"--prepare", "a", "--prepare", "b", "--prepare", "c", "true", "true"}).exit_code ==
        2);
  CHECK(bench({}).exit_code == 2);
}

TEST_CASE("bench: shell, environment and working directory", "[bench][integration]") {
  Scratch s;
  const std::string json = s.path("r.json"), log = s.path("log");
  fs::create_directories(s.dir / "sub");
  ProcessResult r =
      bench({"--runs", "2", "--shell", "--env", "PGO_X=all", "--env", "2:PGO_Y=two", "--cwd",
             s.path("sub"), "--export-json", json, helper("env PGO_X " + log) + " && pwd >> " + log,
             helper("env PGO_Y " + log)});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  auto j = read_json(json);
  CHECK_FALSE(j["shell_overhead"].is_null());
  CHECK(j["results"][0]["argv"][0] == "sh");
  auto got = lines(log);
  CHECK(std::count(got.begin(), got.end(), "all") == 2);
  CHECK(std::count(got.begin(), got.end(), "two") == 2);
  CHECK(std::count(got.begin(), got.end(), fs::canonical(s.dir / "sub").string()) == 2);
}

TEST_CASE("bench: options with several values stop before the command", "[bench][integration]") {
  // -L, -P and --shell must not swallow the command that follows them.
  Scratch s;
  const std::string csv = s.path("r.csv");
  ProcessResult r = bench({"--runs", "2", "--export-csv", csv, "-L", "ms", "1,2", "-P", "k", "1",
                           "2", helper("sleep {ms}")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK(lines(csv).size() == 5);
  r = bench({"--runs", "2", "--export-csv", csv, "--shell", helper("exit 0")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK(lines(csv).size() == 2);
}

TEST_CASE("bench: Ctrl-C or SIGTERM still exports the runs completed so far",
          "[bench][integration]") {
  // Each run appends a line and then sleeps, so the log tells how many runs started; the
  // signal comes while one of them is running.
  for (int sig : {SIGINT, SIGTERM}) {
    Scratch s;
    const std::string log = s.path("log"), json = s.path("r.json"), csv = s.path("r.csv");
    ProcessSpec spec;
    spec.argv = {kHarness,
                 "bench",
                 "--style",
                 "basic",
                 "--runs",
                 "1000",
                 "--export-json",
                 json,
                 "--export-csv",
                 csv,
                 helper("append " + log + " run sleep 100")};
    spec.stdout_mode = StreamMode::kCapture;
    spec.stderr_mode = StreamMode::kCapture;
    BackgroundProcess harness(spec);
    for (int i = 0; i < 500 && lines(log).size() < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(lines(log).size() >= 4);
    REQUIRE(::kill(harness.pid(), sig) == 0);
    auto done = harness.wait_for(std::chrono::seconds(20));
    REQUIRE(done);
    INFO(done->captured_stderr);
    CHECK(done->exit_code == 128 + sig);
    CHECK(done->captured_stderr.find("interrupted") != std::string::npos);
    CHECK(done->captured_stdout.find("Benchmark 1") != std::string::npos);
    auto j = read_json(json);
    CHECK(j["interrupted"] == true);
    const std::size_t started = lines(log).size();
    const std::size_t kept = j["results"][0]["times"].size();
    CHECK(kept >= 3);
    CHECK(kept <= started);
    CHECK(kept + 1 >= started);  // at most the run in progress is dropped
    CHECK(j["results"][0]["stop_reason"] == "interrupted");
    CHECK(j["results"][0]["exit_codes"].size() == kept);
    for (const auto& code : j["results"][0]["exit_codes"]) CHECK(code == 0);
    CHECK(lines(csv).size() == 2);
  }
}

TEST_CASE("bench: -S takes the next word as the shell, --shell does not", "[bench][integration]") {
  // hyperfine's `-S bash 'cmd'` must run cmd with bash, not benchmark the word "bash";
  // `-S none` means no shell.
  Scratch s;
  const std::string json = s.path("r.json");
  ProcessResult r = bench({"--runs", "2", "--export-json", json, "-S", "bash", helper("exit 0")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  auto j = read_json(json);
  CHECK(j["options"]["shell"] == "bash");
  CHECK(j["results"].size() == 1);
  CHECK(j["results"][0]["argv"][0] == "bash");
  r = bench({"--runs", "2", "--export-json", json, "-S", "none", helper("exit 0")});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  j = read_json(json);
  CHECK(j["options"]["shell"] == nullptr);
  CHECK(j["results"][0]["argv"][0] == kHelper);
}

TEST_CASE("bench: repeatable options take one value each, in every form hyperfine accepts",
          "[bench][integration]") {
  // Scripts written for hyperfine give -n (and the per-command hooks, --env, --cwd) once
  // per command, before or between the commands, as `-n A`, `--command-name A`,
  // `--command-name=A` or `-nA`; none may swallow the commands that follow.
  Scratch s;
  const std::string json = s.path("r.json"), log = s.path("log");
  const std::string a = helper("exit 0"), b = helper("sleep 1");
  const std::vector<std::vector<std::string>> naming = {
      {"-n", "A", "-n", "B", a, b},
      {"--command-name", "A", "--command-name", "B", a, b},
      {"--command-name=A", "--command-name=B", a, b},
      {"-nA", "-nB", a, b},
      {"-n", "A", a, "-n", "B", b},
  };
  for (const auto& form : naming) {
    std::vector<std::string> args = {"--runs", "2", "--export-json", json};
    args.insert(args.end(), form.begin(), form.end());
    ProcessResult r = bench(args);
    INFO(form[0] << " " << form[1] << ": " << r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    auto j = read_json(json);
    REQUIRE(j["results"].size() == 2);
    CHECK(j["results"][0]["command"] == "A");
    CHECK(j["results"][1]["command"] == "B");
    CHECK(j["results"][0]["command_line"] == a);
    CHECK(j["results"][1]["command_line"] == b);
  }

  SECTION("hooks given once per command, short (hyperfine's letters) and long") {
    auto hook = [&](const std::string& what) { return helper("append " + log + " " + what); };
    ProcessResult r = bench({"--runs",
                             "1",
                             "--order",
                             "sequential",
                             "-s",
                             hook("setup-1"),
                             "--setup=" + hook("setup-2"),
                             "-p",
                             hook("prepare-1"),
                             "--prepare",
                             hook("prepare-2"),
                             "-C" + hook("conclude-1"),
                             "--conclude",
                             hook("conclude-2"),
                             "-c",
                             hook("cleanup-1"),
                             "--cleanup",
                             hook("cleanup-2"),
                             hook("run-1"),
                             hook("run-2")});
    INFO(r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    CHECK(lines(log) == std::vector<std::string>{"setup-1", "prepare-1", "run-1", "conclude-1",
                                                 "cleanup-1", "setup-2", "prepare-2", "run-2",
                                                 "conclude-2", "cleanup-2"});
  }

  SECTION("--env and --cwd repeated, with and without '='") {
    fs::create_directories(s.dir / "one");
    fs::create_directories(s.dir / "two");
    ProcessResult r =
        bench({"--runs", "1", "--order", "sequential", "--env", "1:PGO_X=first",
               "--env=2:PGO_X=second", "--cwd", s.path("one"), "--cwd=" + s.path("two"),
               helper("env PGO_X " + log), helper("env PGO_X " + log), "--export-json", json});
    INFO(r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    CHECK(lines(log) == std::vector<std::string>{"first", "second"});
    auto j = read_json(json);
    CHECK(j["results"][0]["working_directory"] == s.path("one"));
    CHECK(j["results"][1]["working_directory"] == s.path("two"));
  }

  SECTION("-L repeated: every combination") {
    ProcessResult r = bench({"--runs", "1", "--export-json", json, "-L", "x", "1,2",
                             "--parameter-list", "y", "a,b", "-n", "{x}{y}", helper("exit 0")});
    INFO(r.captured_stderr);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> names;
    const auto j = read_json(json);
    for (const auto& res : j["results"]) names.push_back(res["command"]);
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"1a", "1b", "2a", "2b"});
  }

  SECTION("more names than commands is a command-line error") {
    ProcessResult r = bench({"--runs", "1", "-n", "A", "-n", "B", a});
    CHECK(r.exit_code == 2);
    CHECK(r.captured_stderr.find("--command-name") != std::string::npos);
  }
}

TEST_CASE("bench --metric counts each command under cachegrind and compares the counts",
          "[bench][integration][counting]") {
  // Risk: `--metric instructions` timing instead of counting, needing as many runs as
  // timing, or missing a doubling of the work.
  ProcessResult r = bench({"--metric", "instructions", "seq 20000", "seq 40000"});
  INFO(r.captured_stderr << r.captured_stdout);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.captured_stdout, Catch::Contains("instructions (median of 2 runs, cachegrind)"));
  CHECK_THAT(r.captured_stdout, Catch::Contains("seq 40000 vs seq 20000: ratio "));
  CHECK_THAT(r.captured_stdout, Catch::Contains("slower"));
  CHECK_THAT(r.captured_stdout, Catch::Contains("no p-value"));

  // Counting has no place in the time exports, and no shell start-up to subtract.
  ProcessResult e = bench({"--metric", "cycles_estimate", "--export-json", "/dev/null", "seq 1"});
  CHECK(e.exit_code == 2);
  CHECK_THAT(e.captured_stderr, Catch::Contains("counts are printed only"));
  ProcessResult bad = bench({"--metric", "furlongs", "seq 1"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.captured_stderr, Catch::Contains("--metric must be time, instructions"));
}

TEST_CASE("bench --metric hw_instructions counts natively or says there is no PMU",
          "[bench][integration][counting]") {
  // Risk: a machine without hardware counters silently falling back to another metric.
  ProcessResult r = bench({"--metric", "hw_instructions", "seq 1000", "seq 2000"});
  INFO(r.captured_stderr << r.captured_stdout);
  if (r.exit_code == 0) {
    CHECK_THAT(r.captured_stdout, Catch::Contains("hw_instructions (median of"));
    CHECK_THAT(r.captured_stdout, Catch::Contains("hardware counters"));
  } else {
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.captured_stderr,
               Catch::Contains("this machine has no hardware performance counters") ||
                   Catch::Contains("hardware performance counters are not allowed"));
    CHECK_THAT(r.captured_stderr, Catch::Contains("cycles_estimate"));
    CHECK(r.captured_stdout.empty());
  }
}
