// PgoLoop without Go: phase order, resume, truncation and every failure class, with the
// scripted collaborators of tests/run/scripted_loop.h.
#include "run/pgo_loop.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/run/scripted_loop.h"

namespace fs = std::filesystem;
namespace h = pgo::harness;
using h::FailureKind;
using h::Phase;
using h::PhaseKind;
using h::RunStatus;
using h::testing::LoopScript;
using h::testing::scripted_collaborators;

namespace {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("pgo-loop-test-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// Remembers what the loop told it; asks to stop once `stop` is set.
class RecordingObserver : public h::LoopObserver {
 public:
  void phase_started(const h::Phase& phase, std::size_t, std::size_t) override {
    started.push_back(phase.name());
  }
  void phase_skipped(const h::Phase& phase) override { skipped.push_back(phase.name()); }
  void notice(const std::string& text) override { notices.push_back(text); }
  void checkpoint(const h::RunReport& report) override { checkpoints.push_back(report); }
  bool stop_requested() override { return stop; }

  std::vector<std::string> started, skipped, notices;
  std::vector<h::RunReport> checkpoints;
  bool stop = false;
};

// A scenario of two command workloads (one of weight 0, never profiled) and a helper tool.
std::string write_scenario(const TempDir& tmp, const std::string& extra = {}) {
  fs::create_directories(tmp.path("src/cmd/app"));
  fs::create_directories(tmp.path("src/cmd/loadgen"));
  std::ofstream(tmp.path("src/go.mod")) << "module example.com/scripted\n";
  const std::string path = tmp.path("src/scenario.json");
  std::ofstream(path) << R"({"name": "scripted", "target": {"package": "./cmd/app",
      "tools": {"loadgen": "./cmd/loadgen"}},
    "workloads": [{"name": "render", "command": ["{binary}"]},
                  {"name": "parse", "command": ["{binary}", "-parse"], "profile_weight": 0}],
    "profiling": {"instances": 2}, "iterations": 3)"
                      << extra << "}";
  return path;
}

h::RunOptions quick_options(std::optional<int> iterations) {
  h::RunOptions o;
  o.iterations = iterations;
  o.trials.runs = 3;
  o.trials.warmup = 0;
  o.trials.seed = 7;
  o.build_cache = h::BuildCache::kRun;
  return o;
}

// The events of the collaborators other than trial runs, which the scheduler shuffles.
std::vector<std::string> steps(const LoopScript& script) {
  std::vector<std::string> out;
  for (const std::string& e : script.events) {
    if (!e.starts_with("trial ")) out.push_back(e);
  }
  return out;
}

std::size_t trial_runs(const LoopScript& script) {
  return static_cast<std::size_t>(
      std::count_if(script.events.begin(), script.events.end(),
                    [](const std::string& e) { return e.starts_with("trial "); }));
}

std::vector<std::string> names(const std::vector<Phase>& phases) {
  std::vector<std::string> out;
  for (const Phase& p : phases) out.push_back(p.name());
  return out;
}

std::vector<std::string> recorded(const h::RunReport& report) {
  std::vector<std::string> out;
  for (const h::PhaseRecord& p : report.phases)
    out.push_back(p.name + ":" + h::to_string(p.status));
  return out;
}

// One loop over a scenario, its run directory and a script.
struct Fixture {
  TempDir tmp;
  std::string scenario_path;
  LoopScript script;
  RecordingObserver observer;

  explicit Fixture(const std::string& extra = {}) : scenario_path(write_scenario(tmp, extra)) {}

  h::RunDirectory dir() const { return h::RunDirectory(tmp.path("run")); }

  h::PgoLoop loop(const h::RunOptions& options) {
    return h::PgoLoop(h::load_scenario(scenario_path), options, dir(), observer, "test",
                      scripted_collaborators(script));
  }

  // A fresh loop (a new harness process) resuming `previous` with the options it records.
  h::RunReport resume(const h::RunReport& previous) {
    script.events.clear();
    observer = RecordingObserver{};
    return loop(previous.options ? previous.options->given : h::RunOptions{}).resume(previous);
  }
};

std::vector<std::string> phases_of(int iterations) {
  std::vector<std::string> out = {"prepare", "build v0"};
  for (int i = 1; i <= iterations; ++i) {
    for (const char* verb : {"profile", "merge", "build"}) {
      out.push_back(std::string(verb) + " v" + std::to_string(i));
    }
  }
  out.push_back("trials");
  out.push_back("analysis");
  return out;
}

// The collaborators' steps of a whole run of `iterations`.
std::vector<std::string> steps_of(int iterations) {
  std::vector<std::string> out = {"go version", "download", "tool loadgen", "build v0"};
  for (int i = 1; i <= iterations; ++i) {
    out.push_back("profile iter-" + std::to_string(i) + " render");
    out.push_back("build v" + std::to_string(i));
  }
  return out;
}

}  // namespace

// ---- phases -------------------------------------------------------------------------------

TEST_CASE("a phase's name is derived from its kind and iteration", "[pgo_loop]") {
  CHECK(Phase{PhaseKind::kPrepare, 0}.name() == "prepare");
  CHECK(Phase{PhaseKind::kBuild, 0}.name() == "build v0");
  CHECK(Phase{PhaseKind::kProfile, 1}.name() == "profile v1");
  CHECK(Phase{PhaseKind::kMerge, 12}.name() == "merge v12");
  CHECK(Phase{PhaseKind::kImport, 2}.name() == "import v2");
  CHECK(Phase{PhaseKind::kTrials, 0}.name() == "trials");
  CHECK(Phase{PhaseKind::kAnalysis, 0}.name() == "analysis");
}

TEST_CASE("phase_from_name reads back every name a report holds, and nothing else", "[pgo_loop]") {
  for (const PhaseKind kind :
       {PhaseKind::kBuild, PhaseKind::kProfile, PhaseKind::kMerge, PhaseKind::kImport}) {
    for (int i : {1, 2, 10}) {
      const Phase phase{kind, i};
      CHECK(h::phase_from_name(phase.name()) == phase);
    }
  }
  for (const PhaseKind kind : {PhaseKind::kPrepare, PhaseKind::kTrials, PhaseKind::kAnalysis}) {
    CHECK(h::phase_from_name(Phase{kind, 0}.name()) == Phase{kind, 0});
  }
  CHECK(h::phase_from_name("build v0") == Phase{PhaseKind::kBuild, 0});
  for (const char* bad :
       {"", "build", "build v", "build vx", "build v1x", "build v01", "build v-1", "build  v1",
        "profile v0", "merge v0", "compile v1", "Trials", "prepare ", "build v9999"}) {
    CAPTURE(bad);
    CHECK_FALSE(h::phase_from_name(bad).has_value());
  }
}

TEST_CASE("the planned phases follow the iterations and the profile options", "[pgo_loop]") {
  Fixture f;
  for (int n : {1, 2, 3}) {
    CAPTURE(n);
    CHECK(names(f.loop(quick_options(n)).planned_phases()) == phases_of(n));
  }
  // Without --iterations the scenario's count applies.
  CHECK(names(f.loop(quick_options(std::nullopt)).planned_phases()) == phases_of(3));
  h::RunOptions quick = quick_options(std::nullopt);
  quick.quick = true;
  CHECK(names(f.loop(quick).planned_phases()) == phases_of(2));

  h::RunOptions given = quick_options(std::nullopt);
  given.profile = f.tmp.path("given.pgo");
  CHECK(names(f.loop(given).planned_phases()) == std::vector<std::string>{"prepare", "build v0",
                                                                          "import v1", "build v1",
                                                                          "trials", "analysis"});
  given.candidate_profile = f.tmp.path("candidate.pgo");
  CHECK(names(f.loop(given).planned_phases()) ==
        std::vector<std::string>{"prepare", "build v0", "import v1", "build v1", "import v2",
                                 "build v2", "trials", "analysis"});
}

TEST_CASE("zero iterations is a setup failure before anything runs", "[pgo_loop]") {
  Fixture f;
  try {
    (void)f.loop(quick_options(0));
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kSetup);
  }
  CHECK(f.script.events.empty());
  CHECK(f.observer.checkpoints.empty());
}

TEST_CASE("a run performs its phases in order, for 1, 2 and 3 iterations", "[pgo_loop]") {
  for (int n : {1, 2, 3}) {
    CAPTURE(n);
    Fixture f;
    const h::RunReport report = f.loop(quick_options(n)).run();
    CHECK(report.status == RunStatus::kComplete);
    CHECK(f.observer.started == phases_of(n));
    CHECK(steps(f.script) == steps_of(n));
    // Every build x every workload, 3 timed runs each, no warm-up.
    CHECK(trial_runs(f.script) == static_cast<std::size_t>(3 * 2 * (n + 1)));
    std::vector<std::string> done;
    for (const std::string& name : phases_of(n)) done.push_back(name + ":done");
    CHECK(recorded(report) == done);
    REQUIRE(report.builds.size() == static_cast<std::size_t>(n + 1));
    REQUIRE(report.profiles.size() == static_cast<std::size_t>(n));
    for (int i = 1; i <= n; ++i) {
      const h::IterationProfile& p = report.profiles[static_cast<std::size_t>(i - 1)];
      CHECK(p.iteration == i);
      CHECK(p.collected_from == "v" + std::to_string(i - 1));
      CHECK(p.inputs.size() == 2);  // K = 2 of "render"; "parse" has weight 0
      CHECK(fs::is_regular_file(f.dir().absolute(p.merged_path)));
    }
    CHECK(report.trials.size() == static_cast<std::size_t>(2 * (n + 1)));
    // Interleaved trials record each run's round: the analysis pairs runs by it.
    for (const h::TrialSeries& t : report.trials) {
      CHECK(t.rounds == std::vector<std::int64_t>{0, 1, 2});
    }
    CHECK(report.go_version == "go1.0-scripted");
    // A checkpoint after every phase, one at the start and one at the end.
    CHECK(f.observer.checkpoints.size() == phases_of(n).size() + 2);
    CHECK(f.observer.checkpoints.back().status == RunStatus::kComplete);
  }
}

TEST_CASE("an imported profile replaces the profile phases", "[pgo_loop]") {
  Fixture f;
  // A profile made by a first run is given to a second.
  f.loop(quick_options(1)).run();
  const std::string given = f.tmp.path("given.pgo");
  fs::copy_file(f.dir().merged_profile(1), given);
  h::RunOptions options = quick_options(std::nullopt);
  options.profile = given;
  Fixture g;
  const h::RunReport report = g.loop(options).run();
  CHECK(g.observer.started == std::vector<std::string>{"prepare", "build v0", "import v1",
                                                       "build v1", "trials", "analysis"});
  CHECK(steps(g.script) ==
        std::vector<std::string>{"go version", "download", "tool loadgen", "build v0", "build v1"});
  REQUIRE(report.profiles.size() == 1);
  CHECK(report.profiles[0].inputs.at(0).path == given);
}

// ---- resume -------------------------------------------------------------------------------

TEST_CASE("after a kill after any phase, resume keeps what was done and redoes the rest",
          "[pgo_loop]") {
  const std::vector<std::string> all = phases_of(2);
  for (std::size_t killed_after = 0; killed_after + 1 < all.size(); ++killed_after) {
    CAPTURE(all[killed_after]);
    Fixture f;
    f.loop(quick_options(2)).run();
    // The checkpoint written after that phase: what a SIGKILL then leaves in report.json.
    const h::RunReport left = f.observer.checkpoints.at(killed_after + 1);
    REQUIRE(left.status == RunStatus::kRunning);
    REQUIRE(left.phases.back().name == all[killed_after]);

    const h::RunReport resumed = f.resume(left);
    CHECK(resumed.status == RunStatus::kComplete);
    const std::vector<std::string> kept(all.begin(),
                                        all.begin() + static_cast<long>(killed_after + 1));
    const std::vector<std::string> redone(all.begin() + static_cast<long>(killed_after + 1),
                                          all.end());
    CHECK(f.observer.skipped == kept);
    CHECK(f.observer.started == redone);
    REQUIRE_FALSE(f.observer.notices.empty());
    CHECK(f.observer.notices.front().starts_with("the previous harness was killed during " +
                                                 all[killed_after + 1]));
    // Each redone phase ran its collaborators again, and only those.
    // (The toolchain is located by the first phase that builds.)
    std::vector<std::string> expected;
    for (const std::string& phase : redone) {
      if (phase.starts_with("build ")) {
        if (std::find(expected.begin(), expected.end(), "go version") == expected.end()) {
          expected.push_back("go version");
        }
        expected.push_back(phase);
      }
      if (phase.starts_with("profile v")) {
        expected.push_back("profile iter-" + phase.substr(9) + " render");
      }
    }
    CHECK(steps(f.script) == expected);
    const bool trials_redone = std::find(redone.begin(), redone.end(), "trials") != redone.end();
    CHECK(trial_runs(f.script) == (trials_redone ? 3 * 2 * 3 : 0));
    std::vector<std::string> done;
    for (const std::string& name : all) done.push_back(name + ":done");
    CHECK(recorded(resumed) == done);
  }
}

TEST_CASE("a phase killed while it ran is redone, with what it left behind", "[pgo_loop]") {
  const std::vector<std::string> all = phases_of(2);
  const std::vector<std::string> events = {
      "download", "build v0", "profile iter-1 render", "build v1", "profile iter-2 render",
      "build v2"};
  for (const std::string& at : events) {
    CAPTURE(at);
    Fixture f;
    // The harness dies inside the step: its report stays at the last checkpoint.
    f.script.fail_at = at;
    f.script.failure = pgo::Error("killed", "", "SIGKILL");
    CHECK_THROWS_AS(f.loop(quick_options(2)).run(), h::RunFailure);
    REQUIRE(f.observer.checkpoints.size() >= 2);
    const h::RunReport left = f.observer.checkpoints.at(f.observer.checkpoints.size() - 2);
    REQUIRE(left.status == RunStatus::kRunning);
    f.script.fail_at.clear();
    const h::RunReport resumed = f.resume(left);
    CHECK(resumed.status == RunStatus::kComplete);
    REQUIRE_FALSE(f.observer.started.empty());
    const std::string first = f.observer.started.front();
    // The phase of the step is the first one run again.
    const bool matches = at == "download"          ? first == "prepare"
                         : at.starts_with("build") ? first == at
                                                   : first == "profile v" + at.substr(13, 1);
    CHECK(matches);
    CHECK(f.observer.skipped.size() + f.observer.started.size() == all.size());
  }
}

TEST_CASE("resume redoes from the first phase whose artifact changed", "[pgo_loop]") {
  Fixture f;
  const h::RunReport complete = f.loop(quick_options(2)).run();

  SECTION("a build's binary changed") {
    std::ofstream(f.dir().absolute(complete.builds[1].binary), std::ios::app) << "tampered";
    f.resume(complete);
    CHECK(f.observer.started == std::vector<std::string>{"build v1", "profile v2", "merge v2",
                                                         "build v2", "trials", "analysis"});
    REQUIRE_FALSE(f.observer.notices.empty());
    CHECK(f.observer.notices.front().starts_with("redoing build v1 and what follows: "));
    CHECK(f.observer.notices.front().find("failed its sha256 check") != std::string::npos);
  }
  SECTION("a collected profile is missing") {
    fs::remove(f.dir().absolute(complete.profiles[1].inputs[0].path));
    f.resume(complete);
    CHECK(f.observer.started.front() == "profile v2");
    CHECK(f.observer.skipped.back() == "build v1");
  }
  SECTION("a merged profile changed") {
    std::ofstream(f.dir().merged_profile(1), std::ios::app) << "x";
    f.resume(complete);
    CHECK(f.observer.started.front() == "merge v1");
    CHECK(steps(f.script) ==
          std::vector<std::string>{"go version", "build v1", "profile iter-2 render", "build v2"});
  }
  SECTION("a helper tool is missing") {
    fs::remove(f.dir().tool_binary("loadgen"));
    f.resume(complete);
    CHECK(f.observer.started.front() == "prepare");
    CHECK(f.observer.skipped.empty());
  }
  SECTION("nothing changed: only the analysis is not checked and runs again") {
    f.resume(complete);
    CHECK(f.observer.started.empty());
    CHECK(f.script.events.empty());
    CHECK(f.observer.notices.empty());
  }
}

TEST_CASE("resume with more iterations keeps the common phases", "[pgo_loop]") {
  Fixture f;
  h::RunReport complete = f.loop(quick_options(1)).run();
  h::RunOptions more = quick_options(2);
  REQUIRE(complete.options);
  complete.options->given = more;  // the report of a run started with --iterations 2
  f.resume(complete);
  CHECK(f.observer.skipped ==
        std::vector<std::string>{"prepare", "build v0", "profile v1", "merge v1", "build v1"});
  CHECK(f.observer.started ==
        std::vector<std::string>{"profile v2", "merge v2", "build v2", "trials", "analysis"});
}

TEST_CASE("resume refuses a changed scenario before running anything", "[pgo_loop]") {
  Fixture f;
  const h::RunReport complete = f.loop(quick_options(1)).run();
  write_scenario(f.tmp, R"(, "description": "changed")");
  f.script.events.clear();
  try {
    f.loop(quick_options(1)).resume(complete);
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kSetup);
    CHECK(std::string(e.what()).find("the scenario changed") != std::string::npos);
  }
  CHECK(f.script.events.empty());
}

TEST_CASE("resume reads the phase names of older reports and drops what it redoes", "[pgo_loop]") {
  Fixture f;
  const h::RunReport complete = f.loop(quick_options(2)).run();
  h::RunReport left = complete;
  left.status = RunStatus::kRunning;
  // Drop everything after merge v2 as a kill would, and add a record no version plans.
  left.phases.resize(7);  // prepare .. merge v2
  REQUIRE(left.phases.back().name == "merge v2");
  left.phases.push_back(h::PhaseRecord{"warm-up", h::PhaseStatus::kDone, "", 0, 0, ""});
  // The merged profile v2 no longer matches: merge v2 is redone, its record cleared.
  std::ofstream(f.dir().merged_profile(2), std::ios::app) << "x";
  f.observer = RecordingObserver{};
  f.script.events.clear();
  f.loop(left.options->given).resume(left);
  REQUIRE_FALSE(f.observer.checkpoints.empty());
  // The first checkpoint is the truncated report the resumed run starts from.
  const h::RunReport& start = f.observer.checkpoints.front();
  CHECK(recorded(start) == std::vector<std::string>{
                               "prepare:done", "build v0:done", "profile v1:done", "merge v1:done",
                               "build v1:done", "profile v2:done", "warm-up:done"});
  REQUIRE(start.builds.size() == 2);  // v2's record is gone with merge v2
  CHECK(start.builds.back().label == "v1");
  REQUIRE(start.profiles.size() == 2);
  CHECK_FALSE(start.profiles[1].inputs.empty());  // collected: kept
  CHECK(start.profiles[1].merged_path.empty());   // merged: cleared
  CHECK(start.profiles[1].merged_sha256.empty());
  CHECK(start.trials.empty());
  CHECK(f.observer.started ==
        std::vector<std::string>{"merge v2", "build v2", "trials", "analysis"});
}

// ---- failures -----------------------------------------------------------------------------

namespace {

struct FailureCase {
  std::string at;
  pgo::Error error;
  FailureKind kind;
  std::string phase;
};

}  // namespace

TEST_CASE("each failure class ends the run with its kind and a failed report", "[pgo_loop]") {
  using pgo::ErrorKind;
  const std::vector<FailureCase> cases = {
      {"download", pgo::Error("go", "", "no network"), FailureKind::kBuild, "prepare"},
      {"tool loadgen", pgo::Error("build", "", "syntax error"), FailureKind::kBuild, "prepare"},
      {"build v0", pgo::Error("build", "", "syntax error"), FailureKind::kBuild, "build v0"},
      {"build v2", pgo::Error("build", "", "bad profile"), FailureKind::kBuild, "build v2"},
      {"profile iter-1 render", pgo::Error("collect", "log", "exit status 2"),
       FailureKind::kWorkload, "profile v1"},
      {"profile iter-1 render",
       pgo::Error(ErrorKind::kProfileMissing, "collect", "render-1.pprof", "wrote no profile"),
       FailureKind::kWorkload, "profile v1"},
      {"profile iter-2 render",
       pgo::Error(ErrorKind::kUnusableProfile, "collect", "render-1.pprof", "empty profile"),
       FailureKind::kProfile, "profile v2"},
      {"trial parse@v1", pgo::Error("trial", "", "exit status 1"), FailureKind::kWorkload,
       "trials"},
  };
  for (const FailureCase& c : cases) {
    CAPTURE(c.at, c.error.what());
    Fixture f;
    f.script.fail_at = c.at;
    f.script.failure = c.error;
    try {
      f.loop(quick_options(2)).run();
      FAIL("no RunFailure");
    } catch (const h::RunFailure& e) {
      CHECK(e.kind() == c.kind);
      CHECK(e.problem() == c.error.problem());
    }
    const h::RunReport& last = f.observer.checkpoints.back();
    CHECK(last.status == RunStatus::kFailed);
    REQUIRE_FALSE(last.phases.empty());
    CHECK(last.phases.back().name == c.phase);
    CHECK(last.phases.back().status == h::PhaseStatus::kFailed);
    CHECK(last.error == c.phase + ": " + c.error.what());
    CHECK(f.observer.started.back() == c.phase);
  }
}

TEST_CASE("profiles without samples fail the merge as a profile fault", "[pgo_loop]") {
  Fixture f;
  f.script.empty_profiles = true;
  try {
    f.loop(quick_options(1)).run();
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kProfile);
  }
  CHECK(f.observer.checkpoints.back().phases.back().name == "merge v1");
  CHECK(f.observer.checkpoints.back().status == RunStatus::kFailed);
}

TEST_CASE("a stop request interrupts the run, which resume then completes", "[pgo_loop]") {
  for (const std::string at : {"build v0", "profile iter-1 render", "trial render@v1"}) {
    CAPTURE(at);
    Fixture f;
    f.script.on_event = [&](const std::string& event) {
      if (event == at) f.observer.stop = true;
    };
    try {
      f.loop(quick_options(1)).run();
      FAIL("no RunFailure");
    } catch (const h::RunFailure& e) {
      CHECK(e.kind() == FailureKind::kInterrupted);
      CHECK(e.stage() == "interrupted");
    }
    const h::RunReport left = f.observer.checkpoints.back();
    CHECK(left.status == RunStatus::kInterrupted);
    CHECK(left.error.starts_with("interrupted by a signal "));
    f.script.on_event = nullptr;
    const h::RunReport resumed = f.resume(left);
    CHECK(resumed.status == RunStatus::kComplete);
    CHECK(f.observer.notices.empty());  // interrupted, not killed
    CHECK(f.observer.skipped.size() + f.observer.started.size() == phases_of(1).size());
  }
}

TEST_CASE("an interruption the collaborator reports is an interruption", "[pgo_loop]") {
  Fixture f;
  f.script.fail_at = "trial render@v0";
  f.script.failure = pgo::Error(pgo::ErrorKind::kInterrupted, "interrupted", "", "stopped");
  try {
    f.loop(quick_options(1)).run();
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kInterrupted);
  }
  const h::RunReport& last = f.observer.checkpoints.back();
  CHECK(last.status == RunStatus::kInterrupted);
  CHECK(last.phases.back().name == "trials");
  CHECK(last.phases.back().status == h::PhaseStatus::kInterrupted);
  CHECK(last.error == "interrupted by a signal during trials");
}

TEST_CASE("hardware-counted metrics without a PMU fail before anything is built",
          "[pgo_loop][counting]") {
  // Risk: a machine without counters building every version before saying so, or quietly
  // measuring something else.
  TempDir tmp;
  write_scenario(tmp);  // the module
  std::ofstream(tmp.path("src/scenario.json"))
      << R"({"name": "hw", "target": {"package": "./cmd/app"},
           "workloads": [{"name": "a", "command": ["{binary}"], "metric": "hw_instructions"}]})";
  LoopScript script;
  RecordingObserver observer;
  int opened = 0, closed = 0;
  h::LoopCollaborators collaborators = scripted_collaborators(script);
  collaborators.perf.open_counter = [&](std::uint64_t, pid_t) -> int {
    if (opened++ == 0) return 100;
    errno = ENOENT;
    return -1;
  };
  collaborators.perf.close = [&](int) { return ++closed, 0; };
  try {
    h::PgoLoop loop(h::load_scenario(tmp.path("src/scenario.json")), quick_options(1),
                    h::RunDirectory(tmp.path("run")), observer, "test", std::move(collaborators));
    loop.run();
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kSetup);
    CHECK_THAT(std::string(e.what()), Catch::Contains("workload 'a' (metric hw_instructions): " +
                                                      h::hardware_counter_problem(ENOENT)));
  }
  CHECK(script.events.empty());
  CHECK(closed == 1);
}

namespace {

// Counted runs as a machine with a PMU gives them: the same counts every run of a build.
// `v1_running_fraction` below 1: v1's counters were multiplexed.
class HardwareCountedRuns : public h::WorkloadRunners {
  class Runs : public h::WorkloadMeasurer {
   public:
    Runs(const h::Workload& w, double v1_running_fraction)
        : workload_(w), v1_running_fraction_(v1_running_fraction) {}
    h::WorkloadMeasurement run(const std::string&, const std::string& label) override {
      h::WorkloadMeasurement m;
      const std::int64_t scale = label == "v0" ? 10 : 9;
      m.hardware_counts = h::HardwareCounts{1000 * scale, 2000 * scale, 3 * scale, 4 * scale,
                                            label == "v1" ? v1_running_fraction_ : 1.0};
      m.value = static_cast<double>(m.hardware_counts->cycles);
      m.elapsed_seconds = 1e-6;
      return m;
    }
    const h::Workload& workload() const override { return workload_; }
    std::vector<std::string> display_argv(const std::string& binary) const override {
      return {binary};
    }

   private:
    const h::Workload& workload_;
    double v1_running_fraction_;
  };

 public:
  explicit HardwareCountedRuns(double v1_running_fraction = 1)
      : v1_running_fraction_(v1_running_fraction) {}
  std::unique_ptr<h::WorkloadMeasurer> runner(const h::Workload& w, h::WorkloadContext) override {
    return std::make_unique<Runs>(w, v1_running_fraction_);
  }

 private:
  double v1_running_fraction_;
};

// The whole loop on one hw_cycles command workload whose runs HardwareCountedRuns counts.
h::RunReport run_hardware_counted(double v1_running_fraction) {
  TempDir tmp;
  write_scenario(tmp);  // the module
  std::ofstream(tmp.path("src/scenario.json"))
      << R"({"name": "hw", "target": {"package": "./cmd/app"},
           "workloads": [{"name": "a", "command": ["{binary}"], "metric": "hw_cycles"}]})";
  LoopScript script;
  RecordingObserver observer;
  h::LoopCollaborators collaborators = scripted_collaborators(script);
  collaborators.runners = std::make_unique<HardwareCountedRuns>(v1_running_fraction);
  int next_fd = 100;
  collaborators.perf.open_counter = [&](std::uint64_t, pid_t) { return next_fd++; };
  collaborators.perf.close = [](int) { return 0; };
  h::PgoLoop loop(h::load_scenario(tmp.path("src/scenario.json")), quick_options(1),
                  h::RunDirectory(tmp.path("run")), observer, "test", std::move(collaborators));
  const h::RunReport report = loop.run();
  return report;
}

}  // namespace

TEST_CASE("hardware-counted series carry every counter and the counting verdicts",
          "[pgo_loop][counting]") {
  // Risk: hw counts dropped from the report, or judged by the timed rules.
  const h::RunReport report = run_hardware_counted(1);
  REQUIRE(report.trials.size() == 2);
  for (const h::TrialSeries& t : report.trials) {
    CHECK(t.metric == "hw_cycles");
    CHECK(t.unit == "cycles");
    const double scale = t.build == "v0" ? 10 : 9;
    REQUIRE(t.counts.count("hw_instructions"));
    CHECK(t.counts.at("hw_instructions").front() == 1000 * scale);
    CHECK(t.counts.at("hw_cache_misses").front() == 4 * scale);
    CHECK(t.median == 2000 * scale);
    CHECK(t.run_settings.at("GOGC") == "off");
    REQUIRE(t.deterministic);
    CHECK(*t.deterministic);
    CHECK(t.values.size() == 2);  // identical counts: the counting pass stops at its minimum
  }
  for (const std::string& w : report.warnings) CHECK_THAT(w, !Catch::Contains("multiplexed"));
}

TEST_CASE("multiplexed hardware counters are named in a warning", "[pgo_loop][counting]") {
  // Risk: counts the kernel scaled up from part of the run (more events than free PMU
  // counters) passing for exact ones.
  const h::RunReport report = run_hardware_counted(0.5);
  std::vector<std::string> multiplexed;
  for (const std::string& w : report.warnings) {
    if (w.find("multiplexed") != std::string::npos) multiplexed.push_back(w);
  }
  REQUIRE(multiplexed.size() == 1);
  CHECK_THAT(multiplexed[0], Catch::StartsWith("trials: a@v1: the hardware counters were "
                                               "multiplexed (some counted only 50% of the time"));
}

TEST_CASE("gotest and command workloads in one scenario are a setup failure", "[pgo_loop]") {
  TempDir tmp;
  write_scenario(tmp);  // the module
  std::ofstream(tmp.path("src/scenario.json"))
      << R"({"name": "mixed", "target": {"package": "./cmd/app"},
           "workloads": [{"name": "a", "command": ["{binary}"]}, {"name": "b", "kind": "gotest"}]})";
  LoopScript script;
  RecordingObserver observer;
  try {
    h::PgoLoop loop(h::load_scenario(tmp.path("src/scenario.json")), quick_options(1),
                    h::RunDirectory(tmp.path("run")), observer, "test",
                    scripted_collaborators(script));
    FAIL("no RunFailure");
  } catch (const h::RunFailure& e) {
    CHECK(e.kind() == FailureKind::kSetup);
  }
  CHECK(script.events.empty());
}
