// Guards against a scenario loader that lets a bad scenario.json through (a typo silently
// ignored, a placeholder that only fails after an hour of builds, a metric that cannot be
// measured), that stops at the first problem instead of listing all of them, that fills
// in defaults other than the documented ones, whose hash changes with formatting, or whose
// schema and README drift away from the model. Also keeps the bundled scenarios valid.
#include "scenario/scenario.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/error.h"

namespace h = pgo::harness;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string fixture(const std::string& name) {
  return std::string(PGO_TESTS_DIR) + "/scenario/scenarios/" + name;
}

std::string repo_root() {
  return fs::path(PGO_TESTS_DIR).parent_path().lexically_normal().string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses text as if it were a file in the fixture directory (so relative paths resolve
// against the fixture module there).
h::Scenario parse(const std::string& text) {
  return h::parse_scenario(text, fixture("inline.json"));
}

// The problems a scenario is rejected with, one string per problem, each
// "PATH: MESSAGE (HINT)" without the file prefix. Empty when it loads.
std::vector<std::string> problems_in(const std::function<void()>& load, const std::string& file) {
  try {
    load();
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "scenario");
    CHECK(e.file() == file);
    std::string what = e.what();
    std::vector<std::string> out;
    std::istringstream lines(what);
    std::string line;
    std::getline(lines, line);
    const std::string single_prefix = file + ": scenario: ";
    if (what.find('\n') != std::string::npos) {
      // Several problems: a summary line, then one indented line per problem.
      while (std::getline(lines, line)) {
        const std::string prefix = "  " + file + ": ";
        REQUIRE(line.rfind(prefix, 0) == 0);
        out.push_back(line.substr(prefix.size()));
      }
      CHECK(what.rfind(single_prefix + std::to_string(out.size()) + " problems\n", 0) == 0);
    } else {
      REQUIRE(line.rfind(single_prefix, 0) == 0);
      out.push_back(line.substr(single_prefix.size()));
    }
    return out;
  }
  return {};
}

std::vector<std::string> problems(const std::string& text) {
  return problems_in([&] { parse(text); }, fixture("inline.json"));
}

bool has_problem(const std::vector<std::string>& list, const std::string& fragment) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& p) { return p.find(fragment) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& p : list) out += p + "\n";
  return out;
}

// A one-workload scenario around `workload` (a JSON object's text), with optional extra
// top-level members.
std::string with_workload(const std::string& workload, const std::string& extra = "") {
  return R"({"name": "t", "target": {"package": "./cmd/app", "tools": {"loadgen": "./cmd/loadgen"}},
             "workloads": [)" +
         workload + "]" + (extra.empty() ? "" : ", " + extra) + "}";
}

const std::string kBatch = R"({"name": "w", "command": ["{binary}"]})";

}  // namespace

TEST_CASE("a minimal scenario gets every documented default", "[scenario]") {
  const h::Scenario s = h::load_scenario(fixture("valid-minimal.json"));
  CHECK(s.name == "minimal");
  CHECK(s.description.empty());
  CHECK(s.path == fixture("valid-minimal.json"));
  CHECK(s.directory ==
        fs::weakly_canonical(fs::path(fixture("valid-minimal.json")).parent_path()).string());
  CHECK(s.target.module_dir == ".");
  CHECK(s.target.package == "./cmd/app");
  CHECK(s.target.build_flags.empty());
  CHECK(s.target.env.empty());
  CHECK(s.target.go == "go");
  CHECK(s.target.tools.empty());
  CHECK(s.module_path() == s.directory);
  REQUIRE(s.workloads.size() == 1);
  const h::Workload& w = s.workloads[0];
  CHECK(w.name == "run");
  CHECK(w.kind == h::WorkloadKind::kCommand);
  CHECK(w.command == std::vector<std::string>{"{binary}"});
  CHECK(w.profile_args == std::vector<std::string>{"-cpuprofile={profile}"});
  CHECK(w.profile_command.empty());
  CHECK(w.stdin_input.empty());
  CHECK(w.inputs.empty());
  CHECK(w.metric == h::Metric::kWall);
  CHECK(w.env.empty());
  CHECK(w.timeout_seconds == 300);
  CHECK(w.profile_weight == 1);
  CHECK_FALSE(s.profiling.method.has_value());
  CHECK(s.method_for(w) == h::ProfileMethod::kFlag);
  CHECK(s.profiling.instances == 3);
  CHECK(s.profiling.normalize);
  CHECK(s.iterations == 3);
  CHECK(s.trials.warmup == 1);
  CHECK_FALSE(s.trials.runs.has_value());
  CHECK(s.trials.min_runs == 20);
  CHECK(s.trials.max_runs == 60);
  CHECK(s.trials.target_precision == 0.01);
  CHECK(s.trials.max_time_seconds == 900);
  CHECK(s.trials.alpha == 0.05);
  CHECK(s.trials.order == h::TrialOrder::kInterleaved);
  CHECK_FALSE(s.trials.seed.has_value());
  CHECK_FALSE(s.trials.gomaxprocs.has_value());
  CHECK(s.trials.pin_cpu.empty());
  CHECK(s.convergence.min_gain == 0.01);
  CHECK(s.convergence.stable_within == 0.01);
  CHECK(s.convergence.oscillation_swing == 0.01);
  CHECK(s.convergence.max_regression == 0.01);
  CHECK(s.convergence.min_hot_edge_overlap == 0);
}

TEST_CASE("defaults that depend on the kind: http and gotest", "[scenario]") {
  const h::Scenario s = parse(with_workload(
      R"({"name": "api", "kind": "http",
          "http": {"server_command": ["{binary}", "-port={port}"], "load_command": ["{tool_loadgen}", "{urls}"]}},
         {"name": "codec", "kind": "gotest"})"));
  REQUIRE(s.workloads.size() == 2);
  const h::Workload& api = s.workloads[0];
  CHECK(api.metric == h::Metric::kWall);
  CHECK(s.method_for(api) == h::ProfileMethod::kHttp);
  CHECK(api.http.ready_path == "/debug/pprof/");
  CHECK(api.http.ready_timeout_seconds == 30);
  CHECK(api.http.profile_load_command.empty());
  CHECK(api.http.instances == 1);
  CHECK(api.http.profile_seconds == 10);
  const h::Workload& codec = s.workloads[1];
  CHECK(codec.metric == h::Metric::kNsPerOp);
  CHECK(s.method_for(codec) == h::ProfileMethod::kGotest);
  CHECK(codec.gotest.bench == ".");
  CHECK(codec.gotest.benchtime == "1s");
  CHECK(codec.gotest.count == 1);
  CHECK(codec.gotest.args.empty());
}

TEST_CASE("every field is read, comments of both styles are accepted", "[scenario]") {
  const h::Scenario s = h::load_scenario(fixture("valid-full.json"));
  CHECK(s.name == "full.example-1");
  CHECK(s.description == "every field");
  CHECK(s.target.build_flags == std::vector<std::string>{"-trimpath", "-tags=fixture"});
  CHECK(s.target.env == std::map<std::string, std::string>{{"CGO_ENABLED", "0"}});
  CHECK(s.target.go == "/usr/local/go/bin/go");
  CHECK(s.target.tools == std::map<std::string, std::string>{{"loadgen", "./cmd/loadgen"}});
  REQUIRE(s.workloads.size() == 4);

  const h::Workload& batch = s.workloads[0];
  CHECK(batch.command.size() == 9);
  CHECK(batch.command[4] == R"(-data={"a":1})");
  CHECK(batch.profile_args == std::vector<std::string>{"-cpuprofile", "{profile}"});
  CHECK(batch.stdin_input == "large");
  CHECK(batch.metric == h::Metric::kCpu);
  CHECK(batch.env == std::map<std::string, std::string>{{"GOGC", "200"}});
  CHECK(batch.timeout_seconds == 60.5);
  CHECK(batch.profile_weight == 2);
  CHECK(s.input_path(batch, "small") ==
        (fs::path(s.directory) / "inputs/small.txt").lexically_normal().string());
  CHECK(fs::is_regular_file(s.input_path(batch, "large")));
  CHECK_THROWS_AS(s.input_path(batch, "nope"), pgo::Error);

  const h::Workload& own = s.workloads[1];
  CHECK(own.profile_args.empty());
  CHECK(own.profile_command.size() == 3);

  const h::Workload& api = s.workloads[2];
  CHECK(api.kind == h::WorkloadKind::kHttp);
  CHECK(api.http.ready_path == "/healthz");
  CHECK(api.http.ready_timeout_seconds == 12);
  CHECK(api.http.load_command ==
        std::vector<std::string>{"{tool_loadgen}", "-n", "1000", "{urls}"});
  CHECK(api.http.profile_load_command.size() == 4);
  CHECK(api.http.instances == 2);
  CHECK(api.http.profile_seconds == 5);
  CHECK(api.profile_weight == 0.5);

  const h::Workload& codec = s.workloads[3];
  CHECK(codec.gotest.bench == "^BenchmarkNothing$");
  CHECK(codec.gotest.benchtime == "200ms");
  CHECK(codec.gotest.count == 3);
  CHECK(codec.gotest.args.size() == 2);
  CHECK(codec.metric == h::Metric::kWall);
  CHECK(codec.profile_weight == 0);

  CHECK_FALSE(s.profiling.method.has_value());
  CHECK(s.profiling.instances == 4);
  CHECK_FALSE(s.profiling.normalize);
  CHECK(s.iterations == 5);
  CHECK(s.trials.warmup == 2);
  CHECK(s.trials.runs == 30);
  CHECK(s.trials.min_runs == 10);
  CHECK(s.trials.max_runs == 100);
  CHECK(s.trials.target_precision == 0.02);
  CHECK(s.trials.max_time_seconds == 120);
  CHECK(s.trials.alpha == 0.01);
  CHECK(s.trials.order == h::TrialOrder::kSequential);
  CHECK(s.trials.seed == 18446744073709551615ULL);
  CHECK(s.trials.gomaxprocs == 1);
  CHECK(s.trials.pin_cpu == std::vector<int>{1, 0});
  CHECK(s.convergence.min_gain == 0.02);
  CHECK(s.convergence.stable_within == 0.005);
  CHECK(s.convergence.oscillation_swing == 0.03);
  CHECK(s.convergence.max_regression == 0.04);
  CHECK(s.convergence.min_hot_edge_overlap == 0.9);
}

TEST_CASE("each invalid fixture reports exactly the problems it lists", "[scenario]") {
  // Every tests/scenario/scenarios/invalid-*.json lists its expected problems in
  // "// expect: ..." comment lines; each must match one reported problem, and no other
  // problem may be reported (every problem is found, none is invented).
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fixture(""))) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("invalid-", 0) != 0) continue;
    ++files;
    const std::string path = entry.path().string();
    std::vector<std::string> expected;
    std::istringstream lines(read_file(path));
    for (std::string line; std::getline(lines, line);) {
      const std::string tag = "// expect: ";
      if (line.rfind(tag, 0) == 0) expected.push_back(line.substr(tag.size()));
    }
    INFO(name);
    REQUIRE_FALSE(expected.empty());
    const std::vector<std::string> got = problems_in([&] { h::load_scenario(path); }, path);
    INFO("reported:\n" << joined(got));
    CHECK(got.size() == expected.size());
    for (const std::string& e : expected) {
      INFO("expected: " << e);
      CHECK(has_problem(got, e));
    }
  }
  CHECK(files >= 6);
}

TEST_CASE("one problem gives a one-line error with its JSON path and hint", "[scenario]") {
  try {
    parse(with_workload(R"({"name": "w", "command": ["{binary}"], "metric": "ns_per_op"})"));
    FAIL("accepted ns_per_op for a command workload");
  } catch (const pgo::Error& e) {
    CHECK(std::string(e.what()) ==
          fixture("inline.json") +
              ": scenario: workloads[0].metric: \"ns_per_op\" is only valid for kind "
              "\"gotest\" (use \"wall\" or \"cpu\")");
    CHECK(e.hint() == "use \"wall\" or \"cpu\"");
  }
}

TEST_CASE("unknown keys are rejected everywhere, with a hint when close", "[scenario]") {
  auto p = problems(with_workload(kBatch, R"("profiling": {"normalise": false})"));
  CHECK(p ==
        std::vector<std::string>{"profiling.normalise: unknown key (did you mean \"normalize\"?)"});
  p = problems(with_workload(R"({"name": "w", "kind": "http", "http": {
      "server_command": ["{binary}", "{port}"], "load_command": ["{urls}"], "readypath": "/"}})"));
  CHECK(p == std::vector<std::string>{
                 "workloads[0].http.readypath: unknown key (did you mean \"ready_path\"?)"});
  p = problems(with_workload(R"({"name": "w", "kind": "gotest", "gotest": {"benchtimes": "1s"}})"));
  CHECK(p == std::vector<std::string>{
                 "workloads[0].gotest.benchtimes: unknown key (did you mean \"benchtime\"?)"});
  p = problems(with_workload(kBatch, R"("zzz": 1)"));
  CHECK(p == std::vector<std::string>{"zzz: unknown key"});
  // "$schema" is the one key that is accepted and ignored.
  CHECK_NOTHROW(parse(with_workload(kBatch, R"("$schema": "../scenario.schema.json")")));
}

TEST_CASE("required fields and top-level types", "[scenario]") {
  CHECK(
      problems(R"({"workloads": [{"name": "w", "command": ["{binary}"]}]})") ==
      std::vector<std::string>{"name: required field is missing (e.g. \"name\": \"my-service\")"});
  CHECK(has_problem(problems(R"({"name": "t"})"), "workloads: required field is missing"));
  CHECK(has_problem(problems(R"({"name": "t", "workloads": []})"),
                    "workloads: must contain at least one workload"));
  CHECK(has_problem(problems(R"({"name": "t", "workloads": {}})"),
                    "workloads: expected an array of workloads, got object"));
  CHECK(has_problem(problems(R"([1, 2])"), "(root): expected an object, got array [1,2]"));
  CHECK(has_problem(problems(with_workload(R"({"command": ["{binary}"]})")),
                    "workloads[0].name: required field is missing"));
  CHECK(has_problem(problems(with_workload(R"("just a string")")),
                    "workloads[0]: expected an object, got string"));
  CHECK(has_problem(problems(with_workload(kBatch, R"("target": [])")),
                    "target: expected an object, got array"));
  CHECK(has_problem(
      problems(R"({"name": "a b", "workloads": [{"name": "-w", "command": ["{binary}"]}]})"),
      "name: \"a b\" is not a valid name"));
  CHECK(has_problem(problems(with_workload(R"({"name": "-w", "command": ["{binary}"]})")),
                    "workloads[0].name: \"-w\" is not a valid name"));
}

TEST_CASE("every problem in a file is reported, not just the first", "[scenario]") {
  const auto p = problems(with_workload(
      R"({"name": "w", "command": ["{binary}"], "metric": "fast", "timeout_seconds": "10"})",
      R"("iterations": 11, "trials": {"order": "random", "warmup": -1}, "profiling": {"normalize": "yes"})"));
  INFO(joined(p));
  CHECK(p.size() == 6);
  CHECK(has_problem(
      p, "workloads[0].metric: \"fast\" is not one of \"wall\", \"cpu\", \"ns_per_op\""));
  CHECK(has_problem(p, "workloads[0].timeout_seconds: expected a number, got string \"10\""));
  CHECK(has_problem(p, "iterations: 11 is out of range 1..10"));
  CHECK(has_problem(p, "trials.order: \"random\" is not one of \"interleaved\", \"sequential\""));
  CHECK(has_problem(p, "trials.warmup: -1 is out of range 0..100"));
  CHECK(has_problem(p, "profiling.normalize: expected true or false, got string \"yes\""));
}

TEST_CASE("integers must be integers", "[scenario]") {
  CHECK(problems(with_workload(kBatch, R"("iterations": 2.5)")) ==
        std::vector<std::string>{"iterations: expected an integer, got number 2.5"});
  CHECK(problems(with_workload(kBatch, R"("trials": {"runs": 1})")) ==
        std::vector<std::string>{"trials.runs: 1 is out of range 2..10000"});
  CHECK(problems(with_workload(kBatch, R"("trials": {"seed": 1.5})")) ==
        std::vector<std::string>{
            "trials.seed: expected null or a non-negative integer, got number 1.5"});
  // Explicit nulls mean "unset" for the optional settings.
  const h::Scenario s =
      parse(with_workload(kBatch, R"("trials": {"runs": null, "seed": null, "gomaxprocs": null})"));
  CHECK_FALSE(s.trials.runs.has_value());
  CHECK_FALSE(s.trials.seed.has_value());
}

TEST_CASE("kind rules: fields of another kind, metrics, profiling methods", "[scenario]") {
  CHECK(problems(with_workload(R"({"name": "w", "kind": "gotest", "metric": "cpu"})")).empty());
  CHECK(problems(with_workload(R"({"name": "w", "kind": "gotest", "http": {}})")) ==
        std::vector<std::string>{
            "workloads[0].http: is only valid for kind \"http\" (this workload is \"gotest\") "
            "(set \"kind\": \"http\" to use it)"});
  CHECK(has_problem(problems(with_workload(R"({"name": "w", "kind": "http", "stdin": "x",
        "http": {"server_command": ["{binary}", "{port}"], "load_command": ["{urls}"]}})")),
                    "workloads[0].stdin: is only valid for kind \"command\""));
  CHECK(has_problem(problems(with_workload(R"({"name": "w", "kind": "http", "metric": "ns_per_op",
        "http": {"server_command": ["{binary}", "{port}"], "load_command": ["{urls}"]}})")),
                    "workloads[0].metric: \"ns_per_op\" is only valid for kind \"gotest\""));
  CHECK(has_problem(problems(with_workload(R"({"name": "w", "kind": "http", "http": {}})")),
                    "workloads[0].http.server_command: required field is missing"));
  // An explicit profiling method must be the one the kinds imply.
  CHECK(problems(with_workload(kBatch, R"("profiling": {"method": "flag"})")).empty());
  CHECK(problems(with_workload(kBatch, R"("profiling": {"method": "http"})")) ==
        std::vector<std::string>{
            "profiling.method: \"http\" does not fit workloads[0] (kind \"command\" is profiled "
            "with \"flag\") (use \"auto\")"});
  const h::Scenario s = parse(with_workload(kBatch, R"("profiling": {"method": "flag"})"));
  CHECK(s.profiling.method == h::ProfileMethod::kFlag);
  CHECK(has_problem(
      problems(with_workload(kBatch, R"("profiling": {"method": "curl"})")),
      "profiling.method: \"curl\" is not one of \"auto\", \"flag\", \"http\", \"gotest\""));
}

TEST_CASE("placeholders: accepted where they make sense, rejected elsewhere", "[scenario]") {
  // Literal braces pass through: escaped, JSON-ish, or not followed by an identifier.
  CHECK(problems(
            with_workload(
                R"({"name": "w", "command": ["{binary}", "{{x}}", "{\"a\":1}", "{ x }", "{}"]})"))
            .empty());
  // {profile} only in profiling templates; {port}/{urls} only for http.
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", "{port}"]})")) ==
        std::vector<std::string>{"workloads[0].command[1]: {port} is not available here"});
  CHECK(
      problems(with_workload(
          R"({"name": "w", "command": ["{binary}"], "profile_args": ["-p={profile}", "{urls}"]})")) ==
      std::vector<std::string>{"workloads[0].profile_args[1]: {urls} is not available here"});
  CHECK(has_problem(
      problems(with_workload(
          R"({"name": "w", "command": ["{binary}"], "profile_args": ["{input_x}", "{profile}"], "inputs": {"x": "inputs/small.txt"}})")),
      "workloads[0].profile_args[0]: {input_x} is not available here"));
  CHECK(problems(with_workload(R"({"name": "w", "kind": "http", "http": {
        "server_command": ["{binary}", "{port}", "{profile}"], "load_command": ["{urls}"]}})")) ==
        std::vector<std::string>{
            "workloads[0].http.server_command[2]: {profile} is not available here (the http "
            "method fetches profiles over HTTP)"});
  CHECK(problems(with_workload(R"({"name": "w", "kind": "http", "http": {
        "server_command": ["{binary}", "{port}", "{urls}"], "load_command": ["{port}", "{binary}"]}})")) ==
        std::vector<std::string>{
            "workloads[0].http.server_command[2]: {urls} is not available here"});
  CHECK(problems(with_workload(R"({"name": "w", "kind": "http", "http": {
        "server_command": ["{binary}", "{port}"], "load_command": ["{urls}"],
        "profile_load_command": ["{tool_loadgen}", "-d", "30s"]}})")) ==
        std::vector<std::string>{
            "workloads[0].http.profile_load_command: must contain {urls} or {port}"});
  CHECK(problems(with_workload(
            R"({"name": "w", "kind": "gotest", "gotest": {"args": ["{binary}"]}})")) ==
        std::vector<std::string>{"workloads[0].gotest.args[0]: {binary} is not available here"});
  CHECK(has_problem(problems(with_workload(
                        R"({"name": "w", "kind": "gotest", "gotest": {"args": ["{profile}"]}})")),
                    "(the harness adds -test.cpuprofile when profiling)"));
  // {input} with no inputs, and unknown names with and without a close match.
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", "{input}"]})")) ==
        std::vector<std::string>{
            "workloads[0].command[1]: {input} needs exactly one input; this workload has 0 "
            "(add \"inputs\": {\"NAME\": \"FILE\"})"});
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", "{workdri}"]})")) ==
        std::vector<std::string>{
            "workloads[0].command[1]: unknown placeholder {workdri} (did you mean {workdir}?)"});
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", "{HOME}"]})")) ==
        std::vector<std::string>{"workloads[0].command[1]: unknown placeholder {HOME}"});
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", "{tool_x}"]})")) ==
        std::vector<std::string>{
            "workloads[0].command[1]: unknown tool {tool_x} (not in target.tools) (declare it "
            "in target.tools)"});
  // A profile_command replaces command + profile_args and needs both of its placeholders.
  CHECK(problems(with_workload(
            R"({"name": "w", "command": ["{binary}"], "profile_command": ["{binary}"]})")) ==
        std::vector<std::string>{"workloads[0].profile_command: must contain {profile}"});
  CHECK(has_problem(
      problems(with_workload(
          R"({"name": "w", "command": ["{binary}"], "profile_command": ["{binary}", "{profile}"], "profile_args": ["{profile}"]})")),
      "workloads[0].profile_args: cannot be combined with profile_command"));
  CHECK(has_problem(
      problems(with_workload(R"({"name": "w", "command": ["{binary}"], "profile_args": null})")),
      "workloads[0].profile_args: is null but profile_command is not set"));
}

TEST_CASE("command templates must be non-empty arrays of strings", "[scenario]") {
  CHECK(problems(with_workload(R"({"name": "w", "command": []})")) ==
        std::vector<std::string>{"workloads[0].command: must not be empty"});
  CHECK(problems(with_workload(R"({"name": "w", "command": "{binary} -n 3"})")) ==
        std::vector<std::string>{
            "workloads[0].command: expected an array of strings, got string \"{binary} -n 3\""});
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}", 3]})")) ==
        std::vector<std::string>{"workloads[0].command[1]: expected a string, got integer 3"});
}

TEST_CASE("target: packages must exist, patterns are refused, GOFLAGS has no -pgo", "[scenario]") {
  CHECK(
      problems(
          R"({"name": "t", "target": {"package": "./cmd/nope"}, "workloads": [{"name": "w", "command": ["{binary}"]}]})") ==
      std::vector<std::string>{
          "target.package: package directory " +
          (fs::weakly_canonical(fixture("")) / "cmd/nope").lexically_normal().string() +
          " does not exist"});
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"package": "./..."}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.package: \"./...\" is a pattern; name one package"));
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"tools": {"lg": "./cmd/none"}}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.tools.lg: package directory"));
  // Import paths cannot be checked without the go command: accepted.
  CHECK(
      problems(
          R"({"name": "t", "target": {"package": "example.com/x/cmd/y"}, "workloads": [{"name": "w", "command": ["{binary}"]}]})")
          .empty());
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"module_dir": "nowhere"}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.module_dir: directory"));
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"module_dir": "/proc"}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.module_dir: no go.mod in /proc"));
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"env": {"GOFLAGS": "-pgo=off"}}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.env.GOFLAGS: must not contain -pgo"));
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"env": {"1X": "a"}}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.env.1X: \"1X\" is not a valid name"));
  CHECK(has_problem(
      problems(
          R"({"name": "t", "target": {"build_flags": ["--pgo", "-o=x"]}, "workloads": [{"name": "w", "command": ["{binary}"]}]})"),
      "target.build_flags[1]: \"-o=x\" is set by the harness"));
}

TEST_CASE("gotest benchtime must be what go test accepts", "[scenario]") {
  for (const char* good : {"1s", "200ms", "1.5s", "1m30s", "500x", "10us", "10\xc2\xb5s", "2h"}) {
    INFO(good);
    CHECK(problems(with_workload(
                       std::string(R"({"name": "w", "kind": "gotest", "gotest": {"benchtime": ")") +
                       good + "\"}}"))
              .empty());
  }
  for (const char* bad : {"1", "x", "fast", "1sec", "-1s", "1.5x", "s", "1s2"}) {
    INFO(bad);
    CHECK(has_problem(
        problems(with_workload(
            std::string(R"({"name": "w", "kind": "gotest", "gotest": {"benchtime": ")") + bad +
            "\"}}")),
        "is not a Go benchtime"));
  }
}

TEST_CASE("gotest runs start in the package directory unless the scenario says workdir",
          "[scenario]") {
  // Risk: `go test` runs benchmarks in the package's directory (testdata/ by relative
  // path); a harness starting them anywhere else breaks such benchmarks, and a typo in the
  // setting must not silently pick one.
  const std::string dflt = R"({"name": "w", "kind": "gotest"})";
  const h::Scenario s = parse(with_workload(dflt));
  CHECK(s.workloads[0].gotest.working_directory == h::GotestDirectory::kPackage);
  CHECK(h::to_json(s)["workloads"][0]["gotest"]["working_directory"] == "package");
  const h::Scenario w = parse(with_workload(
      R"({"name": "w", "kind": "gotest", "gotest": {"working_directory": "workdir"}})"));
  CHECK(w.workloads[0].gotest.working_directory == h::GotestDirectory::kWorkdir);
  CHECK(h::to_json(w)["workloads"][0]["gotest"]["working_directory"] == "workdir");
  CHECK(h::scenario_hash(w) != h::scenario_hash(s));
  CHECK(has_problem(
      problems(with_workload(
          R"({"name": "w", "kind": "gotest", "gotest": {"working_directory": "pkg"}})")),
      "working_directory"));
}

TEST_CASE("package_path: the source directory of target.package", "[scenario]") {
  // Risk: a gotest run started in the wrong directory when the package is named as an
  // import path or a subdirectory.
  const std::string dir = fs::path(fixture("x")).parent_path().lexically_normal().string();
  auto with_package = [](const std::string& package) {
    return parse(R"({"name": "t", "target": {"package": ")" + package +
                 R"("}, "workloads": [{"name": "w", "kind": "gotest"}]})");
  };
  CHECK(with_package(".").package_path() == dir);
  CHECK(with_package("./bench").package_path() == dir + "/bench");
  CHECK(with_package("example.com/pgo-harness/tests/scenario-fixture").package_path() == dir);
  CHECK(with_package("example.com/pgo-harness/tests/scenario-fixture/bench").package_path() ==
        dir + "/bench");
  CHECK_THROWS_WITH(with_package("example.com/other/bench").package_path(),
                    Catch::Contains("not in the main module"));
  CHECK_THROWS_AS(with_package("example.com/pgo-harness/tests/scenario-fixturex").package_path(),
                  pgo::Error);
}

TEST_CASE("rules across fields: weights, GOMAXPROCS, runs bounds", "[scenario]") {
  CHECK(problems(with_workload(R"({"name": "w", "command": ["{binary}"], "profile_weight": 0})")) ==
        std::vector<std::string>{
            "workloads: every profile_weight is 0: the merged profile would be empty (give at "
            "least one workload a positive profile_weight)"});
  CHECK(problems(
            with_workload(R"({"name": "w", "command": ["{binary}"], "env": {"GOMAXPROCS": "2"}})",
                          R"("trials": {"gomaxprocs": 1})")) ==
        std::vector<std::string>{
            "workloads[0].env.GOMAXPROCS: conflicts with trials.gomaxprocs (set it in one place)"});
  CHECK(problems(with_workload(kBatch, R"("trials": {"min_runs": 10, "max_runs": 10})")).empty());
  CHECK(problems(with_workload(kBatch, R"("trials": {"max_runs": 5})")) ==
        std::vector<std::string>{"trials.min_runs: 20 is greater than trials.max_runs (5)"});
  CHECK(has_problem(problems(with_workload(kBatch, R"("trials": {"pin_cpu": "0,1"})")),
                    "trials.pin_cpu: expected an array of CPU numbers"));
  CHECK(has_problem(problems(with_workload(R"({"name": "w", "kind": "http", "http": {
        "server_command": ["{binary}", "{port}"], "load_command": ["{urls}"], "ready_path": "healthz",
        "instances": 17, "profile_seconds": 0}})")),
                    "workloads[0].http.ready_path: must start with \"/\""));
}

TEST_CASE("malformed JSON names the line and column", "[scenario]") {
  const auto p = problems("{\n  \"name\": \"t\",\n  \"workloads\": [,]\n}");
  REQUIRE(p.size() == 1);
  CHECK(p[0].rfind("invalid JSON at line 3, column 17: ", 0) == 0);
  CHECK(has_problem(problems(""), "invalid JSON at line 1"));
  // A comment that never ends is a syntax error, not a silently truncated file.
  CHECK(has_problem(problems("{\"name\": \"t\" /* ..."), "invalid JSON"));
}

TEST_CASE("duplicate keys are found at any depth", "[scenario]") {
  const auto p = problems(
      with_workload(R"({"name": "w", "command": ["{binary}"], "env": {"A": "1", "A": "2"}})",
                    R"("iterations": 2, "iterations": 3)"));
  CHECK(p.size() == 2);
  CHECK(has_problem(p, "workloads[0].env.A: duplicate key"));
  CHECK(has_problem(p, "iterations: duplicate key"));
}

TEST_CASE("load_scenario: a missing file is one clear error", "[scenario]") {
  try {
    h::load_scenario(fixture("does-not-exist.json"));
    FAIL("loaded a missing file");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "scenario");
    CHECK(e.file() == fixture("does-not-exist.json"));
    CHECK(e.problem() == "no such file");
  }
}

TEST_CASE("to_json is canonical and loads back to the same scenario", "[scenario]") {
  for (const char* name : {"valid-minimal.json", "valid-full.json"}) {
    INFO(name);
    const h::Scenario s = h::load_scenario(fixture(name));
    const json canonical = h::to_json(s);
    CHECK_FALSE(canonical.contains("$schema"));
    CHECK(canonical.dump().find(s.directory) == std::string::npos);  // no absolute paths
    const h::Scenario back = h::parse_scenario(canonical.dump(2), fixture(name));
    CHECK(h::to_json(back) == canonical);
    CHECK(h::scenario_hash(back) == h::scenario_hash(s));
  }
}

TEST_CASE("scenario_from_json reads a report's scenario without looking for its files",
          "[scenario]") {
  const h::Scenario s = h::load_scenario(fixture("valid-full.json"));
  json moved = h::to_json(s);
  moved["target"]["module_dir"] = "/nonexistent/module";  // another machine's checkout
  pgo::JsonProblems problems;
  const h::Scenario back = h::scenario_from_json(moved, "/elsewhere/scenario.json", problems);
  CHECK(problems.empty());
  CHECK(back.path == "/elsewhere/scenario.json");
  CHECK(back.target.module_dir == "/nonexistent/module");
  CHECK(back.workloads == s.workloads);
  // The same JSON through the file loader: the missing module is a problem there.
  CHECK_THROWS_WITH(h::parse_scenario(moved.dump(), fixture("x.json")),
                    Catch::Contains("target.module_dir: directory /nonexistent/module"));
  // Every other check still applies, with paths relative to the scenario.
  json bad = h::to_json(s);
  bad["workloads"][0]["timeout_seconds"] = "soon";
  h::scenario_from_json(bad, "s.json", problems);
  REQUIRE(problems.list().size() == 1);
  CHECK(problems.list()[0].path == "workloads[0].timeout_seconds");
  // The trials section alone, for a report's effective trial settings.
  pgo::JsonProblems trial_problems;
  CHECK(h::to_json(h::trials_from_json(h::to_json(s.trials), trial_problems)) ==
        h::to_json(s.trials));
  CHECK(trial_problems.empty());
}

TEST_CASE("scenario_hash: stable, and blind to comments, formatting, key order, defaults",
          "[scenario]") {
  const h::Scenario minimal = h::load_scenario(fixture("valid-minimal.json"));
  const std::string hash = h::scenario_hash(minimal);
  CHECK(hash.size() == 64);
  CHECK(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  // The same scenario spelled differently: no comments, other key order, defaults written.
  const h::Scenario same = parse(R"({
    "workloads": [{"command": ["{binary}"], "name": "run", "metric": "wall", "timeout_seconds": 300.0}],
    "iterations": 3, "trials": {"min_runs": 20, "seed": null},
    "target": {"go": "go", "package": "./cmd/app"}, "name": "minimal"})");
  CHECK(h::scenario_hash(same) == hash);
  // Any real change changes it.
  const h::Scenario other = parse(R"({"name": "minimal", "target": {"package": "./cmd/app"},
    "workloads": [{"name": "run", "command": ["{binary}"]}], "iterations": 4})");
  CHECK(h::scenario_hash(other) != hash);
  // Pinned: the canonical form is a format; changing it must be deliberate (it changes
  // every report's scenario hash). Update this value only together with scenarios/README.md.
  CHECK(hash == h::scenario_hash(h::parse_scenario(h::to_json(minimal).dump(), fixture("x.json"))));
  CHECK(hash == "4c404ace02ddf3fd201a80c384d7e1ee024543a26224f91813e9416219460604");
}

TEST_CASE("every bundled scenarios/*/scenario*.json loads", "[scenario]") {
  // Keeps the scenarios written by hand in step with the loader.
  const fs::path root = fs::path(repo_root()) / "scenarios";
  int found = 0;
  for (const auto& dir : fs::directory_iterator(root)) {
    if (!dir.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(dir.path())) {
      const std::string name = file.path().filename().string();
      if (name.rfind("scenario", 0) != 0 || file.path().extension() != ".json") continue;
      ++found;
      INFO(file.path().string());
      const std::vector<std::string> p =
          problems_in([&] { h::load_scenario(file.path().string()); }, file.path().string());
      INFO(joined(p));
      CHECK(p.empty());
    }
  }
  // Issue 4 requires at least three bundled scenarios; a renamed file must not silently
  // drop out of this check.
  CHECK(found >= 3);
}

TEST_CASE("the commented example in scenarios/README.md is a valid scenario", "[scenario]") {
  // The README documents every field through this example; a renamed or removed field
  // must not leave it stale. Its files do not exist next to the README, so the only
  // problems allowed are missing files and directories.
  const std::string readme = read_file(repo_root() + "/scenarios/README.md");
  const std::string open = "```jsonc\n";
  const std::size_t begin = readme.find(open);
  REQUIRE(begin != std::string::npos);
  const std::size_t end = readme.find("```", begin + open.size());
  REQUIRE(end != std::string::npos);
  const std::string example = readme.substr(begin + open.size(), end - begin - open.size());
  const std::string path = repo_root() + "/scenarios/example/scenario.json";
  const std::vector<std::string> p = problems_in([&] { h::parse_scenario(example, path); }, path);
  INFO(joined(p));
  CHECK_FALSE(p.empty());  // the example's module is not there: proves it was checked
  for (const std::string& problem : p) {
    INFO(problem);
    CHECK((problem.find("does not exist") != std::string::npos ||
           problem.find("no go.mod") != std::string::npos));
  }
}

namespace {

// Follows "$ref" (local "#/..." pointers only) and picks the non-null branch of a
// nullable "oneOf".
const json& resolve(const json& schema, const json* node) {
  while (node->contains("$ref")) {
    node = &schema.at(json::json_pointer(node->at("$ref").get<std::string>().substr(1)));
  }
  if (node->contains("oneOf")) {
    for (const json& branch : node->at("oneOf")) {
      const json& r = resolve(schema, &branch);
      if (!(r.contains("type") && r["type"] == "null")) return r;
    }
  }
  return *node;
}

// Walks a canonical scenario alongside the schema. Records, per object position (arrays
// folded as "[]"), the keys the model writes and the properties the schema declares, and
// checks each schema default against the model's value wherever `source` (the file the
// model was loaded from) left the key out.
struct SchemaWalk {
  const json& schema;
  std::set<std::string> model_keys;
  std::set<std::string> schema_keys;
  std::vector<std::string> default_mismatches;

  void walk(const json& node_in, const json& value, const json* source, const std::string& at) {
    const json& node = resolve(schema, &node_in);
    if (value.is_object() && node.contains("properties")) {
      for (const auto& [key, sub] : node["properties"].items()) {
        if (key != "$schema") schema_keys.insert(at + "." + key);
        const bool in_source = source != nullptr && source->is_object() && source->contains(key);
        if (sub.contains("default") && value.contains(key) && !in_source &&
            !(sub["default"].is_object() && sub["default"].empty()) &&
            sub["default"] != value[key]) {
          default_mismatches.push_back(at + "." + key + ": schema " + sub["default"].dump() +
                                       ", model " + value[key].dump());
        }
      }
      for (const auto& [key, member] : value.items()) {
        model_keys.insert(at + "." + key);
        if (!node["properties"].contains(key)) continue;
        const json* src = source != nullptr && source->is_object() && source->contains(key)
                              ? &(*source)[key]
                              : nullptr;
        walk(node["properties"][key], member, src, at + "." + key);
      }
    } else if (value.is_array() && node.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        const json* src =
            source != nullptr && source->is_array() && i < source->size() ? &(*source)[i] : nullptr;
        walk(node["items"], value[i], src, at + "[]");
      }
    }
  }
};

}  // namespace

TEST_CASE("the JSON Schema is valid JSON and in step with the model", "[scenario]") {
  const json schema = json::parse(read_file(repo_root() + "/scenarios/scenario.schema.json"));
  CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");

  // Every key the model writes (the full fixture uses every field of every kind) is a
  // schema property, and every schema property is written by the model.
  const h::Scenario full = h::load_scenario(fixture("valid-full.json"));
  SchemaWalk names{schema, {}, {}, {}};
  names.walk(schema, h::to_json(full), nullptr, "");
  // The counting section is written only by scenarios that count.
  names.walk(schema, h::to_json(h::load_scenario(fixture("valid-counting.json"))), nullptr, "");
  std::vector<std::string> only_model, only_schema;
  std::set_difference(names.model_keys.begin(), names.model_keys.end(), names.schema_keys.begin(),
                      names.schema_keys.end(), std::back_inserter(only_model));
  std::set_difference(names.schema_keys.begin(), names.schema_keys.end(), names.model_keys.begin(),
                      names.model_keys.end(), std::back_inserter(only_schema));
  INFO("in the model only:\n"
       << joined(only_model) << "in the schema only:\n"
       << joined(only_schema));
  CHECK(only_model.empty());
  CHECK(only_schema.empty());
  CHECK(names.model_keys.size() > 50);

  // Every default the schema states is the model's default.
  const std::string text = R"({"name": "d", "workloads": [
      {"name": "c", "command": ["{binary}"]},
      {"name": "h", "kind": "http", "http": {"server_command": ["{binary}", "{port}"], "load_command": ["{urls}"]}},
      {"name": "g", "kind": "gotest"},
      {"name": "n", "command": ["{binary}"], "metric": "instructions"}]})";
  const h::Scenario defaults = parse(text);
  const json source = json::parse(text);
  SchemaWalk values{schema, {}, {}, {}};
  values.walk(schema, h::to_json(defaults), &source, "");
  INFO(joined(values.default_mismatches));
  CHECK(values.default_mismatches.empty());
}

TEST_CASE("paths: module_dir and inputs may be absolute or outside the scenario's folder",
          "[scenario]") {
  // A scenario kept in a benchmarks repository points at the service's checkout: with a
  // relative path that leaves its folder, or with an absolute path. Both resolve the same
  // way for module_dir and for inputs; what does not exist is still refused.
  const fs::path root =
      fs::temp_directory_path() / ("pgo_scenario_paths_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "service" / "cmd" / "app");
  fs::create_directories(root / "benchmarks" / "app");
  std::ofstream(root / "service" / "go.mod") << "module example.com/service\n\ngo 1.21\n";
  std::ofstream(root / "service" / "cmd" / "app" / "main.go") << "package main\nfunc main() {}\n";
  std::ofstream(root / "service" / "in.txt") << "input\n";
  const std::string scenario = (root / "benchmarks" / "app" / "scenario.json").string();
  const std::string service = fs::canonical(root / "service").string();
  auto load = [&](const std::string& module_dir, const std::string& input) {
    nlohmann::json j = {
        {"name", "t"},
        {"target", {{"module_dir", module_dir}, {"package", "./cmd/app"}}},
        {"workloads",
         {{{"name", "w"}, {"command", {"{binary}", "{input}"}}, {"inputs", {{"data", input}}}}}}};
    std::ofstream(scenario) << j.dump();
    return h::load_scenario(scenario);
  };
  for (const auto& [module_dir, input] : std::vector<std::pair<std::string, std::string>>{
           {"../../service", "../../service/in.txt"}, {service, service + "/in.txt"}}) {
    INFO(module_dir);
    const h::Scenario s = load(module_dir, input);
    CHECK(s.module_path() == service);
    CHECK(s.package_path() == service + "/cmd/app");
    CHECK(s.input_path(s.workloads[0], "data") == service + "/in.txt");
  }
  std::vector<std::string> got =
      problems_in([&] { load(service + "/nowhere", service + "/missing.txt"); }, scenario);
  CHECK(has_problem(got, "target.module_dir: directory " + service + "/nowhere does not exist"));
  CHECK(has_problem(got, "input file " + service + "/missing.txt does not exist"));
  fs::remove_all(root);
}

TEST_CASE("\"profile\": \"auto\" is read, kept in the canonical form, other values refused",
          "[scenario]") {
  const h::Scenario s = parse(R"({"name": "auto", "target": {"package": "./cmd/app"},
    "workloads": [{"name": "run", "command": ["{binary}"]}], "profile": "auto"})");
  CHECK(s.profile == "auto");
  CHECK(h::to_json(s)["profile"] == "auto");
  CHECK_FALSE(h::to_json(h::load_scenario(fixture("valid-minimal.json"))).contains("profile"));
  const auto p = problems_in(
      [] {
        parse(R"({"name": "x", "target": {"package": "./cmd/app"},
          "workloads": [{"name": "run", "command": ["{binary}"]}], "profile": "default.pgo"})");
      },
      fixture("inline.json"));
  REQUIRE(p.size() == 1);
  CHECK_THAT(p[0], Catch::StartsWith("profile: \"default.pgo\" is not a profile setting"));
}

TEST_CASE("counting metrics: accepted for command and gotest, refused for http with its path",
          "[scenario][counting]") {
  // Risk: a counting metric on a server workload silently timing instead, or failing only
  // after every build is done.
  const h::Scenario s = h::load_scenario(fixture("valid-counting.json"));
  CHECK(s.workloads[0].metric == h::Metric::kCyclesEstimate);
  CHECK(s.workloads[1].metric == h::Metric::kInstructions);
  CHECK(h::is_counting(h::Metric::kInstructions));
  CHECK_FALSE(h::is_counting(h::Metric::kCpu));
  CHECK(s.counting.gomaxprocs == 2);
  CHECK(s.counting.gogc == "400");
  CHECK(s.counting.gomemlimit == "512MiB");
  CHECK(s.counting.godebug.empty());
  CHECK(s.counting.min_runs == 3);
  CHECK(s.counting.max_runs == 6);
  CHECK(s.counting.tolerance == 0.002);
  CHECK(s.counting.spread_multiple == 4);
  CHECK(s.counting.min_effect == 0.01);
  CHECK(s.counting.gotest_iterations == 50);
  CHECK(h::to_json(s)["counting"]["gotest_iterations"] == 50);

  CHECK(
      has_problem(problems(with_workload(R"({"name": "w", "kind": "http", "metric": "instructions",
        "http": {"server_command": ["{binary}", "{port}"], "load_command": ["{urls}"]}})")),
                  "workloads[0].metric: \"instructions\" cannot be measured for kind \"http\""));
  CHECK(has_problem(problems(with_workload(
                        R"({"name": "w", "command": ["{binary}"], "metric": "cycles_estimate",
                            "env": {"GOGC": "100"}})")),
                    "workloads[0].env.GOGC: conflicts with the counting settings"));
  CHECK(
      has_problem(problems(with_workload(kBatch, R"("counting": {"min_runs": 5, "max_runs": 3})")),
                  "counting.min_runs: 5 is greater than counting.max_runs (3)"));
  CHECK(has_problem(problems(with_workload(kBatch, R"("counting": {"tolerence": 0.01})")),
                    "counting.tolerence: unknown key (did you mean \"tolerance\"?)"));
  // Timed scenarios do not carry the section, so their hash did not change with it.
  CHECK_FALSE(h::to_json(parse(with_workload(kBatch))).contains("counting"));
}

TEST_CASE("hardware-counted metrics: accepted for every kind, cachegrind ones not for http",
          "[scenario][counting]") {
  // Risk: hw_* refused for server workloads although their servers can be counted, or
  // the cachegrind metrics accepted for servers they would slow past answering; hw_*
  // escaping the counting settings and the count-spread rule.
  h::Scenario s = parse(with_workload(R"({"name": "w", "command": ["{binary}"],
                                          "metric": "hw_instructions"})"));
  CHECK(s.workloads[0].metric == h::Metric::kHwInstructions);
  CHECK(h::to_string(s.workloads[0].metric) == "hw_instructions");
  CHECK(h::to_json(s).contains("counting"));
  s = parse(with_workload(R"({"name": "w", "kind": "gotest", "metric": "hw_cycles"})"));
  CHECK(s.workloads[0].metric == h::Metric::kHwCycles);
  for (h::Metric m : {h::Metric::kHwInstructions, h::Metric::kHwCycles}) {
    CHECK(h::is_counting(m));
    CHECK(h::is_hardware_counted(m));
  }
  CHECK_FALSE(h::is_hardware_counted(h::Metric::kInstructions));
  CHECK_FALSE(h::is_hardware_counted(h::Metric::kWall));

  const std::string http =
      R"("http": {"server_command": ["{binary}", "{port}"], "load_command": ["{urls}"]})";
  s = parse(with_workload(R"({"name": "w", "kind": "http", "metric": "hw_cycles", )" + http + "}"));
  CHECK(s.workloads[0].metric == h::Metric::kHwCycles);
  CHECK(h::to_json(s).contains("counting"));
  const std::vector<std::string> p = problems(
      with_workload(R"({"name": "w", "kind": "http", "metric": "instructions", )" + http + "}"));
  CHECK(
      has_problem(p, "workloads[0].metric: \"instructions\" cannot be measured for kind \"http\""));
  CHECK(has_problem(p, "\"hw_instructions\" or \"hw_cycles\" where the machine has hardware"));
  CHECK(has_problem(problems(with_workload(R"({"name": "w", "command": ["{binary}"],
                                              "metric": "hw_cycles", "env": {"GOMAXPROCS": "4"}})")),
                    "workloads[0].env.GOMAXPROCS: conflicts with the counting settings"));
}
