#include "run/pgo_loop.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "base/elapsed.h"
#include "base/sha256.h"
#include "go/go_binary_functions.h"
#include "go/vcs_revision.h"
#include "merge/merge_job.h"
#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "merge/profile_scaling.h"
#include "merge/profile_staleness.h"
#include "merge/profile_stats.h"
#include "merge/profile_writer.h"
#include "run/profile_collector.h"
#include "run/run_analysis.h"
#include "run/workload_runner.h"
#include "trials/bench_analysis.h"
#include "trials/cachegrind.h"
#include "trials/environment_info.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kTopHotEdges = 10;

std::string now_utc() { return iso8601_utc(std::chrono::system_clock::now()); }

std::string label_of(int iteration) { return "v" + std::to_string(iteration); }

// The phase kind decides the exit code; within profile phases an unusable profile
// (empty, not a profile, wrong sample type) is a profile fault, anything else (crash,
// timeout, no file written, server never ready) a workload fault.
FailureKind failure_kind(const Phase& phase, const Error& e) {
  if (e.kind() == ErrorKind::kInterrupted) return FailureKind::kInterrupted;
  switch (phase.kind) {
    case PhaseKind::kPrepare:
    case PhaseKind::kBuild:
      return FailureKind::kBuild;
    case PhaseKind::kMerge:
    case PhaseKind::kImport:
      return FailureKind::kProfile;
    case PhaseKind::kProfile:
      return e.kind() == ErrorKind::kUnusableProfile ? FailureKind::kProfile
                                                     : FailureKind::kWorkload;
    case PhaseKind::kTrials:
      return FailureKind::kWorkload;
    case PhaseKind::kAnalysis:
      return FailureKind::kSetup;
  }
  return FailureKind::kSetup;
}

Error interrupted_error(const std::string& text) {
  return Error(ErrorKind::kInterrupted, "interrupted", "", text, "resume with --resume RUNDIR");
}

// The report's summary of what the compiler sees: the numbers `pgo-merge --stats` prints
// (merge/profile_stats.h), the hot-edge share as a fraction.
PgoViewSummary summarize_view(const perftools::profiles::Profile& profile,
                              const merge::PgoView& view) {
  const merge::ProfileStats stats = merge::compute_profile_stats(profile, view, "", kTopHotEdges);
  PgoViewSummary s;
  s.samples = static_cast<std::int64_t>(stats.samples);
  s.total_weight = stats.total_edge_weight;
  s.edges = static_cast<std::int64_t>(stats.call_edges);
  s.hot_edges = static_cast<std::int64_t>(stats.hot_edges);
  s.hot_callees = static_cast<std::int64_t>(stats.hot_callees);
  for (const merge::HotEdgeShare& h : stats.top_hot_edges) {
    s.top_hot_edges.push_back(
        HotEdge{h.edge.caller, h.edge.callee, h.edge.offset, h.edge.weight, h.share});
  }
  return s;
}

}  // namespace

// ---- phase names ---------------------------------------------------------------------------

namespace {

// Every phase kind's word in phase names: "VERB" or, for the iterated ones, "VERB vI".
struct PhaseWord {
  PhaseKind kind;
  std::string_view verb;
  bool iterated;
};
constexpr PhaseWord kPhaseWords[] = {
    {PhaseKind::kPrepare, "prepare", false},  {PhaseKind::kBuild, "build", true},
    {PhaseKind::kProfile, "profile", true},   {PhaseKind::kMerge, "merge", true},
    {PhaseKind::kImport, "import", true},     {PhaseKind::kTrials, "trials", false},
    {PhaseKind::kAnalysis, "analysis", false}};

}  // namespace

std::string Phase::name() const {
  for (const PhaseWord& w : kPhaseWords) {
    if (w.kind != kind) continue;
    return w.iterated ? std::string(w.verb) + " " + label_of(iteration) : std::string(w.verb);
  }
  return "unknown";
}

std::optional<Phase> phase_from_name(const std::string& name) {
  for (const PhaseWord& w : kPhaseWords) {
    if (!w.iterated) {
      if (name == w.verb) return Phase{w.kind, 0};
      continue;
    }
    const std::string prefix = std::string(w.verb) + " v";
    if (!name.starts_with(prefix)) continue;
    const std::string_view digits = std::string_view(name).substr(prefix.size());
    // 1 to 3 decimal digits without a leading zero, as label_of writes them.
    const bool plain =
        !digits.empty() && digits.size() <= 3 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        (digits.front() != '0' || digits.size() == 1);
    if (!plain) return std::nullopt;
    int iteration = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), iteration);
    if (iteration == 0 && w.kind != PhaseKind::kBuild) return std::nullopt;  // v0 is only built
    return Phase{w.kind, iteration};
  }
  return std::nullopt;
}

// ---- options ------------------------------------------------------------------------------

RunFailure::RunFailure(FailureKind kind, const Error& cause)
    : Error(cause.stage(), cause.file(), cause.problem(), cause.hint()), kind_(kind) {}

// ---- the loop -----------------------------------------------------------------------------

PgoLoop::PgoLoop(Scenario scenario, RunOptions options, RunDirectory dir, LoopObserver& observer,
                 std::string tool_version)
    : PgoLoop(std::move(scenario), std::move(options), std::move(dir), observer,
              std::move(tool_version), LoopCollaborators{}) {}

PgoLoop::PgoLoop(Scenario scenario, RunOptions options, RunDirectory dir, LoopObserver& observer,
                 std::string tool_version, LoopCollaborators collaborators)
    : scenario_(std::move(scenario)),
      options_(std::move(options)),
      dir_(std::move(dir)),
      observer_(observer),
      tool_version_(std::move(tool_version)),
      collaborators_(std::move(collaborators)) {
  // The real collaborators refer to scenario_, so they are made once it is in place.
  if (!collaborators_.builder || !collaborators_.profiler || !collaborators_.runners) {
    LoopCollaborators real = real_collaborators(scenario_, options_.build_cache, dir_);
    if (!collaborators_.builder) collaborators_.builder = std::move(real.builder);
    if (!collaborators_.profiler) collaborators_.profiler = std::move(real.profiler);
    if (!collaborators_.runners) collaborators_.runners = std::move(real.runners);
  }
  iterations_ = options_.effective_iterations(scenario_);
  trials_ = options_.effective_trials(scenario_);
  bool gotest = false, program = false;
  for (const Workload& w : scenario_.workloads) {
    (w.kind == WorkloadKind::kGotest ? gotest : program) = true;
  }
  if (gotest && program) {
    throw RunFailure(FailureKind::kSetup,
                     Error("scenario", scenario_.path,
                           "gotest workloads cannot be mixed with command or http workloads "
                           "in one scenario (each build is either a program or a test binary)",
                           "split the scenario in two"));
  }
  // Fail before building anything when a gotest run's directory cannot be resolved.
  for (const Workload& w : scenario_.workloads) {
    if (w.kind != WorkloadKind::kGotest ||
        w.gotest.working_directory != GotestDirectory::kPackage) {
      continue;
    }
    try {
      (void)scenario_.package_path();
    } catch (const Error& e) {
      throw RunFailure(FailureKind::kSetup, e);
    }
    break;
  }
  if (iterations_ < 1) {
    throw RunFailure(FailureKind::kSetup, Error("options", "", "--iterations must be at least 1"));
  }
}

PgoLoop::~PgoLoop() = default;

std::vector<Phase> PgoLoop::planned_phases() const {
  std::vector<Phase> phases = {{PhaseKind::kPrepare, 0}, {PhaseKind::kBuild, 0}};
  if (options_.profile) {
    const int imported = options_.candidate_profile ? 2 : 1;
    for (int i = 1; i <= imported; ++i) {
      phases.push_back({PhaseKind::kImport, i});
      phases.push_back({PhaseKind::kBuild, i});
    }
  } else {
    for (int i = 1; i <= iterations_; ++i) {
      phases.push_back({PhaseKind::kProfile, i});
      phases.push_back({PhaseKind::kMerge, i});
      phases.push_back({PhaseKind::kBuild, i});
    }
  }
  phases.push_back({PhaseKind::kTrials, 0});
  phases.push_back({PhaseKind::kAnalysis, 0});
  return phases;
}

void PgoLoop::start_report() {
  report_ = RunReport{};
  report_.tool_version = tool_version_;
  report_.status = RunStatus::kRunning;
  report_.started_at = now_utc();
  report_.scenario_name = scenario_.name;
  report_.scenario_path = fs::absolute(scenario_.path).lexically_normal().string();
  report_.scenario_hash = scenario_hash(scenario_);
  report_.scenario = scenario_;
  report_.trial_seed = trials_.seed ? *trials_.seed : fresh_seed();
  RunOptionsRecord options{options_, iterations_, trials_};
  options.effective_trials.seed = report_.trial_seed;
  report_.options = std::move(options);
}

void PgoLoop::require_counting_tools() const {
  bool valgrind_checked = false, counters_checked = false;
  for (const Workload& w : scenario_.workloads) {
    if (!is_counting(w.metric)) continue;
    const bool hardware = is_hardware_counted(w.metric);
    if (hardware ? counters_checked : valgrind_checked) continue;
    try {
      if (hardware) {
        HardwareCounters open_and_close(collaborators_.perf);
      } else {
        find_valgrind();
      }
    } catch (const Error& e) {
      throw RunFailure(FailureKind::kSetup, Error(e.stage(), scenario_.path,
                                                  "workload '" + w.name + "' (metric " +
                                                      to_string(w.metric) + "): " + e.problem(),
                                                  e.hint()));
    }
    (hardware ? counters_checked : valgrind_checked) = true;
  }
}

RunReport PgoLoop::run() {
  require_counting_tools();
  start_report();
  EnvironmentInfo env = collect_environment_info(tool_version_);
  report_.environment = env;
  for (const std::string& w : environment_warnings(env)) add_warning(w);
  observer_.checkpoint(report_);
  return execute(0);
}

RunReport PgoLoop::resume(RunReport previous) {
  require_counting_tools();
  if (previous.scenario_hash != scenario_hash(scenario_)) {
    throw RunFailure(FailureKind::kSetup,
                     Error("resume", scenario_.path,
                           "the scenario changed since the run started (hash " +
                               previous.scenario_hash.substr(0, 12) + " in the report, " +
                               scenario_hash(scenario_).substr(0, 12) + " now)",
                           "start a new run, or restore the scenario"));
  }
  const std::vector<Phase> phases = planned_phases();
  std::vector<Phase> done;
  for (const PhaseRecord& p : previous.phases) {
    std::optional<Phase> phase = phase_from_name(p.name);
    if (phase && p.status == PhaseStatus::kDone) done.push_back(*phase);
  }
  auto was_done = [&](const Phase& phase) {
    return std::find(done.begin(), done.end(), phase) != done.end();
  };
  std::size_t first = 0;
  std::string why;
  while (first < phases.size() && (why = unverified(phases[first], done, previous)).empty()) {
    ++first;
  }
  // A harness that exits in any way it controls (complete, failed, interrupted) says so
  // in the report; "running" means it was killed (SIGKILL, out of memory, power loss).
  std::string killed;
  if (previous.status == RunStatus::kRunning) {
    auto during = std::find_if(phases.begin(), phases.end(),
                               [&](const Phase& phase) { return !was_done(phase); });
    killed = "the previous harness was killed";
    if (during != phases.end()) killed += " during " + during->name();
    killed += " (report.json was left at status running, started " + previous.started_at + ")";
  }
  std::string redo;
  if (first < phases.size() && was_done(phases[first])) {
    redo = "redoing " + phases[first].name() + " and what follows: " + why;
  }
  report_ = std::move(previous);
  trials_.seed = report_.trial_seed;
  truncate_from(first);
  for (const std::string& text : {killed, redo}) {
    if (text.empty()) continue;
    observer_.notice(text);
    add_warning("resumed at " + now_utc() + ": " + text);
  }
  for (std::size_t i = 0; i < first; ++i) observer_.phase_skipped(phases[i]);
  report_.status = RunStatus::kRunning;
  report_.error.clear();
  report_.finished_at.clear();
  observer_.checkpoint(report_);
  return execute(first);
}

namespace {

// Empty when `path` (absolute, or relative to `dir`) is a regular file whose sha256 is
// `sha256`; otherwise what is wrong with it, naming the file.
std::string artifact_problem(const RunDirectory& dir, const std::string& path,
                             const std::string& sha256) {
  const std::string abs = dir.absolute(path);
  std::error_code ec;
  if (abs.empty() || !fs::is_regular_file(abs, ec)) return abs + " is missing";
  std::string found;
  try {
    found = sha256_file_hex(abs);
  } catch (const Error& e) {
    return abs + " cannot be read: " + e.problem();
  }
  if (found == sha256) return {};
  return abs + " failed its sha256 check (the report has " + sha256.substr(0, 12) +
         "..., the file " + found.substr(0, 12) + "...)";
}

}  // namespace

std::string PgoLoop::unverified(const Phase& phase, const std::vector<Phase>& done,
                                const RunReport& previous) const {
  if (std::find(done.begin(), done.end(), phase) == done.end()) return "not done";
  const std::string name = phase.name();
  auto build_of = [&](int i) -> const BuildRecord* {
    for (const BuildRecord& b : previous.builds) {
      if (b.iteration == i) return &b;
    }
    return nullptr;
  };
  auto profile_of = [&](int i) -> const IterationProfile* {
    for (const IterationProfile& p : previous.profiles) {
      if (p.iteration == i) return &p;
    }
    return nullptr;
  };
  switch (phase.kind) {
    case PhaseKind::kPrepare:
      for (const auto& [tool, path] : tool_binaries()) {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) return "helper tool " + path + " is missing";
      }
      return {};
    case PhaseKind::kBuild: {
      const BuildRecord* b = build_of(phase.iteration);
      if (!b) return "the report has no record of " + name;
      return artifact_problem(dir_, b->binary, b->binary_sha256);
    }
    case PhaseKind::kProfile: {
      const IterationProfile* p = profile_of(phase.iteration);
      if (!p || p->inputs.empty()) return "the report lists no profiles of " + name;
      for (const ProfileInput& in : p->inputs) {
        std::error_code ec;
        if (!fs::is_regular_file(dir_.absolute(in.path), ec)) {
          return "collected profile " + dir_.absolute(in.path) + " is missing";
        }
      }
      return {};
    }
    case PhaseKind::kMerge:
    case PhaseKind::kImport: {
      const IterationProfile* p = profile_of(phase.iteration);
      if (!p) return "the report has no record of " + name;
      return artifact_problem(dir_, p->merged_path, p->merged_sha256);
    }
    case PhaseKind::kTrials: {
      const std::size_t expected = scenario_.workloads.size() * previous.builds.size();
      if (previous.trials.size() == expected) return {};
      return "the report holds " + std::to_string(previous.trials.size()) + " of " +
             std::to_string(expected) + " trial series";
    }
    case PhaseKind::kAnalysis:
      return {};
  }
  return "unknown phase";
}

void PgoLoop::truncate_from(std::size_t first) {
  const std::vector<Phase> phases = planned_phases();
  auto redo = [&](const Phase& phase) {
    auto it = std::find(phases.begin(), phases.end(), phase);
    return it != phases.end() && static_cast<std::size_t>(it - phases.begin()) >= first;
  };
  // Records of phases this version does not plan (a name it cannot read) are kept as
  // they are, as those of planned phases before `first`.
  std::vector<PhaseRecord> kept;
  for (const PhaseRecord& p : report_.phases) {
    const std::optional<Phase> phase = phase_from_name(p.name);
    if ((!phase || !redo(*phase)) && p.status == PhaseStatus::kDone) kept.push_back(p);
  }
  report_.phases = std::move(kept);
  std::erase_if(report_.builds, [&](const BuildRecord& b) {
    return redo({PhaseKind::kBuild, b.iteration});
  });
  std::erase_if(report_.profiles, [&](const IterationProfile& p) {
    return redo({PhaseKind::kProfile, p.iteration}) || redo({PhaseKind::kImport, p.iteration});
  });
  for (IterationProfile& p : report_.profiles) {
    if (redo({PhaseKind::kMerge, p.iteration})) {
      p.merged_path.clear();
      p.merged_sha256.clear();
      p.merged_size_bytes = 0;
      p.view = {};
      p.overlap_with_previous.reset();
    }
  }
  if (redo({PhaseKind::kTrials, 0})) report_.trials.clear();
  if (redo({PhaseKind::kAnalysis, 0})) report_.analysis = Analysis{};
}

RunReport PgoLoop::execute(std::size_t first) {
  const std::vector<Phase> phases = planned_phases();
  for (std::size_t i = first; i < phases.size(); ++i) run_phase(phases[i], i, phases.size());
  report_.status = RunStatus::kComplete;
  report_.finished_at = now_utc();
  if (report_.harness_share() > 0.02) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "the harness's own time was %.1f%% of the run's wall time (target: < 2%%)",
                  report_.harness_share() * 100);
    add_warning(text);
  }
  observer_.checkpoint(report_);
  return report_;
}

void PgoLoop::run_phase(const Phase& phase, std::size_t index, std::size_t count) {
  const std::string name = phase.name();
  auto interrupted = [&](const std::string& where) {
    report_.status = RunStatus::kInterrupted;
    report_.error = "interrupted by a signal " + where;
    report_.finished_at = now_utc();
    observer_.checkpoint(report_);
    throw RunFailure(FailureKind::kInterrupted, interrupted_error(report_.error));
  };
  if (observer_.stop_requested()) interrupted("before " + name);
  observer_.phase_started(phase, index, count);
  PhaseRecord record;
  record.name = name;
  record.started_at = now_utc();
  child_seconds_ = 0;
  auto start = Clock::now();
  auto fail = [&](const Error& e, FailureKind kind) {
    record.wall_seconds = seconds_since(start);
    record.child_seconds = std::min(child_seconds_, record.wall_seconds);
    const bool stop = observer_.stop_requested() || kind == FailureKind::kInterrupted;
    record.status = stop ? PhaseStatus::kInterrupted : PhaseStatus::kFailed;
    record.error = e.what();
    report_.phases.push_back(record);
    report_.status = stop ? RunStatus::kInterrupted : RunStatus::kFailed;
    report_.error = stop ? "interrupted by a signal during " + name : name + ": " + e.what();
    report_.finished_at = now_utc();
    observer_.phase_finished(record);
    observer_.checkpoint(report_);
    if (stop) {
      throw RunFailure(FailureKind::kInterrupted, interrupted_error(report_.error));
    }
    throw RunFailure(kind, e);
  };
  try {
    dispatch(phase);
  } catch (const RunFailure&) {
    throw;
  } catch (const Error& e) {
    fail(e, failure_kind(phase, e));
  } catch (const std::exception& e) {
    fail(Error(name, "", std::string("unexpected error: ") + e.what()), FailureKind::kSetup);
  }
  record.wall_seconds = seconds_since(start);
  record.child_seconds = std::min(child_seconds_, record.wall_seconds);
  record.status = PhaseStatus::kDone;
  report_.phases.push_back(record);
  observer_.phase_finished(record);
  observer_.checkpoint(report_);
  if (observer_.stop_requested()) interrupted("after " + name);
}

void PgoLoop::dispatch(const Phase& phase) {
  switch (phase.kind) {
    case PhaseKind::kPrepare:
      return prepare();
    case PhaseKind::kBuild:
      return build(phase.iteration);
    case PhaseKind::kProfile:
      return collect(phase.iteration);
    case PhaseKind::kMerge:
      return merge(phase.iteration);
    case PhaseKind::kImport:
      return import_profile(phase.iteration);
    case PhaseKind::kTrials:
      return trials();
    case PhaseKind::kAnalysis:
      return analysis();
  }
}

// ---- helpers ------------------------------------------------------------------------------

LoopBuilder& PgoLoop::builder() {
  LoopBuilder& go = *collaborators_.builder;
  if (!go_located_) {
    auto start = Clock::now();
    report_.go_version = go.go_version();
    child_seconds_ += seconds_since(start);
    if (auto vcs = go.source_revision(scenario_.module_path())) {
      report_.source_revision = vcs->revision;
      report_.source_dirty = vcs->dirty;
    }
    go_located_ = true;
  }
  return go;
}

std::map<std::string, std::string> PgoLoop::tool_binaries() const {
  std::map<std::string, std::string> tools;
  for (const auto& [name, package] : scenario_.target.tools) tools[name] = dir_.tool_binary(name);
  return tools;
}

BuildRecord* PgoLoop::find_build(int iteration) {
  for (BuildRecord& b : report_.builds) {
    if (b.iteration == iteration) return &b;
  }
  return nullptr;
}

IterationProfile& PgoLoop::profile_slot(int iteration) {
  for (IterationProfile& p : report_.profiles) {
    if (p.iteration == iteration) return p;
  }
  IterationProfile p;
  p.iteration = iteration;
  auto at = std::find_if(report_.profiles.begin(), report_.profiles.end(),
                         [&](const IterationProfile& q) { return q.iteration > iteration; });
  return *report_.profiles.insert(at, std::move(p));
}

std::string PgoLoop::binary_name() const {
  std::string package = scenario_.target.package;
  while (package.size() > 1 && package.back() == '/') package.pop_back();
  std::string name = fs::path(package).filename().string();
  if (name.empty() || name == "." || name == "..") {
    name = fs::path(scenario_.module_path()).filename().string();
  }
  if (name.empty()) name = scenario_.name;
  const bool test =
      !scenario_.workloads.empty() && scenario_.workloads.front().kind == WorkloadKind::kGotest;
  return test ? name + ".test" : name;
}

void PgoLoop::add_warning(const std::string& warning) {
  if (std::find(report_.warnings.begin(), report_.warnings.end(), warning) ==
      report_.warnings.end()) {
    report_.warnings.push_back(warning);
  }
}

// ---- phases -------------------------------------------------------------------------------

void PgoLoop::prepare() {
  LoopBuilder& go = builder();
  auto start = Clock::now();
  go.download_modules(scenario_.module_path(), scenario_.target.env,
                      dir_.build_log("go-mod-download"), scenario_.target.build_flags);
  child_seconds_ += seconds_since(start);
  for (const auto& [name, package] : scenario_.target.tools) {
    GoBuildRequest r;
    r.module_dir = scenario_.module_path();
    r.package = package;
    r.output = dir_.tool_binary(name);
    r.flags = scenario_.target.build_flags;
    r.env = scenario_.target.env;
    r.log_path = dir_.build_log("tool-" + name);
    GoBuildResult result = go.build_tool(r);
    child_seconds_ += std::chrono::duration<double>(result.wall_time).count();
  }
}

std::optional<StalenessRecord> PgoLoop::staleness_of(const std::string& profile,
                                                     const std::string& binary,
                                                     const std::string& label) {
  try {
    const GoBinaryFunctions functions = read_go_binary_functions(binary);
    const merge::PgoView view =
        merge::PgoView::from_profile(merge::read_profile_file(profile), profile);
    const merge::ProfileStaleness s = merge::profile_staleness(view, functions.names, 5);
    StalenessRecord rec;
    rec.function_names_from = functions.source;
    rec.total_share = s.total_share;
    rec.hot_share = s.hot_share;
    rec.missing_functions = static_cast<std::int64_t>(s.missing_functions);
    for (const merge::MissingFunction& m : s.hottest_missing) {
      rec.hottest_missing.push_back({m.name, m.weight});
    }
    if (s.hot_share > merge::kStaleHotShareWarning) {
      std::string names;
      for (const merge::MissingFunction& m : s.hottest_missing) {
        names += (names.empty() ? "" : ", ") + m.name;
      }
      char share[32];
      std::snprintf(share, sizeof share, "%.1f%%", s.hot_share * 100);
      add_warning("stale profile for build " + label + ": " + share +
                  " of its hot edge weight is on functions the binary no longer has (" + names +
                  ")");
    }
    return rec;
  } catch (const Error& e) {
    add_warning("build " + label + ": profile staleness not computed: " + e.what());
    return std::nullopt;
  }
}

void PgoLoop::build(int iteration) {
  LoopBuilder& go = builder();
  const std::string label = label_of(iteration);
  GoBuildRequest r;
  r.kind = binary_name().ends_with(".test") ? GoBuildKind::kTestBinary : GoBuildKind::kProgram;
  r.module_dir = scenario_.module_path();
  r.package = scenario_.target.package;
  r.pgo = iteration == 0 ? "off" : dir_.merged_profile(iteration);
  r.output = dir_.build_binary(label, binary_name());
  r.flags = scenario_.target.build_flags;
  r.env = scenario_.target.env;
  r.log_path = dir_.build_log(label);
  GoBuildResult result = go.build(r);
  child_seconds_ += std::chrono::duration<double>(result.wall_time).count();

  BuildRecord b;
  b.label = label;
  b.iteration = iteration;
  b.pgo = iteration == 0 ? "off" : dir_.relative(r.pgo);
  if (iteration > 0) b.profile_sha256 = profile_slot(iteration).merged_sha256;
  b.pgo_build_setting = result.pgo_recorded;
  b.binary = dir_.relative(result.output);
  b.binary_size_bytes = result.binary_size;
  b.binary_sha256 = result.sha256;
  b.build_seconds = std::chrono::duration<double>(result.wall_time).count();
  b.log = dir_.relative(result.log_path);
  if (iteration > 0) b.staleness = staleness_of(r.pgo, result.output, label);
  if (BuildRecord* old = find_build(iteration)) {
    *old = b;
  } else {
    report_.builds.push_back(b);
    std::sort(report_.builds.begin(), report_.builds.end(),
              [](const BuildRecord& x, const BuildRecord& y) { return x.iteration < y.iteration; });
  }
  if (iteration > 0) {
    const BuildRecord* prev = find_build(iteration - 1);
    if (prev && prev->binary_sha256 == b.binary_sha256) {
      add_warning("build " + label + " is byte-identical to " + prev->label +
                  ": the profile changed nothing the compiler uses");
    }
  }
}

void PgoLoop::collect(int iteration) {
  const BuildRecord* from = find_build(iteration - 1);
  if (!from) throw Error("profile", "", "build " + label_of(iteration - 1) + " is missing");
  const std::string binary = dir_.absolute(from->binary);
  IterationProfile& slot = profile_slot(iteration);
  slot.collected_from = from->label;
  slot.inputs.clear();
  const int k = scenario_.profiling.instances;
  for (const Workload& w : scenario_.workloads) {
    if (w.profile_weight <= 0) continue;
    if (observer_.stop_requested()) {
      throw Error(ErrorKind::kInterrupted, "interrupted", "", "stopped by a signal");
    }
    WorkloadContext context{tool_binaries(), dir_.workdir(w.name), dir_.log_dir(iteration)};
    fs::create_directories(context.workdir);
    auto start = Clock::now();
    CollectionResult result =
        collaborators_.profiler->collect(w, context, binary, k, dir_.profile_dir(iteration));
    child_seconds_ += seconds_since(start);
    for (const std::string& warning : result.warnings) {
      add_warning("iteration " + std::to_string(iteration) + ": " + warning);
    }
    for (const CollectedProfile& p : result.profiles) {
      ProfileInput in;
      in.workload = w.name;
      in.instance = p.instance;
      in.path = dir_.relative(p.path);
      in.samples = p.samples;
      in.sha256 = sha256_file_hex(p.path);
      if (!p.url.empty()) {
        in.url = p.url + "/debug/pprof/profile?seconds=" + std::to_string(w.http.profile_seconds);
      }
      in.window_seconds = static_cast<double>(p.duration_nanos) / 1e9;
      slot.inputs.push_back(std::move(in));
    }
  }
  if (slot.inputs.empty()) {
    throw Error("profile", scenario_.path, "no workload has a positive profile_weight",
                "give at least one workload a profile_weight above 0");
  }
}

void PgoLoop::merge(int iteration) {
  IterationProfile& slot = profile_slot(iteration);
  double min_weight = 0;
  std::map<std::string, double> weight;
  for (const Workload& w : scenario_.workloads) {
    weight[w.name] = w.profile_weight;
    if (w.profile_weight > 0 && (min_weight == 0 || w.profile_weight < min_weight)) {
      min_weight = w.profile_weight;
    }
  }
  // Each input's samples and PGO total for the report; the merge library does the
  // weighting and the normalization (merge/merge_job.h).
  std::vector<merge::MergeInput> inputs;
  std::vector<ProfileInput*> merged_inputs;
  for (ProfileInput& in : slot.inputs) {
    const std::string path = dir_.absolute(in.path);
    const perftools::profiles::Profile profile = merge::read_profile_file(path);
    const std::optional<int> index = merge::pgo_sample_index(profile);
    if (!index) {
      throw Error("merge", path, "the profile has no samples/count or cpu/nanoseconds sample type",
                  "collect CPU profiles");
    }
    in.samples = profile.sample_size();
    in.pgo_weight = merge::sample_total(profile, *index);
    in.scale = weight[in.workload] / min_weight;
    if (in.pgo_weight == 0) {
      // Nothing to add (the collector warned); normalization scales it by 0.
      if (scenario_.profiling.normalize) in.scale = 0;
      continue;
    }
    inputs.push_back({path, in.scale});
    merged_inputs.push_back(&in);
  }
  const std::string out = dir_.merged_profile(iteration);
  if (inputs.empty()) {
    throw Error("merge", dir_.profile_dir(iteration),
                "iteration " + std::to_string(iteration) +
                    ": every collected profile is empty (no CPU samples)",
                "make the workloads run longer while profiled (at least a second of CPU work)");
  }
  merge::MergeJobOptions options;
  options.normalize = scenario_.profiling.normalize;
  options.require_pgo_usable = false;  // a profile PGO cannot use is a warning, below
  merge::MergeOutcome outcome = merge::run_merge_job(inputs, options);
  for (std::size_t i = 0; i < merged_inputs.size(); ++i) {
    merged_inputs[i]->scale = outcome.factors[i];
  }
  perftools::profiles::Profile& merged = outcome.profile;
  merge::PgoView view = merge::PgoView::from_profile(merged, out);
  merge::write_profile_file(merged, out);
  slot.merged_path = dir_.relative(out);
  slot.merged_sha256 = sha256_file_hex(out);
  slot.merged_size_bytes = static_cast<std::int64_t>(fs::file_size(out));
  slot.view = summarize_view(merged, view);
  if (view.total_weight() == 0) {
    add_warning("iteration " + std::to_string(iteration) +
                ": the merged profile has no call edges; PGO will change nothing");
  }
  slot.overlap_with_previous.reset();
  if (iteration >= 2) {
    const std::string prev = dir_.merged_profile(iteration - 1);
    merge::PgoView before = merge::PgoView::from_profile(merge::read_profile_file(prev), prev);
    merge::ViewOverlap o = merge::overlap(before, view);
    slot.overlap_with_previous = ProfileOverlap{o.hot_coverage, o.weighted_overlap, o.hot_jaccard};
  }
}

void PgoLoop::import_profile(int iteration) {
  const std::string source = iteration == 1 ? *options_.profile : *options_.candidate_profile;
  perftools::profiles::Profile p = merge::read_profile_file(source);
  merge::PgoView view = merge::PgoView::from_profile(p, source);
  const std::string out = dir_.merged_profile(iteration);
  fs::create_directories(fs::path(out).parent_path());
  pgo::write_file_atomically(out, merge::read_file_bytes(source));  // byte for byte
  IterationProfile& slot = profile_slot(iteration);
  slot.collected_from.clear();
  ProfileInput in;
  in.path = source;
  in.instance = 1;
  in.samples = p.sample_size();
  if (auto index = merge::pgo_sample_index(p)) in.pgo_weight = merge::sample_total(p, *index);
  in.sha256 = sha256_file_hex(out);  // the copy is byte for byte the given file
  in.window_seconds = static_cast<double>(p.duration_nanos()) / 1e9;
  slot.inputs = {in};
  slot.merged_path = dir_.relative(out);
  slot.merged_sha256 = sha256_file_hex(out);
  slot.merged_size_bytes = static_cast<std::int64_t>(fs::file_size(out));
  slot.view = summarize_view(p, view);
  if (view.total_weight() == 0) {
    add_warning("the given profile has no call edges; PGO will change nothing");
  }
  slot.overlap_with_previous.reset();
  if (iteration >= 2) {  // the candidate against the committed profile
    const std::string prev = dir_.merged_profile(iteration - 1);
    merge::PgoView before = merge::PgoView::from_profile(merge::read_profile_file(prev), prev);
    merge::ViewOverlap o = merge::overlap(before, view);
    slot.overlap_with_previous = ProfileOverlap{o.hot_coverage, o.weighted_overlap, o.hot_jaccard};
  }
}

void PgoLoop::trials() {
  // Counting workloads run in their own pass: a few runs under cachegrind (or the hardware
  // counters, by metric: run/workload_runner.h), stopped by the spread rule; timed
  // workloads keep the scenario's trial settings.
  std::vector<const Workload*> counted, timed;
  for (const Workload& w : scenario_.workloads) {
    (is_counting(w.metric) ? counted : timed).push_back(&w);
  }
  report_.trials.clear();
  if (!counted.empty()) trial_pass(counted, true);
  if (!timed.empty()) trial_pass(timed, false);
  // The report lists series in the scenario's workload order.
  std::stable_sort(report_.trials.begin(), report_.trials.end(),
                   [this](const TrialSeries& a, const TrialSeries& b) {
                     return workload_index(a.workload) < workload_index(b.workload);
                   });
}

std::size_t PgoLoop::workload_index(const std::string& name) const {
  for (std::size_t i = 0; i < scenario_.workloads.size(); ++i) {
    if (scenario_.workloads[i].name == name) return i;
  }
  return scenario_.workloads.size();
}

void PgoLoop::trial_pass(const std::vector<const Workload*>& workloads, bool counting) {
  std::vector<std::unique_ptr<WorkloadMeasurer>> runners;
  WorkloadTrialExecutor exec([this] { return observer_.stop_requested(); });
  BenchPlan plan;
  for (const Workload* w : workloads) {
    WorkloadContext context{tool_binaries(), dir_.workdir(w->name), dir_.trial_log_dir()};
    runners.push_back(collaborators_.runners->runner(*w, context));
    for (const BuildRecord& b : report_.builds) {
      plan.commands.push_back(exec.add(*runners.back(), b.label, dir_.absolute(b.binary)));
    }
  }
  const Counting& k = scenario_.counting;
  BenchOptions o;
  if (counting) {
    // Counts need no warm-up (no cache or frequency state carries over between runs).
    o.min_runs = static_cast<std::size_t>(k.min_runs);
    o.max_runs = static_cast<std::size_t>(k.max_runs);
    o.min_time_seconds = 0;
    o.spread_tolerance = k.tolerance;
  } else {
    o.warmup_runs = static_cast<std::size_t>(trials_.warmup);
    if (trials_.runs) {
      o.exact_runs = static_cast<std::size_t>(*trials_.runs);
    } else if (trials_.target_precision <= 0) {
      o.exact_runs = static_cast<std::size_t>(trials_.max_runs);  // "0: never early"
    } else {
      o.min_runs = static_cast<std::size_t>(trials_.min_runs);
      o.max_runs = static_cast<std::size_t>(trials_.max_runs);
      o.target_precision = trials_.target_precision;
    }
  }
  // Scenario: per workload, all builds together; the scheduler: per command.
  o.max_time_seconds = trials_.max_time_seconds / static_cast<double>(report_.builds.size());
  o.order =
      trials_.order == TrialOrder::kSequential ? RunOrder::kSequential : RunOrder::kInterleaved;
  o.seed = report_.trial_seed;
  o.alpha = trials_.alpha;
  o.pin_cpus = trials_.pin_cpu;
  TrialScheduler scheduler(exec, o);
  scheduler.on_progress([&](const SchedulerProgress& p) {
    observer_.trial_progress(p, plan.commands[p.command].name);
  });
  BenchResult result;
  try {
    result = scheduler.run(plan);
  } catch (...) {
    child_seconds_ += exec.child_seconds();
    throw;
  }
  child_seconds_ += exec.child_seconds();

  std::size_t index = 0;
  for (const auto& runner : runners) {
    const Workload& w = runner->workload();
    for (const BuildRecord& b : report_.builds) {
      TrialSeries t;
      t.workload = w.name;
      t.build = b.label;
      t.metric = to_string(w.metric);
      t.unit = runner->unit();
      // Interleaved order: the round of each run, so that the analysis compares the builds
      // round by round (the scheduler runs every build once per round).
      const std::vector<std::size_t>& rounds = result.commands[index].rounds;
      if (rounds.size() == exec.timed(index).size()) {
        t.rounds.assign(rounds.begin(), rounds.end());
      }
      double running_fraction = 1;  // of the hardware counters, over every run
      for (const WorkloadMeasurement& m : exec.timed(index)) {
        t.values.push_back(m.value);
        t.wall_seconds.push_back(m.wall_seconds);
        t.peak_rss_bytes.push_back(m.peak_rss_bytes);
        for (const auto& [name, units] : m.benchmarks) {
          for (const auto& [unit, value] : units) t.benchmarks[name][unit].push_back(value);
        }
        if (m.counts) {
          t.counts["instructions"].push_back(static_cast<double>(m.counts->instructions));
          t.counts["cycles_estimate"].push_back(m.counts->cycles_estimate);
          t.counts["l1_misses"].push_back(static_cast<double>(m.counts->l1_misses));
          t.counts["last_level_misses"].push_back(static_cast<double>(m.counts->last_level_misses));
          t.counts["branch_mispredicts"].push_back(
              static_cast<double>(m.counts->branch_mispredicts));
        }
        if (m.hardware_counts) {
          const HardwareCounts& c = *m.hardware_counts;
          running_fraction = std::min(running_fraction, c.running_fraction);
          t.counts["hw_instructions"].push_back(static_cast<double>(c.instructions));
          t.counts["hw_cycles"].push_back(static_cast<double>(c.cycles));
          t.counts["hw_branch_misses"].push_back(static_cast<double>(c.branch_misses));
          t.counts["hw_cache_misses"].push_back(static_cast<double>(c.cache_misses));
        }
      }
      if (running_fraction < 1) {
        char share[32];
        std::snprintf(share, sizeof share, "%.0f%%", running_fraction * 100);
        add_warning("trials: " + t.workload + "@" + t.build +
                    ": the hardware counters were multiplexed (some counted only " + share +
                    " of the time, scaled up): its counts are estimates; free the PMU (e.g. "
                    "sysctl kernel.nmi_watchdog=0) or count with cycles_estimate");
      }
      if (!t.values.empty()) {
        const SeriesStatistics stats = series_statistics(t.values);
        t.median = stats.median;
        if (stats.median_interval) {
          t.ci_lower = stats.median_interval->lower;
          t.ci_upper = stats.median_interval->upper;
        }
        t.relative_half_width = stats.precision;
        t.outliers = static_cast<std::int64_t>(stats.outliers.outlier_count);
      }
      if (counting) {
        for (const auto& [name, value] : counting_environment(scenario_, w)) {
          if (name == "GOMAXPROCS" || name == "GOGC" || name == "GOMEMLIMIT" || name == "GODEBUG") {
            t.run_settings[name] = value;
          }
        }
        if (w.kind == WorkloadKind::kGotest) {
          t.run_settings["benchtime"] = std::to_string(counting_iterations(scenario_, w)) + "x";
        }
        t.spread = relative_spread(t.values);
        if (t.spread) {
          t.deterministic = is_deterministic(*t.spread, count_rule());
          t.precision_reached = *t.deterministic && t.values.size() >= 2;
          if (!*t.deterministic) {
            char text[96];
            std::snprintf(text, sizeof text, "%.3f%% (tolerance %.3f%%)", *t.spread * 100,
                          k.tolerance * 100);
            add_warning("trials: " + t.workload + "@" + t.build + ": the " + t.metric +
                        " counts of its runs differ by " + text +
                        ": not deterministic; likely cause: " +
                        nondeterminism_cause(t.run_settings["GOMAXPROCS"], t.run_settings["GOGC"]) +
                        (is_hardware_counted(w.metric)
                             ? "; hardware counts also vary with interrupts, page faults and, for "
                               "cycles, the clock frequency and the state of caches shared with "
                               "other processes: prefer instructions or cycles_estimate"
                             : ""));
          }
        }
      } else {
        t.precision_reached = trials_.target_precision > 0 && t.relative_half_width &&
                              *t.relative_half_width <= trials_.target_precision;
        if (trials_.target_precision > 0 && !trials_.runs && !t.precision_reached) {
          char text[64];
          std::snprintf(text, sizeof text, "%.1f%%", trials_.target_precision * 100);
          add_warning("trials: " + t.workload + "@" + t.build +
                      " did not reach the target precision (" + text +
                      ") within max_runs or max_time_seconds");
        }
      }
      report_.trials.push_back(std::move(t));
      ++index;
    }
  }
}

CountRule PgoLoop::count_rule() const {
  CountRule rule;
  rule.spread_multiple = scenario_.counting.spread_multiple;
  rule.min_effect = scenario_.counting.min_effect;
  rule.tolerance = scenario_.counting.tolerance;
  return rule;
}

void PgoLoop::analysis() {
  report_.analysis =
      analyze_run(report_.builds, report_.trials, report_.profiles, scenario_.convergence,
                  trials_.alpha, report_.trial_seed, count_rule());
  for (const SlowedBenchmark& slowed : slowed_benchmarks(report_.analysis)) {
    add_warning(slowed_benchmark_warning(slowed));
  }
  // The user's cache is warm with whatever was built before, typically the -pgo=off
  // packages, while a new profile recompiles every package: the ratio would measure the
  // cache, not PGO (go_toolchain.h, "Build cache policy").
  if (options_.build_cache == BuildCache::kGo) {
    report_.analysis.build_times_comparable = false;
    add_warning(
        "build times are not comparable: the builds used the shared Go build cache "
        "(--build-cache go), so v0 may have reused cached packages while every PGO build "
        "recompiled them; use --build-cache run or fresh to measure PGO's build cost");
  }
  if (options_.emit_default_pgo && !report_.profiles.empty()) {
    const IterationProfile& last = report_.profiles.back();
    pgo::write_file_atomically(*options_.emit_default_pgo,
                               merge::read_file_bytes(dir_.absolute(last.merged_path)));
  }
}

// ---- the real collaborators ---------------------------------------------------------------

namespace {

class GoLoopBuilder : public LoopBuilder {
 public:
  GoLoopBuilder(std::string go_command, BuildCache cache, RunDirectory dir)
      : go_command_(std::move(go_command)), cache_(cache), dir_(std::move(dir)) {}

  std::string go_version() override { return go().toolchain().version(); }

  std::optional<VcsRevision> source_revision(const std::string& module_dir) override {
    return read_git_revision(module_dir);
  }

  void download_modules(const std::string& module_dir,
                        const std::map<std::string, std::string>& env, const std::string& log_path,
                        const std::vector<std::string>& build_flags) override {
    go().download_modules(module_dir, env, log_path, build_flags);
  }

  GoBuildResult build_tool(const GoBuildRequest& request) override {
    GoBuilder& go_builder = go();
    if (go_builder.cache_mode() != GoCacheMode::kFresh) return go_builder.build(request);
    if (!tools_) {
      tools_ = std::make_unique<GoBuilder>(go_builder.toolchain(), dir_.gocache() + "-tools",
                                           GoCacheMode::kShared);
    }
    return tools_->build(request);
  }

  GoBuildResult build(const GoBuildRequest& request) override { return go().build(request); }

 private:
  GoBuilder& go() {
    if (builder_) return *builder_;
    GoToolchain toolchain = GoToolchain::locate(go_command_);
    switch (cache_) {
      case BuildCache::kFresh:
        builder_ = std::make_unique<GoBuilder>(toolchain, dir_.gocache(), GoCacheMode::kFresh);
        break;
      case BuildCache::kRun:
        builder_ = std::make_unique<GoBuilder>(toolchain, dir_.gocache(), GoCacheMode::kShared);
        break;
      case BuildCache::kGo: {
        std::string cache = toolchain.env("GOCACHE");
        if (cache.empty() || cache == "off") cache = dir_.gocache();
        builder_ = std::make_unique<GoBuilder>(toolchain, cache, GoCacheMode::kShared);
        break;
      }
    }
    return *builder_;
  }

  std::string go_command_;
  BuildCache cache_;
  RunDirectory dir_;
  std::unique_ptr<GoBuilder> builder_;
  std::unique_ptr<GoBuilder> tools_;  // kFresh: the tools' shared cache
};

class ProcessProfiler : public WorkloadProfiler {
 public:
  explicit ProcessProfiler(const Scenario& scenario) : scenario_(scenario) {}

  CollectionResult collect(const Workload& workload, const WorkloadContext& context,
                           const std::string& binary, int instances,
                           const std::string& profile_dir) override {
    ProfileCollector collector(profile_dir, context.log_dir);
    return collect_workload_profiles(scenario_, workload, context, binary, instances, collector);
  }

 private:
  const Scenario& scenario_;
};

class ProcessRunners : public WorkloadRunners {
 public:
  explicit ProcessRunners(const Scenario& scenario) : scenario_(scenario) {}

  std::unique_ptr<WorkloadMeasurer> runner(const Workload& workload,
                                           WorkloadContext context) override {
    return std::make_unique<WorkloadRunner>(scenario_, workload, std::move(context),
                                            real_perf_syscalls());
  }

 private:
  const Scenario& scenario_;
};

}  // namespace

LoopCollaborators real_collaborators(const Scenario& scenario, BuildCache cache,
                                     const RunDirectory& dir) {
  LoopCollaborators c;
  c.builder = std::make_unique<GoLoopBuilder>(scenario.target.go, cache, dir);
  c.profiler = std::make_unique<ProcessProfiler>(scenario);
  c.runners = std::make_unique<ProcessRunners>(scenario);
  return c;
}

}  // namespace pgo::harness
