// Scenario: the typed, validated form of a `scenarios/NAME/scenario.json` file.
//
// A scenario names a Go target, the workloads that exercise it, how CPU profiles are
// collected from it, how many PGO iterations to run, how builds are timed, and when the
// loop calls the result converged. The file format, every field and its default are
// documented in scenarios/README.md; scenarios/scenario.schema.json is the JSON Schema.
//
//   pgo::harness::Scenario s = pgo::harness::load_scenario("scenarios/interp/scenario.json");
//   for (const pgo::harness::Workload& w : s.workloads) run(w.name, w.command);
//   std::string id = pgo::harness::scenario_hash(s);   // 64 hex digits, stable
//
// load_scenario checks EVERYTHING before anything runs (types, ranges, unknown keys with
// a "did you mean" hint, placeholders in every command template, that referenced files
// and directories exist) and throws one pgo::Error (stage "scenario") listing every
// problem, each with its JSON path (the reading is base/json_reader.h):
//
//   scenario.json: scenario: 2 problems
//     scenario.json: workloads[1].metric: "ns_per_op" is only valid for kind "gotest" (...)
//     scenario.json: trials.min_runs: 80 is greater than trials.max_runs (60)
//
// Every default lives in this header (the member initializers) and nowhere else.
//
// Command templates are argument vectors (no shell) in the syntax of
// process/command_template.h, which also expands them: `{name}` with name made of letters,
// digits and '_' is a placeholder, `{{` and `}}` are literal braces, any other brace is
// literal. Placeholders: `{binary}`, `{profile}`, `{port}`, `{urls}`, `{input}`,
// `{input_NAME}`, `{tool_NAME}`, `{scenario_dir}`, `{workdir}` (placeholder_names()).
// Which ones each template accepts is listed with its field below; any other is an error.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/json_reader.h"

namespace pgo::harness {

// What a workload runs and how it is profiled and timed.
enum class WorkloadKind {
  kCommand,  // "command": a batch program run to completion
  kHttp,     // "http": servers started on free loopback ports, driven by a load command
  kGotest,   // "gotest": a `go test -c` benchmark binary
};

// What a timed run measures. Lower is better for all of them.
enum class Metric {
  kWall,     // "wall": wall-clock time of the run
  kCpu,      // "cpu": user + system CPU time (see Workload::metric for what is counted)
  kNsPerOp,  // "ns_per_op": Go benchmark ns/op (kind gotest only)
  // Counting metrics (kind command and gotest): the run happens under cachegrind
  // (trials/cachegrind.h) with the deterministic settings of Scenario::counting; for
  // gotest the value is per benchmark op (see Counting::gotest_iterations).
  kInstructions,    // "instructions": instructions executed, exact
  kCyclesEstimate,  // "cycles_estimate": instructions + weighted cache and branch misses
  // Hardware-counted metrics (every kind): the CPU's own counters
  // (trials/hardware_counters.h) around a native run, with the same settings; need a PMU.
  // For kind http they count the servers (every thread) while the load command runs.
  kHwInstructions,  // "hw_instructions": instructions:u of the run's processes
  kHwCycles,        // "hw_cycles": cycles:u of the run's processes
};

// True for the metrics that count work instead of timing it (cachegrind or hardware).
bool is_counting(Metric m);
// True for the counting metrics read from the CPU's counters rather than cachegrind.
bool is_hardware_counted(Metric m);

// How CPU profiles are collected from a workload (harness/profile_collector.h runs each).
enum class ProfileMethod {
  kFlag,    // "flag": the program writes a profile to the path it is given
  kHttp,    // "http": fetched from /debug/pprof/profile of every server instance
  kGotest,  // "gotest": the test binary's -test.cpuprofile
};

enum class TrialOrder {
  kInterleaved,  // "interleaved": shuffled rounds, one run of every build per round
  kSequential,   // "sequential": all runs of one build, then the next
};

// The Go package under test and how to build it.
struct Target {
  // Directory holding go.mod, as written in the file (relative to the scenario's
  // directory). Scenario::module_path() gives the absolute path. Default ".".
  std::string module_dir = ".";
  // The main package to build (kind command/http) or the package whose tests are built
  // with `go test -c` (kind gotest; its runs start in the package's directory, see
  // GotestWorkload::working_directory), in `go build` syntax relative to module_dir.
  std::string package = ".";
  // Extra `go build` / `go test -c` flags, e.g. {"-trimpath"}. The harness owns -pgo and
  // -o; they are rejected here.
  std::vector<std::string> build_flags;
  // Environment for builds, on top of the harness's own, e.g. {"CGO_ENABLED": "0"}.
  // GOCACHE is rejected: the run controls the build cache.
  std::map<std::string, std::string> env;
  // The go command: a name looked up in PATH or a path. Default "go".
  std::string go = "go";
  // Helper programs from the same module, built once with -pgo=off and never timed or
  // profiled (e.g. a load generator): name ([A-Za-z0-9_]+) -> package, in `go build`
  // syntax relative to module_dir. Referenced as `{tool_NAME}`.
  std::map<std::string, std::string> tools;

  bool operator==(const Target&) const = default;
};

// Settings of an `http` workload.
struct HttpWorkload {
  // Starts one server instance. Must contain {binary} and {port}. Also accepts {input},
  // {input_NAME}, {tool_NAME}, {scenario_dir}, {workdir}.
  std::vector<std::string> server_command;
  // GET this path until it answers 2xx: the instance is ready. Default: the pprof index,
  // which every profiled server has anyway.
  std::string ready_path = "/debug/pprof/";
  double ready_timeout_seconds = 30;
  // Drives the instances and exits; the timed part of a run. Must contain {urls} (the
  // base URLs of every instance, e.g. "http://127.0.0.1:41234": one argument each when
  // {urls} is a whole argument, comma-joined inside a longer one) or {port} (the first
  // instance's port). Also accepts {binary}, {input}, {input_NAME},
  // {tool_NAME}, {scenario_dir}, {workdir}.
  std::vector<std::string> load_command;
  // The load while profiles are fetched; empty: load_command. While profiling, the
  // harness restarts it whenever it exits, until every instance's profile is fetched.
  std::vector<std::string> profile_load_command;
  // Server instances started for each timed run (all receive the load). Default 1.
  int instances = 1;
  // Length of each /debug/pprof/profile?seconds=S capture. Default 10.
  int profile_seconds = 10;

  bool operator==(const HttpWorkload&) const = default;
};

// Where a gotest run starts.
enum class GotestDirectory {
  kPackage,  // "package": the package's source directory, as `go test` runs test binaries
  kWorkdir,  // "workdir": {workdir}, the workload's scratch directory
};

// Settings of a `gotest` workload: the binary runs
// `-test.run=^$ -test.bench=BENCH -test.benchtime=BENCHTIME -test.count=COUNT ARGS...`.
struct GotestWorkload {
  std::string bench = ".";       // benchmark name pattern (Go regexp)
  std::string benchtime = "1s";  // "Ns"/"Nms"/... duration or "Nx" iterations
  int count = 1;                 // -test.count per timed run
  // Extra arguments. Accepts {input}, {input_NAME}, {tool_NAME}, {scenario_dir}, {workdir}.
  std::vector<std::string> args;
  // The working directory of every run, timed and profiled. Default kPackage
  // (Scenario::package_path()): `go test` runs a test binary in its package's directory,
  // so benchmarks read testdata/ by relative path; the harness does the same.
  GotestDirectory working_directory = GotestDirectory::kPackage;

  bool operator==(const GotestWorkload&) const = default;
};

struct Workload {
  std::string name;  // unique within the scenario; [A-Za-z0-9][A-Za-z0-9._-]*
  WorkloadKind kind = WorkloadKind::kCommand;

  // kind command: the timed run. Must contain {binary}; also accepts {input},
  // {input_NAME}, {tool_NAME}, {scenario_dir}, {workdir}. Not {profile}: timed runs
  // are never profiled.
  std::vector<std::string> command;
  // kind command, profiling runs: inserted right after the argument that is exactly
  // "{binary}" in `command`. Must contain {profile}; accepts {scenario_dir}, {workdir}.
  std::vector<std::string> profile_args = {"-cpuprofile={profile}"};
  // kind command: a complete template for profiling runs instead of command +
  // profile_args (empty: not used). Must contain {binary} and {profile}.
  std::vector<std::string> profile_command;
  // kind command: name of an input fed to the program's standard input (empty: none).
  std::string stdin_input;

  HttpWorkload http;      // kind http only
  GotestWorkload gotest;  // kind gotest only

  // Named input files, name ([A-Za-z0-9_]+) -> path relative to the scenario's directory
  // (must exist).
  // `{input}` is allowed when there is exactly one; `{input_NAME}` always.
  std::map<std::string, std::string> inputs;
  // What a timed run measures. Default: kWall for command and http, kNsPerOp for gotest.
  // kCpu counts the workload process's own user + system time (kind command, gotest) or
  // that of the server instances from start to stop (kind http: the load generator is
  // not counted, it is the same binary for every build).
  Metric metric = Metric::kWall;
  // Environment of every run of this workload (profiled and timed), on top of the
  // harness's own. GOMAXPROCS is rejected when trials.gomaxprocs is set.
  std::map<std::string, std::string> env;
  // Kill a run (and its process group) after this long; it counts as failed. Default 300.
  double timeout_seconds = 300;
  // Share of this workload in the merged profile (see Profiling::normalize); >= 0,
  // and at least one workload must have a positive weight. Default 1.
  double profile_weight = 1;

  bool operator==(const Workload&) const = default;
};

struct Profiling {
  // nullopt ("auto", the default): each workload's method follows from its kind
  // (command -> flag, http -> http, gotest -> gotest). An explicit method must be the
  // one every workload's kind implies; it documents intent and is checked.
  std::optional<ProfileMethod> method;
  // K: profiled runs per workload (flag, gotest) or server instances profiled
  // concurrently (http). Default 3.
  int instances = 3;
  // true (default): every collected profile is scaled to the same total before weights
  // apply, so a workload's share of iter-i.pgo is profile_weight / sum of weights, and
  // a long capture does not outweigh a short one. false: plain sum as `go tool pprof
  // -proto` does, with sample values multiplied by the workload's weight.
  bool normalize = true;
};

// How each build is timed on each workload (the `bench` engine's settings). The defaults
// are chosen to find a real 3% gain on a noisy 2-core machine: see scenarios/README.md.
struct Trials {
  int warmup = 1;                  // untimed runs per build and workload
  std::optional<int> runs;         // exact run count; overrides min/max_runs and
                                   // target_precision
  int min_runs = 20;               // adaptive stopping never stops before this
  int max_runs = 60;               // ... and always stops here
  double target_precision = 0.01;  // stop when every build's median CI half-width
                                   // <= this fraction of its median; 0: never early
  double max_time_seconds = 900;   // per workload, all builds together
  double alpha = 0.05;             // significance level of every comparison
  TrialOrder order = TrialOrder::kInterleaved;
  std::optional<std::uint64_t> seed;  // order shuffle and bootstrap; nullopt: random,
                                      // recorded in the report
  std::optional<int> gomaxprocs;      // GOMAXPROCS for every workload run; nullopt: unset
  std::vector<int> pin_cpu;           // CPUs every workload run is pinned to; empty: any
};

// When the loop calls the iterations converged, improving, oscillating or regressed
// (scenarios/README.md, "Convergence thresholds"). All thresholds are fractions (0.01 =
// 1%). "Speedup" of v(i) = median of v0 / median of v(i); "step i" = the change from
// v(i-1) to v(i), |ratio of medians - 1|; significant = the Mann-Whitney test at
// trials.alpha says so. Verdicts are checked in this order: regressed, no significant
// gain, oscillating, converged at k, still improving.
struct Convergence {
  // No significant gain: no iteration is significantly faster than v0 by at least this.
  double min_gain = 0.01;
  // Step i is stable when it is not significant or smaller than this. Converged at k:
  // the smallest k < N such that every step after k is stable. Otherwise (the last step
  // still changed performance): still improving.
  double stable_within = 0.01;
  // Oscillating: two successive significant steps (insignificant ones in between are
  // skipped) of opposite sign, each at least this.
  double oscillation_swing = 0.01;
  // Regressed: the last iteration is significantly slower than v0 by more than this.
  double max_regression = 0.01;
  // Also require, for a stable step i >= 2, that the hot call edges of iter-(i-1).pgo and
  // iter-i.pgo overlap at least this much (0..1). 0 (default): overlap is only reported.
  double min_hot_edge_overlap = 0;
};

// How counting metrics (Metric::kInstructions, kCyclesEstimate, and the hardware-counted
// kHwInstructions, kHwCycles) are measured and judged
// (scenarios/README.md, "Counting metrics"). Used only by workloads with such a metric.
struct Counting {
  // The Go runtime settings of every counting run, overriding the workload's: one P and no
  // collection until the heap reaches gomemlimit, so that the same binary and input execute
  // the same instructions (with the runtime left alone the count wanders by 20%).
  int gomaxprocs = 1;
  std::string gogc = "off";
  std::string gomemlimit = "1GiB";  // GOMEMLIMIT syntax; bounds memory while GOGC is off
  // GODEBUG: no asynchronous preemption. sysmon signals a goroutine that ran 10 ms of WALL
  // time; under cachegrind's 50x slowdown on a busy machine that lands at random points
  // and adds a varying number of signal-handler instructions (measured: run-to-run spread
  // 0.08% with it, 0.03% without, 5 runs in parallel).
  std::string godebug = "asyncpreemptoff=1";
  // Runs per build: stop once min_runs agree within `tolerance`, else at max_runs.
  int min_runs = 2;
  int max_runs = 4;
  // Runs of one build whose max / min - 1 exceeds this are reported as not deterministic.
  double tolerance = 0.001;
  // The decision rule (stats/count_comparison.h): a difference is significant when
  // |log ratio| > max(spread_multiple x the measured run-to-run spread, min_effect).
  double spread_multiple = 3;
  double min_effect = 0.005;
  // kind gotest: -test.benchtime=Nx with this N when gotest.benchtime is a duration (an
  // "Nx" benchtime is kept), so the ops of every run are the same. The start-up of a test
  // binary varies by about 50,000 instructions run to run (randomized map seeds), which
  // the per-op count divides by N.
  int gotest_iterations = 100;
};

struct Scenario {
  std::string name;  // [A-Za-z0-9][A-Za-z0-9._-]*; names run directories
  std::string description;
  Target target;
  std::vector<Workload> workloads;  // at least one
  Profiling profiling;
  int iterations = 3;  // PGO iterations N, 1..10
  // "" (collect profiles) or "auto": `run` evaluates the package's committed default.pgo
  // against -pgo=off, as `go build -pgo=auto` would use it (like `run --profile`).
  std::string profile;
  Trials trials;
  Convergence convergence;
  Counting counting;

  // Where the file was loaded from (not part of to_json or the hash).
  std::string path;       // as given to load_scenario
  std::string directory;  // absolute directory of the file; relative paths start here

  // Absolute paths resolved against `directory`.
  std::string module_path() const;
  // The source directory of target.package: module_path()/package for a relative package
  // ("." or "./x"); for an import path inside the main module (go.mod's `module` line),
  // the matching directory under module_path(). Throws pgo::Error (stage "scenario") for
  // an import path outside the main module.
  std::string package_path() const;
  std::string input_path(const Workload& w, const std::string& input_name) const;
  // The method a workload is profiled with (Profiling::method or the kind's).
  ProfileMethod method_for(const Workload& w) const;
};

// Reads, parses (comments allowed) and validates a scenario file.
// Throws pgo::Error (stage "scenario", file = path) listing every problem found.
Scenario load_scenario(const std::string& path);

// The same, for text already in memory; `path` names the file in messages and its
// directory anchors relative paths (it need not exist, but referenced files must).
Scenario parse_scenario(const std::string& text, const std::string& path);

// A scenario's JSON (to_json's form, as embedded in report.json) read back into the model
// with every check of parse_scenario except those of the file system: the module
// directory, packages and input files need not exist here. Problems go to `problems`
// with paths relative to the scenario. `path` names the scenario file (Scenario::path).
Scenario scenario_from_json(const nlohmann::json& j, const std::string& path,
                            JsonProblems& problems);

// The "trials" section of to_json, and back (problems with paths "trials.*").
nlohmann::json to_json(const Trials& t);
Trials trials_from_json(const nlohmann::json& j, JsonProblems& problems);

// The canonical JSON form: every field, defaults filled in, enum values as their
// strings, optional values null, paths as written (never absolute), no "$schema".
// Embedded in report.json; load_scenario accepts it back.
nlohmann::json to_json(const Scenario& s);

// sha256 (64 lowercase hex digits) of to_json(s).dump(): object keys sorted, no
// whitespace. Deterministic across machines and clones; two files differing only in
// comments, key order, formatting or spelled-out defaults hash the same. It covers the
// scenario only, not the Go sources or inputs it names.
std::string scenario_hash(const Scenario& s);

// The JSON spelling of the enums ("command", "wall", "flag", "interleaved", ...).
std::string to_string(WorkloadKind k);
std::string to_string(Metric m);
std::string to_string(ProfileMethod m);
std::string to_string(TrialOrder o);
std::string to_string(GotestDirectory d);

// Placeholders understood in command templates (the fixed ones; `input_NAME` and
// `tool_NAME` are formed from the scenario's names): binary, profile, port, urls, input,
// scenario_dir, workdir.
const std::vector<std::string>& placeholder_names();

}  // namespace pgo::harness
